import SQLKit

extension Migration {
    /// Failed log-ins, password checks and reset requests, by key, so that the limits survive a restart and
    /// hold across several server processes.
    static let loginAttempts = Migration(number: 9, name: "login attempts") { sql, _ in
        try await sql.create(table: "login_attempts")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("attempt_key", type: .text, .notNull)
            .column("attempted_at", type: .bigint, .notNull)
            .run()
        try await sql.create(index: "login_attempts_key_time").on("login_attempts")
            .column("attempt_key").column("attempted_at").run()
        try await sql.create(index: "login_attempts_time").on("login_attempts").column("attempted_at").run()
    }
}
