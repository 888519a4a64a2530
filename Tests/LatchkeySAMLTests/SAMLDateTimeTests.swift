import Foundation
@testable import LatchkeySAML
import Testing

@Suite struct SAMLDateTimeTests {
    @Test("UTC timestamps with and without fractions and offsets parse", arguments: [
        ("2025-06-01T12:00:00Z", 1_748_779_200.0),
        ("2025-06-01T12:00:00.250Z", 1_748_779_200.25),
        ("2025-06-01T14:00:00+02:00", 1_748_779_200.0),
        ("2024-02-29T00:00:00Z", 1_709_164_800.0),
    ])
    func parses(text: String, seconds: Double) {
        #expect(SAMLDateTime.parse(text) == Date(timeIntervalSince1970: seconds))
    }

    @Test("timestamps without a zone or out of range are refused", arguments: [
        "2025-06-01T12:00:00", "2025-02-29T00:00:00Z", "2025-06-01 12:00:00Z", "2025-13-01T00:00:00Z",
        "2025-06-01T24:00:00Z", "2025-06-01T12:00:00.Z", "2025-06-01T12:00:00Zjunk", "",
    ])
    func refuses(text: String) {
        #expect(SAMLDateTime.parse(text) == nil)
    }
}
