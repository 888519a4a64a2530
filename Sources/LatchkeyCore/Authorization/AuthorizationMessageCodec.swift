import Foundation
import LatchkeyBase
public import LatchkeyModel
public import LatchkeyTokens

/// Seals `AuthorizationFailure`s into the opaque "encoded authorization failure message" that Latchkey appends to
/// every `AccessDenied`, and opens them for `DecodeAuthorizationMessage`. AES-256-GCM under a key derived from the
/// master key, like the session tokens, so only this deployment can read them and nobody can forge one.
public struct AuthorizationMessageCodec: Sendable {
    let box: SecretBox
    static let context = "authorization-message v1"
    /// The largest encoded message accepted (the model caps EncodedMessage at 10,240 characters).
    static let maximumEncodedLength = 10_240

    public init(masterKey: MasterKey) {
        // A derived 256-bit key always makes a box.
        self.box = SecretBox(key: masterKey.derivedKey(label: "latchkey authorization-message v1"))!
    }

    /// The encoded message for a failure (URL-safe base64 without padding, like AWS's).
    public func encode(_ failure: AuthorizationFailure) -> String {
        Base64.encodeURL(box.seal(Array(failure.json.utf8), context: Self.context))
    }

    /// The JSON of an encoded message.
    /// - Throws: `InvalidAuthorizationMessageException` for anything this deployment did not encode.
    public func decode(_ encoded: String) throws(STSError) -> String {
        let invalid = STSError(.invalidAuthorizationMessage, "The encoded authorization message is invalid.")
        guard encoded.utf8.count <= Self.maximumEncodedLength else { throw invalid }
        // The URL-safe alphabet, padding optional; the standard alphabet is read too, as it always was.
        var text = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.utf8.count % 4 != 0 { text += "=" }
        guard let sealed = Base64.decode(text, options: .allowingNonzeroTrailingBits) else { throw invalid }
        do {
            return String(decoding: try box.open(sealed, context: Self.context), as: UTF8.self)
        } catch {
            throw invalid
        }
    }

    /// `message` followed by AWS's "Encoded authorization failure message: ..." sentence.
    public func deniedMessage(_ message: String, failure: AuthorizationFailure) -> String {
        "\(message) Encoded authorization failure message: \(encode(failure))"
    }
}
