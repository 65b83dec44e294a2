import HummingbirdCore
import Logging
import NIOCore

/// Serves each connection's requests on the event loop thread that reads its socket.
///
/// Hummingbird runs a connection's handler on Swift's global executor: every request hops from the event loop
/// thread to a pool thread to run, and back to write the response, each hop waking a sleeping thread. With
/// this preference the connection's task, and the children it starts, run on its event loop instead.
/// Long reads (search) still go to their own queues through `HearthDatabase.scan`.
struct EventLoopBoundChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value
    let inner: Inner

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        let executor = EventLoopTaskExecutor(value.channel.eventLoop)
        await withTaskExecutorPreference(executor) {
            await inner.handle(value: value, logger: logger)
        }
    }
}

/// Runs jobs on one NIO event loop.
final class EventLoopTaskExecutor: TaskExecutor {
    private let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with each connection served on its own event loop thread.
    static func http1OnEventLoops(configuration: HTTP1Channel.Configuration = .init()) -> HTTPServerBuilder {
        .init { responder in
            EventLoopBoundChannel(inner: HTTP1Channel(responder: responder, configuration: configuration))
        }
    }
}
