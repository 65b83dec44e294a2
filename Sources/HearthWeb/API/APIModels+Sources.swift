import Foundation
import HearthCore
import Hummingbird

/// The JSON shapes of the outside sources.
extension APIModel {
    struct SourceHealth: Codable {
        /// ok, failing, or waiting (never polled yet).
        let state: String
        let lastPolledAt: Date?
        let lastSuccessAt: Date?
        let lastError: String?
        let failures: Int
        let nextPollAt: Date?
        let itemsCount: Int
    }

    struct Source: ResponseEncodable, Codable {
        let id: Int64
        let kind: String
        let name: String
        let url: String?
        let keywords: [String]
        let intervalSeconds: Int
        let enabled: Bool
        /// The names of the credentials kept; their values are never given back.
        let credentials: [String]
        let canAnswer: Bool
        /// The community's announcements are posted through it (Mastodon).
        let announce: Bool
        let health: SourceHealth
        let createdAt: Date
        /// A webhook source's address to post to.
        let hookUrl: String?
        /// A webhook source's signing secret, given when it is made and only then.
        let secret: String?

        init(_ source: HearthCore.Source, publicURL: String, secret: String? = nil) {
            id = source.id.rawValue
            kind = source.kind.rawValue
            name = source.name
            url = source.shownURL
            keywords = source.keywords
            intervalSeconds = source.intervalSeconds
            enabled = source.enabled
            credentials = source.credentialNames.filter { $0 != "secret" }
            canAnswer = source.canAnswer
            announce = source.announce
            let health = source.health
            self.health = SourceHealth(
                state: health.state, lastPolledAt: health.lastPolledAt, lastSuccessAt: health.lastSuccessAt,
                lastError: health.lastError, failures: health.failures, nextPollAt: health.nextPollAt,
                itemsCount: health.itemsCount)
            createdAt = source.createdAt
            hookUrl = source.kind == .webhook ? SourcesAPI.hookURL(source.id, publicURL: publicURL) : nil
            self.secret = secret
        }
    }

    struct SourceInput: Codable {
        let kind: String?
        let name: String?
        let url: String?
        let keywords: [String]?
        let intervalSeconds: Int?
        let enabled: Bool?
        let credentials: [String: String]?
        let announce: Bool?

        func core() throws -> HearthCore.SourceInput {
            let kind = try self.kind.map { raw in
                guard let kind = HearthCore.Source.Kind(rawValue: raw) else {
                    throw HearthError.invalid("kind", "kind is feed, discourse, mastodon, imap, webhook or hearth.")
                }
                return kind
            }
            return HearthCore.SourceInput(
                kind: kind, name: name, url: url, keywords: keywords, intervalSeconds: intervalSeconds,
                enabled: enabled, credentials: credentials, announce: announce)
        }
    }

    /// Where an outside item in the inbox came from.
    struct Outside: Codable {
        let sourceId: Int64
        let sourceName: String
        let sourceKind: String
        let title: String
        let url: String?
        let author: String?
        let excerpt: String
        let keywords: [String]
        let canAnswer: Bool
        let publishedAt: Date?

        init(_ ref: OutsideRef) {
            sourceId = ref.sourceID
            sourceName = ref.sourceName
            sourceKind = ref.sourceKind
            title = ref.title
            url = ref.url
            author = ref.author
            excerpt = ref.excerpt
            keywords = ref.keywords
            canAnswer = ref.canAnswer
            publishedAt = ref.publishedAt
        }
    }

    struct AnswerInput: Codable {
        let body: String
    }

    struct Answered: ResponseEncodable, Codable {
        /// "queued": on its way back through the source; "posted": a reply in the thread here.
        let state: String
        let postId: Int64?
    }
}
