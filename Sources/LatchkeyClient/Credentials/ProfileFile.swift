/// One profile from the shared config and credentials files.
///
/// Keys are lower-cased (as botocore's parser does). A key whose value is empty and is followed by indented
/// `key = value` lines (`s3 =\n  max_concurrency = 10`) is a sub-section, kept in `subsections`.
public struct Profile: Sendable, Hashable {
    /// The profile name (`default`, or `NAME` from `[profile NAME]` / `[NAME]`).
    public var name: String
    /// Plain `key = value` settings.
    public var properties: [String: String]
    /// Nested settings: `s3 =` followed by indented `max_concurrency = 10` gives `["s3": ["max_concurrency": "10"]]`.
    public var subsections: [String: [String: String]]

    /// A profile from its parts.
    public init(
        name: String, properties: [String: String] = [:], subsections: [String: [String: String]] = [:]
    ) {
        self.name = name
        self.properties = properties
        self.subsections = subsections
    }

    /// The value of `key` (lower-cased), or `nil` when absent or empty.
    public subscript(key: String) -> String? {
        guard let value = properties[key.lowercased()], !value.isEmpty else { return nil }
        return value
    }

    /// This profile with `other`'s settings laid over it (`other` wins key by key).
    func merged(over other: Profile) -> Profile {
        var result = other
        result.properties.merge(properties) { _, mine in mine }
        result.subsections.merge(subsections) { theirs, mine in theirs.merging(mine) { _, new in new } }
        return result
    }
}

/// Which shared file a text comes from: the two differ in how sections name profiles.
public struct ProfileFileKind: Sendable, Hashable {
    fileprivate let isConfig: Bool

    /// `~/.aws/config`: profiles are `[profile NAME]` and `[default]`; other sections
    /// (`[sso-session ...]`, `[services ...]`, bare `[NAME]`) are ignored.
    public static let config = ProfileFileKind(isConfig: true)
    /// `~/.aws/credentials`: every section `[NAME]` is a profile.
    public static let credentials = ProfileFileKind(isConfig: false)
}

/// The INI dialect of the AWS shared config and credentials files, following botocore's rules.
///
/// - `[section]` headers; in the config file `[profile NAME]` and `[default]` are profiles.
/// - `key = value` lines (only `=` separates); keys are lower-cased, keys and values trimmed.
/// - Whole-line comments start with `#` or `;`; inline comments start with ` #` or ` ;` (whitespace first),
///   so `http://host/#x` stays intact.
/// - An indented line after a property continues it: after an empty value it is a `key = value` of a
///   sub-section, otherwise it is appended to the value on a new line.
/// - A section header repeated later in the file merges into the first one; a repeated key wins.
/// - Anything else (a property outside a section, a line without `=`, an unclosed header) is an error
///   naming the file and line.
public enum ProfileFileParser {
    /// Parses `text` from the file named `fileName` (used in errors) into profiles keyed by name.
    public static func parse(_ text: String, kind: ProfileFileKind, fileName: String) throws
        -> [String: Profile]
    {
        var profiles: [String: Profile] = [:]
        var current: String?  // the profile receiving properties; nil inside an ignored section
        var inSection = false
        var lastKey: String?  // the property that an indented line would continue
        var lastKeyIsSubsection = false

        func fail(_ lineNumber: Int, _ reason: String) -> CredentialProviderError {
            CredentialProviderError(.malformedProfileFile, "\(fileName), line \(lineNumber): \(reason)")
        }

        for (index, rawLine) in text.split(
            omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }
        ).enumerated() {
            let lineNumber = index + 1
            var line = Substring(rawLine)
            if line.last == "\r" { line = line.dropLast() }
            let trimmed = line.trimmingProfileWhitespace()
            if trimmed.isEmpty {
                lastKey = nil
                continue
            }
            if trimmed.first == "#" || trimmed.first == ";" { continue }

            let indented = line.first == " " || line.first == "\t"
            if indented, let key = lastKey {
                let content = stripInlineComment(trimmed)
                guard let name = current else { continue }
                if lastKeyIsSubsection {
                    guard let (subKey, subValue) = splitProperty(content) else {
                        throw fail(lineNumber, "expected 'key = value' in the sub-section '\(key)'")
                    }
                    profiles[name, default: Profile(name: name)].subsections[key, default: [:]][subKey] =
                        subValue
                } else {
                    let previous = profiles[name]?.properties[key] ?? ""
                    profiles[name, default: Profile(name: name)].properties[key] = previous + "\n" + content
                }
                continue
            }

            if trimmed.first == "[" {
                let header = stripInlineComment(trimmed)
                guard header.last == "]", header.count >= 2 else {
                    throw fail(lineNumber, "a section header must end with ']'")
                }
                let sectionName = header.dropFirst().dropLast().trimmingProfileWhitespace()
                guard !sectionName.isEmpty else { throw fail(lineNumber, "empty section name") }
                inSection = true
                lastKey = nil
                current = profileName(forSection: sectionName, kind: kind)
                if let current, profiles[current] == nil { profiles[current] = Profile(name: current) }
                continue
            }

            guard inSection else {
                throw fail(lineNumber, "a setting must follow a section header such as [default]")
            }
            guard let (key, value) = splitProperty(stripInlineComment(trimmed)) else {
                throw fail(lineNumber, "expected 'key = value' or a section header")
            }
            lastKey = key
            lastKeyIsSubsection = value.isEmpty
            if let name = current {
                profiles[name, default: Profile(name: name)].properties[key] = value
            }
        }
        return profiles
    }

    /// The profile a section header names, or `nil` for sections that are not profiles.
    static func profileName(forSection section: Substring, kind: ProfileFileKind) -> String? {
        guard kind.isConfig else { return String(section) }
        if section == "default" { return "default" }
        guard section.hasPrefix("profile"), let separator = section.dropFirst("profile".count).first,
            separator == " " || separator == "\t"
        else { return nil }
        let name = section.dropFirst("profile".count).trimmingProfileWhitespace()
        return name.isEmpty ? nil : String(name)
    }

    /// `key = value` split at the first `=`, trimmed, key lower-cased; `nil` without `=` or with an empty key.
    static func splitProperty(_ text: Substring) -> (String, String)? {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let key = text[..<equals].trimmingProfileWhitespace()
        guard !key.isEmpty else { return nil }
        let value = text[text.index(after: equals)...].trimmingProfileWhitespace()
        return (key.lowercased(), String(value))
    }

    /// `text` up to the first `#` or `;` that follows whitespace, trimmed.
    static func stripInlineComment(_ text: Substring) -> Substring {
        var previousWasSpace = false
        for index in text.indices {
            let character = text[index]
            if previousWasSpace && (character == "#" || character == ";") {
                return text[..<index].trimmingProfileWhitespace()
            }
            previousWasSpace = character == " " || character == "\t"
        }
        return text
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    func trimmingProfileWhitespace() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
