import Foundation
import HearthCore
import SQLKit

/// Notifications in the `notifications` table, read with who acted and the topic they acted in.
public struct SQLNotificationRepository: NotificationRepository {
    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    public func create(_ notifications: [NewNotification]) async throws {
        guard !notifications.isEmpty else { return }
        try await database.write { sql in try await Self.insert(notifications, sql) }
    }

    /// Inserts notifications in the caller's transaction (a reply inserts its own): plain SQL, as replies are the
    /// hottest write and most of them notify someone.
    static func insert(_ notifications: [NewNotification], _ sql: any SQLDatabase) async throws {
        guard let first = notifications.first else { return }
        func row(_ note: NewNotification) -> SQLQueryString {
            """
            (\(bind: note.memberID.rawValue), \(bind: note.kind.rawValue), \(bind: note.actorID.rawValue), \
            \(bind: note.topicID.rawValue), \(bind: note.postID.rawValue), \(bind: note.createdAt.millisecondsSince1970))
            """
        }
        var statement: SQLQueryString =
            "INSERT INTO notifications (member_id, kind, actor_id, topic_id, post_id, created_at) VALUES " + row(first)
        for note in notifications.dropFirst() { statement = statement + ", " + row(note) }
        try await sql.raw(statement).run()
    }

    public func notifications(of memberID: MemberID, before: NotificationID?, limit: Int) async throws
        -> [MemberNotification]
    {
        var statement: SQLQueryString = """
            SELECT n.id, n.kind, n.topic_id, n.post_id, n.created_at, n.read_at, t.title, p.number, \
            a.id AS a_id, a.handle AS a_handle, a.display_name AS a_display_name, a.role AS a_role \
            FROM notifications n JOIN members a ON a.id = n.actor_id JOIN topics t ON t.id = n.topic_id \
            JOIN posts p ON p.id = n.post_id WHERE n.member_id = \(bind: memberID.rawValue)
            """
        if let before { statement = statement + " AND n.id < \(bind: before.rawValue)" }
        statement = statement + " ORDER BY n.id DESC LIMIT \(bind: limit)"
        let finished = statement
        return try await database.read { sql in
            try await sql.raw(finished).all().compactMap { row in
                guard let kind = MemberNotification.Kind(rawValue: try row.decode(column: "kind", as: String.self))
                else { return nil }
                return MemberNotification(
                    id: NotificationID(try row.decode(column: "id", as: Int64.self)), kind: kind,
                    actor: try SQLMemberRepository.summary(row, prefix: "a_"),
                    topicID: TopicID(try row.decode(column: "topic_id", as: Int64.self)),
                    topicTitle: try row.decode(column: "title", as: String.self),
                    postID: PostID(try row.decode(column: "post_id", as: Int64.self)),
                    postNumber: try row.decode(column: "number", as: Int.self),
                    createdAt: try SQLForumRepository.date(row, "created_at"),
                    readAt: try SQLForumRepository.optionalDate(row, "read_at"))
            }
        }
    }

    public func unreadCount(of memberID: MemberID) async throws -> Int {
        try await database.read { sql in
            // Every page a member opens shows this count, so it is plain SQL rather than a builder, and one round
            // trip for the notices about posts, roles and the feedback board.
            try await sql.raw(
                """
                SELECT (SELECT COUNT(*) FROM notifications WHERE member_id = \(bind: memberID.rawValue) \
                AND read_at IS NULL) + (SELECT COUNT(*) FROM role_notices WHERE member_id = \(bind: memberID.rawValue) \
                AND read_at IS NULL) + (SELECT COUNT(*) FROM feedback_notices \
                WHERE member_id = \(bind: memberID.rawValue) AND read_at IS NULL) AS n
                """
            ).first(decodingColumn: "n", as: Int.self) ?? 0
        }
    }

    public func markRead(of memberID: MemberID, ids: [NotificationID]?, at date: Date) async throws {
        try await database.write { sql in
            var update = sql.update("notifications").set("read_at", to: date.millisecondsSince1970)
                .where("member_id", .equal, memberID.rawValue).where("read_at", .is, SQLLiteral.null)
            if let ids {
                guard !ids.isEmpty else { return }
                update = update.where("id", .in, ids.map(\.rawValue))
            }
            try await update.run()
        }
    }
}
