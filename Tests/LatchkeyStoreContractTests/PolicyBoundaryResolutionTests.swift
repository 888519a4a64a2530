import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

/// How `effectivePolicies` resolves a boundary ARN stored as given (v1's user writes store it unchecked): the
/// account and the path must match exactly and the name case-insensitively, as `ManagedPolicyARN` splits it.
///
/// The PostgreSQL store joins the boundary inside its one statement by the ARN's last segment folded by
/// PostgreSQL's `lower`, then checks the row against the ARN as Swift parses and folds it; these cases pin that the
/// answer is the other stores' answer, including a name PostgreSQL may fold differently (non-ASCII) and paths that
/// share the name.
@Suite struct PolicyBoundaryResolutionTests {
    static let account = Fixture.accountId

    /// Boundary ARNs as given, and the stored policy each resolves to (nil: missing).
    static let cases: [(String, String?)] = [
        ("arn:aws:iam::123456789012:policy/b/Boundary", "arn:aws:iam::123456789012:policy/b/Boundary"),
        ("arn:aws:iam::123456789012:policy/b/BOUNDARY", "arn:aws:iam::123456789012:policy/b/Boundary"),
        ("arn:aws:iam::123456789012:policy/c/Boundary", nil),
        ("arn:aws:iam::123456789012:policy/B/Boundary", nil),
        ("arn:aws:iam::123456789012:policy/Boundary", nil),
        ("arn:aws:iam::123456789012:policy/b/x/Boundary", nil),
        ("arn:aws:iam::123456789012:policy/ÄRGER", "arn:aws:iam::123456789012:policy/Ärger"),
        ("arn:aws:iam::123456789012:policy/ärger", "arn:aws:iam::123456789012:policy/Ärger"),
        // Swift folds U+0130 to two scalars ("i" and a combining dot), PostgreSQL's lower to one: the PostgreSQL
        // store's statement finds nothing by the folded name and its exact lookup must find the policy.
        ("arn:aws:iam::123456789012:policy/İNCE", "arn:aws:iam::123456789012:policy/İnce"),
        ("arn:aws:iam::123456789012:policy/b/", nil),
        ("arn:aws:iam::210987654321:policy/b/Boundary", nil),
    ]

    static func insertPolicies(_ store: any LatchkeyStore) async throws {
        try await store.insertAccount(Account(id: Fixture.otherAccountId, createDate: Fixture.epoch))
        var theirs = Fixture.policy("Boundary", accountId: Fixture.otherAccountId, path: "/b/")
        theirs.policyId = "ANPATHEIRS0000000000"
        try await store.insertManagedPolicy(theirs, document: "{}")
        _ = try await Fixture.insertPolicy(store, "Boundary", path: "/b/", action: "b:Get")
        _ = try await Fixture.insertPolicy(store, "Ärger", action: "a:Get")
        _ = try await Fixture.insertPolicy(store, "İnce", action: "i:Get")
        _ = try await Fixture.insertPolicy(store, "Other", path: "/b/x/", action: "o:Get")
    }

    static func expectResolved(_ effective: EffectivePolicies, given arn: String, to expected: String?) {
        #expect(effective.permissionsBoundaryArn == arn)
        #expect(effective.permissionsBoundary?.identifier == expected)
        #expect(effective.isPermissionsBoundaryMissing == (expected == nil))
        if let expected {
            let actions = ["Boundary": "b:Get", "Ärger": "a:Get", "İnce": "i:Get"]
            let name = String(expected.split(separator: "/").last ?? "")
            #expect(effective.permissionsBoundary?.document == Fixture.document(actions[name] ?? "?"))
        }
    }

    @Test(
        "a user's boundary ARN resolves by exact account and path and case-insensitive name",
        arguments: StoreKind.allCases, cases)
    func userBoundary(kind: StoreKind, boundary: (String, String?)) async throws {
        try await withStore(kind) { store throws in
            try await Self.insertPolicies(store)
            var user = Fixture.user("alice")
            user.permissionsBoundaryArn = boundary.0
            try await store.insertUser(user)
            let effective = try await store.effectivePolicies(accountId: Self.account, principal: .user("ALICE"))
            Self.expectResolved(effective, given: boundary.0, to: boundary.1)
        }
    }

    @Test(
        "a role's boundary set through setPermissionsBoundary is stored canonical and resolves",
        arguments: StoreKind.allCases,
        [
            "arn:aws:iam::123456789012:policy/b/BOUNDARY", "arn:aws:iam::123456789012:policy/ÄRGER",
            "arn:aws:iam::123456789012:policy/İNCE",
        ])
    func roleBoundary(kind: StoreKind, given: String) async throws {
        try await withStore(kind) { store throws in
            try await Self.insertPolicies(store)
            try await store.insertRole(Fixture.role("Deployer"))
            try await store.setPermissionsBoundary(
                accountId: Self.account, principal: .role("deployer"), policyArn: given)
            let canonical = try #require(try await store.managedPolicy(arn: given)).arn
            let effective = try await store.effectivePolicies(accountId: Self.account, principal: .role("Deployer"))
            Self.expectResolved(effective, given: canonical, to: canonical)
            #expect(try await store.managedPolicy(arn: given)?.permissionsBoundaryUsageCount == 1)
        }
    }
}
