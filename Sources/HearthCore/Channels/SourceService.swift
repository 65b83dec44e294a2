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
    /// The kinds this server can read.
    public let kinds: Set<Source.Kind>
    let reader: (any TextReader)?
    let normaliser: any WordNormaliser
    let secrets: SecretBox
    let policy: AccessPolicy
    let now: Now

    public init(
        store: any SourceRepository, kinds: Set<Source.Kind>, reader: (any TextReader)?,
        normaliser: any WordNormaliser, secrets: SecretBox, policy: AccessPolicy, now: @escaping Now
    ) {
        self.store = store
        self.kinds = kinds
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
        guard kinds.contains(kind) else {
            throw HearthError.invalid("kind", "Hearth cannot read \(kind.rawValue) sources yet.")
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
        let known = try await store.known(
            source.id, ids: entries.map(\.stored.externalID), urls: byURL ? entries.compactMap(\.url) : [])
        var seen: Set<String> = known
        var arrivals: [OutsideArrival] = []
        var others: [OutsideEntry] = []
        let keywords = WatchedWordList(
            source.keywords.enumerated().map {
                WatchedWord(
                    id: WatchedWordID(Int64($0.offset)), language: nil, pattern: $0.element, isRegex: false,
                    action: .flag, replacement: nil, createdAt: date)
            }, normaliser: normaliser)
        for original in entries {
            let entry = original.stored
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

    // MARK: Answers

    /// Answers an outside item from the inbox: the answer is queued with its job (sent after commit, once) and
    /// the item is marked answered. Refused when the source cannot take an answer.
    public func answer(_ viewer: Viewer?, _ item: InboxItem, body raw: String) async throws -> Int64 {
        let date = now()
        guard let viewer else { throw HearthError.unauthorized("Please log in first.") }
        try policy.authorize(viewer, .workInbox, at: date)
        guard item.kind == .outside, let outside = item.facts.outside else {
            throw HearthError.invalid("body", "This item is not from an outside source.")
        }
        guard outside.canAnswer else {
            throw HearthError.invalid(
                "body", "\(outside.sourceName) cannot take an answer from Hearth: open it on its site to answer there.")
        }
        guard item.state == .open else { throw HearthError.conflict(InboxService.alreadyDecided(item, at: date)) }
        let body = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.isEmpty else { throw HearthError.invalid("body", "Write the answer first.") }
        guard body.count <= 5_000 else {
            throw HearthError.invalid("body", "An answer is 5,000 characters at most.")
        }
        // Mastodon takes 500 characters, the author's mention included.
        if outside.sourceKind == Source.Kind.mastodon.rawValue, body.count + (outside.author?.count ?? 0) + 1 > 500 {
            throw HearthError.invalid(
                "body", "On Mastodon an answer is 500 characters at most, the mention of its author included.")
        }
        return try await store.queueAnswer(
            inboxItem: item.id, body: body, by: viewer.member.id, authorName: viewer.member.displayName, at: date)
    }

    /// How long a job holds an answer or an announcement it is sending: no other process sends it meanwhile.
    static let sendingLease: TimeInterval = 600

    /// Boosts a Mastodon item from the brand's account (queued, sent once); the item stays in the inbox.
    public func boost(_ viewer: Viewer?, _ item: InboxItem) async throws -> Int64 {
        let date = now()
        guard let viewer else { throw HearthError.unauthorized("Please log in first.") }
        try policy.authorize(viewer, .workInbox, at: date)
        guard item.kind == .outside, let outside = item.facts.outside,
            outside.sourceKind == Source.Kind.mastodon.rawValue, outside.canAnswer
        else { throw HearthError.invalid("id", "Only a Mastodon post can be boosted.") }
        return try await store.queueBoost(
            inboxItem: item.id, by: viewer.member.id, authorName: viewer.member.displayName, at: date)
    }

    /// The answer to send, taken for this job, with its source and credentials; nil once sent, while another
    /// process sends it, or when its source is gone.
    public func forSending(_ id: Int64) async throws
        -> (answer: OutsideAnswer, source: Source, credentials: [String: String])?
    {
        guard let answer = try await store.claimAnswer(id, for: Self.sendingLease, at: now()),
            let source = try await store.source(answer.sourceID)
        else { return nil }
        return (answer, source, try await credentials(of: source.id))
    }

    public func recordAnswer(_ id: Int64, sentURL: String?, error: String?) async throws {
        try await store.recordAnswer(id, sentURL: sentURL, error: error, at: now())
    }

    // MARK: Announcements

    /// Fans an announcement out to the Mastodon accounts that announce and the webhooks that take it (the
    /// `announce` job, queued with the topic).
    @discardableResult
    public func announce(_ job: AnnounceJob, url: String) async throws -> Int {
        try await store.queueAnnouncement(job, url: url, at: now())
    }

    /// An announcement to post, taken for this job, with its source and credentials; nil once posted, while another
    /// process posts it, or when its topic is no longer public.
    public func forPosting(_ id: Int64) async throws
        -> (post: OutwardPost, source: Source, credentials: [String: String])?
    {
        guard let post = try await store.claimOutward(id, for: Self.sendingLease, at: now()),
            let source = try await store.source(post.sourceID)
        else { return nil }
        return (post, source, try await credentials(of: source.id))
    }

    public func recordOutward(_ id: Int64, sentURL: String?, error: String?) async throws {
        try await store.recordOutward(id, sentURL: sentURL, error: error, at: now())
    }

    /// The latest announcements posted through a source.
    public func outwardPosts(_ viewer: Viewer?, _ id: SourceID) async throws -> [OutwardPost] {
        _ = try await source(viewer, id)
        return try await store.outwardPosts(id, limit: 20)
    }

    // MARK: Checks

    /// One source per name, and one per feed and keywords: a form sent twice, or the same feed added again, would
    /// bring the same things in twice.
    static func checkUnique(
        name: String, url: String?, kind: Source.Kind, keywords: [String], among sources: [Source], except: SourceID?
    ) throws {
        for other in sources where other.id != except {
            if other.name.lowercased() == name.lowercased() {
                throw HearthError.conflict("A source is already named “\(other.name)”: give this one another name.")
            }
            // Two accounts on one server, or one forum searched for other words, are two sources; one feed is one.
            if let url, kind == .feed, other.kind == kind, other.url?.lowercased() == url.lowercased(),
                Set(other.keywords.map { $0.lowercased() }) == Set(keywords.map { $0.lowercased() })
            {
                throw HearthError.conflict("\(other.name) already reads this address for these keywords.")
            }
        }
    }

    static func checkAnnounce(_ announce: Bool?, for kind: Source.Kind) throws {
        guard announce == true, kind != .mastodon else { return }
        throw HearthError.invalid("announce", "Only a Mastodon source posts the community's announcements.")
    }

    private func credentials(of id: SourceID) async throws -> [String: String] {
        guard let sealed = try await store.sealedCredentials(id) else { return [:] }
        let json = try secrets.open(sealed)
        return (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }

    private func seal(_ credentials: [String: String]) throws -> String? {
        guard !credentials.isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try secrets.seal(String(decoding: try encoder.encode(credentials), as: UTF8.self))
    }

    private func log(_ viewer: Viewer?, _ action: String, _ id: SourceID, _ reason: String) -> NewLogEntry {
        NewLogEntry(actorID: viewer?.member.id, action: action, target: .source, targetID: id.rawValue, reason: reason)
    }

    static func name(_ raw: String?) throws -> String {
        let name = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw HearthError.invalid("name", "Give the source a name.") }
        guard name.count <= 80 else { throw HearthError.invalid("name", "A source's name is 80 characters at most.") }
        return name
    }

    static func address(_ raw: String?, for kind: Source.Kind) throws -> String? {
        let url = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard kind != .webhook else {
            guard url.isEmpty else {
                throw HearthError.invalid("url", "A webhook source has no address: things are posted to it.")
            }
            return nil
        }
        guard !url.contains(Source.hidden) else {
            throw HearthError.invalid(
                "url", "Write the address again in full: the one shown hides the parts that look secret.")
        }
        let schemes = kind == .imap ? ["imap", "imaps"] : ["http", "https"]
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(),
            schemes.contains(scheme), let host = parts.host, !host.isEmpty
        else {
            throw HearthError.invalid(
                "url",
                kind == .imap
                    ? "A mailbox's address starts with imaps:// or imap:// and names the mail server."
                    : "A source's address starts with http:// or https:// and names a host.")
        }
        guard url.count <= 2_000 else {
            throw HearthError.invalid("url", "A source's address is 2,000 characters at most.")
        }
        guard parts.user == nil, parts.password == nil else {
            throw HearthError.invalid(
                "url",
                "Put the user name and password in the credentials (a feed takes them too), not in the address: they would show there."
            )
        }
        return kind == .feed ? url : url.withoutTrailingSlash
    }

    static func keywords(_ raw: [String]) throws -> [String] {
        var kept: [String] = []
        for word in raw.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !word.isEmpty {
            guard word.count <= 80 else {
                throw HearthError.invalid("keywords", "A keyword is 80 characters at most.")
            }
            if !kept.contains(where: { $0.lowercased() == word.lowercased() }) { kept.append(word) }
        }
        guard kept.count <= 50 else { throw HearthError.invalid("keywords", "A source has 50 keywords at most.") }
        return kept
    }

    static func interval(_ seconds: Int) throws -> Int {
        guard intervals.contains(seconds) else {
            throw HearthError.invalid(
                "intervalSeconds", "Poll between every minute (60) and once a day (86400 seconds).")
        }
        return seconds
    }

    static func credentials(_ given: [String: String], for kind: Source.Kind, allowEmpty: Bool = false) throws
        -> [String: String]
    {
        var kept: [String: String] = [:]
        for (name, value) in given {
            guard kind.credentialNames.contains(name) else {
                let names = kind.credentialNames
                throw HearthError.invalid(
                    "credentials",
                    names.isEmpty
                        ? "A \(kind.rawValue) source takes no credentials."
                        : "A \(kind.rawValue) source takes these credentials: \(names.joined(separator: ", ")).")
            }
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.count <= 4_000 else {
                throw HearthError.invalid("credentials", "A credential is 4,000 characters at most.")
            }
            if !trimmed.isEmpty || allowEmpty { kept[name] = trimmed }
        }
        return kept
    }

    static func requireCredentials(_ credentials: [String: String], for kind: Source.Kind) throws {
        switch kind {
        case .mastodon where credentials["token"] == nil:
            throw HearthError.invalid(
                "credentials",
                "A Mastodon source needs an access token: make one in the account's preferences, under Development, with the read and write scopes."
            )
        case .imap where credentials["username"] == nil || credentials["password"] == nil:
            throw HearthError.invalid("credentials", "A mailbox needs its user name and password.")
        default:
            break
        }
    }
}
