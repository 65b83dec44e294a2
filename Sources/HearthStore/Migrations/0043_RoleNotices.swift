import SQLKit

extension Migration {
    /// What a role holder is told in their notifications beside posts: a role given, a weekly report opened, an
    /// answer from the community manager. The role's names are kept with the notice, so it reads in either
    /// language even once the role is gone.
    static let roleNotices = Migration(number: 43, name: "role notices") { sql, _ in
        try await sql.create(table: "role_notices")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("member_id", type: .bigint, .notNull, .references("members", "id", onDelete: .cascade))
            .column("kind", type: .text, .notNull)
            .column("name_en", type: .text, .notNull)
            .column("name_fr", type: .text, .notNull)
            // "2026-W49", for reports
            .column("week", type: .text)
            .column("created_at", type: .bigint, .notNull)
            .column("read_at", type: .bigint)
            .run()
        try await sql.create(index: "role_notices_member").on("role_notices").column("member_id").column("id").run()
    }
}
