import Foundation
import Synchronization

/// Writes access lines off the request path: a request appends its line to a bounded in-memory buffer (a short lock,
/// no I/O) and a thread of the writer's own writes what has gathered, many lines per `write(2)`.
///
/// The thread writes a line that arrives after a quiet spell at once (a request wakes it), then gathers for
/// ``gatherInterval`` before it writes again: under load requests never wake it (no signal, no context switch per
/// request), and it writes about twenty times a second whatever the request rate.
///
/// When the output is slower than the requests (standard error piped to a reader that stalls), the buffer fills up to
/// ``capacity`` bytes; lines beyond it are dropped and counted, and once the output moves again one line says how
/// many were lost. A request never waits for the output.
final class AccessLogWriter: Sendable {
    /// The most bytes of lines held waiting for the output.
    static let defaultCapacity = 4 * 1024 * 1024
    /// How long the thread gathers lines after a write before it writes again.
    static let gatherInterval: TimeInterval = 0.05

    private let shared: Shared

    /// - Parameter output: where the gathered lines go (standard error by default).
    init(capacity: Int = AccessLogWriter.defaultCapacity, output: LogOutput = .standardError) {
        shared = Shared(capacity: capacity, output: output)
        let shared = self.shared
        let thread = Thread { shared.run() }
        thread.name = "latchkey-access-log"
        thread.start()
    }

    deinit {
        shared.stop()
    }

    /// Queues a line (with its newline); dropped and counted when the buffer is full.
    func append(_ line: String) {
        shared.append(line)
    }

    /// Lines dropped so far because the buffer was full.
    var dropped: Int { shared.state.withLock { $0.droppedTotal } }

    final class Shared: Sendable {
        struct State {
            var lines: [String] = []
            var bytes = 0
            /// Dropped since the last notice.
            var dropped = 0
            var droppedTotal = 0
            /// The thread waits for the semaphore (it must be signalled for the next line).
            var waiting = false
            var stopped = false
        }

        let capacity: Int
        let output: LogOutput
        let state = Mutex(State())
        let wake = DispatchSemaphore(value: 0)

        init(capacity: Int, output: LogOutput) {
            self.capacity = capacity
            self.output = output
        }

        func append(_ line: String) {
            let signal = state.withLock { state -> Bool in
                guard state.bytes + line.utf8.count <= capacity else {
                    state.dropped += 1
                    state.droppedTotal += 1
                    return false
                }
                state.lines.append(line)
                state.bytes += line.utf8.count
                guard state.waiting else { return false }
                state.waiting = false
                return true
            }
            if signal { wake.signal() }
        }

        func stop() {
            let signal = state.withLock { state -> Bool in
                state.stopped = true
                defer { state.waiting = false }
                return state.waiting
            }
            if signal { wake.signal() }
        }

        /// The writing thread: takes every line gathered, writes them in one go, waits when there is none.
        func run() {
            while true {
                let (lines, dropped, stopped) = state.withLock { state in
                    let taken = (state.lines, state.dropped, state.stopped)
                    state.lines = []
                    state.bytes = 0
                    state.dropped = 0
                    if taken.0.isEmpty, taken.1 == 0, !state.stopped { state.waiting = true }
                    return taken
                }
                if !lines.isEmpty { output.write(lines.joined()) }
                if dropped > 0 {
                    output.write(
                        "latchkey.access: \(dropped) access log lines dropped: standard error was slower than the requests\n"
                    )
                }
                if stopped { return }
                if lines.isEmpty, dropped == 0 {
                    wake.wait()
                } else {
                    Thread.sleep(forTimeInterval: AccessLogWriter.gatherInterval)
                }
            }
        }
    }
}
