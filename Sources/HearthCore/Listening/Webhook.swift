import Crypto
import Foundation

/// Marker for `Identifier<WebhookEndpoint>`.
public typealias WebhookEndpointID = Identifier<WebhookEndpoint>
/// Marker for `Identifier<WebhookDelivery>`.
public typealias WebhookDeliveryID = Identifier<WebhookDelivery>

/// What happened on the board, as an outgoing webhook names it.
public enum WebhookEvent: String, Sendable, Codable, CaseIterable {
    case feedbackCreated = "feedback.created"
    case feedbackStatusChanged = "feedback.status_changed"
    case feedbackMerged = "feedback.merged"
    /// A topic started in an announcements category.
    case announcementPublished = "announcement.published"
}

/// A colleague's receiver: every board event is signed and posted to it (Standard Webhooks).
public struct WebhookEndpoint: Sendable, Equatable, Identifiable {
    public var id: WebhookEndpointID
    public var url: String
    /// "whsec_" and the base64 of the key, as the specification writes it; shown once, to who made it.
    public var secret: String
    public var events: [WebhookEvent]
    public var createdAt: Date

    public init(id: WebhookEndpointID, url: String, secret: String, events: [WebhookEvent], createdAt: Date) {
        self.id = id
        self.url = url
        self.secret = secret
        self.events = events
        self.createdAt = createdAt
    }

    /// A new secret: 24 random bytes.
    public static func newSecret() -> String {
        "whsec_" + Data(SymmetricKey(size: .init(bitCount: 192)).withUnsafeBytes { Data($0) }).base64EncodedString()
    }

    /// Checks a receiver's address: http or https, with a host.
    public static func validated(_ raw: String) throws -> String {
        let url = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = parts.host, !host.isEmpty
        else {
            throw HearthError.invalid("url", "A webhook's address starts with http:// or https:// and names a host.")
        }
        guard url.count <= 2_000 else {
            throw HearthError.invalid("url", "A webhook's address is 2,000 characters at most.")
        }
        return url
    }
}

/// One event for one receiver, with its attempts.
public struct WebhookDelivery: Sendable, Equatable, Identifiable {
    public var id: WebhookDeliveryID
    public var endpointID: WebhookEndpointID
    public var url: String
    /// The `webhook-id` header: the same on every attempt, so a receiver can drop a repeat.
    public var messageID: String
    public var event: WebhookEvent
    /// The JSON body, exactly as signed.
    public var payload: String
    public var createdAt: Date
    public var attempts: Int
    /// The receiver's last answer ("200", "500", "timed out").
    public var lastResult: String?
    public var lastAttemptAt: Date?
    public var deliveredAt: Date?

    public init(
        id: WebhookDeliveryID, endpointID: WebhookEndpointID, url: String, messageID: String, event: WebhookEvent,
        payload: String, createdAt: Date, attempts: Int, lastResult: String?, lastAttemptAt: Date?,
        deliveredAt: Date?
    ) {
        self.id = id
        self.endpointID = endpointID
        self.url = url
        self.messageID = messageID
        self.event = event
        self.payload = payload
        self.createdAt = createdAt
        self.attempts = attempts
        self.lastResult = lastResult
        self.lastAttemptAt = lastAttemptAt
        self.deliveredAt = deliveredAt
    }
}

/// The payload of a `webhookDelivery` job.
public struct WebhookDeliveryJob: Sendable, Codable, Equatable {
    public let deliveryID: Int64

    public init(deliveryID: Int64) {
        self.deliveryID = deliveryID
    }
}

extension JobKind {
    /// Post one webhook delivery (`WebhookDeliveryJob`).
    public static let webhookDelivery = JobKind(rawValue: "webhook_delivery")
}

/// The Standard Webhooks signature: HMAC-SHA256 over "id.timestamp.body" with the secret's key, written
/// "v1,<base64>".
public enum WebhookSignature {
    /// The signing key of a secret: its base64 after the optional "whsec_" prefix; nil when it is not base64.
    static func key(_ secret: String) -> SymmetricKey? {
        Data(base64Encoded: secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret).map(SymmetricKey.init)
    }

    public static func sign(secret: String, messageID: String, timestamp: Int, body: String) -> String? {
        guard let key = key(secret) else { return nil }
        let signed = Data("\(messageID).\(timestamp).\(body)".utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: key)
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The three headers of a delivery sent at `date`.
    public static func headers(_ delivery: WebhookDelivery, secret: String, at date: Date) -> [(String, String)]? {
        let timestamp = Int(date.timeIntervalSince1970)
        guard
            let signature = sign(
                secret: secret, messageID: delivery.messageID, timestamp: timestamp, body: delivery.payload)
        else { return nil }
        return [
            ("webhook-id", delivery.messageID), ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", signature),
        ]
    }
}

/// An event about to be queued for every receiver that takes it, in the same transaction as the change.
public struct OutgoingWebhook: Sendable, Equatable {
    public var event: WebhookEvent
    /// The item as it is after the change (the store reads it in the transaction).
    public var itemID: FeedbackItemID
    /// For a merge: the item merged into.
    public var intoID: FeedbackItemID?

    public init(_ event: WebhookEvent, item: FeedbackItemID, into: FeedbackItemID? = nil) {
        self.event = event
        self.itemID = item
        self.intoID = into
    }
}
