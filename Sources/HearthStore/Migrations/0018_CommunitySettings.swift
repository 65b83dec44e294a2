import SQLKit

extension Migration {
    /// The settings a community manager changes in the console, one text value a key (the environment gives the
    /// defaults); and archived categories, which keep their topics out of the lists and closed to new ones.
    static let communitySettings = Migration(number: 18, name: "community settings") { sql, _ in
        try await sql.create(table: "community_settings")
            .column("name", type: .text, .primaryKey(autoIncrement: false))
            .column("value", type: .text, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .run()
        try await sql.alter(table: "categories").column("archived_at", type: .bigint).run()
    }
}
