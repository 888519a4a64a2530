import CXMLSec

@testable import LatchkeySAML

/// An identity provider's RSA key and self-signed certificate, generated at test time with OpenSSL through xmlsec.
struct SAMLTestIdentity: Sendable {
    let privateKeyDER: [UInt8]
    let certificateDER: [UInt8]

    /// The provider the tests trust.
    static let trusted = SAMLTestIdentity.generate(commonName: "idp.example.com")
    /// Another provider the tests never trust (its certificate is still embedded in its signatures' KeyInfo).
    static let attacker = SAMLTestIdentity.generate(commonName: "attacker.example.net")

    static func generate(commonName: String) -> SAMLTestIdentity {
        precondition(XMLSecLibrary.isReady)
        guard
            let key = xmlSecKeyGenerate(
                xmlSecOpenSSLKeyDataRsaGetKlass(), 2048, xmlSecKeyDataType(xmlSecKeyDataTypePrivate)),
            let pkey = xmlSecOpenSSLKeyDataRsaGetEvp(xmlSecKeyGetValue(key)), let certificate = X509_new()
        else { fatalError("RSA key generation failed") }
        defer {
            xmlSecKeyDestroy(key)
            X509_free(certificate)
        }
        X509_set_version(certificate, 2)
        ASN1_INTEGER_set(X509_get_serialNumber(certificate), Int.random(in: 1...Int(Int32.max)))
        X509_gmtime_adj(X509_getm_notBefore(certificate), -86_400)
        X509_gmtime_adj(X509_getm_notAfter(certificate), 86_400 * 3650)
        X509_set_pubkey(certificate, pkey)
        let name = X509_get_subject_name(certificate)
        X509_NAME_add_entry_by_txt(name, "CN", 0x1001, commonName, -1, -1, 0)
        X509_set_issuer_name(certificate, name)
        guard X509_sign(certificate, pkey, EVP_sha256()) > 0 else { fatalError("certificate signing failed") }
        return SAMLTestIdentity(
            privateKeyDER: Self.der { i2d_PrivateKey(pkey, $0) },
            certificateDER: Self.der { i2d_X509(certificate, $0) }
        )
    }

    private static func der(_ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) -> [UInt8] {
        let length = Int(encode(nil))
        precondition(length > 0)
        var bytes = [UInt8](repeating: 0, count: length)
        bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            _ = encode(&cursor)
        }
        return bytes
    }

    /// A fresh xmlsec signing key with the certificate attached (so KeyInfo gets an X509Certificate).
    func signingKey() -> xmlSecKeyPtr {
        guard
            let key = privateKeyDER.withUnsafeBufferPointer({
                xmlSecOpenSSLAppKeyLoadMemory($0.baseAddress, .init($0.count), xmlSecKeyDataFormatDer, nil, nil, nil)
            }),
            certificateDER.withUnsafeBufferPointer({
                xmlSecOpenSSLAppKeyCertLoadMemory(key, $0.baseAddress, .init($0.count), xmlSecKeyDataFormatDer)
            }) == 0
        else { fatalError("loading the signing key failed") }
        return key
    }
}
