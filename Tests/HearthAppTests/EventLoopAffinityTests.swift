import Hummingbird
import HummingbirdCore
import HummingbirdTesting
import NIOCore
import NIOPosix
import Testing

@testable import HearthApp

/// A context that keeps the connection's channel, to compare event loops.
private struct ChannelContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

@Suite("Requests on their event loop")
struct EventLoopAffinityTests {
    /// Whether the handler ran on an event loop thread, and on the one that owns the connection.
    private static func router() -> Router<ChannelContext> {
        let router = Router(context: ChannelContext.self)
        router.get("where") { _, context in
            guard let current = MultiThreadedEventLoopGroup.currentEventLoop else { return "pool" }
            return current === context.channel.eventLoop ? "own loop" : "other loop"
        }
        return router
    }

    private static func answer(_ server: HTTPServerBuilder) async throws -> [String] {
        let app = Application(router: router(), server: server)
        return try await app.test(.live) { client in
            var answers: [String] = []
            for _ in 0..<4 {
                try await client.execute(uri: "/where", method: .get) { response in
                    answers.append(String(buffer: response.body))
                }
            }
            return answers
        }
    }

    @Test("the connection's requests run on the loop that reads its socket")
    func ownLoop() async throws {
        #expect(try await Self.answer(.http1OnEventLoops()) == Array(repeating: "own loop", count: 4))
    }

    @Test("without it, Hummingbird runs them on the global executor's threads")
    func globalPool() async throws {
        #expect(try await Self.answer(.http1()) == Array(repeating: "pool", count: 4))
    }
}
