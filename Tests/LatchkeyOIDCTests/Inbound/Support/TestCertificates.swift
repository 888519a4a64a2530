import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// A CA and a server certificate for 127.0.0.1/localhost, made at test time.
struct TestCertificates {
    let caCertificate: Certificate
    let serverChain: [Certificate]
    let serverKey: P256.Signing.PrivateKey

    /// A CA-issued leaf (chain: leaf, CA).
    static func caIssued() throws -> TestCertificates {
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName { CommonName("Latchkey Test CA") }
        let now = Date()
        let ca = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(caKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86_400, issuer: caName, subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                KeyUsage(keyCertSign: true, cRLSign: true)
            },
            issuerPrivateKey: .init(caKey)
        )
        let serverKey = P256.Signing.PrivateKey()
        let leaf = try makeLeaf(key: serverKey, issuerName: caName, issuerKey: caKey, now: now)
        return TestCertificates(caCertificate: ca, serverChain: [leaf, ca], serverKey: serverKey)
    }

    /// A self-signed leaf: its chain is the one certificate, which is also its "CA".
    static func selfSigned() throws -> TestCertificates {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("127.0.0.1") }
        let leaf = try makeLeaf(key: key, issuerName: name, issuerKey: key, now: Date())
        return TestCertificates(caCertificate: leaf, serverChain: [leaf], serverKey: key)
    }

    private static func makeLeaf(
        key: P256.Signing.PrivateKey, issuerName: DistinguishedName, issuerKey: P256.Signing.PrivateKey, now: Date
    ) throws -> Certificate {
        try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86_400, issuer: issuerName,
            subject: try DistinguishedName { CommonName("127.0.0.1") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                KeyUsage(digitalSignature: true)
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([
                    .dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                ])
            },
            issuerPrivateKey: .init(issuerKey)
        )
    }

    static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }

    /// The lowercase hex SHA-1 of a certificate, as registered in a ThumbprintList.
    static func thumbprint(_ certificate: Certificate) throws -> String {
        Insecure.SHA1.hash(data: try der(certificate)).map { String(format: "%02x", $0) }.joined()
    }

    func nioChain() throws -> [NIOSSLCertificateSource] {
        try serverChain.map { .certificate(try NIOSSLCertificate(bytes: Self.der($0), format: .der)) }
    }

    func nioKey() throws -> NIOSSLPrivateKey {
        try NIOSSLPrivateKey(bytes: Array(serverKey.pemRepresentation.utf8), format: .pem)
    }

    /// Writes the CA certificate as PEM into a fresh temporary file and returns its path.
    func writeCAFile() throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("latchkey-oidc-ca-\(UUID().uuidString).pem").path
        try caCertificate.serializeAsPEM().pemString.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
