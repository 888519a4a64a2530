import Foundation
import LatchkeyBase

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
            var item =
                "{\"statementId\":\(JSONValue.quoted(statement.sid ?? "")),\"effect\":\(JSONValue.quoted(statement.effect))"
            item += ",\"principals\":{\"items\":[{\"value\":\(JSONValue.quoted(principalId))}]}"
            item += ",\"source\":{\"policy\":{\"id\":\(JSONValue.quoted(statement.policyId))}}}"
            return item
        }.joined(separator: ",")
        out += "]},\"failures\":{\"items\":["
        out += failures.map(JSONValue.quoted).joined(separator: ",")
        out += "]},\"context\":{\"principal\":{\"id\":\(JSONValue.quoted(principalId))"
        if let principalName { out += ",\"name\":\(JSONValue.quoted(principalName))" }
        out += ",\"arn\":\(JSONValue.quoted(principalArn))}"
        out += ",\"action\":\(JSONValue.quoted(action)),\"resource\":\(JSONValue.quoted(resource))"
        out += ",\"conditions\":{\"items\":["
        out += conditions.map { condition in
            "{\"key\":\(JSONValue.quoted(condition.key)),\"values\":{\"items\":["
                + condition.values.map { "{\"value\":\(JSONValue.quoted($0))}" }.joined(separator: ",") + "]}}"
        }.joined(separator: ",")
        out += "]}}}"
        return out
    }
}
