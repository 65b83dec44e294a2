import SQLKit

extension Migration {
    /// The topic a segment's gesture is about: a newcomer's first topic to welcome them in, a shy member's
    /// unanswered question or lone post to answer.
    static let segmentTopic = Migration(number: 44, name: "segment topic") { sql, _ in
        try await sql.alter(table: "people_segments").column("topic_id", type: .bigint).run()
    }
}
