#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The CPU time the calling thread spends in `body`. Unlike a wall clock it does not grow while other processes or
/// tests run (the suite runs in parallel on a loaded 2-core CI machine), so a bound on it tests the algorithm's cost,
/// not the machine's load. `body` must not suspend or hop threads (it is synchronous).
func threadCPUTime<T>(_ body: () throws -> T) rethrows -> (result: T, cpu: Duration) {
    let start = currentThreadCPUTime()
    let result = try body()
    return (result, currentThreadCPUTime() - start)
}

private func currentThreadCPUTime() -> Duration {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
}
