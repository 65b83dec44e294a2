import SQLKit

extension Migration {
    /// The badge of a delegated role a member holds, kept on their row (`keepBadge`) so that lists of posts show it
    /// beside their name without another query.
    static let roleBadge = Migration(number: 40, name: "role badge") { sql, _ in
        try await sql.alter(table: "members").column("role_badge", type: .text).run()
    }
}
