import SQLKit

extension Migration {
    /// Who may read each category: everyone (as until now), members, or staff.
    static let categoryReaders = Migration(number: 30, name: "category readers") { sql, _ in
        try await sql.alter(table: "categories")
            .column("read_policy", type: .text, .notNull, .default(SQLLiteral.string("everyone"))).run()
    }
}
