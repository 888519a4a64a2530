import Foundation
import LatchkeyBase
import LatchkeyDomain
import NIOCore

// The JSON side of LookupEvents: the request body into an `AuditQuery`, a page of records into the response.
extension LookupEventsEndpoint {
    /// What the request asks for: the query (its account is set by the caller), or Insights events.
    struct Parsed {
        var query: AuditQuery
        /// `EventCategory: insight`: answered with no events (this server records none).
        var insights = false
    }

    /// Reads the request body as CloudTrail does: an object whose known members are checked, unknown ones ignored,
    /// `null` members as absent; an empty body is `{}`.
    static func parse(_ body: ByteBuffer) throws(Failure) -> Parsed {
        let text = String(buffer: body)
        var parsed = Parsed(query: AuditQuery(accountId: nil, maxResults: maxResultsLimit))
        if text.allSatisfy(\.isWhitespace) { return parsed }
        let value: JSONValue
        do {
            value = try JSONReader.read(text, maxDepth: 8, maxNodes: 2000)
        } catch {
            throw Failure(type: "SerializationException", message: "The request body is not valid JSON.")
        }
        guard case .object(let object) = value else {
            throw Failure(type: "SerializationException", message: "The request body must be a JSON object.")
        }
        for member in object.members where member.value != .null {
            switch member.key {
            case "LookupAttributes":
                parsed.query.attribute = try lookupAttribute(member.value)
            case "StartTime":
                parsed.query.startTime = try timestamp(member.value, name: "StartTime")
            case "EndTime":
                parsed.query.endTime = try timestamp(member.value, name: "EndTime")
            case "MaxResults":
                guard case .number(let lexeme) = member.value, let number = Int(lexeme),
                    (1...maxResultsLimit).contains(number)
                else {
                    throw Failure(
                        type: "InvalidMaxResultsException",
                        message: "MaxResults must be a whole number from 1 to \(maxResultsLimit).")
                }
                parsed.query.maxResults = number
            case "NextToken":
                guard case .string(let token) = member.value else {
                    throw Failure(type: "SerializationException", message: "NextToken must be a string.")
                }
                parsed.query.pageToken = token
            case "EventCategory":
                guard case .string(let category) = member.value, category == "insight" else {
                    throw Failure(
                        type: "InvalidEventCategoryException",
                        message: "The only valid EventCategory is insight.")
                }
                parsed.insights = true
            default:
                continue
            }
        }
        if let start = parsed.query.startTime, let end = parsed.query.endTime, start > end {
            throw Failure(type: "InvalidTimeRangeException", message: "The start time must not be after the end time.")
        }
        return parsed
    }

    /// The lookup attributes: a list of at most one `{AttributeKey, AttributeValue}`.
    static func lookupAttribute(_ value: JSONValue) throws(Failure) -> AuditQuery.Attribute? {
        func invalid(_ message: String) -> Failure {
            Failure(type: "InvalidLookupAttributesException", message: message)
        }
        guard case .array(let items) = value else {
            throw Failure(type: "SerializationException", message: "LookupAttributes must be a list.")
        }
        guard items.count <= 1 else { throw invalid("You can specify at most one lookup attribute.") }
        guard let item = items.first else { return nil }
        guard case .object(let pair) = item, case .string(let key) = pair["AttributeKey"] ?? .null,
            case .string(let attributeValue) = pair["AttributeValue"] ?? .null
        else {
            throw invalid("A lookup attribute needs an AttributeKey and an AttributeValue, both strings.")
        }
        guard !attributeValue.isEmpty, attributeValue.count <= maxAttributeValueLength else {
            throw invalid("The AttributeValue must be 1 to \(maxAttributeValueLength) characters long.")
        }
        switch key {
        case "EventId": return .eventId(attributeValue)
        case "EventName": return .eventName(attributeValue)
        case "Username": return .username(attributeValue)
        case "AccessKeyId": return .accessKeyId(attributeValue)
        case "ResourceName": return .resourceName(attributeValue)
        case "ResourceType": return .resourceType(attributeValue)
        case "EventSource": return .eventSource(attributeValue)
        case "ReadOnly":
            switch attributeValue.lowercased() {
            case "true": return .readOnly(true)
            case "false": return .readOnly(false)
            default: throw invalid("The ReadOnly lookup attribute takes true or false.")
            }
        default:
            throw invalid(
                "The AttributeKey \(key.prefix(100)) is not valid: use EventId, EventName, ReadOnly, Username, "
                    + "ResourceType, ResourceName, EventSource or AccessKeyId.")
        }
    }

    /// A timestamp as the JSON protocol sends it: seconds since the Unix epoch, a number (a numeric string is taken
    /// too).
    static func timestamp(_ value: JSONValue, name: String) throws(Failure) -> Date {
        let lexeme: String
        switch value {
        case .number(let number): lexeme = number
        case .string(let text): lexeme = text
        default: throw Failure(type: "SerializationException", message: "\(name) must be a number of seconds.")
        }
        guard let seconds = Double(lexeme), seconds.isFinite else {
            throw Failure(type: "SerializationException", message: "\(name) must be a number of seconds.")
        }
        // Beyond ±3000 years of the epoch a time is no time CloudTrail can hold.
        guard abs(seconds) < 95_000_000_000 else {
            throw Failure(type: "InvalidTimeRangeException", message: "\(name) is outside the range of valid times.")
        }
        return Date(timeIntervalSince1970: seconds)
    }

    /// `{"Events": [...], "NextToken": "..."}`.
    static func render(_ page: AuditPage) -> String {
        let events = page.records.map { record -> JSONValue in
            var members: [JSONObject.Member] = [
                .init(key: "EventId", value: .string(record.eventId)),
                .init(key: "EventName", value: .string(record.eventName)),
                .init(key: "ReadOnly", value: .string(record.readOnly ? "true" : "false")),
            ]
            if let accessKeyId = record.accessKeyId {
                members.append(.init(key: "AccessKeyId", value: .string(accessKeyId)))
            }
            members.append(.init(key: "EventTime", value: .number(epochSeconds(record.eventTime))))
            members.append(.init(key: "EventSource", value: .string(record.eventSource)))
            if let username = record.username { members.append(.init(key: "Username", value: .string(username))) }
            let resources = record.resources.map { resource -> JSONValue in
                var pair: [JSONObject.Member] = []
                if let type = resource.type { pair.append(.init(key: "ResourceType", value: .string(type))) }
                pair.append(.init(key: "ResourceName", value: .string(resource.name)))
                return .object(JSONObject(members: pair))
            }
            members.append(.init(key: "Resources", value: .array(resources)))
            members.append(.init(key: "CloudTrailEvent", value: .string(record.cloudTrailEvent)))
            return .object(JSONObject(members: members))
        }
        var members: [JSONObject.Member] = [.init(key: "Events", value: .array(events))]
        if let token = page.nextPageToken { members.append(.init(key: "NextToken", value: .string(token))) }
        return JSONValue.object(JSONObject(members: members)).serialized
    }

    /// Seconds since the epoch as a JSON number, with milliseconds when there are any (`1700000000`,
    /// `1700000000.123`).
    static func epochSeconds(_ date: Date) -> String {
        let millis = StoredValueCoding.millis(date)
        let seconds = millis.quotientAndRemainder(dividingBy: 1000)
        guard seconds.remainder != 0 else { return String(seconds.quotient) }
        if millis < 0 { return String(format: "%.3f", Double(millis) / 1000) }
        let fraction = String(seconds.remainder)
        return "\(seconds.quotient)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
