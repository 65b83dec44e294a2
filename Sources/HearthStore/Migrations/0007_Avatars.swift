import SQLKit

extension Migration {
    /// Members' avatars: the address of an upload.
    static let avatars = Migration(number: 7, name: "avatars") { sql, _ in
        try await sql.alter(table: "members").column("avatar_path", type: .text).run()
    }
}
