import Foundation
import HearthCore
import SQLKit

/// The community's watched words; each change is logged in its transaction.
public struct SQLWatchedWordRepository: WatchedWordRepository {
    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    public func watchedWords() async throws -> [WatchedWord] {
        try await database.read { sql in
            try await sql.select()
                .columns("id", "language", "pattern", "is_regex", "action", "replacement", "created_at")
                .from("watched_words").orderBy("id").all().map { row in
                    WatchedWord(
                        id: WatchedWordID(try row.decode(column: "id", as: Int64.self)),
                        language: try row.decode(column: "language", as: String?.self),
                        pattern: try row.decode(column: "pattern", as: String.self),
                        isRegex: try row.decode(column: "is_regex", as: Int64.self) != 0,
                        action: WatchedWord.Action(rawValue: try row.decode(column: "action", as: String.self))
                            ?? .flag,
                        replacement: try row.decode(column: "replacement", as: String?.self),
                        createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)))
                }
        }
    }

    public func add(_ word: NewWatchedWord, log: NewLogEntry, at date: Date) async throws -> WatchedWord {
        do {
            return try await insert(word, log: log, at: date)
        } catch  where HearthDatabase.isUniqueViolation(error) {
            throw HearthError.conflict("This word is already watched.")
        }
    }

    private func insert(_ word: NewWatchedWord, log: NewLogEntry, at date: Date) async throws -> WatchedWord {
        try await database.write { sql in
            let id =
                try await sql.insert(into: "watched_words")
                .columns("language", "pattern", "is_regex", "action", "replacement", "created_at", "watch_key")
                .values(
                    SQLBind(word.language), SQLBind(word.pattern), SQLBind(word.isRegex ? 1 : 0),
                    SQLBind(word.action.rawValue), SQLBind(word.replacement), SQLBind(date.millisecondsSince1970),
                    SQLBind(Self.key(word))
                )
                .returning("id").first(decodingColumn: "id", as: Int64.self) ?? 0
            var entry = log
            entry.targetID = id
            try await SQLModerationRepository.log(entry, at: date, sql)
            return WatchedWord(
                id: WatchedWordID(id), language: word.language, pattern: word.pattern, isRegex: word.isRegex,
                action: word.action, replacement: word.replacement,
                createdAt: Date(millisecondsSince1970: date.millisecondsSince1970))
        }
    }

    public func remove(_ id: WatchedWordID, log: NewLogEntry, at date: Date) async throws -> Bool {
        try await database.write { sql in
            let found = try await sql.select().column("id").from("watched_words").where("id", .equal, id.rawValue)
                .first()
            guard found != nil else { return false }
            try await sql.delete(from: "watched_words").where("id", .equal, id.rawValue).run()
            try await SQLModerationRepository.log(log, at: date, sql)
            return true
        }
    }

    /// What makes a word the same as another: the pattern whatever its case, whether it is an expression, and its
    /// language.
    static func key(_ word: NewWatchedWord) -> String {
        "\(word.isRegex ? "regex" : "word"):\(word.language ?? "*"):\(word.pattern.lowercased())"
    }
}
