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
            try await Self.heat(topicID, post: postID, HeatEvent(.flag, at: date), rules: rules, sql)
        }
    }

    public func heatedTopics(since: Date, limit: Int) async throws -> [(Topic, HeatState)] {
        try await database.read { sql in
            let ids = try await sql.raw(
                """
                SELECT topic_id FROM topic_heat WHERE heated_at >= \(bind: since.millisecondsSince1970) \
                ORDER BY score DESC, topic_id LIMIT \(bind: limit)
                """
            ).all(decodingColumn: "topic_id", as: Int64.self)
            var found: [(Topic, HeatState)] = []
            for id in ids.map(TopicID.init(rawValue:)) {
                if let topic = try await Self.topic(id, sql), let state = try await Self.heatState(id, sql) {
                    found.append((topic, state))
                }
            }
            return found
        }
    }

    static func heatState(_ topicID: TopicID, _ sql: any SQLDatabase) async throws -> HeatState? {
        guard
            let text = try await sql.raw("SELECT state FROM topic_heat WHERE topic_id = \(bind: topicID.rawValue)")
                .first(decodingColumn: "state", as: String.self)
        else { return nil }
        // A state written by other rules than these reads as a cold topic rather than failing the reply.
        return (try? JSONDecoder.heat.decode(HeatState.self, from: Data(text.utf8))) ?? HeatState()
    }

    /// Moves the topic's heat by one event; when it crosses the threshold, the topic goes to the top of the queue.
    static func heat(
        _ topicID: TopicID, post postID: PostID, _ event: HeatEvent, rules: HeatRules, _ sql: any SQLDatabase
    ) async throws {
        let before = try await heatState(topicID, sql) ?? HeatState()
        let after = rules.step(before, event)
        let state = String(decoding: try JSONEncoder.heat.encode(after), as: UTF8.self)
        try await sql.raw(
            """
            INSERT INTO topic_heat (topic_id, state, score, heated_at, updated_at) \
            VALUES (\(bind: topicID.rawValue), \(bind: state), \(bind: after.score), \
            \(bind: after.heatedAt?.millisecondsSince1970), \(bind: event.at.millisecondsSince1970)) \
            ON CONFLICT (topic_id) DO UPDATE SET state = excluded.state, score = excluded.score, \
            heated_at = excluded.heated_at, updated_at = excluded.updated_at
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

extension JSONEncoder {
    /// Heat states: dates in milliseconds, as every other date in the store.
    static let heat: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()
}

extension JSONDecoder {
    static let heat: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()
}
