import Foundation
import HearthCore
import SQLKit

/// The community's settings in `community_settings`; a change and its log entry are one transaction.
public struct SQLSettingsRepository: SettingsRepository {
    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    public func storedSettings() async throws -> [String: String] {
        try await database.read { sql in
            var values: [String: String] = [:]
            for row in try await sql.raw("SELECT name, value FROM community_settings").all() {
                values[try row.decode(column: "name", as: String.self)] = try row.decode(
                    column: "value", as: String.self)
            }
            return values
        }
    }

    public func saveSettings(_ values: [String: String], log: NewLogEntry, at date: Date) async throws {
        try await database.write { sql in
            for (name, value) in values.sorted(by: { $0.key < $1.key }) {
                try await sql.raw(
                    """
                    INSERT INTO community_settings (name, value, updated_at) \
                    VALUES (\(bind: name), \(bind: value), \(bind: date.millisecondsSince1970)) \
                    ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                    """
                ).run()
            }
            try await SQLModerationRepository.log(log, at: date, sql)
        }
    }
}
