import Foundation

/// Marker for `Identifier<Source>`.
public typealias SourceID = Identifier<Source>

/// A place outside the community that Hearth watches for the brand: a feed, another forum, a Mastodon account, the
/// contact mailbox, a webhook, another Hearth. What it finds comes into the priority inbox, read by the engine.
public struct Source: Sendable, Equatable, Identifiable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// An RSS or Atom feed: other forums, blogs, search alerts.
        case feed
        /// A Discourse forum, through its public JSON API; a user API key lets Hearth answer there.
        case discourse
        /// A Mastodon (or compatible) server, through the client API with an access token.
        case mastodon
        /// A mailbox over IMAP, answered by SMTP.
        case imap
        /// Signed JSON posted to Hearth by anything.
        case webhook
        /// Another Hearth community, through its API; an API key lets Hearth answer there.
        case hearth

        /// What the address is, in words for the form.
        public var addressHelp: String {
            switch self {
            case .feed: "The feed's address (https://…/feed.xml)."
            case .discourse: "The forum's address (https://forum.example.com)."
            case .mastodon: "The server's address (https://mastodon.social)."
            case .imap: "The mail server (imaps://mail.example.com, or imap://host:143)."
            case .webhook: "None: Hearth gives the address to post to."
            case .hearth: "The community's address (https://community.example.com)."
            }
        }

        /// Every credential any kind reads, in the order forms show them.
        public static let credentialFields = ["apiKey", "username", "token", "password"]

        /// The credentials this kind reads, by name.
        public var credentialNames: [String] {
            switch self {
            case .feed: ["username", "password"]
            case .discourse: ["apiKey", "username"]
            case .mastodon: ["token"]
            case .imap: ["username", "password"]
            case .webhook: []
            case .hearth: ["apiKey"]
            }
        }

        /// Whether Hearth polls it (a webhook is posted to instead).
        public var polls: Bool { self != .webhook }
    }

    public let id: SourceID
    public var kind: Kind
    public var name: String
    /// Where it is; nil for a webhook.
    public var url: String?
    /// The brand's names, products and handles: an item comes in when it says one of them (every item when empty).
    public var keywords: [String]
    public var intervalSeconds: Int
    public var enabled: Bool
    /// Which credentials are kept (their names); their values never leave the store but to the source itself.
    public var credentialNames: [String]
    public var health: SourceHealth
    /// The community's announcements are posted through it (a Mastodon account).
    public var announce: Bool
    public let createdAt: Date

    public init(
        id: SourceID, kind: Kind, name: String, url: String?, keywords: [String], intervalSeconds: Int,
        enabled: Bool, credentialNames: [String], health: SourceHealth, announce: Bool = false, createdAt: Date
    ) {
        self.announce = announce
        self.id = id
        self.kind = kind
        self.name = name
        self.url = url
        self.keywords = keywords
        self.intervalSeconds = intervalSeconds
        self.enabled = enabled
        self.credentialNames = credentialNames
        self.health = health
        self.createdAt = createdAt
    }

    /// The address as pages and the API show it: the values of query parameters that look like secrets (a token, a
    /// key, a signature) hidden.
    public var shownURL: String? {
        url.map(Self.hidingSecrets)
    }

    static let hidden = "\u{2022}\u{2022}\u{2022}"

    public static func hidingSecrets(_ url: String) -> String {
        guard let mark = url.firstIndex(of: "?") else { return url }
        let secret = ["token", "key", "secret", "password", "passwd", "auth", "sig", "signature", "credential"]
        let query = url[url.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: false).map {
            pair -> String in
            guard let equals = pair.firstIndex(of: "="), pair.index(after: equals) < pair.endIndex else {
                return String(pair)
            }
            let name = pair[..<equals].lowercased()
            return secret.contains(where: name.contains) ? pair[...equals] + hidden : String(pair)
        }
        return url[...mark] + query.joined(separator: "&")
    }

    /// An address without the user name and password written into it ("https://me:pw@host/" → "https://host/").
    public static func withoutUserInfo(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.user != nil || parts.password != nil else { return url }
        parts.user = nil
        parts.password = nil
        return parts.string ?? url
    }

    /// Whether Hearth can answer in place: a forum or server with the key to write there, or a mailbox.
    public var canAnswer: Bool {
        switch kind {
        case .discourse, .hearth: credentialNames.contains("apiKey")
        case .mastodon: credentialNames.contains("token")
        case .imap: credentialNames.contains("password")
        case .feed, .webhook: false
        }
    }
}

/// How a source is doing, in words a community manager can act on.
public struct SourceHealth: Sendable, Equatable {
    public var lastPolledAt: Date?
    public var lastSuccessAt: Date?
    /// The last failure as the source gave it ("401: the token or password was refused."); nil after a success.
    public var lastError: String?
    /// Failures in a row: each doubles the wait before the next poll, up to a day.
    public var failures: Int
    public var nextPollAt: Date?
    /// Items that came in from it, ever.
    public var itemsCount: Int

    public init(
        lastPolledAt: Date? = nil, lastSuccessAt: Date? = nil, lastError: String? = nil, failures: Int = 0,
        nextPollAt: Date? = nil, itemsCount: Int = 0
    ) {
        self.lastPolledAt = lastPolledAt
        self.lastSuccessAt = lastSuccessAt
        self.lastError = lastError
        self.failures = failures
        self.nextPollAt = nextPollAt
        self.itemsCount = itemsCount
    }

    /// "ok", "failing" or "waiting" (never polled yet).
    public var state: String {
        if lastError != nil { return "failing" }
        return lastSuccessAt == nil ? "waiting" : "ok"
    }

    /// The wait before the next poll after `failures` failures in a row: the interval, doubled at each, at most
    /// a day (and never less than the interval).
    public static func wait(interval: Int, failures: Int) -> TimeInterval {
        let doubled = Double(interval) * pow(2, Double(min(failures, 10)))
        return max(Double(interval), min(doubled, 86_400))
    }
}

/// A source as staff write it (POST) or change it (PATCH: nil leaves a field as it is).
public struct SourceInput: Sendable, Equatable {
    public var kind: Source.Kind?
    public var name: String?
    public var url: String?
    public var keywords: [String]?
    public var intervalSeconds: Int?
    public var enabled: Bool?
    /// Replaces the kept credentials; an empty value removes that one.
    public var credentials: [String: String]?
    /// Post the community's announcements through it (Mastodon only).
    public var announce: Bool?

    public init(
        kind: Source.Kind? = nil, name: String? = nil, url: String? = nil, keywords: [String]? = nil,
        intervalSeconds: Int? = nil, enabled: Bool? = nil, credentials: [String: String]? = nil,
        announce: Bool? = nil
    ) {
        self.announce = announce
        self.kind = kind
        self.name = name
        self.url = url
        self.keywords = keywords
        self.intervalSeconds = intervalSeconds
        self.enabled = enabled
        self.credentials = credentials
    }
}

/// One thing a source published, as its adapter read it.
public struct OutsideEntry: Sendable, Equatable, Codable {
    /// The source's own id for it (a guid, a status id, a Message-ID), else its address: what makes it the same
    /// item on the next poll.
    public var externalID: String
    public var url: String?
    public var title: String
    public var author: String?
    public var text: String
    public var publishedAt: Date?
    /// What an answer needs to reach its thread there (a topic id, a status id, a Message-ID and address).
    public var replyTo: String?
    /// Addressed to the brand (a mention, a mail, a post to its webhook): it comes in without a keyword.
    public var direct: Bool

    public init(
        externalID: String, url: String?, title: String, author: String?, text: String, publishedAt: Date?,
        replyTo: String? = nil, direct: Bool = false
    ) {
        self.externalID = externalID
        self.url = url
        self.title = title
        self.author = author
        self.text = text
        self.publishedAt = publishedAt
        self.replyTo = replyTo
        self.direct = direct
    }
}

extension OutsideEntry {
    /// The entry as it can be stored on both engines whatever a stranger wrote: the characters XML forbids (NUL,
    /// which PostgreSQL refuses) left out, an id longer than an index holds replaced by its SHA-256, an address
    /// too long dropped, every text bounded.
    public var stored: OutsideEntry {
        func clean(_ text: String, _ limit: Int) -> String {
            String(text.withoutXMLForbiddenCharacters.prefix(limit))
        }
        var entry = self
        let id = clean(externalID, 10_000)
        entry.externalID = id.utf8.count > 200 ? "sha256:" + SecretToken.digest(id) : id
        entry.url = url.map { clean($0, 2_001) }.flatMap { $0.count > 2_000 ? nil : $0 }
        entry.title = clean(title, 300)
        entry.author = author.map { clean($0, 200) }
        entry.text = clean(text, 10_000)
        entry.replyTo = replyTo.map { clean($0, 4_000) }
        return entry
    }
}

/// What the inbox shows of an outside item: where it came from, what it says, and where to answer it.
public struct OutsideRef: Sendable, Equatable, Codable {
    public var itemID: Int64
    public var sourceID: Int64
    public var sourceName: String
    public var sourceKind: String
    public var title: String
    public var url: String?
    public var author: String?
    public var excerpt: String
    /// The keywords it says.
    public var keywords: [String]
    /// Whether an answer can go back through the source (otherwise the inbox offers "open on site").
    public var canAnswer: Bool
    /// When it was written there, when the source says.
    public var publishedAt: Date?
    /// Why the last answer did not go (it came back into the inbox for that).
    public var answerError: String?

    public init(
        itemID: Int64, sourceID: Int64, sourceName: String, sourceKind: String, title: String, url: String?,
        author: String?, excerpt: String, keywords: [String], canAnswer: Bool, publishedAt: Date? = nil
    ) {
        self.publishedAt = publishedAt
        self.itemID = itemID
        self.sourceID = sourceID
        self.sourceName = sourceName
        self.sourceKind = sourceKind
        self.title = title
        self.url = url
        self.author = author
        self.excerpt = excerpt
        self.keywords = keywords
        self.canAnswer = canAnswer
    }
}

/// A new outside item ready to store: the entry, what the engine read in it, and the keywords it says.
public struct OutsideArrival: Sendable {
    public var entry: OutsideEntry
    public var facts: InboxFacts
    public var keywords: [String]

    public init(entry: OutsideEntry, facts: InboxFacts, keywords: [String]) {
        self.entry = entry
        self.facts = facts
        self.keywords = keywords
    }
}

/// The payload of a `sourcePoll` job.
public struct SourcePollJob: Sendable, Codable, Equatable {
    public let sourceID: Int64

    public init(sourceID: Int64) {
        self.sourceID = sourceID
    }
}

/// The payload of an `outsideAnswer` job: an answer written in the inbox, on its way back through the source.
public struct OutsideAnswerJob: Sendable, Codable, Equatable {
    public let answerID: Int64

    public init(answerID: Int64) {
        self.answerID = answerID
    }
}

extension JobKind {
    /// Poll one source (`SourcePollJob`).
    public static let sourcePoll = JobKind(rawValue: "source_poll")
    /// Send one answer back through its source (`OutsideAnswerJob`).
    public static let outsideAnswer = JobKind(rawValue: "outside_answer")
}
