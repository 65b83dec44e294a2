import Foundation
import HearthCore
import SQLKit

/// The audit log: every moderation act, written in the transaction of the act itself.
extension SQLModerationRepository {
    public func log(_ entry: NewLogEntry, at date: Date) async throws {
        try await database.write { sql in try await Self.log(entry, at: date, sql) }
    }

    static func log(_ entry: NewLogEntry, at date: Date, _ sql: any SQLDatabase) async throws {
        try await sql.insert(into: "moderation_log")
            .columns(
                "actor_id", "action", "target_kind", "target_id", "reason", "text_before", "text_after", "role_name",
                "created_at"
            )
            .values(
                SQLBind(entry.actorID?.rawValue), SQLBind(entry.action), SQLBind(entry.target.rawValue),
                SQLBind(entry.targetID), SQLBind(entry.reason), SQLBind(entry.textBefore), SQLBind(entry.textAfter),
                SQLBind(entry.roleName), SQLBind(date.millisecondsSince1970)
            ).run()
    }

    /// Each entry with its actor, and its target's name as it is now (one primary-key look-up a row).
    static let logSelect: SQLQueryString = """
        SELECT g.id, g.action, g.target_kind, g.target_id, g.reason, g.text_before, g.text_after, g.role_name, \
        g.created_at, \
        a.id AS a_id, a.handle AS a_handle, a.display_name AS a_display_name, a.role AS a_role, \
        CASE g.target_kind \
        WHEN 'member' THEN (SELECT display_name || ' (@' || handle || ')' FROM members WHERE id = g.target_id) \
        WHEN 'topic' THEN (SELECT title FROM topics WHERE id = g.target_id) \
        WHEN 'post' THEN (SELECT t.title FROM posts p JOIN topics t ON t.id = p.topic_id WHERE p.id = g.target_id) \
        WHEN 'feedback' THEN (SELECT title FROM feedback_items WHERE id = g.target_id) \
        WHEN 'category' THEN (SELECT name FROM categories WHERE id = g.target_id) \
        END AS target_name \
        FROM moderation_log g LEFT JOIN members a ON a.id = g.actor_id
        """

    public func logEntries(before: Int64?, limit: Int, filter: LogFilter) async throws -> [ModerationLogEntry] {
        var statement = Self.logSelect + " WHERE 1 = 1"
        if let before { statement = statement + " AND g.id < \(bind: before)" }
        if let actorID = filter.actorID { statement = statement + " AND g.actor_id = \(bind: actorID.rawValue)" }
        if let about = filter.aboutID?.rawValue {
            statement =
                statement + """
                     AND ((g.target_kind = 'member' AND g.target_id = \(bind: about)) \
                    OR (g.target_kind = 'post' AND g.target_id IN (SELECT id FROM posts WHERE author_id = \(bind: about))) \
                    OR (g.target_kind = 'topic' AND g.target_id IN (SELECT id FROM topics WHERE author_id = \(bind: about))) \
                    OR (g.target_kind = 'review_item' AND g.target_id IN (SELECT id FROM review_items \
                    WHERE member_id = \(bind: about) OR post_id IN (SELECT id FROM posts WHERE author_id = \(bind: about)))))
                    """
        }
        if let until = filter.until {
            statement = statement + " AND g.created_at < \(bind: until.millisecondsSince1970)"
        }
        if let action = filter.action {
            // What a moderator types: "Hide" finds "hide" and "hide (flags)" (the start of the action, any case).
            let escaped = action.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            statement = statement + " AND lower(g.action) LIKE \(bind: escaped + "%") ESCAPE '\\'"
        }
        let finished = statement + " ORDER BY g.id DESC LIMIT \(bind: limit)"
        return try await database.read { sql in try await sql.raw(finished).all().map(Self.logEntry) }
    }

    public func logEntries(since: Date, byRoleOtherThan role: Role, limit: Int) async throws -> [ModerationLogEntry] {
        let statement =
            Self.logSelect
            + " WHERE g.created_at >= \(bind: since.millisecondsSince1970) AND a.role <> \(bind: role.rawValue)"
            + " ORDER BY g.id DESC LIMIT \(bind: limit)"
        return try await database.read { sql in try await sql.raw(statement).all().map(Self.logEntry) }
    }

    @Sendable static func logEntry(_ row: any SQLRow) throws -> ModerationLogEntry {
        ModerationLogEntry(
            id: try row.decode(column: "id", as: Int64.self),
            actor: try row.decode(column: "a_id", as: Int64?.self) == nil
                ? nil : try SQLMemberRepository.summary(row, prefix: "a_"),
            action: try row.decode(column: "action", as: String.self),
            target: ModerationLogEntry.Target(rawValue: try row.decode(column: "target_kind", as: String.self))
                ?? .post,
            targetID: try row.decode(column: "target_id", as: Int64.self),
            reason: try row.decode(column: "reason", as: String.self),
            textBefore: try row.decode(column: "text_before", as: String?.self),
            textAfter: try row.decode(column: "text_after", as: String?.self),
            roleName: try row.decode(column: "role_name", as: String?.self),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            targetName: try row.decode(column: "target_name", as: String?.self))
    }
}
