import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

/// Managed policy versions: creation, the default, the five-version limit, deletion.
@Suite struct PolicyVersionStoreTests {
    @Test(
        "a new version is numbered next; it becomes the default only when asked; the update date follows it",
        arguments: StoreKind.allCases)
    func versionsAreNumberedAndDefaultMoves(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let arn = try await Fixture.insertPolicy(store, "P")
            let v2 = try await store.createPolicyVersion(
                policyArn: arn, document: Fixture.document("a:B"), setAsDefault: false,
                createDate: Fixture.date(plusSeconds: 1000)
            )
            #expect(
                v2
                    == PolicyVersion(
                        versionId: "v2", document: Fixture.document("a:B"), isDefaultVersion: false,
                        createDate: Fixture.date(plusSeconds: 1000)
                    ))
            var policy = try await store.managedPolicy(arn: arn)
            #expect(policy?.defaultVersionId == "v1")
            #expect(policy?.updateDate == Fixture.date(plusSeconds: 1000))

            let v3 = try await store.createPolicyVersion(
                policyArn: arn, document: Fixture.document("c:D"), setAsDefault: true,
                createDate: Fixture.date(plusSeconds: 2000)
            )
            #expect(v3.versionId == "v3")
            #expect(v3.isDefaultVersion)
            policy = try await store.managedPolicy(arn: arn)
            #expect(policy?.defaultVersionId == "v3")
            #expect(policy?.createDate == Fixture.policy("P").createDate)
            let versions = try await store.policyVersions(policyArn: arn)
            #expect(versions.map(\.versionId) == ["v3", "v2", "v1"])
            #expect(versions.map(\.isDefaultVersion) == [true, false, false])
        }
    }

    @Test(
        "setting the default version moves the flag; a missing version or policy is rejected with notFound",
        arguments: StoreKind.allCases)
    func setDefaultVersion(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let arn = try await Fixture.insertPolicy(store, "P")
            _ = try await store.createPolicyVersion(
                policyArn: arn, document: "{}", setAsDefault: false, createDate: Fixture.date(plusSeconds: 1)
            )
            try await store.setDefaultPolicyVersion(policyArn: arn, versionId: "v2")
            #expect(try await store.policyVersion(policyArn: arn, versionId: "v2")?.isDefaultVersion == true)
            #expect(try await store.policyVersion(policyArn: arn, versionId: "v1")?.isDefaultVersion == false)
            for versionId in ["v3", "v0", "v01", "2", "V2", "v2 ", "v99999999999"] {
                let error = await storeError {
                    try await store.setDefaultPolicyVersion(policyArn: arn, versionId: versionId)
                }
                #expect(error?.code == .notFound, "\(versionId)")
            }
            let error = await storeError {
                try await store.setDefaultPolicyVersion(policyArn: Fixture.policyArn("Ghost"), versionId: "v1")
            }
            #expect(error?.code == .notFound)
            #expect(try await store.managedPolicy(arn: arn)?.defaultVersionId == "v2")
        }
    }

    @Test("a missing version reads as nil; a missing policy is rejected with notFound", arguments: StoreKind.allCases)
    func missingVersionReads(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let arn = try await Fixture.insertPolicy(store, "P")
            #expect(try await store.policyVersion(policyArn: arn, versionId: "v2") == nil)
            #expect(try await store.policyVersion(policyArn: arn, versionId: "garbage") == nil)
            let error = await storeError {
                _ = try await store.policyVersion(policyArn: Fixture.policyArn("Ghost"), versionId: "v1")
            }
            #expect(error?.code == .notFound)
            let createError = await storeError {
                _ = try await store.createPolicyVersion(
                    policyArn: Fixture.policyArn("Ghost"), document: "{}", setAsDefault: true, createDate: Fixture.epoch
                )
            }
            #expect(createError?.code == .notFound)
        }
    }

    @Test(
        "a sixth version is rejected with limitExceeded; after a deletion numbers continue, never reused",
        arguments: StoreKind.allCases)
    func fiveVersionLimit(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let arn = try await Fixture.insertPolicy(store, "P")
            for second in 1...4 {
                _ = try await store.createPolicyVersion(
                    policyArn: arn, document: "{}", setAsDefault: false,
                    createDate: Fixture.date(plusSeconds: Double(second))
                )
            }
            let error = await storeError {
                _ = try await store.createPolicyVersion(
                    policyArn: arn, document: "{}", setAsDefault: true, createDate: Fixture.date(plusSeconds: 9)
                )
            }
            #expect(error?.code == .limitExceeded)
            #expect(try await store.managedPolicy(arn: arn)?.defaultVersionId == "v1")
            try await store.deletePolicyVersion(policyArn: arn, versionId: "v5")
            let next = try await store.createPolicyVersion(
                policyArn: arn, document: "{}", setAsDefault: false, createDate: Fixture.date(plusSeconds: 10)
            )
            #expect(next.versionId == "v6")
            #expect(try await store.policyVersions(policyArn: arn).map(\.versionId) == ["v6", "v4", "v3", "v2", "v1"])
        }
    }

    @Test("a custom version limit is honoured", arguments: StoreKind.allCases)
    func customVersionLimit(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let arn = try await Fixture.insertPolicy(store, "P")
            let error = await storeError {
                _ = try await store.createPolicyVersion(
                    policyArn: arn, document: "{}", setAsDefault: false, createDate: Fixture.epoch, maxVersions: 1
                )
            }
            #expect(error?.code == .limitExceeded)
        }
    }

    @Test(
        "deleting the default version is refused with conflict \"default version\"; other versions go",
        arguments: StoreKind.allCases)
    func defaultVersionCannotBeDeleted(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let arn = try await Fixture.insertPolicy(store, "P")
            _ = try await store.createPolicyVersion(
                policyArn: arn, document: "{}", setAsDefault: false, createDate: Fixture.date(plusSeconds: 1)
            )
            let error = await storeError { try await store.deletePolicyVersion(policyArn: arn, versionId: "v1") }
            #expect(error?.code == .conflict)
            #expect(error?.detail == "default version")
            try await store.deletePolicyVersion(policyArn: arn, versionId: "v2")
            #expect(try await store.policyVersions(policyArn: arn).map(\.versionId) == ["v1"])
            let again = await storeError { try await store.deletePolicyVersion(policyArn: arn, versionId: "v2") }
            #expect(again?.code == .notFound)
        }
    }
}
