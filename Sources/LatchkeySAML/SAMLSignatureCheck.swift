import CXMLSec
import LatchkeySAMLModel

/// Checks one `ds:Signature` element: its shape (one Reference to the element that contains it, allowed algorithms
/// and transforms only) and then the cryptography with libxmlsec1 against the trusted certificates only.
struct SAMLSignatureCheck {
    let signature: XMLNodePointer
    let signedElement: XMLNodePointer

    /// Refuses anything but `SignedInfo, SignatureValue, KeyInfo?` with exactly one Reference `#ID` to the element
    /// that contains the signature, where that ID resolves (through the registered IDs) to that very element.
    func checkShape(in doc: xmlDocPtr) throws(SAMLError) {
        guard let id = signedElement.attribute("ID"), !id.isEmpty else {
            throw SAMLError(.signatureWrapping, "The signed element has no ID")
        }
        let parts = signature.childElements
        guard parts.count == 2 || parts.count == 3,
            parts[0].isElement("SignedInfo", in: SAMLNamespace.dsig),
            parts[1].isElement("SignatureValue", in: SAMLNamespace.dsig),
            parts.count == 2 || parts[2].isElement("KeyInfo", in: SAMLNamespace.dsig)
        else {
            throw SAMLError(
                .signatureWrapping, "The signature must contain only SignedInfo, SignatureValue and KeyInfo")
        }
        let info = parts[0].childElements
        guard info.count == 3, info[0].isElement("CanonicalizationMethod", in: SAMLNamespace.dsig),
            info[1].isElement("SignatureMethod", in: SAMLNamespace.dsig),
            info[2].isElement("Reference", in: SAMLNamespace.dsig)
        else {
            throw SAMLError(.signatureWrapping, "The signature must have exactly one Reference")
        }
        try requireAlgorithm(of: info[0], in: DSigAlgorithm.canonicalizations, what: "canonicalization")
        try requireAlgorithm(of: info[1], in: DSigAlgorithm.signatureMethods, what: "signature")
        let reference = info[2]
        guard reference.attribute("URI") == "#" + id else {
            throw SAMLError(.signatureWrapping, "The signature does not reference the element that contains it")
        }
        guard let registered = xmlGetID(doc, id), registered.pointee.parent == signedElement else {
            throw SAMLError(.signatureWrapping, "The signature reference does not resolve to the signed element")
        }
        var referenceParts = reference.childElements
        if let first = referenceParts.first, first.isElement("Transforms", in: SAMLNamespace.dsig) {
            for transform in first.childElements {
                guard transform.isElement("Transform", in: SAMLNamespace.dsig) else {
                    throw SAMLError(.malformedResponse, "Transforms may contain only Transform elements")
                }
                try requireAlgorithm(of: transform, in: DSigAlgorithm.referenceTransforms, what: "transform")
                guard
                    transform.childElements.allSatisfy({
                        $0.isElement("InclusiveNamespaces", in: SAMLNamespace.excC14N)
                    })
                else {
                    throw SAMLError(.unsupportedAlgorithm, "Transform parameters other than InclusiveNamespaces")
                }
            }
            referenceParts.removeFirst()
        }
        guard referenceParts.count == 2, referenceParts[0].isElement("DigestMethod", in: SAMLNamespace.dsig),
            referenceParts[1].isElement("DigestValue", in: SAMLNamespace.dsig)
        else {
            throw SAMLError(.malformedResponse, "The signature reference is malformed")
        }
        try requireAlgorithm(of: referenceParts[0], in: DSigAlgorithm.digestMethods, what: "digest")
    }

    private func requireAlgorithm(of element: XMLNodePointer, in allowed: Set<String>, what: String) throws(SAMLError) {
        guard let algorithm = element.attribute("Algorithm"), allowed.contains(algorithm) else {
            throw SAMLError(.unsupportedAlgorithm, "The \(what) algorithm is not supported")
        }
    }

    /// Whether the signature verifies with one of the keys. Each attempt has its own context, and the key is set
    /// directly, so xmlsec never reads a key or certificate from the document's KeyInfo.
    func verifies(with keys: SAMLTrustedKeys) -> Bool {
        for certificate in keys.certificates {
            guard let key = SAMLTrustedKeys.loadKey(certificateDER: certificate) else { continue }
            guard let context = xmlSecDSigCtxCreate(nil) else {
                xmlSecKeyDestroy(key)
                continue
            }
            defer { xmlSecDSigCtxDestroy(context) }
            context.pointee.signKey = key
            context.pointee.enabledReferenceUris = xmlSecTransformUriType(xmlSecTransformUriTypeSameDocument)
            context.pointee.flags |= UInt32(XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS)
            guard Self.restrictTransforms(context) else { continue }
            guard xmlSecDSigCtxVerify(context, signature) == 0,
                context.pointee.status == xmlSecDSigStatusSucceeded,
                xmlSecPtrListGetSize(&context.pointee.signedInfoReferences) == 1
            else { continue }
            return true
        }
        return false
    }

    private static func restrictTransforms(_ context: xmlSecDSigCtxPtr) -> Bool {
        let references: [xmlSecTransformId?] = [
            xmlSecTransformEnvelopedGetKlass(), xmlSecTransformExclC14NGetKlass(),
            xmlSecTransformExclC14NWithCommentsGetKlass(), xmlSecOpenSSLTransformSha1GetKlass(),
            xmlSecOpenSSLTransformSha256GetKlass(), xmlSecOpenSSLTransformSha384GetKlass(),
            xmlSecOpenSSLTransformSha512GetKlass(),
        ]
        let signature: [xmlSecTransformId?] = [
            xmlSecTransformExclC14NGetKlass(), xmlSecTransformExclC14NWithCommentsGetKlass(),
            xmlSecOpenSSLTransformRsaSha1GetKlass(), xmlSecOpenSSLTransformRsaSha256GetKlass(),
            xmlSecOpenSSLTransformRsaSha384GetKlass(), xmlSecOpenSSLTransformRsaSha512GetKlass(),
            xmlSecOpenSSLTransformEcdsaSha256GetKlass(), xmlSecOpenSSLTransformEcdsaSha384GetKlass(),
            xmlSecOpenSSLTransformEcdsaSha512GetKlass(),
        ]
        for id in references where xmlSecDSigCtxEnableReferenceTransform(context, id) != 0 { return false }
        for id in signature where xmlSecDSigCtxEnableSignatureTransform(context, id) != 0 { return false }
        return true
    }
}

/// The provider's signing certificates (DER), the only keys a signature may verify with.
struct SAMLTrustedKeys {
    let certificates: [[UInt8]]

    /// The public key of a DER certificate as an xmlsec key, or `nil` if it is not a usable certificate.
    static func loadKey(certificateDER: [UInt8]) -> xmlSecKeyPtr? {
        guard XMLSecLibrary.isReady, !certificateDER.isEmpty, certificateDER.count < Int(UInt32.max) else { return nil }
        return certificateDER.withUnsafeBufferPointer { buffer in
            xmlSecOpenSSLAppKeyLoadMemory(
                buffer.baseAddress, .init(buffer.count), xmlSecKeyDataFormatCertDer, nil, nil, nil
            )
        }
    }
}
