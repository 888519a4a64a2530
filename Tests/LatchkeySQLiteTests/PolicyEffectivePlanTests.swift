import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

@testable import LatchkeySQLite

/// The SQL behind `effectivePolicies` (the authorizer's read). `@testable` for the query-plan hook.
@Suite struct PolicyEffectivePlanTests {
    @Test("the reads behind effectivePolicies are index searches, never table scans")
    func effectivePoliciesUseIndexes() async throws {
        try await withStore { store throws in
            let plan = try await store.effectivePoliciesPlan()
            #expect(!plan.isEmpty)
            #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
        }
    }
}
