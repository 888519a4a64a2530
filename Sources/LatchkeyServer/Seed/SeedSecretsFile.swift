import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The file where the seed writes the secrets of the access keys it generates (the account's `secretsFile`): JSON
/// (which YAML reads too), mode 0600, replaced atomically (a temporary file in the same folder, renamed) each time a
/// key is added, so it is never seen half written. A secret is written there once and shown nowhere else.
///
/// ```json
/// {"generatedAccessKeys":[{"account":"111122223333","userName":"ci","accessKeyId":"AKIA…",
///   "secretAccessKey":"…","createDate":"2026-12-07T18:00:00Z"}]}
/// ```
public enum SeedSecretsFile {
    public struct Entry: Codable, Sendable, Equatable {
        public var account: String
        public var userName: String
        public var accessKeyId: String
        public var secretAccessKey: String
        public var createDate: String
    }

    struct Contents: Codable {
        var generatedAccessKeys: [Entry]
    }

    /// The entries of the file at `path` (none when it does not exist).
    public static func read(_ path: String) throws -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return try JSONDecoder().decode(Contents.self, from: data).generatedAccessKeys
    }

    /// Adds `entry` to the file (creating it), atomically, mode 0600.
    static func append(_ entry: Entry, to path: String) throws {
        var entries: [Entry]
        do {
            entries = try read(path)
        } catch {
            throw SeedApplier.Failure(
                line: nil, message: "secretsFile \(path) is not a secrets file the seed wrote; move it away")
        }
        entries.append(entry)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(Contents(generatedAccessKeys: entries))
        try writeAtomically(data, to: path)
    }

    /// Fails (before anything is applied) when the secrets file could not be written: its folder missing or not
    /// writable, or the file unreadable.
    static func checkWritable(_ path: String, line: Int?) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let directory = folder.isEmpty ? "." : folder
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
            access(directory, W_OK) == 0
        else {
            throw SeedApplier.Failure(
                line: line, message: "secretsFile \(path): the folder \(directory) is missing or not writable")
        }
        do {
            _ = try read(path)
        } catch {
            throw SeedApplier.Failure(
                line: line, message: "secretsFile \(path) is not a secrets file the seed wrote; move it away")
        }
    }

    private static func writeAtomically(_ data: Data, to path: String) throws {
        let temporary = "\(path).tmp-\(UInt64.random(in: 0...UInt64.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw SeedApplier.Failure(line: nil, message: "cannot create \(temporary): errno \(errno)")
        }
        let written = data.withUnsafeBytes { buffer in write(descriptor, buffer.baseAddress, buffer.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == data.count, synced == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw SeedApplier.Failure(line: nil, message: "cannot write the secrets file \(path): errno \(errno)")
        }
    }
}
