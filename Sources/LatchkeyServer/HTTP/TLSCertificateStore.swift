import Logging
import NIOSSL
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The TLS context new connections get: loaded from the certificate and key files at start, and again on SIGHUP.
///
/// A connection takes the context current when it is accepted and keeps it: a reload changes only the connections
/// accepted after it. A reload that fails (a missing or malformed file, a key that does not match the certificate)
/// keeps the current context and says why. TLS 1.2 is the lowest version offered.
public final class TLSCertificateStore: Sendable {
    public let certificateFile: String
    public let keyFile: String
    private let current: Mutex<NIOSSLContext>

    /// An error loading the certificate or key, naming the file and the cause.
    public struct LoadError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Loads both files; throws ``LoadError`` when they cannot be served.
    public init(certificateFile: String, keyFile: String) throws(LoadError) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        current = Mutex(try Self.load(certificateFile: certificateFile, keyFile: keyFile))
    }

    /// The context for a new connection.
    var context: NIOSSLContext { current.withLock { $0 } }

    /// Reads both files again and uses them for new connections; on error the current context stays.
    public func reload() throws(LoadError) {
        let context = try Self.load(certificateFile: certificateFile, keyFile: keyFile)
        current.withLock { $0 = context }
    }

    static func load(certificateFile: String, keyFile: String) throws(LoadError) -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw LoadError(message: "the TLS certificate \(certificateFile) cannot be read as PEM: \(error)")
        }
        guard !chain.isEmpty else {
            throw LoadError(message: "the TLS certificate \(certificateFile) holds no PEM certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            // The key's bytes never reach the message: only the file's name and the library's error.
            throw LoadError(message: "the TLS key \(keyFile) cannot be read as a PEM private key: \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw LoadError(
                message:
                    "the TLS key \(keyFile) and certificate \(certificateFile) cannot be used together (does the key match the certificate?): \(error)"
            )
        }
    }
}

/// Reloads the TLS certificate and key on every SIGHUP while the server runs (without TLS it only waits for the
/// shutdown, and SIGHUP keeps its default action).
struct TLSReloadService: Service {
    let store: TLSCertificateStore?
    let logger: Logger
    /// SIGHUP, trapped when the service is made (before the server listens): a SIGHUP sent as soon as the server is
    /// up must not end the process with the signal's default action.
    let signals: UnixSignalsSequence?

    init(store: TLSCertificateStore?, logger: Logger) async {
        self.store = store
        self.logger = logger
        signals = store == nil ? nil : await UnixSignalsSequence(trapping: .sighup)
    }

    func run() async throws {
        guard let store, let signals else {
            try? await gracefulShutdown()
            return
        }
        for await _ in signals.cancelOnGracefulShutdown() {
            do {
                try store.reload()
                logger.notice(
                    "SIGHUP: reloaded the TLS certificate and key; new connections use them",
                    metadata: ["certificate": "\(store.certificateFile)", "key": "\(store.keyFile)"])
            } catch {
                logger.error(
                    "SIGHUP: the TLS certificate and key were not reloaded; the previous ones stay in use",
                    metadata: ["error": "\(error)"])
            }
        }
    }
}
