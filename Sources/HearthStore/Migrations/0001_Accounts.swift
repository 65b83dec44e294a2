import SQLKit

extension Migration {
    /// Members, sessions, one-time links and API keys. Dates are stored as milliseconds since 1970 in
    /// BIGINT columns: the same type, order and arithmetic on both engines.
    static let accounts = Migration(number: 1, name: "accounts") { sql, _ in
        try await sql.create(table: "members")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("email", type: .text, .notNull, .unique)
            .column("display_name", type: .text, .notNull)
            .column("role", type: .text, .notNull)
            .column("language", type: .text)
            .column("password_hash", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .run()

        try await sql.create(table: "sessions")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("token_digest", type: .text, .notNull, .unique)
            .column("member_id", type: .bigint, .notNull, .references("members", "id", onDelete: .cascade))
            .column("csrf_token", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .column("user_agent", type: .text)
            .run()
        try await sql.create(index: "sessions_member_id").on("sessions").column("member_id").run()
        try await sql.create(index: "sessions_expires_at").on("sessions").column("expires_at").run()

        try await sql.create(table: "one_time_tokens")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("purpose", type: .text, .notNull)
            .column("token_digest", type: .text, .notNull, .unique)
            .column("member_id", type: .bigint, .references("members", "id", onDelete: .cascade))
            .column("email", type: .text)
            .column("created_at", type: .bigint, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .column("used_at", type: .bigint)
            .run()
        try await sql.create(index: "one_time_tokens_purpose_member").on("one_time_tokens")
            .column("purpose").column("member_id").run()

        try await sql.create(table: "api_keys")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("member_id", type: .bigint, .notNull, .references("members", "id", onDelete: .cascade))
            .column("name", type: .text, .notNull)
            .column("scope", type: .text, .notNull)
            .column("key_digest", type: .text, .notNull, .unique)
            .column("display_prefix", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("last_used_at", type: .bigint)
            .column("revoked_at", type: .bigint)
            .run()
    }
}
