import Foundation

/// The feedback board: suggestions, bug reports and complaints found where members write them, grouped into
/// items, voted and followed by members, moved through their statuses by staff, handed to colleagues, and carried
/// back to the threads they came from.
public struct FeedbackService: Sendable {
    let board: any FeedbackRepository
    let forum: ForumService
    let matcher: any FeedbackMatcher
    let texts: CommunityTexts
    let viewers: ViewerResolver
    let members: any MemberRepository
    let policy: AccessPolicy
    let now: Now

    public init(
        board: any FeedbackRepository, forum: ForumService, matcher: any FeedbackMatcher, texts: CommunityTexts,
        viewers: ViewerResolver, members: any MemberRepository, policy: AccessPolicy, now: @escaping Now
    ) {
        self.members = members
        self.board = board
        self.forum = forum
        self.matcher = matcher
        self.texts = texts
        self.viewers = viewers
        self.policy = policy
        self.now = now
    }

    /// Whether the viewer may do `action` on the board now.
    public func may(_ viewer: Viewer?, _ action: Action) -> Bool {
        policy.decide(viewer, action, at: now()).isAllowed
    }

    // MARK: Reading the board

    /// A page of the board, and where the next one starts.
    public func items(_ viewer: Viewer?, _ query: FeedbackQuery) async throws -> (
        items: [FeedbackItem], next: FeedbackCursor?
    ) {
        try policy.authorize(viewer, .readCommunity, at: now())
        var asked = query
        asked.limit = min(max(query.limit, 1), 100)
        let items = try await board.items(asked)
        let next = items.count == asked.limit ? items.last.map { FeedbackCursor(votes: $0.votes, id: $0.id) } : nil
        return (items, next)
    }

    public func detail(_ viewer: Viewer?, _ id: FeedbackItemID) async throws -> FeedbackDetail {
        try policy.authorize(viewer, .readCommunity, at: now())
        let item = try await found(id)
        var standing: (voted: Bool, follows: Bool)?
        if let viewer { standing = try await board.standing(of: viewer.member.id, on: id) }
        return FeedbackDetail(
            item: item, links: try await visibleLinks(viewer, id), changes: try await board.changes(of: id),
            comments: may(viewer, .seeFeedbackInternals) ? try await board.comments(of: id) : [],
            voted: standing?.voted ?? false, follows: standing?.follows ?? false)
    }

    /// The linked posts the viewer may see: a post in a category they cannot read is left out.
    private func visibleLinks(_ viewer: Viewer?, _ id: FeedbackItemID) async throws -> [FeedbackLink] {
        var shown: [FeedbackLink] = []
        for link in try await board.links(of: id) {
            if (try? await forum.visiblePost(link.postID, for: viewer)) != nil { shown.append(link) }
        }
        return shown
    }

    public func tags() async throws -> [String] {
        try await board.tags()
    }

    /// Every item not merged away, most voted first, for colleagues' trackers.
    public func export(_ viewer: Viewer?) async throws -> [FeedbackItem] {
        try policy.authorize(viewer, .seeFeedbackInternals, at: now())
        var all: [FeedbackItem] = []
        var after: FeedbackCursor?
        repeat {
            let page = try await board.items(FeedbackQuery(after: after, limit: 500))
            all += page
            after = page.count == 500 ? page.last.map { FeedbackCursor(votes: $0.votes, id: $0.id) } : nil
        } while after != nil
        return all
    }

    // MARK: Members' part

    public func vote(_ viewer: Viewer?, _ id: FeedbackItemID) async throws -> FeedbackItem {
        let date = now()
        try policy.authorize(viewer, .voteFeedback, at: date)
        let member = try ModerationService.member(viewer)
        let item = try await open(id)
        guard try await board.vote(item.id, by: member.id, at: date) else {
            throw HearthError.conflict("You have already voted for this item: one vote each.")
        }
        return try await found(id)
    }

    public func unvote(_ viewer: Viewer?, _ id: FeedbackItemID) async throws -> FeedbackItem {
        try policy.authorize(viewer, .voteFeedback, at: now())
        let member = try ModerationService.member(viewer)
        let item = try await found(id)
        guard try await board.unvote(item.id, by: member.id) else {
            throw HearthError.conflict("You have not voted for this item.")
        }
        return try await found(id)
    }

    public func follow(_ viewer: Viewer?, _ id: FeedbackItemID, _ follows: Bool) async throws {
        let date = now()
        try policy.authorize(viewer, .followFeedback, at: date)
        let member = try ModerationService.member(viewer)
        let item = try await open(id)
        try await board.follow(item.id, by: member.id, follows, at: date)
    }

    // MARK: Staff's part

    /// Moves an item to a status with a public note; the note is carried back to its threads and members.
    @discardableResult
    public func changeStatus(
        _ viewer: Viewer?, _ id: FeedbackItemID, to status: FeedbackItem.Status, note rawNote: String
    ) async throws -> FeedbackItem {
        let date = now()
        guard policy.decide(viewer, .manageFeedback, at: date).isAllowed else {
            throw viewer == nil
                ? HearthError.unauthorized("Please log in first.")
                : HearthError.forbidden("Only the community team may change an item's status.")
        }
        let actor = try ModerationService.member(viewer)
        let item = try await open(id)
        guard FeedbackItem.Status.chosen.contains(status) else {
            throw HearthError.invalid("status", "An item becomes a duplicate by being merged into another one.")
        }
        let note = Self.clean(rawNote)
        guard note.count <= 2_000 else {
            throw HearthError.invalid("note", "A note is 2,000 characters at most.")
        }
        if status == item.status, note.isEmpty {
            throw HearthError.conflict("This item already has this status; add a note to say what is new.")
        }
        // The same form sent twice is refused by the repository, in the change's own transaction.
        _ = try await board.changeStatus(
            item.id, to: status, note: note, by: actor.id,
            log: NewLogEntry(
                actorID: actor.id, action: "feedback \(status.rawValue)", target: .feedback,
                targetID: item.id.rawValue, reason: note, textBefore: item.status.rawValue,
                textAfter: status.rawValue),
            at: date)
        return try await found(id)
    }

    /// Merges `id` into `target` (or the item `target` was itself merged into); refuses a merge into itself.
    @discardableResult
    public func merge(_ viewer: Viewer?, _ id: FeedbackItemID, into target: FeedbackItemID) async throws
        -> FeedbackItem
    {
        let date = now()
        try policy.authorize(viewer, .manageFeedback, at: date)
        let actor = try ModerationService.member(viewer)
        guard id != target else {
            throw HearthError.invalid("mergeInto", "An item cannot be merged into itself.")
        }
        let item = try await open(id)
        guard var into = try await board.item(target) else {
            throw HearthError.notFound("There is no item #\(target.rawValue).")
        }
        var seen: Set<FeedbackItemID> = [into.id]
        while let next = into.mergedInto {
            guard next != item.id, seen.insert(next).inserted else {
                throw HearthError.invalid(
                    "mergeInto", "Item #\(target.rawValue) was merged into this one: merging back would make a loop.")
            }
            into = try await found(next)
        }
        try await board.merge(
            item.id, into: into.id, by: actor.id,
            log: NewLogEntry(
                actorID: actor.id, action: "merge feedback", target: .feedback, targetID: item.id.rawValue,
                reason: "#\(into.id.rawValue)"),
            at: date)
        return try await found(into.id)
    }

    /// Takes a post out of its item into a new item of its own.
    @discardableResult
    public func split(_ viewer: Viewer?, _ id: FeedbackItemID, post postID: PostID) async throws -> FeedbackItem {
        let date = now()
        try policy.authorize(viewer, .manageFeedback, at: date)
        let actor = try ModerationService.member(viewer)
        let item = try await open(id)
        guard try await board.item(linking: postID) == item.id else {
            throw HearthError.invalid("postId", "This post is not linked to item #\(id.rawValue).")
        }
        guard item.postCount > 1 else {
            throw HearthError.conflict("This is the item's only post: there is nothing to split it from.")
        }
        let (post, topic) = try await forum.visiblePost(postID, for: viewer)
        let reading = try await forum.forum.readings(of: [postID])[postID]
        let new = try await board.split(
            postID, from: item.id,
            into: NewFeedbackItem(
                title: post.number == 1 ? topic.title : Self.title(from: post.body), body: post.body,
                kind: item.kind, language: reading?.language ?? item.language, createdBy: actor.id, postID: postID),
            log: NewLogEntry(
                actorID: actor.id, action: "split feedback", target: .feedback, targetID: item.id.rawValue,
                reason: "post \(postID.rawValue)"),
            at: date)
        return try await found(new)
    }

    public func setTags(_ viewer: Viewer?, _ id: FeedbackItemID, _ raw: [String]) async throws -> FeedbackItem {
        let date = now()
        try policy.authorize(viewer, .manageFeedback, at: date)
        let item = try await found(id)
        var tags: [String] = []
        for tag in raw.map({ Self.clean($0).lowercased() }) where !tag.isEmpty && !tags.contains(tag) {
            guard tag.count <= 40 else { throw HearthError.invalid("tags", "A tag is 40 characters at most.") }
            tags.append(tag)
        }
        guard tags.count <= 10 else { throw HearthError.invalid("tags", "An item carries 10 tags at most.") }
        try await board.setTags(item.id, tags, at: date)
        return try await found(id)
    }

    /// An internal comment: staff and colleagues read it, members never do.
    public func comment(_ viewer: Viewer?, _ id: FeedbackItemID, _ raw: String) async throws {
        let date = now()
        try policy.authorize(viewer, .commentFeedback, at: date)
        let member = try ModerationService.member(viewer)
        let body = Self.clean(raw)
        guard (1...5_000).contains(body.count) else {
            throw HearthError.invalid("body", "A comment is 1 to 5,000 characters.")
        }
        let item = try await found(id)
        try await board.comment(item.id, by: member.id, body, at: date)
    }

    /// Items like this one, for choosing where to merge it.
    public func similar(_ viewer: Viewer?, to id: FeedbackItemID, limit: Int = 5) async throws -> [FeedbackItem] {
        try policy.authorize(viewer, .manageFeedback, at: now())
        let item = try await found(id)
        var items: [FeedbackItem] = []
        for (other, _) in try await matcher.similar(item.text, limit: limit * 2, excluding: id) {
            if let found = try await board.item(other), found.mergedInto == nil, !items.contains(found) {
                items.append(found)
            }
            if items.count == limit { break }
        }
        return items
    }

    // MARK: Helpers

    func found(_ id: FeedbackItemID) async throws -> FeedbackItem {
        guard let item = try await board.item(id) else { throw HearthError.notFound("There is no such item.") }
        return item
    }

    /// The item, when it has not been merged away.
    func open(_ id: FeedbackItemID) async throws -> FeedbackItem {
        let item = try await found(id)
        if let into = item.mergedInto {
            throw HearthError.conflict("This item was merged into item #\(into.rawValue): act on that one.")
        }
        return item
    }

    /// The item at the end of a chain of merges.
    func root(of id: FeedbackItemID) async throws -> FeedbackItem? {
        var item = try await board.item(id)
        var seen: Set<FeedbackItemID> = []
        while let current = item, let next = current.mergedInto, seen.insert(current.id).inserted {
            item = try await board.item(next)
        }
        return item
    }

    static func clean(_ text: String) -> String {
        text.withoutXMLForbiddenCharacters.unixLineBreaks.trimmed()
    }

    /// A title for an item raised in a reply: its first sentence, cut at a word before 100 characters.
    static func title(from body: String) -> String {
        let plain = body.split(whereSeparator: \.isNewline).first.map(String.init) ?? body
        let sentence =
            plain.split(omittingEmptySubsequences: true, whereSeparator: { ".!?".contains($0) }).first
            .map(String.init) ?? plain
        let words = sentence.split(separator: " ")
        var title = ""
        for word in words {
            if title.count + word.count + 1 > 100 { return title + "…" }
            title += title.isEmpty ? String(word) : " " + word
        }
        return title.isEmpty ? "Feedback" : title
    }
}
