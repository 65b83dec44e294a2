import Foundation
import HearthCore

/// Where the data lives: one SQLite file (the default) or a PostgreSQL server.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// Parses `postgres://user:password@host:port/database?sslmode=disable|prefer|require`.
    public static func postgres(url: String) throws -> DatabaseLocation {
        guard let components = URLComponents(string: url),
            ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty
        else {
            throw HearthError.invalid(
                "database_url", "Expected postgres://user:password@host:5432/database, got an unreadable URL.")
        }
        let database = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard let tls = PostgresLocation.TLSMode(rawValue: sslMode) else {
            throw HearthError.invalid("database_url", "sslmode must be disable, prefer or require, not \(sslMode).")
        }
        return .postgres(
            PostgresLocation(
                host: host, port: components.port ?? 5432,
                username: components.user?.removingPercentEncoding ?? "postgres",
                password: components.password?.removingPercentEncoding,
                database: database.isEmpty ? nil : database, tls: tls))
    }

    /// Says where without the password.
    public var description: String {
        switch self {
        case .sqlite(let path): "SQLite at \(path)"
        case .postgres(let location):
            "PostgreSQL at \(location.host):\(location.port)/\(location.database ?? location.username)"
        }
    }
}

public struct PostgresLocation: Sendable, Equatable {
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String?
    public var tls: TLSMode
    /// Connections the pool keeps open whatever the demand (`PostgresBackend` says why); the test harness, which
    /// opens many communities on one server at once, keeps none.
    public var standingConnections: Int

    public init(
        host: String, port: Int, username: String, password: String?, database: String?, tls: TLSMode,
        standingConnections: Int = 2
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.standingConnections = standingConnections
    }
}
