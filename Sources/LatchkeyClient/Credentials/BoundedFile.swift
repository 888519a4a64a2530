import LatchkeyBase

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `read(2)`, under a name that the `read` methods below do not shadow.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int)
    -> Int
{
    read(descriptor, buffer, count)
}

/// Reads small local files (shared config files, web identity tokens) with a size cap.
enum BoundedFile {
    /// The bytes of the file at `path`, `nil` when it does not exist, or an `unreadableFile` error when it
    /// cannot be read or holds more than `limit` bytes.
    static func read(_ path: String, limit: Int) throws -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw CredentialProviderError(
                .unreadableFile, "cannot open \(path): \(String(cString: strerror(code)))")
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw CredentialProviderError(
                    .unreadableFile, "cannot read \(path): \(String(cString: strerror(code)))")
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > limit {
                throw CredentialProviderError(.unreadableFile, "\(path) is larger than \(limit) bytes")
            }
        }
    }

    /// The file at `path` as UTF-8 text, `nil` when it does not exist.
    static func readText(_ path: String, limit: Int) throws -> String? {
        guard let bytes = try read(path, limit: limit) else { return nil }
        guard let text = UTF8Validation.string(bytes) else {
            throw CredentialProviderError(.unreadableFile, "\(path) is not UTF-8 text")
        }
        return text
    }

    /// `path` with a leading `~` replaced by `HOME` from `environment`.
    static func expandTilde(_ path: String, environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/"),
            let home = environment["HOME"] ?? environment["USERPROFILE"],
            !home.isEmpty
        else { return path }
        return home + path.dropFirst()
    }
}

extension String {
    /// Without leading and trailing whitespace and line breaks.
    var trimmingProviderWhitespace: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
            let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}
