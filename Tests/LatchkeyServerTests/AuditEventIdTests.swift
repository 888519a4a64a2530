import Foundation
import Testing

@testable import LatchkeyServer

/// Event IDs are version-7 UUIDs: lower case, the event time's milliseconds first, random after.
@Suite struct AuditEventIdTests {
    @Test("an event ID is a lower-case version-7 UUID whose first 48 bits are the event time in milliseconds")
    func shape() throws {
        let time = Date(timeIntervalSince1970: 1_796_601_600.125)
        let id = AuditTrail.newEventId(at: time)
        let uuid = try #require(UUID(uuidString: id))
        #expect(uuid.uuidString.lowercased() == id)
        #expect(id.count == 36)
        let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
        let millis = bytes[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(millis == 1_796_601_600_125)
        #expect(bytes[6] >> 4 == 7)
        #expect(bytes[8] >> 6 == 0b10)
    }

    @Test("IDs of one millisecond differ, and IDs of later milliseconds sort after earlier ones")
    func uniqueAndOrdered() {
        let time = Date(timeIntervalSince1970: 1_796_601_600)
        let ids = (0..<10_000).map { _ in AuditTrail.newEventId(at: time) }
        #expect(Set(ids).count == ids.count)
        var previous = ""
        for step in 0..<1000 {
            let id = AuditTrail.newEventId(at: time.addingTimeInterval(Double(step) * 0.002))
            #expect(id > previous)
            previous = id
        }
        #expect(AuditTrail.newEventId(at: Date(timeIntervalSince1970: -5)).hasPrefix("00000000-0000-7"))
    }
}
