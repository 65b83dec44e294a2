import Foundation

/// The review queue: one list of what needs a moderator, highest score first, each item with what is needed to
/// decide, and decisions that two moderators cannot make twice.
extension ModerationService {
    /// Open items, awake now (deferred ones sleep until their morning).
    public func queue(_ viewer: Viewer?, after cursor: ReviewCursor? = nil, limit: Int = 30) async throws
        -> ReviewPage
    {
        try policy.authorize(viewer, .handleFlags, at: now())
        let limit = min(max(limit, 1), 100)
        let items = try await moderation.queue(after: cursor, limit: limit + 1, awakeAt: now())
        let shown = Array(items.prefix(limit))
        let next = items.count > limit ? shown.last.map { ReviewCursor(score: $0.score, id: $0.id) } : nil
        return ReviewPage(items: shown, next: next)
    }

    public func pendingCount(_ viewer: Viewer?) async throws -> Int {
        guard policy.decide(viewer, .handleFlags, at: now()).isAllowed else { return 0 }
        return try await moderation.openCount(awakeAt: now())
    }

    /// One item with its post in context, its flags and its author's history.
    public func reviewCase(_ viewer: Viewer?, item id: ReviewItemID) async throws -> ReviewCase {
        try policy.authorize(viewer, .handleFlags, at: now())
        guard let item = try await moderation.item(id) else {
            throw HearthError.notFound("There is no such item in the review queue.")
        }
        return try await reviewCase(item)
    }

    /// Several items, each with what is needed to decide; an author met twice is looked up once.
    public func reviewCases(_ viewer: Viewer?, items: [ReviewItem]) async throws -> [ReviewCase] {
        try policy.authorize(viewer, .handleFlags, at: now())
        var histories: [MemberID: (MemberSummary, AuthorHistory)] = [:]
        var cases: [ReviewCase] = []
        for item in items { cases.append(try await reviewCase(item, histories: &histories)) }
        return cases
    }

    func reviewCase(_ item: ReviewItem) async throws -> ReviewCase {
        var histories: [MemberID: (MemberSummary, AuthorHistory)] = [:]
        return try await reviewCase(item, histories: &histories)
    }

    func reviewCase(_ item: ReviewItem, histories: inout [MemberID: (MemberSummary, AuthorHistory)]) async throws
        -> ReviewCase
    {
        var post: Post?
        var topic: Topic?
        var context: [Post] = []
        var flags: [PostFlag] = []
        if let postID = item.postID, let found = try await forum.forum.post(id: postID) {
            post = found
            topic = try await forum.forum.topic(id: found.topicID)
            let first = max(1, found.number - Self.contextSize)
            if found.number > 1 {
                context = try await forum.forum.posts(in: found.topicID, numbers: first...(found.number - 1))
            }
            flags = try await moderation.flags(on: postID)
        }
        let authorID = post?.author.id ?? item.memberID
        var history: AuthorHistory?
        var author: MemberSummary?
        if let authorID, let known = histories[authorID] {
            (author, history) = (known.0, known.1)
        } else if let authorID, let member = try await members.find(id: authorID) {
            author = MemberSummary(member)
            let record = AuthorHistory(
                joinedAt: member.createdAt, posts: try await moderation.standing(of: authorID).posts,
                penalties: try await penalties.penalties(of: authorID))
            history = record
            histories[authorID] = (MemberSummary(member), record)
        }
        return ReviewCase(
            item: item, post: post, topic: topic, context: context, flags: flags, author: author,
            authorHistory: history)
    }

    /// Acts on an item. A second moderator acting on a handled item is told who handled it and how; one acting on
    /// an item another has claimed is told who has it.
    @discardableResult
    public func act(
        _ viewer: Viewer?, item id: ReviewItemID, action: ReviewAction, reason rawReason: String = ""
    ) async throws -> ReviewItem {
        let date = now()
        guard let item = try await moderation.item(id) else {
            throw HearthError.notFound("There is no such item in the review queue.")
        }
        let needed: Action = item.kind == .heldPost ? .approvePost : .handleFlags
        let post = try await item.postID.asyncMap { try await forum.forum.post(id: $0) } ?? nil
        let topic = try await post.asyncMap { try await forum.forum.topic(id: $0.topicID) } ?? nil
        let resource: Resource = topic.map { .category($0.categoryID.rawValue) } ?? .community
        var roleName = try policy.authorize(viewer, needed, on: resource, at: date)
        if action == .delete || action == .hide {
            if item.kind == .flaggedProfile || item.kind == .heatedTopic {
                throw HearthError.invalid(
                    "action",
                    item.kind == .flaggedProfile
                        ? "A profile is kept or its flags ignored; to act on the member, give a penalty."
                        : "A heated topic is calmed, not hidden: keep it, set slow mode or remind the rules from the topic."
                )
            }
            roleName =
                try policy.authorize(viewer, action == .delete ? .deleteOthersPosts : .hidePost, on: resource, at: date)
                ?? roleName
        }
        let moderator = try Self.member(viewer)
        let reason = try Self.reason(rawReason, required: false)
        try Self.checkOpen(item, for: moderator, at: date)

        switch action {
        case .claim:
            guard
                let claimed = try await moderation.claim(id, by: moderator.id, at: date, staleAfter: Self.claimLifetime)
            else { throw try await handledConflict(id) }
            if let holder = claimed.claimedBy, holder.id != moderator.id {
                throw HearthError.conflict("\(holder.displayName) is already handling this item.")
            }
            return claimed
        case .defer:
            let morning = workingHours.nextStart(after: date)
            guard try await moderation.sleep(id, until: morning, by: moderator.id, at: date) else {
                throw try await handledConflict(id)
            }
            var sleeping = item
            sleeping.sleepsUntil = morning
            return sleeping
        case .approve, .hide, .delete, .ignore:
            guard item.postID == nil || post != nil else {
                throw HearthError.conflict("The post behind this item no longer exists.")
            }
            let decision = Self.decision(
                for: action, item: item, post: post, moderator: moderator.id, reason: reason, roleName: roleName)
            guard try await moderation.decide(decision, at: date) else { throw try await handledConflict(id) }
            if let post, let topic {
                forum.changes.bump(topic.id)
                try await notifyAuthor(of: post, in: topic, after: decision, by: moderator, at: date)
            }
            var handled = item
            handled.handledAt = date
            handled.handledBy = MemberSummary(moderator)
            handled.outcome = decision.outcome
            return handled
        }
    }

    /// Acts on several items; each is decided alone, and the answer says which could not be.
    public func act(
        _ viewer: Viewer?, items ids: [ReviewItemID], action: ReviewAction, reason: String = ""
    ) async throws -> [(ReviewItemID, Result<ReviewItem, HearthError>)] {
        guard ids.count <= 100 else {
            throw HearthError.invalid("items", "Act on at most 100 items at once.")
        }
        var results: [(ReviewItemID, Result<ReviewItem, HearthError>)] = []
        for id in ids {
            do {
                results.append((id, .success(try await act(viewer, item: id, action: action, reason: reason))))
            } catch let error as HearthError {
                results.append((id, .failure(error)))
            }
        }
        return results
    }

    /// Refuses an item already handled, or claimed by another moderator a short while ago.
    static func checkOpen(_ item: ReviewItem, for moderator: Member, at date: Date) throws {
        guard item.isOpen else { throw handled(item) }
        if let holder = item.claimedBy, holder.id != moderator.id, let claimedAt = item.claimedAt,
            date.timeIntervalSince(claimedAt) < claimLifetime
        {
            throw HearthError.conflict("\(holder.displayName) is already handling this item.")
        }
    }

    static func handled(_ item: ReviewItem) -> HearthError {
        let who = item.handledBy?.displayName ?? "Another moderator"
        let how = item.outcome?.rawValue ?? "handled"
        return .conflict("\(who) already handled this item (\(how)).")
    }

    private func handledConflict(_ id: ReviewItemID) async throws -> HearthError {
        guard let item = try await moderation.item(id) else {
            return .notFound("There is no such item in the review queue.")
        }
        return Self.handled(item)
    }

    static func decision(
        for action: ReviewAction, item: ReviewItem, post: Post?, moderator: MemberID, reason: String,
        roleName: String? = nil
    ) -> ReviewDecision {
        let log = { (name: String) in
            NewLogEntry(
                actorID: moderator, action: name, target: item.postID == nil ? .reviewItem : .post,
                targetID: item.postID?.rawValue ?? item.id.rawValue, reason: reason, roleName: roleName)
        }
        // Every decision on a post is a label the engine learns from; ignoring the flags judges nothing.
        switch action {
        case .approve:
            return ReviewDecision(
                itemID: item.id, moderatorID: moderator, outcome: .approved,
                postState: item.kind == .heatedTopic
                    ? nil : post.map { $0.moderation == .visible ? nil : .visible } ?? nil,
                deletePost: false, flagsAgreed: item.kind == .heatedTopic ? nil : false,
                log: log(item.kind == .heldPost ? "approve" : item.kind == .heatedTopic ? "let them talk" : "keep"),
                label: item.kind == .heatedTopic ? nil : item.postID.map(EngineLabel.notToxic))
        case .hide:
            return ReviewDecision(
                itemID: item.id, moderatorID: moderator, outcome: .hidden,
                postState: post?.moderation == .hidden ? nil : .hidden, deletePost: false, flagsAgreed: true,
                log: log("hide"), label: item.isAboutTone ? item.postID.map(EngineLabel.toxic) : nil)
        case .delete:
            return ReviewDecision(
                itemID: item.id, moderatorID: moderator, outcome: .deleted, postState: nil, deletePost: true,
                flagsAgreed: true, log: log("delete"),
                label: item.isAboutTone ? item.postID.map(EngineLabel.toxic) : nil)
        case .ignore, .claim, .defer:
            return ReviewDecision(
                itemID: item.id, moderatorID: moderator, outcome: .ignored, postState: nil, deletePost: false,
                flagsAgreed: nil, log: log("ignore flags"))
        }
    }

    private func notifyAuthor(
        of post: Post, in topic: Topic, after decision: ReviewDecision, by moderator: Member, at date: Date
    ) async throws {
        let kind: MemberNotification.Kind? =
            switch decision.postState {
            case .hidden: .hidden
            case .visible where post.moderation == .pending: .approved
            default: nil
            }
        guard let kind, post.author.id != moderator.id else { return }
        try await forum.notifications.create([
            NewNotification(
                memberID: post.author.id, kind: kind, actorID: moderator.id, topicID: topic.id, postID: post.id,
                createdAt: date)
        ])
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let value): try await transform(value)
        case .none: nil
        }
    }
}
