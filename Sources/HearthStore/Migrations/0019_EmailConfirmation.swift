import SQLKit

extension Migration {
    /// When each member confirmed their e-mail address; NULL for a new member who must still do it before posting
    /// (the community asks it in the console). Members who signed up before count as confirmed.
    static let emailConfirmation = Migration(number: 19, name: "e-mail confirmation") { sql, _ in
        try await sql.alter(table: "members").column("email_confirmed_at", type: .bigint).run()
        try await sql.raw("UPDATE members SET email_confirmed_at = created_at").run()
    }
}
