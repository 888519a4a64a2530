import ArgumentParser
import LatchkeyServer

/// `serve`'s options for TLS, trusted proxies and the log format.
struct TransportOptions: ParsableArguments {
    /// Sets the transport settings from the flags, else the environment, else the file.
    func apply(to configuration: inout ServerConfiguration, environment: [String: String]) throws {}
}
