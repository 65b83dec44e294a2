import SQLKit

extension Migration {
    /// One timer per topic, on the topic's row: what it does, when, and for a topic that closes once quiet, how
    /// many quiet days. The job that carries it out lives in `jobs` under the key `topic-timer:<id>`. Number 14 is
    /// taken by work landing alongside; the numbers only need to grow.
    static let topicTimers = Migration(number: 15, name: "topic timers") { sql, _ in
        // "close_for", "open_at" or "close_after_quiet"; NULL when the topic has no timer.
        try await sql.alter(table: "topics").column("timer_action", type: .text).run()
        // When it acts (milliseconds); for close_after_quiet the earliest closing, which replies push back.
        try await sql.alter(table: "topics").column("timer_at", type: .bigint).run()
        try await sql.alter(table: "topics").column("timer_quiet_days", type: .bigint).run()
    }
}
