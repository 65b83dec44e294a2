import Foundation

/// A topic started in an announcements category, on its way out: to the Mastodon accounts that announce, and to the
/// outgoing webhooks that take `announcement.published`, each linking back to the community. Queued with the topic
/// (the outbox), fanned out by a job, each copy sent once.
public struct AnnounceJob: Sendable, Codable, Equatable {
    public let topicID: Int64
    public let title: String
    /// The opening post's first words.
    public let excerpt: String

    public init(topicID: Int64, title: String, excerpt: String) {
        self.topicID = topicID
        self.title = title
        self.excerpt = excerpt
    }
}

/// One announcement for one Mastodon source.
public struct OutwardPost: Sendable, Equatable {
    public var id: Int64
    public var sourceID: SourceID
    public var topicID: Int64
    public var title: String
    public var url: String
    public var sentAt: Date?
    public var sentURL: String?
    public var lastError: String?
    public var idempotencyKey: String

    public init(
        id: Int64, sourceID: SourceID, topicID: Int64, title: String, url: String, sentAt: Date?, sentURL: String?,
        lastError: String?, idempotencyKey: String = ""
    ) {
        self.idempotencyKey = idempotencyKey
        self.id = id
        self.sourceID = sourceID
        self.topicID = topicID
        self.title = title
        self.url = url
        self.sentAt = sentAt
        self.sentURL = sentURL
        self.lastError = lastError
    }

    /// The status Mastodon shows: the title, then the link (500 characters at most in all).
    public var status: String {
        String(title.prefix(400)) + "\n\n" + url
    }
}

/// The payload of an `outwardPost` job.
public struct OutwardPostJob: Sendable, Codable, Equatable {
    public let outwardID: Int64

    public init(outwardID: Int64) {
        self.outwardID = outwardID
    }
}

extension JobKind {
    /// Fan an announcement out to its channels (`AnnounceJob`).
    public static let announce = JobKind(rawValue: "announce")
    /// Post one announcement on one Mastodon account (`OutwardPostJob`).
    public static let outwardPost = JobKind(rawValue: "outward_post")
}

extension AnnounceJob {
    /// The `announcement.published` webhook payload, as signed and sent.
    public func payload(url: String, at date: Date) -> String {
        struct Body: Encodable {
            struct Data: Encodable {
                let topicId: Int64
                let title: String
                let excerpt: String
                let url: String
            }
            let type: String
            let timestamp: String
            let data: Data
        }
        let body = Body(
            type: WebhookEvent.announcementPublished.rawValue, timestamp: date.formatted(.iso8601),
            data: .init(topicId: topicID, title: title, excerpt: excerpt, url: url))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(body)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
