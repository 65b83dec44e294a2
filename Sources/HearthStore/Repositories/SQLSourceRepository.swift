import Foundation
import HearthCore
import SQLKit

/// The outside sources, their items and answers. What a poll brings is stored in one transaction with its inbox
/// items and log lines; an answer is stored with its job and the inbox item's decision (the outbox).
public struct SQLSourceRepository: SourceRepository {
    let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    // MARK: Sources

    static let columns = """
        id, kind, name, url, keywords, interval_seconds, enabled, credential_names, last_polled_at, \
        last_success_at, last_error, failures, next_poll_at, items_count, announce, created_at
        """

    public func sources() async throws -> [Source] {
        try await database.read { sql in
            try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM sources ORDER BY name, id").all().map(Self.source)
        }
    }

    public func source(_ id: SourceID) async throws -> Source? {
        try await database.read { sql in try await Self.source(id, sql) }
    }

    static func source(_ id: SourceID, _ sql: any SQLDatabase) async throws -> Source? {
        try await sql.raw("SELECT \(unsafeRaw: columns) FROM sources WHERE id = \(bind: id.rawValue)").first()
            .map(source)
    }

    public func add(_ source: NewSource, log: NewLogEntry, at date: Date) async throws -> SourceID {
        do {
            return try await insert(source, log: log, at: date)
        } catch  where HearthDatabase.isUniqueViolation(error) {
            throw Self.nameTaken(source.name)
        }
    }

    /// Two forms sent at once with one name: the second is told, as the service tells the one it can see.
    static func nameTaken(_ name: String) -> HearthError {
        .conflict("A source is already named “\(name)”: give this one another name.")
    }

    private func insert(_ source: NewSource, log: NewLogEntry, at date: Date) async throws -> SourceID {
        let millis = date.millisecondsSince1970
        return try await database.write { sql in
            guard
                let id = try await sql.insert(into: "sources")
                    .columns(
                        "kind", "name", "name_key", "url", "keywords", "interval_seconds", "enabled", "credentials",
                        "credential_names", "announce", "next_poll_at", "created_at", "updated_at"
                    )
                    .values(
                        SQLBind(source.kind.rawValue), SQLBind(source.name), SQLBind(source.name.lowercased()),
                        SQLBind(source.url),
                        SQLBind(Self.json(source.keywords)), SQLBind(source.intervalSeconds),
                        SQLBind(source.enabled ? 1 : 0), SQLBind(source.sealedCredentials),
                        SQLBind(Self.json(source.credentialNames)), SQLBind(source.announce ? 1 : 0),
                        SQLBind(source.kind.polls ? millis : nil),
                        SQLBind(millis), SQLBind(millis)
                    )
                    .returning("id").first(decodingColumn: "id", as: Int64.self)
            else { throw HearthError.unavailable("The source could not be saved.") }
            var entry = log
            entry.targetID = id
            try await SQLModerationRepository.log(entry, at: date, sql)
            return SourceID(id)
        }
    }

    public func update(
        _ id: SourceID, _ source: NewSource, credentials: String??, log: NewLogEntry, at date: Date
    ) async throws -> Bool {
        do {
            return try await change(id, source, credentials: credentials, log: log, at: date)
        } catch  where HearthDatabase.isUniqueViolation(error) {
            throw Self.nameTaken(source.name)
        }
    }

    private func change(
        _ id: SourceID, _ source: NewSource, credentials: String??, log: NewLogEntry, at date: Date
    ) async throws -> Bool {
        try await database.write { sql in
            var update = sql.update("sources")
                .set("name", to: source.name).set("name_key", to: source.name.lowercased()).set("url", to: source.url)
                .set("keywords", to: Self.json(source.keywords)).set("interval_seconds", to: source.intervalSeconds)
                .set("enabled", to: source.enabled ? 1 : 0).set("announce", to: source.announce ? 1 : 0)
                .set("credential_names", to: Self.json(source.credentialNames))
                .set("updated_at", to: date.millisecondsSince1970)
            if case .some(let sealed) = credentials { update = update.set("credentials", to: sealed) }
            let changed = try await update.where("id", .equal, id.rawValue).returning("id").first() != nil
            if changed { try await SQLModerationRepository.log(log, at: date, sql) }
            return changed
        }
    }

    public func remove(_ id: SourceID, log: NewLogEntry, at date: Date) async throws -> Bool {
        try await database.write { sql in
            // The items in the inbox stay there (their facts say where they came from); the rest go with it.
            let removed = try await sql.raw("DELETE FROM sources WHERE id = \(bind: id.rawValue) RETURNING id").first()
            guard removed != nil else { return false }
            try await sql.raw("DELETE FROM jobs WHERE job_key = \(bind: Self.pollKey(id))").run()
            try await SQLModerationRepository.log(log, at: date, sql)
            return true
        }
    }

    public func sealedCredentials(_ id: SourceID) async throws -> String? {
        try await database.read { sql in
            try await sql.raw("SELECT credentials FROM sources WHERE id = \(bind: id.rawValue)")
                .first(decodingColumn: "credentials", as: String?.self) ?? nil
        }
    }

    public func cursor(_ id: SourceID) async throws -> SourceCursor {
        try await database.read { sql in
            guard
                let row = try await sql.raw(
                    "SELECT etag, last_modified, position FROM sources WHERE id = \(bind: id.rawValue)"
                ).first()
            else { return SourceCursor() }
            return SourceCursor(
                etag: try row.decode(column: "etag", as: String?.self),
                lastModified: try row.decode(column: "last_modified", as: String?.self),
                position: try row.decode(column: "position", as: String?.self))
        }
    }

    // MARK: Polling

    static func pollKey(_ id: SourceID) -> String { "source-poll:\(id.rawValue)" }

    static func pollJob(_ id: SourceID, at date: Date) throws -> NewJob {
        try NewJob(kind: .sourcePoll, SourcePollJob(sourceID: id.rawValue), runAt: date, key: pollKey(id))
    }

    /// Makes the source due now: the clock's next pass (within half a minute) queues its poll, as for any due
    /// source, so that it is never queued twice.
    public func pollNow(_ id: SourceID, at date: Date) async throws -> Bool {
        try await database.write { sql in
            try await sql.raw(
                """
                UPDATE sources SET next_poll_at = \(bind: date.millisecondsSince1970) \
                WHERE id = \(bind: id.rawValue) RETURNING id
                """
            ).first() != nil
        }
    }

    public func scheduleDue(at date: Date, lease: TimeInterval, limit: Int) async throws -> Int {
        let millis = date.millisecondsSince1970
        // Said again outside the subquery: on PostgreSQL a second process whose update waited on the first's row
        // lock reads the row again and finds it no longer due.
        let due: SQLQueryString =
            "enabled = 1 AND kind <> 'webhook' AND next_poll_at IS NOT NULL AND next_poll_at <= \(bind: millis)"
        return try await database.write { sql in
            let ids = try await sql.raw(
                "UPDATE sources SET next_poll_at = \(bind: date.addingTimeInterval(lease).millisecondsSince1970) WHERE "
                    + due + " AND id IN (SELECT id FROM sources WHERE " + due
                    + " ORDER BY next_poll_at LIMIT \(bind: limit)) RETURNING id"
            ).all(decodingColumn: "id", as: Int64.self)
            for id in ids { try await SQLJobQueue.enqueue(try Self.pollJob(SourceID(id), at: date), at: date, sql) }
            return ids.count
        }
    }

    public func known(_ id: SourceID, ids: [String], urls: [String]) async throws -> Set<String> {
        guard !ids.isEmpty || !urls.isEmpty else { return [] }
        return try await database.read { sql in
            var found: Set<String> = []
            for chunk in Self.chunks(ids) {
                let rows = try await sql.select().column("external_id").from("outside_items")
                    .where("source_id", .equal, id.rawValue).where("external_id", .in, chunk).all()
                for row in rows { found.insert(try row.decode(column: "external_id", as: String.self)) }
            }
            for chunk in Self.chunks(urls) {
                let rows = try await sql.select().column("url").from("outside_items")
                    .where("source_id", .equal, id.rawValue).where("url", .in, chunk).all()
                for row in rows { if let url = try row.decode(column: "url", as: String?.self) { found.insert(url) } }
            }
            return found
        }
    }

    public func record(
        _ id: SourceID, arrivals: [OutsideArrival], seen: [OutsideEntry], cursor: SourceCursor?, error: String?,
        nextPoll: Date, at date: Date
    ) async throws -> Int {
        let millis = date.millisecondsSince1970
        return try await database.write { sql in
            guard let source = try await Self.source(id, sql) else { return 0 }
            var added = 0
            for entry in seen { _ = try await Self.insert(entry, source: id, at: millis, sql) }
            for arrival in arrivals {
                guard let itemID = try await Self.insert(arrival.entry, source: id, at: millis, sql) else { continue }
                try await Self.bringIn(arrival, item: itemID, from: source, at: date, sql)
                added += 1
            }
            var update = sql.update("sources")
                .set("last_polled_at", to: millis).set("next_poll_at", to: nextPoll.millisecondsSince1970)
                .set("last_error", to: error)
            if error == nil {
                update = update.set("last_success_at", to: millis).set("failures", to: 0)
                    .set(SQLIdentifier("items_count"), to: SQLRaw("items_count + \(added)"))
            } else {
                update = update.set(SQLIdentifier("failures"), to: SQLRaw("failures + 1"))
            }
            if let cursor {
                update = update.set("etag", to: cursor.etag).set("last_modified", to: cursor.lastModified)
                if let position = cursor.position { update = update.set("position", to: position) }
            }
            try await update.where("id", .equal, id.rawValue).run()
            return added
        }
    }

    /// Remembers an entry (as `OutsideEntry.stored` made it, which `SourceService` did); nil when the source had
    /// brought it already (a poll that ran twice).
    static func insert(_ entry: OutsideEntry, source id: SourceID, at millis: Int64, _ sql: any SQLDatabase)
        async throws -> Int64?
    {
        try await sql.raw(
            """
            INSERT INTO outside_items (source_id, external_id, url, title, author, body, published_at, reply_to, \
            created_at) VALUES (\(bind: id.rawValue), \(bind: entry.externalID), \(bind: entry.url), \
            \(bind: entry.title), \(bind: entry.author), \(bind: entry.text), \
            \(bind: entry.publishedAt?.millisecondsSince1970), \(bind: entry.replyTo), \(bind: millis)) \
            ON CONFLICT (source_id, external_id) DO NOTHING RETURNING id
            """
        ).first(decodingColumn: "id", as: Int64.self)
    }

    /// Puts an item into the inbox, marked with its source, with a line in the log.
    static func bringIn(
        _ arrival: OutsideArrival, item itemID: Int64, from source: Source, at date: Date, _ sql: any SQLDatabase
    ) async throws {
        let entry = arrival.entry
        var facts = arrival.facts
        facts.outside = OutsideRef(
            itemID: itemID, sourceID: source.id.rawValue, sourceName: source.name, sourceKind: source.kind.rawValue,
            title: entry.title, url: entry.url, author: entry.author, excerpt: String(entry.text.prefix(600)),
            keywords: arrival.keywords, canAnswer: source.canAnswer && entry.replyTo != nil,
            publishedAt: entry.publishedAt)
        let key = "outside:\(itemID)"
        try await SQLInboxRepository.insert(
            key: key, kind: .outside, post: nil, topic: nil, category: nil, author: nil, facts,
            InboxRanking.rank(facts, kind: .outside), at: date, sql)
        try await sql.raw(
            """
            UPDATE outside_items SET inbox_item_id = (SELECT id FROM inbox_items WHERE source_key = \(bind: key)) \
            WHERE id = \(bind: itemID)
            """
        ).run()
        let said = arrival.keywords.isEmpty ? "" : " (says \(arrival.keywords.joined(separator: ", ")))"
        let title = entry.title.isEmpty ? String(entry.text.prefix(80)) : entry.title
        try await SQLModerationRepository.log(
            NewLogEntry(
                actorID: nil, action: "outside_item", target: .source, targetID: source.id.rawValue,
                reason: "\u{201C}\(title)\u{201D} from \(source.name)\(said)"),
            at: date, sql)
    }

    // MARK: Rows

    @Sendable static func source(_ row: any SQLRow) throws -> Source {
        func date(_ column: String) throws -> Date? {
            try row.decode(column: column, as: Int64?.self).map(Date.init(millisecondsSince1970:))
        }
        return Source(
            id: SourceID(try row.decode(column: "id", as: Int64.self)),
            kind: Source.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .feed,
            name: try row.decode(column: "name", as: String.self),
            url: try row.decode(column: "url", as: String?.self),
            keywords: strings(try row.decode(column: "keywords", as: String.self)),
            intervalSeconds: try row.decode(column: "interval_seconds", as: Int.self),
            enabled: try row.decode(column: "enabled", as: Int.self) != 0,
            credentialNames: strings(try row.decode(column: "credential_names", as: String.self)),
            health: SourceHealth(
                lastPolledAt: try date("last_polled_at"), lastSuccessAt: try date("last_success_at"),
                lastError: try row.decode(column: "last_error", as: String?.self),
                failures: try row.decode(column: "failures", as: Int.self), nextPollAt: try date("next_poll_at"),
                itemsCount: try row.decode(column: "items_count", as: Int.self)),
            announce: try row.decode(column: "announce", as: Int.self) != 0,
            createdAt: try date("created_at") ?? Date(timeIntervalSince1970: 0))
    }

    static func json(_ strings: [String]) -> String {
        (try? JSONEncoder().encode(strings)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    static func strings(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }

    static func chunks(_ values: [String]) -> [[String]] {
        stride(from: 0, to: values.count, by: 200).map { Array(values[$0..<min($0 + 200, values.count)]) }
    }
}
