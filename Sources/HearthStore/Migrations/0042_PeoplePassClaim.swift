import SQLKit

extension Migration {
    /// The people pass is claimed before it runs (`claimed_at`), so that several `hearth serve` processes do not all
    /// run it, and its levels and trust ladder are written once a day (`levels_on`). The days members came are filled
    /// in from what they did before visits were counted: the days they posted or reacted.
    static let peoplePassClaim = Migration(number: 42, name: "people pass claim") { sql, _ in
        try await sql.alter(table: "people_passes").column("claimed_at", type: .bigint, .notNull, .default(0)).run()
        try await sql.alter(table: "people_passes").column("levels_on", type: .text).run()
        let day: Int64 = 86_400_000
        // SQLite reads an upsert's SELECT unambiguously only with a WHERE clause.
        try await sql.raw(
            """
            INSERT INTO member_visits (member_id, day) SELECT DISTINCT author_id, created_at / \(bind: day) FROM posts \
            WHERE deleted_at IS NULL ON CONFLICT DO NOTHING
            """
        ).run()
        try await sql.raw(
            """
            INSERT INTO member_visits (member_id, day) SELECT DISTINCT member_id, created_at / \(bind: day) \
            FROM reactions WHERE created_at > 0 ON CONFLICT DO NOTHING
            """
        ).run()
    }
}
