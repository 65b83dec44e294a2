import Foundation
import HearthCore
import SQLKit

/// Announcements on their way out: one copy per Mastodon source that announces and per outgoing webhook that
/// takes `announcement.published`, each queued once (a unique row, a message id) with its job.
extension SQLSourceRepository {
    public func queueAnnouncement(_ announcement: AnnounceJob, url: String, at date: Date) async throws -> Int {
        let millis = date.millisecondsSince1970
        return try await database.write { sql in
            var queued = 0
            let sources = try await sql.raw(
                "SELECT id FROM sources WHERE kind = 'mastodon' AND announce = 1 AND enabled = 1 ORDER BY id"
            ).all(decodingColumn: "id", as: Int64.self)
            for source in sources {
                guard
                    let id = try await sql.raw(
                        """
                        INSERT INTO outward_posts (source_id, topic_id, title, url, idempotency_key, created_at) \
                        VALUES (\(bind: source), \(bind: announcement.topicID), \(bind: announcement.title), \
                        \(bind: url), \(bind: "hearth-" + UUID().uuidString.lowercased()), \(bind: millis)) \
                        ON CONFLICT (source_id, topic_id) DO NOTHING RETURNING id
                        """
                    ).first(decodingColumn: "id", as: Int64.self)
                else { continue }
                try await SQLJobQueue.enqueue(
                    try NewJob(
                        kind: .outwardPost, OutwardPostJob(outwardID: id), runAt: date, key: "outward-post:\(id)"),
                    at: date, sql)
                queued += 1
            }
            let payload = announcement.payload(url: url, at: date)
            for endpoint in try await SQLFeedbackRepository.endpoints(taking: .announcementPublished, sql) {
                // The message id names the announcement and the receiver: a fan-out run twice queues nothing new.
                if try await SQLFeedbackRepository.queueDelivery(
                    to: endpoint, messageID: "msg_announce_\(announcement.topicID)_\(endpoint)",
                    event: .announcementPublished, payload: payload, at: date, sql)
                {
                    queued += 1
                }
            }
            return queued
        }
    }

    static let outwardColumns = "id, source_id, topic_id, title, url, sent_at, sent_url, last_error, idempotency_key"

    public func claimOutward(_ id: Int64, for lease: TimeInterval, at date: Date) async throws -> OutwardPost? {
        try await database.write { sql in
            // A topic deleted, hidden, held, or moved out of sight since it was announced does not go out.
            let visible = try await sql.raw(
                """
                SELECT o.id FROM outward_posts o JOIN topics t ON t.id = o.topic_id \
                JOIN categories c ON c.id = t.category_id JOIN posts p ON p.topic_id = t.id AND p.number = 1 \
                WHERE o.id = \(bind: id) AND t.deleted_at IS NULL AND c.read_policy = 'everyone' \
                AND p.deleted_at IS NULL AND p.moderation = 'visible'
                """
            ).first()
            guard visible != nil, try await Self.claim("outward_posts", id, lease: lease, at: date, sql) else {
                return nil
            }
            return try await sql.raw(
                "SELECT \(unsafeRaw: Self.outwardColumns) FROM outward_posts WHERE id = \(bind: id)"
            ).first().map(Self.outward)
        }
    }

    public func recordOutward(_ id: Int64, sentURL: String?, error: String?, at date: Date) async throws {
        try await database.write { sql in
            try await Self.recordSending("outward_posts", id, sentURL: sentURL, error: error, at: date, sql)
        }
    }

    public func outwardPosts(_ id: SourceID, limit: Int) async throws -> [OutwardPost] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.outwardColumns) FROM outward_posts WHERE source_id = \(bind: id.rawValue) \
                ORDER BY id DESC LIMIT \(bind: limit)
                """
            ).all().map(Self.outward)
        }
    }

    @Sendable static func outward(_ row: any SQLRow) throws -> OutwardPost {
        OutwardPost(
            id: try row.decode(column: "id", as: Int64.self),
            sourceID: SourceID(try row.decode(column: "source_id", as: Int64.self)),
            topicID: try row.decode(column: "topic_id", as: Int64.self),
            title: try row.decode(column: "title", as: String.self),
            url: try row.decode(column: "url", as: String.self),
            sentAt: try row.decode(column: "sent_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)),
            sentURL: try row.decode(column: "sent_url", as: String?.self),
            lastError: try row.decode(column: "last_error", as: String?.self),
            idempotencyKey: try row.decode(column: "idempotency_key", as: String.self))
    }
}
