import Foundation
import HearthCore
import Logging
import ServiceLifecycle

/// Work that moves with the clock rather than with a write, done every `interval` by each `hearth serve`: what it
/// does must be cheap when there is nothing to do and safe to do from several processes at once. A failure is
/// logged and tried again after a longer pause.
struct Periodic: Service {
    let what: String
    let interval: Duration
    let logger: Logger
    let work: @Sendable () async throws -> Void

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var pause = interval
            do {
                try await work()
            } catch {
                logger.warning("Could not \(what)", metadata: ["reason": "\(error)"])
                pause = max(interval, .seconds(300))
            }
            let nap = pause
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: nap) }
        }
    }
}

extension Periodic {
    /// Raises the inbox's questions that waited too long without an answer, and lets items nobody touched for
    /// `HEARTH_INBOX_KEEP_DAYS` leave. Each pass reads the few that crossed the line since the last one (an indexed
    /// range), so several processes doing it at once only repeat a small write.
    static func inboxClock(_ inbox: InboxService, logger: Logger) -> Periodic {
        Periodic(what: "keep the inbox current with the clock", interval: .seconds(60), logger: logger) {
            while try await inbox.raiseWaiting() > 0 {}
            while try await inbox.closeUntouched() > 0 {}
        }
    }

    /// Runs the people pass (engagement levels, trust ladder, segments, equity of attention) when the last one is
    /// an hour old. Two processes that run it at once write the same rows.
    static func people(_ people: PeopleService, logger: Logger) -> Periodic {
        Periodic(what: "run the people pass", interval: .seconds(600), logger: logger) {
            try await people.refresh()
        }
    }

    /// Opens last week's reports from role holders once the week is over (a report already open is left alone).
    static func roleReports(_ reports: RoleReportService, logger: Logger) -> Periodic {
        Periodic(what: "open the weekly role reports", interval: .seconds(600), logger: logger) {
            try await reports.openDue()
        }
    }

    /// Counts the last days' health figures again (and any day never counted), then drafts the weekly letter when
    /// its hour has come and sends a draft nobody opened when so configured.
    static func healthAndLetters(_ health: HealthService, _ letters: LetterService, logger: Logger) -> Periodic {
        Periodic(
            what: "count the health figures and keep the weekly letter on time", interval: .seconds(600), logger: logger
        ) {
            // The letter's hour does not wait for a roll-up that failed (a draft counts its own week first).
            var failure: (any Error)?
            do {
                try await health.rollUp()
            } catch {
                failure = error
            }
            try await letters.dueWork()
            if let failure { throw failure }
        }
    }

    /// Queues the polls of the sources that are due. Each source's row is pushed forward as its job is queued, so
    /// that several processes doing it at once queue it once.
    static func sources(_ sources: SourceService, logger: Logger) -> Periodic {
        Periodic(what: "queue the outside sources' polls", interval: .seconds(30), logger: logger) {
            while try await sources.scheduleDue() > 0 {}
        }
    }
}
