import Foundation
import HearthCore
import Logging
import ServiceLifecycle

/// Raises the inbox's questions that waited too long without an answer, and lets items nobody touched for
/// `HEARTH_INBOX_KEEP_DAYS` leave: the two things in the inbox that move with the clock rather than with a write. Each pass reads the few that crossed the line since the last one
/// (an indexed range), so several `hearth serve` processes doing it at once only repeat a small write.
struct InboxClock: Service {
    static let interval = Duration.seconds(60)

    let inbox: InboxService
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var pause = Self.interval
            do {
                while try await inbox.raiseWaiting() > 0 {}
                while try await inbox.closeUntouched() > 0 {}
            } catch {
                logger.warning("Could not keep the inbox current with the clock", metadata: ["reason": "\(error)"])
                pause = .seconds(300)
            }
            let nap = pause
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: nap) }
        }
    }
}
