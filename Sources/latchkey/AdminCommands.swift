import ArgumentParser
import Foundation
import LatchkeyClient

extension Latchkey {
    /// `latchkey admin`: operating a running deployment.
    struct Admin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Administer a running Latchkey deployment.",
            discussion: """
                Subcommands that call the server sign with the AWS default credential chain (as `latchkey creds` \
                does): AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, then the shared config and credentials files \
                (--profile or AWS_PROFILE). The endpoint is --endpoint-url, else AWS_ENDPOINT_URL_STS, else \
                AWS_ENDPOINT_URL, else the profile's endpoint_url. rotate-session-key and rotate-master-key work on \
                the store directly instead, with the store options and master key of `latchkey serve`; the running \
                nodes pick the change up within a second (docs/key-rotation.md).
                """,
            subcommands: [RevokeSessions.self, RotateSessionKey.self, RotateMasterKey.self]
        )
    }
}
