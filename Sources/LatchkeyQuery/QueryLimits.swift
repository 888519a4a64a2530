/// Hard bounds applied by ``QueryParameters/parse(_:limits:)`` to an
/// `application/x-www-form-urlencoded` body or query string.
///
/// The defaults are sized for STS and the IAM admin subset: the largest modelled member is a SAML
/// assertion (100 000 characters) or a web-identity token (20 000), so a value may be up to 200 000 decoded
/// bytes, and a whole form up to 512 KiB of encoded input. Exceeding any bound is an error, never a truncation.
public struct QueryLimits: Sendable, Hashable {
    /// The most non-empty `key=value` pairs accepted. Empty pairs (`&&`, trailing `&`) do not count.
    public var maxParameters: Int
    /// The longest key accepted, in decoded UTF-8 bytes.
    public var maxKeyLength: Int
    /// The longest value accepted, in decoded UTF-8 bytes.
    public var maxValueLength: Int
    /// The longest input accepted, in encoded bytes, checked before anything is decoded.
    public var maxInputLength: Int

    /// Creates limits; every argument defaults to the value in ``default``.
    public init(
        maxParameters: Int = 500,
        maxKeyLength: Int = 256,
        maxValueLength: Int = 200_000,
        maxInputLength: Int = 512 * 1024
    ) {
        self.maxParameters = maxParameters
        self.maxKeyLength = maxKeyLength
        self.maxValueLength = maxValueLength
        self.maxInputLength = maxInputLength
    }

    /// 500 parameters, 256-byte keys, 200 000-byte values, 512 KiB of input.
    public static let `default` = QueryLimits()
}
