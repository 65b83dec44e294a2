import Foundation
import HearthCore
import SQLKit

/// Topic timers, kept on the topic's row (`timer_action`, `timer_at`, `timer_quiet_days`), and their jobs. A timer
/// is changed, carried out or postponed only by a statement that matches the timer as the caller read it: that
/// statement takes the row's lock on PostgreSQL (SQLite's single writer orders them anyway), so a moderator's
/// change and a job running at the same moment happen one after the other, and the later one sees the other's.
extension SQLModerationRepository: TopicTimerRepository {
    public func setTimer(
        _ topicID: TopicID, _ timer: TopicTimer?, closing: Bool, job: NewJob?, jobKey: String, log: NewLogEntry,
        at date: Date
    ) async throws {
        try await database.write { sql in
            let update = sql.update("topics")
                .set("timer_action", to: timer?.action.rawValue)
                .set("timer_at", to: timer?.at.millisecondsSince1970)
                .set("timer_quiet_days", to: timer?.quietDays.map(Int64.init))
            if closing { update.set(SQLColumn("closed_at"), to: Self.closedSince(date)) }
            try await update.where("id", .equal, topicID.rawValue).run()
            if let job {
                try await SQLJobQueue.enqueue(job, at: date, sql)
            } else {
                try await SQLJobQueue.cancel(key: jobKey, sql)
            }
            try await Self.log(log, at: date, sql)
        }
    }

    public func fire(_ timer: TopicTimer, close: Bool, log: NewLogEntry, at date: Date) async throws -> Bool {
        try await database.write { sql in
            let update = sql.update("topics")
                .set(SQLColumn("closed_at"), to: close ? Self.closedSince(date) : SQLLiteral.null)
                .set(SQLColumn("timer_action"), to: SQLLiteral.null).set(SQLColumn("timer_at"), to: SQLLiteral.null)
                .set(SQLColumn("timer_quiet_days"), to: SQLLiteral.null)
            Self.matching(update, timer)
            if close, let days = timer.quietDays {
                // A reply that came after the job read the topic keeps it open: the job goes again.
                update.where(
                    "last_posted_at", .lessThanOrEqual,
                    date.addingTimeInterval(-TimeInterval(days) * 86_400).millisecondsSince1970)
            }
            guard try await update.returning("id").first() != nil else { return false }
            try await Self.log(log, at: date, sql)
            return true
        }
    }

    public func postpone(_ timer: TopicTimer, job: NewJob, at date: Date) async throws -> Bool {
        try await database.write { sql in
            // Changes nothing, but matches only while the timer is the topic's, and locks the row meanwhile.
            let update = sql.update("topics").set(SQLColumn("timer_at"), to: SQLColumn("timer_at"))
            guard try await Self.matching(update, timer).returning("id").first() != nil else { return false }
            try await SQLJobQueue.enqueue(job, at: date, sql)
            return true
        }
    }

    /// Closed from `date`, or from the earlier closing when the topic already was.
    private static func closedSince(_ date: Date) -> any SQLExpression {
        SQLFunction("COALESCE", args: SQLColumn("closed_at"), SQLBind(date.millisecondsSince1970))
    }

    /// The topic's row, while its timer is `timer`.
    @discardableResult
    private static func matching(_ update: SQLUpdateBuilder, _ timer: TopicTimer) -> SQLUpdateBuilder {
        update.where("id", .equal, timer.topicID.rawValue).where("timer_action", .equal, timer.action.rawValue)
            .where("timer_at", .equal, timer.at.millisecondsSince1970)
        if let days = timer.quietDays {
            update.where("timer_quiet_days", .equal, Int64(days))
        } else {
            update.where("timer_quiet_days", .is, SQLLiteral.null)
        }
        return update
    }

    /// The topic's timer, from the columns `SQLForumRepository.topicSelect` reads; an action this build does not
    /// know reads as none.
    static func timer(_ row: any SQLRow) throws -> TopicTimer? {
        guard let name = try row.decode(column: "timer_action", as: String?.self),
            let action = TopicTimer.Action(rawValue: name),
            let at = try row.decode(column: "timer_at", as: Int64?.self).map(Date.init(millisecondsSince1970:))
        else { return nil }
        return TopicTimer(
            topicID: TopicID(try row.decode(column: "id", as: Int64.self)), action: action, at: at,
            quietDays: try row.decode(column: "timer_quiet_days", as: Int?.self))
    }
}
