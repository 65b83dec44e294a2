import SQLKit

extension Migration {
    /// The moderation log names the delegated role an act was done under ("Evening advisor"), as it was called
    /// then: a role renamed or removed later leaves the line as it was.
    static let logRoleName = Migration(number: 38, name: "log role name") { sql, _ in
        try await sql.alter(table: "moderation_log").column("role_name", type: .text).run()
    }
}
