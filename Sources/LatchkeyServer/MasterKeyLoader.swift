import Foundation
import LatchkeyCore
import LatchkeyTokens

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds the master key: the environment override, then the configuration file (`masterKey`, `masterKeyFile`),
/// then `<data-dir>/master.key`, created with mode 0600 on first start.
enum MasterKeyLoader {
    struct LoadError: Error, CustomStringConvertible {
        var description: String
    }

    static let fileName = "master.key"

    static func load(configuration: ServerConfiguration) throws -> (key: MasterKey, created: Bool) {
        if let text = configuration.masterKeyOverride {
            return (try decode(text, source: "LATCHKEY_MASTER_KEY"), false)
        }
        if let text = configuration.file?.masterKey {
            return (try decode(text, source: "masterKey in the configuration file"), false)
        }
        if let path = configuration.file?.masterKeyFile {
            return (try read(path), false)
        }
        let path = (configuration.dataDirectory as NSString).appendingPathComponent(fileName)
        if FileManager.default.fileExists(atPath: path) {
            return (try read(path), false)
        }
        let key = MasterKey.generate()
        try create(path, contents: key.base64 + "\n")
        return (key, true)
    }

    private static func decode(_ text: String, source: String) throws -> MasterKey {
        guard let key = try? MasterKey(base64: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw LoadError(description: "\(source) is not a base64-encoded 32-byte key")
        }
        return key
    }

    private static func read(_ path: String) throws -> MasterKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "cannot read the master key file \(path)")
        }
        return try decode(String(decoding: data, as: UTF8.self), source: "the master key file \(path)")
    }

    /// Creates the file exclusively with mode 0600, so the key is never readable by others, not even briefly.
    private static func create(_ path: String, contents: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw LoadError(
                description: "cannot create the master key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            throw LoadError(description: "cannot write the master key file \(path)")
        }
    }
}
