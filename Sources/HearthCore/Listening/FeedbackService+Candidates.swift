import Foundation

/// Posts onto the board: the engine's candidates, staff's yes or no, the demo's board, and items written by hand.
extension FeedbackService {
    // MARK: Candidates

    /// Posts the engine proposes, newest first, with its explanation.
    public func candidates(_ viewer: Viewer?, before: PostID? = nil, limit: Int = 30) async throws
        -> [FeedbackCandidate]
    {
        try policy.authorize(viewer, .manageFeedback, at: now())
        return try await board.candidates(before: before, limit: min(max(limit, 1), 100))
    }

    /// How many candidates wait (up to 100), for the board's link to them.
    public func candidateCount(_ viewer: Viewer?) async throws -> Int {
        try policy.authorize(viewer, .manageFeedback, at: now())
        return try await board.candidateCount(atMost: 100)
    }

    /// Staff's yes to a post (a candidate, or any post marked as feedback): it joins the item it repeats, or
    /// starts one. The engine learns the post's kind.
    @discardableResult
    public func accept(_ viewer: Viewer?, post postID: PostID, kind chosen: FeedbackItem.Kind? = nil) async throws
        -> FeedbackItem
    {
        try await placing(viewer, post: postID, kind: chosen).item
    }

    /// `accept`, saying also whether the post started its item (or joined one, a hand-written item included).
    public func placing(_ viewer: Viewer?, post postID: PostID, kind chosen: FeedbackItem.Kind? = nil) async throws
        -> (item: FeedbackItem, started: Bool)
    {
        let date = now()
        try policy.authorize(viewer, .manageFeedback, at: date)
        let actor = try ModerationService.member(viewer)
        let (post, topic) = try await forum.visiblePost(postID, for: viewer)
        if let linked = try await board.item(linking: postID) {
            throw HearthError.conflict("This post is already on the board, in item #\(linked.rawValue).")
        }
        return try await place(post, in: topic, kind: chosen, by: actor.id, at: date)
    }

    /// The item a post is on, for staff (nil when it is on none).
    public func item(linking postID: PostID, for viewer: Viewer?) async throws -> FeedbackItemID? {
        try policy.authorize(viewer, .manageFeedback, at: now())
        return try await board.item(linking: postID)
    }

    /// Puts a post on the board: it joins the item it repeats (at the end of any chain of merges), or starts one.
    /// With `actor`, staff said yes, and the engine learns the kind; without, nobody decided (the demo).
    func place(
        _ post: Post, in topic: Topic, kind chosen: FeedbackItem.Kind?, by actor: MemberID?, at date: Date
    )
        async throws -> (item: FeedbackItem, started: Bool)
    {
        let reading = try await forum.forum.readings(of: [post.id])[post.id]
        let kind = chosen ?? reading.flatMap { FeedbackItem.Kind(reading: $0.feedbackKind) } ?? .suggestion
        let text = post.number == 1 ? topic.title + "\n\n" + post.body : post.body
        let label = actor == nil ? nil : EngineLabel.feedback(post.id, kind: kind.rawValue)
        if let (match, _) = try await matcher.match(text, kind: kind), let target = try await root(of: match) {
            _ = try await board.link(post.id, to: target.id, label: label, by: actor, at: date)
            return (try await found(target.id), false)
        }
        let id = try await board.create(
            NewFeedbackItem(
                title: post.number == 1 ? topic.title : Self.title(from: post.body), body: post.body, kind: kind,
                language: reading?.language ?? "unknown", createdBy: actor, postID: post.id),
            label: label,
            log: NewLogEntry(actorID: actor, action: "accept feedback", target: .post, targetID: post.id.rawValue),
            at: date)
        return (try await found(id), true)
    }

    /// Puts the engine's latest candidates on an empty board, grouped, without anyone's yes: the demo community's
    /// board. Returns how many items it made.
    @discardableResult
    public func gather(latest limit: Int) async throws -> Int {
        guard try await board.items(FeedbackQuery(limit: 1)).isEmpty else { return 0 }
        var items: Set<FeedbackItemID> = []
        for candidate in try await board.candidates(before: nil, limit: limit).reversed() {
            guard let post = try await forum.forum.post(id: candidate.postID),
                let topic = try await forum.forum.topic(id: candidate.topicID)
            else { continue }
            items.insert(try await place(post, in: topic, kind: candidate.kind, by: nil, at: now()).item.id)
        }
        return items.count
    }

    /// Staff's no to a candidate: it leaves the list, and the engine learns that such a post is talk.
    public func decline(_ viewer: Viewer?, post postID: PostID) async throws {
        let date = now()
        try policy.authorize(viewer, .manageFeedback, at: date)
        let actor = try ModerationService.member(viewer)
        _ = try await forum.visiblePost(postID, for: viewer)
        guard let label = EngineLabel.feedback(postID, kind: "discussion") else { return }
        try await board.decline(postID, label: label, by: actor.id, at: date)
    }

    /// An item staff write by hand: what a colleague heard on the phone.
    @discardableResult
    public func write(
        _ viewer: Viewer?, title rawTitle: String, body rawBody: String, kind: FeedbackItem.Kind, language: Language
    ) async throws -> FeedbackItem {
        let date = now()
        try policy.authorize(viewer, .manageFeedback, at: date)
        let actor = try ModerationService.member(viewer)
        let title = Self.clean(rawTitle)
        let body = Self.clean(rawBody)
        var problems: [FieldError] = []
        if !(3...160).contains(title.count) {
            problems.append(FieldError(field: "title", message: "A title is 3 to 160 characters."))
        }
        if body.count > 20_000 {
            problems.append(FieldError(field: "body", message: "A description is 20,000 characters at most."))
        }
        guard problems.isEmpty else { throw HearthError.validation(problems) }
        // The same item sent twice (a reload, the back button) is written once: the repository gives it back.
        let id = try await board.create(
            NewFeedbackItem(
                title: title, body: body, kind: kind, language: language.rawValue, createdBy: actor.id, postID: nil),
            label: nil,
            log: NewLogEntry(actorID: actor.id, action: "write feedback", target: .feedback, targetID: 0),
            at: date)
        return try await found(id)
    }
}
