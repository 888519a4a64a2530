import LatchkeyDomain
import LatchkeyModel
import Logging

/// The access log: one `info` line per answered Query request on the `latchkey.access` logger, in the log format
/// of the rest (`--log-format`), switched by `--access-log on|off`.
///
/// Fields: `request-id`, `api` (`sts` or `iam`), `action` (a registered operation's name, else `-`), `principal`
/// (the caller's ARN; `-` for unsigned calls and failed authentication), `outcome` (`ok` or the AWS error code),
/// `status`, `latency-ms` (from the request's arrival at the endpoint to its response built) and `source-ip`
/// (`aws:SourceIp`: the client a trusted proxy forwarded for, else the peer). Nothing the caller sent is written
/// but the action when it names an operation: no parameter, no error message, no header, so never a secret.
struct AccessLog: RequestObserver {
    let logger: Logger

    /// `logger` is normally `Logger(label: "latchkey.access")` from the bootstrapped logging system.
    init(logger: Logger) {
        self.logger = logger
    }

    func requestCompleted(_ request: CompletedRequest) {
        // The metadata is an autoclosure: nothing is built when info is not logged.
        logger.info("request", metadata: Self.fields(request))
    }

    static func fields(_ request: CompletedRequest) -> Logger.Metadata {
        let (seconds, attoseconds) = request.duration.components
        let micros = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        return [
            "request-id": .string(request.requestId),
            "api": .string(request.api.signingService),
            "action": .string(request.action ?? "-"),
            "principal": .string(request.caller?.arn ?? "-"),
            "outcome": .string(request.error?.code.wireCode ?? "ok"),
            "status": .stringConvertible(request.status),
            "latency-ms": .stringConvertible(Double(micros) / 1000),
            "source-ip": .string(request.metadata.sourceIp ?? "-"),
        ]
    }
}
