public import Foundation

/// Why a request was denied, as `DecodeAuthorizationMessage` tells it: the decision, the statements that decided,
/// and the request's context. Rendered in AWS's JSON shape (with its `items` wrappers).
public struct AuthorizationFailure: Sendable, Equatable {
    public struct Statement: Sendable, Equatable {
        /// The policy that holds the statement (an ARN, or `user/NAME/inline/POLICY`-style for inline policies).
        public var policyId: String
        public var sid: String?
        public var effect: String

        public init(policyId: String, sid: String?, effect: String) {
            self.policyId = policyId
            self.sid = sid
            self.effect = effect
        }
    }

    public var allowed: Bool
    public var explicitDeny: Bool
    public var matchedStatements: [Statement]
    public var failures: [String]
    public var principalId: String
    public var principalName: String?
    public var principalArn: String
    public var action: String
    public var resource: String
    /// Condition keys of the request and their values, in a stable order.
    public var conditions: [(key: String, values: [String])]

    public init(
        allowed: Bool = false, explicitDeny: Bool, matchedStatements: [Statement] = [], failures: [String] = [],
        principalId: String, principalName: String?, principalArn: String, action: String, resource: String,
        conditions: [(key: String, values: [String])] = []
    ) {
        self.allowed = allowed
        self.explicitDeny = explicitDeny
        self.matchedStatements = matchedStatements
        self.failures = failures
        self.principalId = principalId
        self.principalName = principalName
        self.principalArn = principalArn
        self.action = action
        self.resource = resource
        self.conditions = conditions
    }

    public static func == (lhs: AuthorizationFailure, rhs: AuthorizationFailure) -> Bool {
        lhs.json == rhs.json
    }

    /// The decoded message, as AWS's `DecodedMessage`.
    public var json: String {
        var out = "{"
        out += "\"allowed\":\(allowed),\"explicitDeny\":\(explicitDeny),"
        out += "\"matchedStatements\":{\"items\":["
        out += matchedStatements.map { statement in
            var item = "{\"statementId\":\(JSONText.string(statement.sid ?? "")),\"effect\":\(JSONText.string(statement.effect))"
            item += ",\"principals\":{\"items\":[{\"value\":\(JSONText.string(principalId))}]}"
            item += ",\"source\":{\"policy\":{\"id\":\(JSONText.string(statement.policyId))}}}"
            return item
        }.joined(separator: ",")
        out += "]},\"failures\":{\"items\":["
        out += failures.map(JSONText.string).joined(separator: ",")
        out += "]},\"context\":{\"principal\":{\"id\":\(JSONText.string(principalId))"
        if let principalName { out += ",\"name\":\(JSONText.string(principalName))" }
        out += ",\"arn\":\(JSONText.string(principalArn))}"
        out += ",\"action\":\(JSONText.string(action)),\"resource\":\(JSONText.string(resource))"
        out += ",\"conditions\":{\"items\":["
        out += conditions.map { condition in
            "{\"key\":\(JSONText.string(condition.key)),\"values\":{\"items\":["
                + condition.values.map { "{\"value\":\(JSONText.string($0))}" }.joined(separator: ",") + "]}}"
        }.joined(separator: ",")
        out += "]}}}"
        return out
    }
}

/// Minimal JSON text output.
enum JSONText {
    static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
