import Foundation
import HearthCore
import Logging
import ServiceLifecycle

/// Keeps this process's reader of new posts on the adjustments another `hearth serve` learned (on one
/// PostgreSQL, the learning job runs in whichever process claims it; the one that learns loads its result at once).
struct EngineRefresher: Service {
    /// How stale another process's learning may be here. A check reads a table of two rows, so every few seconds
    /// costs nothing, and a moderator's decision takes a moment to be learned anyway.
    static let interval = Duration.seconds(5)

    let learning: EngineLearning
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var pause = Self.interval
            do {
                try await learning.refresh()
            } catch {
                logger.warning("Could not check the engine's adjustments", metadata: ["reason": "\(error)"])
                pause = .seconds(30)
            }
            let nap = pause
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: nap) }
        }
    }
}
