import Foundation

/// What goes back out through the sources: answers and boosts from the inbox, and announcements.
extension SourceService: OutsideAnswering {
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
}
