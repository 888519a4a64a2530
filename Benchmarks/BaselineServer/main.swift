// The benchmark's ceiling: a Hummingbird 2 server that answers every request on `/` with a fixed 400-byte
// XML body, doing no parsing, signing or storage. `Benchmarks/run.sh` compares latchkey against it.
//
//   latchkey-bench-baseline [--host 127.0.0.1] [--port 8081]

import Foundation
import Hummingbird

/// The value following `flag` on the command line, if any.
func argument(_ flag: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: flag), arguments.index(after: index) < arguments.endIndex else {
        return nil
    }
    return arguments[arguments.index(after: index)]
}

let host = argument("--host") ?? "127.0.0.1"
guard let port = Int(argument("--port") ?? "8081"), (0...65535).contains(port) else {
    print("usage: latchkey-bench-baseline [--host HOST] [--port PORT]")
    exit(2)
}

/// A GetCallerIdentity-shaped response padded to exactly 400 bytes.
let body: ByteBuffer = {
    let head = """
        <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>\
        <Arn>arn:aws:iam::111122223333:root</Arn><UserId>111122223333</UserId><Account>111122223333</Account>\
        </GetCallerIdentityResult><ResponseMetadata><RequestId>
        """
    let tail = "</RequestId></ResponseMetadata></GetCallerIdentityResponse>\n"
    let padding = String(repeating: "0", count: max(0, 400 - head.utf8.count - tail.utf8.count))
    return ByteBuffer(string: head + padding + tail)
}()

let router = Router()
let respond: @Sendable (Request, BasicRequestContext) async throws -> Response = { _, _ in
    Response(status: .ok, headers: [.contentType: "text/xml"], body: ResponseBody(byteBuffer: body))
}
router.get("/", use: respond)
router.post("/", use: respond)

let app = Application(
    router: router,
    configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "latchkey-bench-baseline")
)
try await app.runService()
