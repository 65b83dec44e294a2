import SQLKit

/// A plain-text description of the schema, the same on both engines when the schema is the same: one
/// line per column (with a portable type family), unique constraint, index and foreign key, sorted.
/// The migration test compares it to a committed snapshot.
public enum SchemaDescription {
    public static func describe(_ database: HearthDatabase) async throws -> String {
        let lines = try await database.read { sql in
            switch database.engine {
            case .sqlite: try await sqliteLines(sql)
            case .postgres: try await postgresLines(sql)
            }
        }
        // The full-text index differs by design (an FTS5 table and its shadow tables on SQLite, a tsvector
        // table on PostgreSQL); it lives in tables named search_* and is tested by the search suite instead.
        let shared = lines.filter { line in !line.split(separator: " ").contains { $0.hasPrefix("search_") } }
        return shared.sorted().joined(separator: "\n") + "\n"
    }

    static func family(_ type: String) -> String {
        let type = type.lowercased()
        if type.contains("int") { return "integer" }
        if type.contains("char") || type.contains("text") { return "text" }
        if type.contains("real") || type.contains("double") || type.contains("float") || type.contains("numeric") {
            return "real"
        }
        if type.contains("blob") || type.contains("bytea") { return "blob" }
        if type.contains("bool") { return "boolean" }
        return type
    }

    private static func sqliteLines(_ sql: any SQLDatabase) async throws -> [String] {
        var lines: [String] = []
        let tables = try await sql.raw(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).all().map { try $0.decode(column: "name", as: String.self) }
        for table in tables {
            for row in try await sql.raw("SELECT * FROM pragma_table_info(\(bind: table))").all() {
                let name = try row.decode(column: "name", as: String.self)
                let type = try row.decode(column: "type", as: String.self)
                let notNull = try row.decode(column: "notnull", as: Int.self) == 1
                let primaryKey = try row.decode(column: "pk", as: Int.self) > 0
                lines.append(column(table, name, type, notNull: notNull || primaryKey, primaryKey: primaryKey))
            }
            for index in try await sql.raw("SELECT * FROM pragma_index_list(\(bind: table))").all() {
                let indexName = try index.decode(column: "name", as: String.self)
                let origin = try index.decode(column: "origin", as: String.self)
                guard origin != "pk" else { continue }
                let unique = try index.decode(column: "unique", as: Int.self) == 1
                let columns = try await sql.raw("SELECT name FROM pragma_index_info(\(bind: indexName)) ORDER BY seqno")
                    .all().map { try $0.decode(column: "name", as: String.self) }
                lines.append(indexLine(table, columns, unique: unique, name: origin == "c" ? indexName : nil))
            }
            for key in try await sql.raw("SELECT * FROM pragma_foreign_key_list(\(bind: table))").all() {
                lines.append(
                    foreignKey(
                        table, try key.decode(column: "from", as: String.self),
                        try key.decode(column: "table", as: String.self), try key.decode(column: "to", as: String.self),
                        onDelete: try key.decode(column: "on_delete", as: String.self)))
            }
        }
        return lines
    }

    private static func postgresLines(_ sql: any SQLDatabase) async throws -> [String] {
        var lines: [String] = []
        let primaryKeys = Set(
            try await sql.raw(
                """
                SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc
                JOIN information_schema.key_column_usage kcu
                  ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema
                WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema()
                """
            ).all().map {
                "\(try $0.decode(column: "table_name", as: String.self)).\(try $0.decode(column: "column_name", as: String.self))"
            })
        for row in try await sql.raw(
            """
            SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
            WHERE table_schema = current_schema()
            """
        ).all() {
            let table = try row.decode(column: "table_name", as: String.self)
            let name = try row.decode(column: "column_name", as: String.self)
            lines.append(
                column(
                    table, name, try row.decode(column: "data_type", as: String.self),
                    notNull: try row.decode(column: "is_nullable", as: String.self) == "NO",
                    primaryKey: primaryKeys.contains("\(table).\(name)")))
        }
        for row in try await sql.raw(
            """
            SELECT t.relname AS table_name, i.relname AS index_name, ix.indisunique AS is_unique,
                   EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid) AS from_constraint,
                   array_to_string(ARRAY(
                     SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
                     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord), ',') AS columns
            FROM pg_index ix
            JOIN pg_class t ON t.oid = ix.indrelid
            JOIN pg_class i ON i.oid = ix.indexrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = current_schema() AND NOT ix.indisprimary
            """
        ).all() {
            let columns = try row.decode(column: "columns", as: String.self).split(separator: ",").map(String.init)
            let fromConstraint = try row.decode(column: "from_constraint", as: Bool.self)
            lines.append(
                indexLine(
                    try row.decode(column: "table_name", as: String.self), columns,
                    unique: try row.decode(column: "is_unique", as: Bool.self),
                    name: fromConstraint ? nil : try row.decode(column: "index_name", as: String.self)))
        }
        for row in try await sql.raw(
            """
            SELECT cl.relname AS table_name, a.attname AS column_name, rf.relname AS target_table,
                   af.attname AS target_column, c.confdeltype AS on_delete
            FROM pg_constraint c
            JOIN pg_class cl ON cl.oid = c.conrelid
            JOIN pg_class rf ON rf.oid = c.confrelid
            JOIN pg_namespace n ON n.oid = cl.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
            WHERE c.contype = 'f' AND n.nspname = current_schema()
            """
        ).all() {
            let action = try row.decode(column: "on_delete", as: String.self)
            let onDelete =
                ["a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"][action]
                ?? action
            lines.append(
                foreignKey(
                    try row.decode(column: "table_name", as: String.self),
                    try row.decode(column: "column_name", as: String.self),
                    try row.decode(column: "target_table", as: String.self),
                    try row.decode(column: "target_column", as: String.self), onDelete: onDelete))
        }
        return lines
    }

    private static func column(_ table: String, _ name: String, _ type: String, notNull: Bool, primaryKey: Bool)
        -> String
    {
        "column \(table).\(name) \(family(type))\(notNull ? " not null" : "")\(primaryKey ? " primary key" : "")"
    }

    private static func indexLine(_ table: String, _ columns: [String], unique: Bool, name: String?) -> String {
        "\(unique ? "unique" : "index") \(table)(\(columns.joined(separator: ", ")))\(name.map { " named \($0)" } ?? "")"
    }

    private static func foreignKey(
        _ table: String, _ column: String, _ target: String, _ targetColumn: String, onDelete: String
    )
        -> String
    {
        "foreign key \(table).\(column) -> \(target).\(targetColumn) on delete \(onDelete.lowercased())"
    }
}
