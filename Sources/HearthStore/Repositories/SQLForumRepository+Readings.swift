import Foundation
import HearthCore
import SQLKit

/// What the triage engine read in each post (`post_readings`), and the posts it has not read yet.
extension SQLForumRepository {
    static func saveReading(_ postID: PostID, _ reading: PostReading, _ sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO post_readings (post_id, language, toxicity, feedback_kind, sentiment, noise, counter_speech, \
            threat, explanation) VALUES (\(bind: postID.rawValue), \(bind: reading.language), \
            \(bind: reading.toxicity), \(bind: reading.feedbackKind), \(bind: reading.sentiment), \
            \(bind: reading.noise), \(bind: reading.counterSpeech ? 1 : 0), \(bind: reading.threat ? 1 : 0), \
            \(bind: reading.explanation))
            """
        ).run()
    }

    public func readings(of postIDs: [PostID]) async throws -> [PostID: PostReading] {
        guard !postIDs.isEmpty else { return [:] }
        let list = postIDs.map { String($0.rawValue) }.joined(separator: ",")
        return try await database.read { sql in
            var readings: [PostID: PostReading] = [:]
            for row in try await sql.raw(
                """
                SELECT post_id, language, toxicity, feedback_kind, sentiment, noise, counter_speech, threat, \
                explanation \
                FROM post_readings WHERE post_id IN (\(unsafeRaw: list))
                """
            ).all() {
                readings[PostID(try row.decode(column: "post_id", as: Int64.self))] = PostReading(
                    language: try row.decode(column: "language", as: String.self),
                    toxicity: try row.decode(column: "toxicity", as: Double.self),
                    feedbackKind: try row.decode(column: "feedback_kind", as: String.self),
                    sentiment: try row.decode(column: "sentiment", as: Double.self),
                    noise: try row.decode(column: "noise", as: Double.self),
                    counterSpeech: try row.decode(column: "counter_speech", as: Int64.self) != 0,
                    threat: try row.decode(column: "threat", as: Int64.self) != 0,
                    explanation: try row.decode(column: "explanation", as: String.self))
            }
            return readings
        }
    }

    public func saveReadings(_ readings: [(PostID, PostReading)], replacing: Bool) async throws {
        guard !readings.isEmpty else { return }
        try await database.write { sql in
            let list = readings.map { String($0.0.rawValue) }.joined(separator: ",")
            if replacing {
                try await sql.raw("DELETE FROM post_readings WHERE post_id IN (\(unsafeRaw: list))").run()
            } else {
                // A post read meanwhile (written or edited while the backfill ran) keeps its newer reading.
                let done = try await sql.raw("SELECT post_id FROM post_readings WHERE post_id IN (\(unsafeRaw: list))")
                    .all(decodingColumn: "post_id", as: Int64.self)
                if !done.isEmpty {
                    let skip = Set(done)
                    for (id, reading) in readings where !skip.contains(id.rawValue) {
                        try await Self.saveReading(id, reading, sql)
                    }
                    return
                }
            }
            for (id, reading) in readings { try await Self.saveReading(id, reading, sql) }
        }
    }

    public func postsWithoutReading(after: PostID?, limit: Int) async throws -> [(PostID, String)] {
        try await database.scan { sql in
            try await sql.raw(
                """
                SELECT p.id, p.content, p.number, t.title FROM posts p JOIN topics t ON t.id = p.topic_id \
                WHERE p.id > \(bind: after?.rawValue ?? 0) \
                AND NOT EXISTS (SELECT 1 FROM post_readings r WHERE r.post_id = p.id) ORDER BY p.id LIMIT \(bind: limit)
                """
            ).all().map { row in
                let body = try PostContent.markdown(row)
                let opening = try row.decode(column: "number", as: Int.self) == 1
                return (
                    PostID(try row.decode(column: "id", as: Int64.self)),
                    opening ? try row.decode(column: "title", as: String.self) + "\n\n" + body : body
                )
            }
        }
    }

    public func postsWithoutReadingCount() async throws -> Int {
        try await database.scan { sql in
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM posts p WHERE NOT EXISTS (SELECT 1 FROM post_readings r WHERE r.post_id = p.id)"
            ).first(decodingColumn: "n", as: Int.self) ?? 0
        }
    }
}
