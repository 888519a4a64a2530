import CXMLSec
import LatchkeySAMLModel

/// One-time, process-wide initialisation of libxml2 and libxmlsec1 (OpenSSL backend).
///
/// Thread safety: libxml2 and xmlsec keep global registries (transform and key-data klasses, the entity loader,
/// the error callback) that are set up here exactly once, under Swift's lazy-global lock. After that every parse and
/// every verification uses its own `xmlDoc`, `xmlSecDSigCtx` and `xmlSecKey`, which libxml2 (built with thread
/// support) and xmlsec allow from any thread concurrently. Nothing here is ever shut down.
enum XMLSecLibrary {
    /// Whether initialisation succeeded. Read this before any libxml2 or xmlsec call.
    static let isReady: Bool = initialise()

    private static func initialise() -> Bool {
        xmlInitParser()
        // Never load an external entity or DTD, whatever a document asks for.
        xmlSetExternalEntityLoader { _, _, _ in nil }
        // Errors are reported through return codes; keep xmlsec from writing to stderr.
        xmlSecErrorsDefaultCallbackEnableOutput(0)
        guard xmlSecInit() == 0 else { return false }
        guard xmlSecOpenSSLAppInit(nil) == 0 else { return false }
        guard xmlSecOpenSSLInit() == 0 else { return false }
        return true
    }
}
