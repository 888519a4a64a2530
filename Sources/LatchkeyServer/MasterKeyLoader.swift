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

    /// A master key found (or generated) for this start.
    struct Loaded {
        var key: MasterKey
        /// Where it came from, for messages: `LATCHKEY_MASTER_KEY`, `the master key file PATH`, ...
        var source: String
        /// Set when the key was generated: the file to write it to once the store accepted it
        /// (``persist()``), so that a refused start leaves no key file behind.
        var pendingFile: String?

        /// Writes a generated key to its file (exclusively, mode 0600); does nothing for a key that was found.
        func persist() throws {
            guard let pendingFile else { return }
            try FileManager.default.createDirectory(
                atPath: (pendingFile as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            try MasterKeyLoader.create(pendingFile, contents: key.base64 + "\n")
        }
    }

    /// Whether the key comes from `<data-dir>/master.key`: it is given neither by the environment nor the file.
    static func usesDataDirectory(_ configuration: ServerConfiguration) -> Bool {
        configuration.masterKeyOverride == nil && configuration.file?.masterKey == nil
            && configuration.file?.masterKeyFile == nil
    }

    static func load(configuration: ServerConfiguration) throws -> Loaded {
        if let text = configuration.masterKeyOverride {
            return Loaded(key: try decode(text, source: "LATCHKEY_MASTER_KEY"), source: "LATCHKEY_MASTER_KEY")
        }
        if let text = configuration.file?.masterKey {
            let source = "masterKey in the configuration file"
            return Loaded(key: try decode(text, source: source), source: source)
        }
        if let path = configuration.file?.masterKeyFile {
            return Loaded(key: try read(path), source: "the master key file \(path)")
        }
        let path = (configuration.dataDirectory as NSString).appendingPathComponent(fileName)
        if FileManager.default.fileExists(atPath: path) {
            return Loaded(key: try read(path), source: "the master key file \(path)")
        }
        return Loaded(
            key: MasterKey.generate(), source: "a new key generated for \(path), as none was given",
            pendingFile: path)
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
    fileprivate static func create(_ path: String, contents: String) throws {
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
