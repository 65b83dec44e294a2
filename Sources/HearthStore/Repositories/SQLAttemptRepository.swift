import Foundation
import HearthCore
import SQLKit

/// Failed attempts in the `login_attempts` table.
public struct SQLAttemptRepository: AttemptRepository {
    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    public func recordFailure(_ key: String, at date: Date) async throws {
        try await database.write { sql in
            try await sql.insert(into: "login_attempts").columns("attempt_key", "attempted_at")
                .values(SQLBind(key), SQLBind(date.millisecondsSince1970)).run()
        }
    }

    public func failures(_ key: String, since date: Date) async throws -> (count: Int, oldest: Date?) {
        try await database.read { sql in
            let row = try await sql.select()
                .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "failures")
                .column(SQLFunction("MIN", args: SQLColumn("attempted_at")), as: "oldest")
                .from("login_attempts")
                .where("attempt_key", .equal, key)
                .where("attempted_at", .greaterThan, date.millisecondsSince1970)
                .first()
            let count = try row?.decode(column: "failures", as: Int.self) ?? 0
            let oldest = try row?.decode(column: "oldest", as: Int64?.self)
            return (count, oldest.map(Date.init(millisecondsSince1970:)))
        }
    }

    public func clear(_ key: String) async throws {
        try await database.write { sql in
            try await sql.delete(from: "login_attempts").where("attempt_key", .equal, key).run()
        }
    }

    @discardableResult
    public func purge(before date: Date) async throws -> Int {
        try await database.write { sql in
            let old =
                try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "old")
                .from("login_attempts").where("attempted_at", .lessThanOrEqual, date.millisecondsSince1970)
                .first()?.decode(column: "old", as: Int.self) ?? 0
            try await sql.delete(from: "login_attempts")
                .where("attempted_at", .lessThanOrEqual, date.millisecondsSince1970).run()
            return old
        }
    }
}
