import Foundation
import LatchkeyCore
import LatchkeyModel
import LatchkeySQLite
import LatchkeyTestSupport
import LatchkeyTokens
import Testing

@testable import LatchkeyServer

/// The endpoint's operations against their declarations: every declared operation has exactly one handler, and
/// every handler serves a declared operation.
@Suite struct OperationRegistryTests {
    /// The registry the server builds, over a real (empty) store.
    static func serverRegistry(in directory: String) throws -> OperationRegistry {
        let store = try SQLiteIdentityStore(path: directory + "/registry.sqlite")
        let masterKey = MasterKey.generate()
        let secretBox = SecretBox(masterKey: masterKey)
        let keyRing = try SessionTokenKeyRing.derived(from: masterKey, activeKeyID: 1, acceptedKeyIDs: 1...1)
        let sts = SecurityTokenService(store: store, secretBox: secretBox, keyRing: keyRing)
        let iam = IAMService(store: store, secretBox: secretBox)
        return LatchkeyApplication.operations(sts: sts, iam: iam)
    }

    @Test("every declared STS and IAM operation has a handler, and every handler a declaration")
    func handlersMatchDeclarations() async throws {
        try await withTemporaryDirectory { directory in
            let registry = try Self.serverRegistry(in: directory)
            let declared = Set(OperationDeclaration.allSTS + OperationDeclaration.allIAM)
            let handled = Set(registry.declarations)
            #expect(declared.subtracting(handled).map(\.iamAction).sorted() == [], "declared without a handler")
            #expect(handled.subtracting(declared).map(\.iamAction).sorted() == [], "handled without a declaration")
            #expect(registry.declarations.count == handled.count)
        }
    }

    @Test("no operation is registered twice")
    func noDuplicateOrUndeclaredHandlers() async throws {
        try await withTemporaryDirectory { directory in
            let registry = try Self.serverRegistry(in: directory)
            #expect(registry.duplicates.map(\.iamAction) == [])
        }
    }

    @Test("a second registration of the same operation is reported")
    func duplicateRegistrationIsReported() {
        var registry = OperationRegistry()
        registry.on(GetCallerIdentityInput.self) { _, _ in GetCallerIdentityOutput() }
        #expect(registry.duplicates.isEmpty)
        registry.on(GetCallerIdentityInput.self) { _, _ in GetCallerIdentityOutput() }
        #expect(registry.duplicates.map(\.iamAction) == ["sts:GetCallerIdentity"])
    }

    @Test("only IAM operations that change state are writes (SimulatePrincipalPolicy and every Get/List read)")
    func accessComesFromTheDeclaration() {
        let writes = OperationDeclaration.allIAM.filter { $0.access == .write }.map(\.name)
        #expect(!writes.contains("SimulatePrincipalPolicy"))
        #expect(
            writes.contains("CreateRole") && writes.contains("TagRole") && writes.contains("UpdateAssumeRolePolicy"))
        #expect(!writes.contains { $0.hasPrefix("Get") || $0.hasPrefix("List") })
        #expect(OperationDeclaration.allSTS.allSatisfy { $0.access == .read })
    }
}
