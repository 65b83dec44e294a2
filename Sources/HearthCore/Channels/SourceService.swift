import Foundation

/// The outside sources' use cases: staff add, change and remove sources, poll one now, read each one's health;
/// what a poll or a webhook brings is deduplicated, read by the engine, matched against the keywords and put into
/// the priority inbox with a line in the log. A source's credentials are sealed before they are stored and never
/// given back.
public struct SourceService: Sendable {
    /// Between a minute and a day; fifteen minutes when not said.
    public static let intervals = 60...86_400
    public static let defaultInterval = 900
    /// Older entries are remembered (not brought in again) but stay out of the inbox: old news.
    public static let freshness: TimeInterval = 14 * 86_400
    /// How long a queued poll keeps its source from being queued again.
    static let lease: TimeInterval = 600

    let store: any SourceRepository
    let reader: (any TextReader)?
    let normaliser: any WordNormaliser
    let secrets: SecretBox
    let policy: AccessPolicy
    let now: Now

    public init(
        store: any SourceRepository, reader: (any TextReader)?,
        normaliser: any WordNormaliser, secrets: SecretBox, policy: AccessPolicy, now: @escaping Now
    ) {
        self.store = store
        self.reader = reader
        self.normaliser = normaliser
        self.secrets = secrets
        self.policy = policy
        self.now = now
    }

    // MARK: Staff

    public func list(_ viewer: Viewer?) async throws -> [Source] {
        try policy.authorize(viewer, .manageSources, at: now())
        return try await store.sources()
    }

    /// The sources with what went out through each, for the console page: authorized once, and per source only
    /// the queries its kind needs (answers where one can answer, announcements on Mastodon).
    public func overview(_ viewer: Viewer?) async throws -> SourcesOverview {
        let sources = try await list(viewer)
        var overview = SourcesOverview(sources: sources)
        for source in sources {
            if source.canAnswer { overview.answers[source.id] = try await store.answers(source.id, limit: 20) }
            if source.kind == .mastodon {
                overview.announcements[source.id] = try await store.outwardPosts(source.id, limit: 20)
            }
        }
        return overview
    }

    public func source(_ viewer: Viewer?, _ id: SourceID) async throws -> Source {
        try policy.authorize(viewer, .manageSources, at: now())
        guard let source = try await store.source(id) else { throw HearthError.notFound("There is no such source.") }
        return source
    }

    /// Adds a source; its first poll is due at once. A webhook source gets its signing secret here, returned this
    /// once.
    public func add(_ viewer: Viewer?, _ input: SourceInput) async throws -> (source: Source, secret: String?) {
        let date = now()
        try policy.authorize(viewer, .manageSources, at: date)
        guard let kind = input.kind else {
            throw HearthError.invalid(
                "kind", "Say what kind of source it is: feed, discourse, mastodon, imap, webhook or hearth.")
        }
        let name = try Self.name(input.name)
        let url = try Self.address(input.url, for: kind)
        let keywords = try Self.keywords(input.keywords ?? [])
        try Self.checkUnique(
            name: name, url: url, kind: kind, keywords: keywords, among: try await store.sources(), except: nil)
        var credentials = try Self.credentials(input.credentials ?? [:], for: kind)
        var secret: String?
        if kind == .webhook {
            secret = WebhookEndpoint.newSecret()
            credentials["secret"] = secret
        }
        try Self.requireCredentials(credentials, for: kind)
        try Self.checkAnnounce(input.announce, for: kind)
        let new = try NewSource(
            kind: kind, name: name, url: url,
            keywords: keywords,
            intervalSeconds: Self.interval(input.intervalSeconds ?? Self.defaultInterval),
            enabled: input.enabled ?? true, sealedCredentials: seal(credentials),
            credentialNames: credentials.keys.sorted(), announce: input.announce ?? false)
        let id = try await store.add(
            new, log: log(viewer, "source_added", SourceID(0), "\(new.name) (\(kind.rawValue))"), at: date)
        return (try await self.source(viewer, id), secret)
    }

    /// Changes what `input` says; credentials given replace those kept (an empty value removes one).
    public func update(_ viewer: Viewer?, _ id: SourceID, _ input: SourceInput) async throws -> Source {
        let date = now()
        let current = try await source(viewer, id)
        if let kind = input.kind, kind != current.kind {
            throw HearthError.invalid("kind", "A source's kind cannot change: add a new source instead.")
        }
        try Self.checkAnnounce(input.announce, for: current.kind)
        var sealed: String?? = nil
        var names = current.credentialNames
        if let given = input.credentials {
            var credentials = try await credentials(of: id)
            for (name, value) in try Self.credentials(given, for: current.kind, allowEmpty: true) {
                credentials[name] = value.isEmpty ? nil : value
            }
            try Self.requireCredentials(credentials, for: current.kind)
            sealed = .some(try seal(credentials))
            names = credentials.keys.sorted()
        }
        let changed = try NewSource(
            kind: current.kind, name: input.name.map(Self.name) ?? current.name,
            // The address as the page showed it (its secret-looking values hidden) is the one kept.
            url: input.url.flatMap { $0 == current.shownURL ? nil : $0 }.map { try Self.address($0, for: current.kind) }
                ?? current.url,
            keywords: try input.keywords.map(Self.keywords) ?? current.keywords,
            intervalSeconds: try input.intervalSeconds.map(Self.interval) ?? current.intervalSeconds,
            enabled: input.enabled ?? current.enabled, sealedCredentials: nil, credentialNames: names,
            announce: input.announce ?? current.announce)
        try Self.checkUnique(
            name: changed.name, url: changed.url, kind: changed.kind, keywords: changed.keywords,
            among: try await store.sources(), except: id)
        guard
            try await store.update(
                id, changed, credentials: sealed, log: log(viewer, "source_changed", id, changed.name), at: date)
        else { throw HearthError.notFound("There is no such source.") }
        return try await source(viewer, id)
    }

    public func remove(_ viewer: Viewer?, _ id: SourceID) async throws {
        let current = try await source(viewer, id)
        guard try await store.remove(id, log: log(viewer, "source_removed", id, current.name), at: now()) else {
            throw HearthError.notFound("There is no such source.")
        }
    }

    /// Queues a poll now, whatever the source's interval or backoff.
    public func pollNow(_ viewer: Viewer?, _ id: SourceID) async throws {
        let current = try await source(viewer, id)
        guard current.kind.polls else {
            throw HearthError.invalid(
                "id", "A webhook source is not polled: things come in when they are posted to it.")
        }
        guard current.enabled else {
            throw HearthError.invalid("id", "\(current.name) is paused: tick “Read it” to read it again.")
        }
        guard try await store.pollNow(id, at: now()) else { throw HearthError.notFound("There is no such source.") }
    }

    /// Makes a webhook source a new signing secret, returned this once; the old one stops working at once.
    public func newSecret(_ viewer: Viewer?, _ id: SourceID) async throws -> String {
        let current = try await source(viewer, id)
        guard current.kind == .webhook else {
            throw HearthError.invalid("id", "Only a webhook source has a signing secret.")
        }
        var credentials = try await credentials(of: id)
        let secret = WebhookEndpoint.newSecret()
        credentials["secret"] = secret
        let changed = NewSource(
            kind: current.kind, name: current.name, url: current.url, keywords: current.keywords,
            intervalSeconds: current.intervalSeconds, enabled: current.enabled, sealedCredentials: nil,
            credentialNames: credentials.keys.sorted(), announce: current.announce)
        guard
            try await store.update(
                id, changed, credentials: .some(try seal(credentials)),
                log: log(viewer, "source_secret_changed", id, current.name), at: now())
        else { throw HearthError.notFound("There is no such source.") }
        return secret
    }

    /// The latest answers sent (or trying to go) through a source.
    public func answers(_ viewer: Viewer?, _ id: SourceID) async throws -> [OutsideAnswer] {
        _ = try await source(viewer, id)
        return try await store.answers(id, limit: 20)
    }

    // MARK: Polling

    /// Queues the polls that are due (the clock's job, in every `hearth serve`).
    @discardableResult
    public func scheduleDue(limit: Int = 100) async throws -> Int {
        try await store.scheduleDue(at: now(), lease: Self.lease, limit: limit)
    }

    /// A source to poll with what it needs: its credentials opened, and where it stopped.
    public func forPolling(_ id: SourceID) async throws
        -> (source: Source, credentials: [String: String], cursor: SourceCursor)?
    {
        guard let source = try await store.source(id), source.enabled else { return nil }
        return (source, try await credentials(of: id), try await store.cursor(id))
    }

    /// What a poll or a post brought: the entries not seen before are read, matched and stored (those that say
    /// a keyword, and are fresh, into the inbox). Returns how many came into the inbox.
    @discardableResult
    public func received(_ source: Source, entries: [OutsideEntry], cursor: SourceCursor?) async throws -> Int {
        let date = now()
        // A feed's entry may change its guid and keep its link; elsewhere an address can be shared by many items
        // (a topic's replies, a shop's order page), which are told apart by their ids only.
        let byURL = source.kind == .feed
        // Cleaned once, as they will be stored (NUL left out, long ids hashed): the repository stores them as given.
        let entries = entries.map(\.stored)
        let known = try await store.known(
            source.id, ids: entries.map(\.externalID), urls: byURL ? entries.compactMap(\.url) : [])
        var seen: Set<String> = known
        var arrivals: [OutsideArrival] = []
        var others: [OutsideEntry] = []
        let keywords = WatchedWordList(
            source.keywords.enumerated().map {
                WatchedWord(
                    id: WatchedWordID(Int64($0.offset)), language: nil, pattern: $0.element, isRegex: false,
                    action: .flag, replacement: nil, createdAt: date)
            }, normaliser: normaliser)
        for entry in entries {
            guard !seen.contains(entry.externalID), !byURL || entry.url.map({ !seen.contains($0) }) ?? true else {
                continue
            }
            seen.insert(entry.externalID)
            if byURL, let url = entry.url { seen.insert(url) }
            let text = entry.title.isEmpty ? entry.text : entry.title + "\n\n" + entry.text
            let said = keywords.isEmpty ? [] : keywords.match(text, language: nil).flagged.map(\.pattern)
            let fresh = (entry.publishedAt ?? date) > date.addingTimeInterval(-Self.freshness)
            guard fresh, entry.direct || keywords.isEmpty || !said.isEmpty else {
                others.append(entry)
                continue
            }
            let facts =
                reader.map { InboxFacts(reading: $0.read(text), text: text, newcomer: false, opensTopic: true) }
                ?? InboxFacts(words: InboxFacts.wordCount(text), opensTopic: true)
            arrivals.append(OutsideArrival(entry: entry, facts: facts, keywords: said))
        }
        let next = date.addingTimeInterval(SourceHealth.wait(interval: source.intervalSeconds, failures: 0))
        return try await store.record(
            source.id, arrivals: arrivals, seen: others, cursor: cursor, error: nil, nextPoll: next, at: date)
    }

    /// A poll failed: the error is kept in words, and the next poll waits longer (doubling up to a day).
    public func failed(_ source: Source, error: String) async throws {
        let date = now()
        let wait = SourceHealth.wait(interval: source.intervalSeconds, failures: source.health.failures + 1)
        try await store.record(
            source.id, arrivals: [], seen: [], cursor: nil, error: error, nextPoll: date.addingTimeInterval(wait),
            at: date)
    }

    // MARK: Webhooks

    /// A post to a webhook source: verified by its Standard Webhooks signature (a bad one stores nothing), then
    /// read as one entry (`{"id", "text", "title"?, "url"?, "author"?}`) or several (`{"items": [...]}`).
    @discardableResult
    public func hook(
        _ id: SourceID, messageID: String?, timestamp: String?, signature: String?, body: [UInt8]
    ) async throws -> Int {
        guard let source = try await store.source(id), source.kind == .webhook, source.enabled,
            let secret = try await credentials(of: id)["secret"]
        else { throw HearthError.notFound("There is no such webhook source.") }
        // The sender signs with its wall clock, so the check is against this machine's, not the community's clock
        // that tests move.
        try WebhookSignature.verify(
            secret: secret, messageID: messageID, timestamp: timestamp, signature: signature, body: body, at: Date())
        let entries = try HookPayload.entries(body)
        return try await received(source, entries: entries, cursor: nil)
    }

    // MARK: Credentials and the log

    func credentials(of id: SourceID) async throws -> [String: String] {
        guard let sealed = try await store.sealedCredentials(id) else { return [:] }
        let json = try secrets.open(sealed)
        return (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }

    func seal(_ credentials: [String: String]) throws -> String? {
        guard !credentials.isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try secrets.seal(String(decoding: try encoder.encode(credentials), as: UTF8.self))
    }

    func log(_ viewer: Viewer?, _ action: String, _ id: SourceID, _ reason: String) -> NewLogEntry {
        NewLogEntry(actorID: viewer?.member.id, action: action, target: .source, targetID: id.rawValue, reason: reason)
    }
}

/// The console's view of the sources: each with its latest answers and announcements.
public struct SourcesOverview: Sendable {
    public let sources: [Source]
    public var answers: [SourceID: [OutsideAnswer]] = [:]
    public var announcements: [SourceID: [OutwardPost]] = [:]
}
