import Foundation
import LatchkeyBase
import Testing

/// SAML's timestamps (`xs:dateTime`), as `LatchkeySAML` reads them with ``ISO8601Parser/xmlSchema``.
@Suite struct XMLSchemaDateTimeTests {
    @Test(
        "UTC timestamps with and without fractions and offsets parse",
        arguments: [
            ("2025-06-01T12:00:00Z", 1_748_779_200.0),
            ("2025-06-01T12:00:00.250Z", 1_748_779_200.25),
            ("2025-06-01T14:00:00+02:00", 1_748_779_200.0),
            ("2024-02-29T00:00:00Z", 1_709_164_800.0),
        ])
    func parses(text: String, seconds: Double) {
        #expect(ISO8601Parser.xmlSchema.parse(text)?.date == Date(timeIntervalSince1970: seconds))
    }

    @Test(
        "timestamps without a zone or out of range are refused",
        arguments: [
            "2025-06-01T12:00:00", "2025-02-29T00:00:00Z", "2025-06-01 12:00:00Z", "2025-13-01T00:00:00Z",
            "2025-06-01T24:00:00Z", "2025-06-01T12:00:00.Z", "2025-06-01T12:00:00Zjunk", "",
        ])
    func refuses(text: String) {
        #expect(ISO8601Parser.xmlSchema.parse(text)?.date == nil)
    }
}
