import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO
import VaporCSQLite

/// `DirectSQLiteConnection` seen through SQLKit, so repositories stay written once for both engines. Both of
/// SQLKit's entry points run the statement at once, where they are called; the future-returning one hands back a
/// completed future.
struct DirectSQLiteDatabase: SQLDatabase {
    let connection: DirectSQLiteConnection
    let logger: Logger
    let queryLogLevel: Logger.Level?

    private static let encoder = SQLiteDataEncoder()

    var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }
    var dialect: any SQLDialect { SQLiteDialect() }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try run(query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void)
        -> EventLoopFuture<Void>
    {
        let loop = eventLoop
        do {
            try run(query, onRow)
            return loop.makeSucceededVoidFuture()
        } catch {
            return loop.makeFailedFuture(error)
        }
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> Void) throws {
        let (sql, binds) = serialize(query)
        if let queryLogLevel { logger.log(level: queryLogLevel, "Executing query", metadata: ["sql": "\(sql)"]) }
        try connection.execute(sql, try binds.map(Self.data)) { onRow($0) }
    }

    /// A bind as SQLite data: the types the repositories bind most by a cast to each, which costs less than the
    /// encoder's look-up of its conversion protocol on every value; the rest through the encoder, which gives these
    /// the same values.
    private static func data(_ value: any Encodable & Sendable) throws -> SQLiteData {
        switch value {
        case let number as Int64: .integer(Int(number))
        case let number as Int: .integer(number)
        case let text as String: .text(text)
        case let number as Double: .float(number)
        default: try encoder.encode(value)
        }
    }
}

/// One row as SQLKit reads it: its statement's column names (shared by the rows of one execution) and values.
struct SQLiteRecord: SQLRow {
    final class Columns: Sendable {
        let names: [String]

        init(_ statement: OpaquePointer) {
            names = (0..<sqlite_nio_sqlite3_column_count(statement)).map { column in
                sqlite_nio_sqlite3_column_name(statement, column).map { String(cString: $0) } ?? ""
            }
        }
    }

    let columns: Columns
    let values: [SQLiteData]

    private static let decoder = SQLiteDataDecoder()

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.names.contains(column) }

    func decodeNil(column: String) throws -> Bool {
        guard let index = columns.names.firstIndex(of: column) else { return true }
        return values[index] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let index = columns.names.firstIndex(of: column) else {
            throw DecodingError.keyNotFound(
                SQLiteColumnKey(column),
                .init(codingPath: [], debugDescription: "The query returned no column named \(column)."))
        }
        return try Self.fast(values[index], as: D.self) ?? Self.decoder.decode(D.self, from: values[index])
    }

    /// The column types the repositories read most, without going through `Decoder`: an integer, text, float or
    /// blob (`ByteBuffer`) into the same Swift type, or its optional, and NULL into any optional.
    private static func fast<D: Decodable>(_ value: SQLiteData, as type: D.Type) -> D? {
        switch value {
        case .integer(let number):
            if D.self == Int64.self || D.self == Int64?.self { return Int64(number) as? D }
            if D.self == Int.self || D.self == Int?.self { return number as? D }
        case .text(let text):
            if D.self == String.self || D.self == String?.self { return text as? D }
        case .float(let number):
            if D.self == Double.self || D.self == Double?.self { return number as? D }
        case .null:
            if let optional = D.self as? any ExpressibleByNilLiteral.Type { return optional.init(nilLiteral: ()) as? D }
        case .blob(let bytes):
            if D.self == ByteBuffer.self { return bytes as? D }
        }
        return nil
    }
}

private struct SQLiteColumnKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
