import LatchkeyDomain
import LatchkeyModel
import Logging

/// The access log: one `info` line per answered Query request, label `latchkey.access`, in the log format of the rest
/// (`--log-format`), switched by `--access-log on|off` (docs/logging.md).
///
/// Fields: `request-id`, `api` (`sts` or `iam`), `action` (a registered operation's name, else `-`), `principal`
/// (the caller's ARN; `-` for unsigned calls and failed authentication), `outcome` (`ok` or the AWS error code),
/// `status`, `latency-ms` (from the request's arrival at the endpoint to its response built) and `source-ip`
/// (`aws:SourceIp`: the client a trusted proxy forwarded for, else the peer). Nothing the caller sent is written
/// but the action when it names an operation: no parameter, no error message, no header, so never a secret.
///
/// The line is formatted on the request path and handed to an ``AccessLogWriter``, which writes off it.
struct AccessLog: RequestObserver {
    static let label = "latchkey.access"
    let format: LogFormat
    let writer: AccessLogWriter
    /// The time of a line (seconds and milliseconds since 1970, UTC).
    var now: @Sendable () -> (seconds: Int, milliseconds: Int) = { LogOutput.now() }

    func requestCompleted(_ request: CompletedRequest) {
        writer.append(Self.line(Self.fields(request), format: format, time: now()))
    }

    /// The fields, sorted by name.
    static func fields(_ request: CompletedRequest) -> [(String, Logger.MetadataValue)] {
        let (seconds, attoseconds) = request.duration.components
        let micros = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        return [
            ("action", .string(request.action ?? "-")),
            ("api", .string(request.api.signingService)),
            ("latency-ms", .stringConvertible(Double(micros) / 1000)),
            ("outcome", .string(request.error?.code.wireCode ?? "ok")),
            ("principal", .string(request.caller?.arn ?? "-")),
            ("request-id", .string(request.requestId)),
            ("source-ip", .string(request.metadata.sourceIp ?? "-")),
            ("status", .stringConvertible(request.status)),
        ]
    }

    /// The line as ``JSONLogHandler`` or swift-log's `StreamLogHandler` would write it for an `info` event with
    /// message `request` and these fields (the text form in UTC).
    static func line(
        _ fields: [(String, Logger.MetadataValue)], format: LogFormat, time: (seconds: Int, milliseconds: Int)
    ) -> String {
        var text = ""
        switch format {
        case .json:
            text = "{\"time\":\""
            JSONLogHandler.appendTimestamp(seconds: time.seconds, milliseconds: time.milliseconds, to: &text)
            text += "\",\"level\":\"info\",\"label\":\"\(label)\",\"message\":\"request\""
            for (key, value) in fields {
                text += ",\"\(key)\":"
                JSONLogHandler.appendValue(value, to: &text)
            }
            text += "}\n"
        case .text:
            JSONLogHandler.appendTimestamp(seconds: time.seconds, milliseconds: nil, to: &text)
            text += " info \(label) :"
            for (key, value) in fields {
                text += " \(key)=\(value)"
            }
            text += " [LatchkeyServer] request\n"
        }
        return text
    }
}
