import SQLKit

/// `INSERT INTO table (columns) VALUES (…), (…), …`, every value bound: many rows in one statement, for imports.
///
/// On PostgreSQL each statement is a round trip, and a row at a time made an import wait on the network for
/// most of its time; on SQLite a row at a time cost SQLKit's serialisation of a builder for every row. Rows are
/// sent `rowsPerStatement` at a time, so the statement texts repeat (SQLite keeps them prepared) and stay far
/// below both engines' limits on bound values (32,766 for SQLite, 65,535 for PostgreSQL).
struct MultiRowInsert: SQLExpression {
    /// What a row's parenthesised list is made of: SQL text and the row's values by position.
    enum Piece: Sendable {
        case text(String)
        case value(Int)
    }

    let head: String
    let row: [Piece]
    let rows: ArraySlice<[any Encodable & Sendable]>
    let tail: String

    static let rowsPerStatement = 256

    /// A plain insert of `columns`, each row holding one value per column.
    init(
        into table: String, columns: [String], rows: ArraySlice<[any Encodable & Sendable]>,
        returning: [String] = []
    ) {
        head = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        var row: [Piece] = [.text("(")]
        for index in columns.indices {
            if index > 0 { row.append(.text(", ")) }
            row.append(.value(index))
        }
        row.append(.text(")"))
        self.row = row
        self.rows = rows
        tail = returning.isEmpty ? "" : " RETURNING " + returning.joined(separator: ", ")
    }

    /// Any other shape: `head`, then `row` for each row, separated by commas, then `tail`.
    init(head: String, row: [Piece], rows: ArraySlice<[any Encodable & Sendable]>, tail: String) {
        self.head = head
        self.row = row
        self.rows = rows
        self.tail = tail
    }

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write(head)
        for (index, values) in rows.enumerated() {
            if index > 0 { serializer.write(", ") }
            for piece in row {
                switch piece {
                case .text(let text): serializer.write(text)
                case .value(let position): serializer.write(bind: values[position])
                }
            }
        }
        serializer.write(tail)
    }

    /// Runs `make` on each run of at most `rowsPerStatement` rows, returning every row the statements return.
    static func run(
        _ rows: [[any Encodable & Sendable]], on sql: any SQLDatabase, rowsPerStatement: Int = rowsPerStatement,
        _ make: (ArraySlice<[any Encodable & Sendable]>) -> MultiRowInsert
    ) async throws -> [any SQLRow] {
        var returned: [any SQLRow] = []
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + rowsPerStatement)
            returned += try await sql.raw("\(make(rows[start..<end]))").all()
            start = end
        }
        return returned
    }
}
