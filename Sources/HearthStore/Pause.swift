import NIOCore
import NIOPosix

/// A pause that lets go of what it holds as soon as it is cancelled, for the timers that race a database call.
///
/// A `Task.sleep` cancelled before its time is not freed on this toolchain: at exit, heaptrack still held about
/// 450 bytes for each of 16,519 connection leases, each timed by a sleep that the lease cancelled, including those
/// whose 8-second deadline had long passed; the server on PostgreSQL grew by about 8 KB for every profile page it
/// served (95 to 180 MiB in 36 seconds). This one is an event loop's scheduled task, taken off the loop's queue on
/// cancellation.
enum Pause {
    static func `for`(_ duration: Duration) async throws {
        let (seconds, attoseconds) = duration.components
        let scheduled = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(
            in: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        ) {}
        try await withTaskCancellationHandler {
            try await scheduled.futureResult.get()
        } onCancel: {
            scheduled.cancel()
        }
    }
}
