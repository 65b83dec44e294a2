import Foundation
import HearthCore
import SQLKit

extension SQLFeedbackRepository {
    /// Queues the event for every receiver that takes it, in the caller's transaction: one delivery each, with
    /// the job that posts it. The payload is the item as the transaction leaves it.
    static func queue(_ webhook: OutgoingWebhook, publicURL: String, at date: Date, _ sql: any SQLDatabase)
        async throws
    {
        let endpoints = try await Self.endpoints(taking: webhook.event, sql)
        guard !endpoints.isEmpty, let item = try await item(webhook.itemID, sql) else { return }
        // A merged item's posts are the target's now.
        var postIDs = item.postIDs
        if let into = webhook.intoID { postIDs = try await Self.item(into, sql)?.postIDs ?? [] }
        let base = publicURL.withoutTrailingSlash
        let payload = OutgoingWebhook.payload(
            webhook.event, item: item, into: webhook.intoID, postIDs: postIDs,
            url: "\(base)/feedback/\(item.id.rawValue)", at: date)
        for endpoint in endpoints {
            try await queueDelivery(
                to: endpoint, messageID: "msg_" + UUID().uuidString.lowercased(), event: webhook.event,
                payload: payload, at: date, sql)
        }
    }

    /// The receivers that take `event`.
    static func endpoints(taking event: WebhookEvent, _ sql: any SQLDatabase) async throws -> [Int64] {
        try await sql.select().columns("id", "events").from("webhook_endpoints").all().compactMap { row -> Int64? in
            let events = try row.decode(column: "events", as: String.self).split(separator: ",")
            return events.contains(Substring(event.rawValue)) ? try row.decode(column: "id", as: Int64.self) : nil
        }
    }

    /// One delivery and the job that posts it, in the caller's transaction; false when a delivery with this message
    /// id was queued already (an announcement's fan-out run twice).
    @discardableResult
    static func queueDelivery(
        to endpoint: Int64, messageID: String, event: WebhookEvent, payload: String, at date: Date,
        _ sql: any SQLDatabase
    ) async throws -> Bool {
        guard
            let id = try await sql.raw(
                """
                INSERT INTO webhook_deliveries (endpoint_id, message_id, event, payload, created_at) VALUES \
                (\(bind: endpoint), \(bind: messageID), \(bind: event.rawValue), \(bind: payload), \
                \(bind: date.millisecondsSince1970)) ON CONFLICT (message_id) DO NOTHING RETURNING id
                """
            ).first(decodingColumn: "id", as: Int64.self)
        else { return false }
        try await SQLJobQueue.enqueue(try deliveryJob(id, at: date), at: date, sql)
        return true
    }

    static func deliveryJob(_ id: Int64, at date: Date) throws -> NewJob {
        try NewJob(
            kind: .webhookDelivery, WebhookDeliveryJob(deliveryID: id), runAt: date, key: "webhook-delivery:\(id)")
    }

    public func endpoints() async throws -> [WebhookEndpoint] {
        try await database.read { sql in
            try await sql.select().columns("id", "url", "secret", "events", "created_at").from("webhook_endpoints")
                .orderBy("id").all().map { row in
                    WebhookEndpoint(
                        id: WebhookEndpointID(try row.decode(column: "id", as: Int64.self)),
                        url: try row.decode(column: "url", as: String.self),
                        secret: try secrets.open(try row.decode(column: "secret", as: String.self)),
                        events: try row.decode(column: "events", as: String.self).split(separator: ",")
                            .compactMap { WebhookEvent(rawValue: String($0)) },
                        createdAt: try SQLForumRepository.date(row, "created_at"))
                }
        }
    }

    public func addEndpoint(url: String, secret: String, events: [WebhookEvent], at date: Date) async throws
        -> WebhookEndpointID
    {
        let sealed = try secrets.seal(secret)
        let id = try await database.write { sql in
            try await sql.insert(into: "webhook_endpoints").columns("url", "secret", "events", "created_at")
                .values(
                    SQLBind(url), SQLBind(sealed), SQLBind(events.map(\.rawValue).joined(separator: ",")),
                    SQLBind(date.millisecondsSince1970)
                )
                .returning("id").first(decodingColumn: "id", as: Int64.self)
        }
        guard let id else { throw HearthError.unavailable("The webhook could not be saved.") }
        return WebhookEndpointID(id)
    }

    public func removeEndpoint(_ id: WebhookEndpointID) async throws -> Bool {
        try await database.write { sql in
            try await sql.raw("DELETE FROM webhook_endpoints WHERE id = \(bind: id.rawValue) RETURNING id").first()
                != nil
        }
    }

    static let deliveryColumns: SQLQueryString = """
        d.id, d.endpoint_id, e.url, e.secret, d.message_id, d.event, d.payload, d.created_at, d.attempts, \
        d.last_result, d.last_attempt_at, d.delivered_at
        """

    @Sendable static func delivery(_ row: any SQLRow) throws -> WebhookDelivery {
        WebhookDelivery(
            id: WebhookDeliveryID(try row.decode(column: "id", as: Int64.self)),
            endpointID: WebhookEndpointID(try row.decode(column: "endpoint_id", as: Int64.self)),
            url: try row.decode(column: "url", as: String.self),
            messageID: try row.decode(column: "message_id", as: String.self),
            event: WebhookEvent(rawValue: try row.decode(column: "event", as: String.self)) ?? .feedbackCreated,
            payload: try row.decode(column: "payload", as: String.self),
            createdAt: try SQLForumRepository.date(row, "created_at"),
            attempts: Int(try row.decode(column: "attempts", as: Int64.self)),
            lastResult: try row.decode(column: "last_result", as: String?.self),
            lastAttemptAt: try SQLForumRepository.optionalDate(row, "last_attempt_at"),
            deliveredAt: try SQLForumRepository.optionalDate(row, "delivered_at"))
    }

    public func deliveries(limit: Int) async throws -> [WebhookDelivery] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT \(Self.deliveryColumns) FROM webhook_deliveries d JOIN webhook_endpoints e \
                ON e.id = d.endpoint_id ORDER BY d.id DESC LIMIT \(bind: limit)
                """
            ).all().map(Self.delivery)
        }
    }

    public func delivery(_ id: WebhookDeliveryID) async throws -> (WebhookDelivery, secret: String)? {
        try await database.read { sql in
            guard
                let row = try await sql.raw(
                    """
                    SELECT \(Self.deliveryColumns) FROM webhook_deliveries d JOIN webhook_endpoints e \
                    ON e.id = d.endpoint_id WHERE d.id = \(bind: id.rawValue)
                    """
                ).first()
            else { return nil }
            return (try Self.delivery(row), try secrets.open(try row.decode(column: "secret", as: String.self)))
        }
    }

    public func recordAttempt(_ id: WebhookDeliveryID, result: String, delivered: Bool, at date: Date) async throws {
        try await database.write { sql in
            let millis = date.millisecondsSince1970
            var update = sql.update("webhook_deliveries").set("last_result", to: result)
                .set("last_attempt_at", to: millis).set(SQLIdentifier("attempts"), to: SQLRaw("attempts + 1"))
            if delivered { update = update.set("delivered_at", to: millis) }
            try await update.where("id", .equal, id.rawValue).run()
        }
    }

    public func resend(_ id: WebhookDeliveryID, at date: Date) async throws -> Bool {
        try await database.write { sql in
            guard
                try await sql.select().column("id").from("webhook_deliveries").where("id", .equal, id.rawValue)
                    .first() != nil
            else { return false }
            try await SQLJobQueue.enqueue(try Self.deliveryJob(id.rawValue, at: date), at: date, sql)
            return true
        }
    }
}
