import Foundation

/// A source about to be stored, its credentials already sealed.
public struct NewSource: Sendable, Equatable {
    public var kind: Source.Kind
    public var name: String
    public var url: String?
    public var keywords: [String]
    public var intervalSeconds: Int
    public var enabled: Bool
    /// The credentials as one sealed JSON object; nil when there are none.
    public var sealedCredentials: String?
    public var credentialNames: [String]
    /// Announcements are posted through it (Mastodon).
    public var announce: Bool

    public init(
        kind: Source.Kind, name: String, url: String?, keywords: [String], intervalSeconds: Int, enabled: Bool,
        sealedCredentials: String?, credentialNames: [String], announce: Bool = false
    ) {
        self.announce = announce
        self.kind = kind
        self.name = name
        self.url = url
        self.keywords = keywords
        self.intervalSeconds = intervalSeconds
        self.enabled = enabled
        self.sealedCredentials = sealedCredentials
        self.credentialNames = credentialNames
    }
}

/// What a source kept between polls: the conditional GET's validators and where it stopped (a Mastodon status
/// id, an IMAP UID).
public struct SourceCursor: Sendable, Equatable {
    public var etag: String?
    public var lastModified: String?
    public var position: String?

    public init(etag: String? = nil, lastModified: String? = nil, position: String? = nil) {
        self.etag = etag
        self.lastModified = lastModified
        self.position = position
    }
}

/// An answer written in the inbox to an outside item, on its way back through the source (the outbox).
public struct OutsideAnswer: Sendable, Equatable {
    public var id: Int64
    public var sourceID: SourceID
    public var itemID: Int64
    public var entry: OutsideEntry
    public var body: String
    public var authorName: String
    /// A boost shares the item from the brand's account; an answer replies to it.
    public var isBoost: Bool
    public var sentAt: Date?
    /// Where the answer can be read, when the place said.
    public var sentURL: String?
    /// Sent with it where the place takes one: a retry posts once.
    public var idempotencyKey: String
    public var lastError: String?

    public init(
        id: Int64, sourceID: SourceID, itemID: Int64, entry: OutsideEntry, body: String, authorName: String,
        sentAt: Date?, sentURL: String? = nil, idempotencyKey: String = "", lastError: String?, isBoost: Bool = false
    ) {
        self.isBoost = isBoost
        self.sentURL = sentURL
        self.idempotencyKey = idempotencyKey
        self.id = id
        self.sourceID = sourceID
        self.itemID = itemID
        self.entry = entry
        self.body = body
        self.authorName = authorName
        self.sentAt = sentAt
        self.lastError = lastError
    }
}

/// The sources and what came in from them, as stored.
public protocol SourceRepository: Sendable {
    func sources() async throws -> [Source]
    func source(_ id: SourceID) async throws -> Source?
    /// Stores a new source with its log line; its first poll is due at once.
    func add(_ source: NewSource, log: NewLogEntry, at date: Date) async throws -> SourceID
    /// Replaces a source's settings (the sealed credentials only when `credentials` is not nil); false when
    /// there is no such source.
    func update(
        _ id: SourceID, _ source: NewSource, credentials: String??, log: NewLogEntry, at date: Date
    ) async throws -> Bool
    /// Removes a source and what came from it that is not in the inbox; false when there is no such source.
    func remove(_ id: SourceID, log: NewLogEntry, at date: Date) async throws -> Bool
    /// The sealed credentials, for the adapter only.
    func sealedCredentials(_ id: SourceID) async throws -> String?
    func cursor(_ id: SourceID) async throws -> SourceCursor
    /// Makes the source due now (its poll is queued by the clock's next pass); false when there is no such source.
    func pollNow(_ id: SourceID, at date: Date) async throws -> Bool
    /// Queues the polls of the enabled sources due at `date`, each pushed past `lease` so that another process does
    /// not queue it too; returns how many.
    func scheduleDue(at date: Date, lease: TimeInterval, limit: Int) async throws -> Int
    /// Which of these ids or addresses the source already brought in.
    func known(_ id: SourceID, ids: [String], urls: [String]) async throws -> Set<String>
    /// Stores a poll's outcome: the new items (each with its inbox item and log line when it says a keyword), the
    /// cursor, the health and the next poll. Items already known are skipped. Returns how many came in.
    @discardableResult
    func record(
        _ id: SourceID, arrivals: [OutsideArrival], seen: [OutsideEntry], cursor: SourceCursor?, error: String?,
        nextPoll: Date, at date: Date
    ) async throws -> Int
    /// Queues an answer to an outside item with its job and marks the inbox item answered, in one transaction.
    func queueAnswer(
        inboxItem: InboxItemID, body: String, by member: MemberID, authorName: String, at date: Date
    ) async throws -> Int64
    /// Queues a boost of an outside item with its job; the item stays as it is in the inbox. Refused when it was
    /// boosted already.
    func queueBoost(inboxItem: InboxItemID, by member: MemberID, authorName: String, at date: Date) async throws
        -> Int64
    /// Takes an answer to send for `lease` seconds: nil when it was sent, or another process is sending it.
    func claimAnswer(_ id: Int64, for lease: TimeInterval, at date: Date) async throws -> OutsideAnswer?
    /// Records an answer's attempt: sent (with the address where it can be read) or the error.
    func recordAnswer(_ id: Int64, sentURL: String?, error: String?, at date: Date) async throws
    /// The latest answers of a source, newest first.
    func answers(_ id: SourceID, limit: Int) async throws -> [OutsideAnswer]
    /// Queues an announcement, once, for every enabled Mastodon source that announces and every outgoing webhook
    /// that takes `announcement.published`, each with its job; returns how many copies were queued.
    @discardableResult
    func queueAnnouncement(_ announcement: AnnounceJob, url: String, at date: Date) async throws -> Int
    /// Takes an announcement to post for `lease` seconds: nil when it was posted, is being posted, or its topic is
    /// no longer public.
    func claimOutward(_ id: Int64, for lease: TimeInterval, at date: Date) async throws -> OutwardPost?
    func recordOutward(_ id: Int64, sentURL: String?, error: String?, at date: Date) async throws
    /// The latest announcements posted (or on their way) through a source, newest first.
    func outwardPosts(_ id: SourceID, limit: Int) async throws -> [OutwardPost]
}
