import LatchkeyDomain
import Testing

/// The resources column's JSON, now written without `JSONEncoder`: every name reads back as it was.
@Suite struct AuditResourceCodingTests {
    @Test("resources with quotes, backslashes, control characters and Unicode read back unchanged")
    func roundTrip() throws {
        let names = [
            "plain", "", "quote \" and \\ backslash", "line\nbreak\ttab\r", "\u{0}\u{1}\u{1F}\u{7F}", "é 漢字 🙂",
            "arn:aws:iam::123456789012:role/path/Admin", "{\"json\":[1]}",
        ]
        for name in names {
            let resources = [
                AuditRecord.Resource(type: "AWS::IAM::Role", name: name),
                AuditRecord.Resource(type: nil, name: name + "x"),
                AuditRecord.Resource(type: name, name: "n"),
            ]
            let json = try AuditResourceCoding.json(resources)
            #expect(try AuditResourceCoding.resources(json: json, table: "t") == resources)
        }
        #expect(try AuditResourceCoding.json([]) == "[]")
        #expect(
            try AuditResourceCoding.json([.init(type: "T", name: "a\"b"), .init(type: nil, name: "c\u{1}")])
                == #"[{"type":"T","name":"a\"b"},{"name":"c\u0001"}]"#)
    }
}
