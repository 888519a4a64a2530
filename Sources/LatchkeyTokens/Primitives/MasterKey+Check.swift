import Crypto
import LatchkeyBase

extension MasterKey {
    /// HKDF purpose label of the key that computes ``checkValue``.
    public static let checkLabel = "latchkey master-key check v1"

    /// The fixed message whose MAC is the check value.
    static let checkMessage = Array("latchkey master-key check value".utf8)

    /// A 32-byte value that tells whether two master keys are the same without revealing either: HMAC-SHA256 of a
    /// fixed message under a key derived from the master key with the label ``checkLabel``.
    ///
    /// The store keeps the check value of the key its secrets are sealed under (`StoreSettingName.masterKeyCheck`);
    /// a node whose key gives another value refuses to start. The value is one-way: it neither is nor leads to the
    /// master key or any key derived for another purpose.
    public var checkValue: [UInt8] {
        let key = derivedKey(label: Self.checkLabel)
        return Array(HMAC<SHA256>.authenticationCode(for: Self.checkMessage, using: key))
    }

    /// Whether `stored` is this key's ``checkValue``, compared in constant time.
    public func matchesCheckValue(_ stored: [UInt8]) -> Bool {
        ConstantTime.equals(checkValue, stored)
    }
}
