import LatchkeyCore
import Logging
import ServiceLifecycle

/// Keeps the node's copy of the session revocations in step with the store besides the change feed: a reload
/// every 30 seconds (a backstop for a missed announcement) and, every 10 minutes, the deletion of revocations
/// whose sessions have all expired (``SessionRevocationSync``).
struct SessionRevocationService: Service {
    let sync: SessionRevocationSync
    let logger: Logger

    func run() async throws {
        let sync = sync
        let logger = logger
        await cancelWhenGracefulShutdown {
            await sync.run { error in
                logger.warning(
                    "session revocations could not be read from the store; the copy in memory is kept",
                    metadata: ["error": "\(error)"])
            }
        }
    }
}
