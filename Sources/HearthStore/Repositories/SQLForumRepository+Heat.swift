import Foundation
import HearthCore
import SQLKit

/// Topics' heat: one row per topic that has had a reply since heat was kept, moved by each reply in the reply's
/// own transaction and by each flag.
extension SQLForumRepository: HeatRepository {
    public func heat(of topicID: TopicID) async throws -> HeatState? {
        try await database.read { sql in try await Self.heatState(topicID, sql) }
    }

    public func recordFlag(on postID: PostID, in topicID: TopicID, rules: HeatRules, at date: Date) async throws {
        try await database.write { sql in
            // The topic's row lock, as a reply takes it, so that a flag and a reply move heat one after the other.
            try await sql.raw("UPDATE topics SET id = id WHERE id = \(bind: topicID.rawValue)").run()
            try await Self.heat(topicID, post: postID, HeatEvent(.flag, at: date), rules: rules, sql)
        }
    }

    public func heatedTopics(since: Date, limit: Int) async throws -> [(Topic, HeatState)] {
        try await database.read { sql in
            let rows = try await sql.raw(
                Self.heatSelect
                    + " WHERE heated_at >= \(bind: since.millisecondsSince1970) ORDER BY score DESC, topic_id LIMIT \(bind: limit)"
            ).all()
            var found: [(Topic, HeatState)] = []
            for row in rows {
                let id = TopicID(try row.decode(column: "topic_id", as: Int64.self))
                if let topic = try await Self.topic(id, sql) { found.append((topic, try Self.heatState(row))) }
            }
            return found
        }
    }

    static let heatSelect: SQLQueryString = """
        SELECT topic_id, pace, tone, flags, exchanges, recent_authors, reasons, score, heated_at, updated_at \
        FROM topic_heat
        """

    static func heatState(_ topicID: TopicID, _ sql: any SQLDatabase) async throws -> HeatState? {
        try await sql.raw(heatSelect + " WHERE topic_id = \(bind: topicID.rawValue)").first().map(heatState)
    }

    static func heatState(_ row: any SQLRow) throws -> HeatState {
        var state = HeatState()
        state.pace = try row.decode(column: "pace", as: Double.self)
        state.tone = try row.decode(column: "tone", as: Double.self)
        state.flags = try row.decode(column: "flags", as: Double.self)
        state.exchanges = try row.decode(column: "exchanges", as: Int.self)
        state.recentAuthors = try row.decode(column: "recent_authors", as: String.self).split(separator: ",")
            .compactMap { Int64($0) }
        state.reasons = try row.decode(column: "reasons", as: String.self).split(separator: "\n").map(String.init)
        state.score = try row.decode(column: "score", as: Double.self)
        state.heatedAt = try optionalDate(row, "heated_at")
        state.updatedAt = try date(row, "updated_at")
        return state
    }

    /// Moves the topic's heat by one event; when it crosses the threshold, the topic goes to the top of the queue.
    static func heat(
        _ topicID: TopicID, post postID: PostID, _ event: HeatEvent, rules: HeatRules, _ sql: any SQLDatabase
    ) async throws {
        let before = try await heatState(topicID, sql) ?? HeatState()
        let after = rules.step(before, event)
        let authors = after.recentAuthors.map(String.init).joined(separator: ",")
        try await sql.raw(
            """
            INSERT INTO topic_heat (topic_id, pace, tone, flags, exchanges, recent_authors, reasons, score, heated_at, \
            updated_at) VALUES (\(bind: topicID.rawValue), \(bind: after.pace), \(bind: after.tone), \
            \(bind: after.flags), \(bind: after.exchanges), \(bind: authors), \
            \(bind: after.reasons.joined(separator: "\n")), \(bind: after.score), \
            \(bind: after.heatedAt?.millisecondsSince1970), \(bind: after.updatedAt.millisecondsSince1970)) \
            ON CONFLICT (topic_id) DO UPDATE SET pace = excluded.pace, tone = excluded.tone, flags = excluded.flags, \
            exchanges = excluded.exchanges, recent_authors = excluded.recent_authors, reasons = excluded.reasons, \
            score = excluded.score, heated_at = excluded.heated_at, updated_at = excluded.updated_at
            """
        ).run()
        if before.heatedAt == nil, after.heatedAt != nil {
            // Above every flag: a fire is the first thing a moderator should see.
            _ = try await SQLModerationRepository.open(
                NewReviewItem(
                    kind: .heatedTopic, postID: postID, memberID: nil, reasons: after.reasons,
                    score: 10 + after.score, topicID: topicID),
                replacingReasons: true, at: event.at, sql)
        }
    }
}
