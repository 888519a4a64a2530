import LatchkeyCore
import Logging
import ServiceLifecycle

/// Runs the node's ``ChangeFeed`` (a poll of the store's change sequence every 200 ms) until the server stops.
struct ChangeFeedService: Service {
    let feed: ChangeFeed

    func run() async throws {
        let feed = feed
        await cancelWhenGracefulShutdown {
            await feed.run()
        }
    }

    /// The feed's events as log lines: an unreachable store once (and its return), a failed announcement each time.
    static func logging(to logger: Logger) -> @Sendable (ChangeFeed.Event) -> Void {
        { event in
            switch event {
            case .pollFailed(let error):
                logger.warning(
                    "store unreachable: changes made by other nodes are not seen until it answers; cached entries are served meanwhile",
                    metadata: ["error": "\(error)"])
            case .recovered:
                logger.notice("store reachable again: caches dropped, changes made meanwhile are seen")
            case .announceFailed(let error):
                logger.warning(
                    "could not announce a change to the other nodes; they see it when their cache entries expire",
                    metadata: ["error": "\(error)"])
            }
        }
    }
}
