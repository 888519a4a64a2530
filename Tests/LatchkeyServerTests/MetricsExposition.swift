import Foundation
import Testing

/// A small, strict reader of Prometheus's text exposition format (version 0.0.4), enough for the metrics tests: `#
/// HELP` and `# TYPE` lines, samples with or without labels (escaped label values), and the checks a scraper makes
/// (each sample's family typed before it, histogram buckets cumulative and ending with `+Inf` = `_count`).
struct MetricsExposition {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct ParseError: Error, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "line \(line): \(message)" }
    }

    var types: [String: String] = [:]
    var help: [String: String] = [:]
    var samples: [Sample] = []

    /// Parses `text` and checks it is well formed.
    static func parse(_ text: String) throws -> MetricsExposition {
        var exposition = MetricsExposition()
        var seenFamilies = Set<String>()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                guard parts.count >= 3, parts[0] == "#" else { continue }
                let family = String(parts[2])
                switch parts[1] {
                case "TYPE":
                    guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3])
                    else { throw ParseError(line: number, message: "bad TYPE line: \(line)") }
                    guard exposition.types[family] == nil, !seenFamilies.contains(family) else {
                        throw ParseError(line: number, message: "TYPE of \(family) given twice or after its samples")
                    }
                    exposition.types[family] = String(parts[3])
                case "HELP":
                    exposition.help[family] = parts.count == 4 ? String(parts[3]) : ""
                default:
                    continue
                }
                continue
            }
            let sample = try parseSample(Substring(line), line: number)
            let family = exposition.family(of: sample.name)
            guard exposition.types[family] != nil else {
                throw ParseError(line: number, message: "sample \(sample.name) has no TYPE line before it")
            }
            seenFamilies.insert(family)
            exposition.samples.append(sample)
        }
        try exposition.checkHistograms()
        return exposition
    }

    /// The family a sample belongs to (`x_bucket`, `x_sum`, `x_count` of a histogram `x`).
    func family(of name: String) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] == "histogram" { return base }
        }
        return name
    }

    /// The value of the sample named `name` with exactly `labels`, or nil.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// The sum of the samples named `name` whose labels include `labels`.
    func sum(_ name: String, matching labels: [String: String] = [:]) -> Double {
        samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }.reduce(0) { $0 + $1.value }
    }

    /// Every histogram's buckets are cumulative, and its `+Inf` bucket equals its `_count`.
    private func checkHistograms() throws {
        for (family, type) in types where type == "histogram" {
            var series: [[String: String]: [(bound: Double, count: Double)]] = [:]
            for sample in samples where sample.name == family + "_bucket" {
                var labels = sample.labels
                guard let le = labels.removeValue(forKey: "le") else {
                    throw ParseError(line: 0, message: "\(family)_bucket without le")
                }
                let bound = le == "+Inf" ? Double.infinity : Double(le)
                guard let bound else { throw ParseError(line: 0, message: "\(family): le=\(le) is not a number") }
                series[labels, default: []].append((bound, sample.value))
            }
            for (labels, buckets) in series {
                let sorted = buckets.sorted { $0.bound < $1.bound }
                for (lower, upper) in zip(sorted, sorted.dropFirst()) where upper.count < lower.count {
                    throw ParseError(line: 0, message: "\(family)\(labels): buckets are not cumulative")
                }
                guard sorted.last?.bound == .infinity, let count = value(family + "_count", labels),
                    sorted.last?.count == count, value(family + "_sum", labels) != nil
                else {
                    throw ParseError(line: 0, message: "\(family)\(labels): no +Inf bucket equal to _count, or no _sum")
                }
            }
        }
    }

    private static func parseSample(_ line: Substring, line number: Int) throws -> Sample {
        var rest = line[...]
        let nameEnd = rest.firstIndex { $0 == "{" || $0 == " " } ?? rest.endIndex
        let name = String(rest[..<nameEnd])
        guard isMetricName(name) else { throw ParseError(line: number, message: "bad metric name in: \(line)") }
        rest = rest[nameEnd...]
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                guard let equals = rest.firstIndex(of: "=") else {
                    throw ParseError(line: number, message: "bad label in: \(line)")
                }
                let labelName = String(rest[..<equals])
                guard isLabelName(labelName), labels[labelName] == nil else {
                    throw ParseError(line: number, message: "bad or repeated label name \(labelName)")
                }
                rest = rest[rest.index(after: equals)...]
                guard rest.first == "\"" else { throw ParseError(line: number, message: "unquoted label value") }
                rest = rest.dropFirst()
                var value = ""
                while true {
                    guard let character = rest.first else {
                        throw ParseError(line: number, message: "unterminated label value")
                    }
                    rest = rest.dropFirst()
                    if character == "\"" { break }
                    if character == "\\" {
                        guard let escaped = rest.first else { throw ParseError(line: number, message: "bad escape") }
                        rest = rest.dropFirst()
                        switch escaped {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: throw ParseError(line: number, message: "bad escape \\\(escaped)")
                        }
                    } else {
                        value.append(character)
                    }
                }
                labels[labelName] = value
                if rest.first == "," { rest = rest.dropFirst() }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { throw ParseError(line: number, message: "no value in: \(line)") }
        let fields = rest.dropFirst().split(separator: " ")
        guard (1...2).contains(fields.count), let value = Double(fields[0]) ?? special(fields[0]) else {
            throw ParseError(line: number, message: "bad value in: \(line)")
        }
        return Sample(name: name, labels: labels, value: value)
    }

    private static func special(_ text: Substring) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: nil
        }
    }

    private static func isMetricName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: ":"):
                true
            default: false
            }
        }
    }

    private static func isLabelName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains(":") && isMetricName(name)
    }
}
