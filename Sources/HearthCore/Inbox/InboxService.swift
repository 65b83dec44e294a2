import Foundation

/// The priority inbox's use cases: what a community manager, a moderator or a delegate sees first, and what they
/// do about it. Every decision is stored at once (the next request ranks with it) and labelled for the engine's
/// community layer, which learns it in the background.
public struct InboxService: Sendable {
    /// Items on a page. Twenty: what a community manager reads before deciding where to start.
    public static let pageSize = 20
    /// The unread count in the header stops here ("99+").
    public static let countCap = 100

    let inbox: any InboxRepository
    let members: any MemberRepository
    let viewers: ViewerResolver
    let forum: ForumService
    let reader: (any TextReader)?
    public let rules: InboxRules
    let workingHours: @Sendable () -> WorkingHours
    let policy: AccessPolicy
    let now: Now
    /// Where an answer to an outside item goes: back through its source.
    let outside: (any OutsideAnswering)?

    public init(
        inbox: any InboxRepository, members: any MemberRepository, viewers: ViewerResolver, forum: ForumService,
        reader: (any TextReader)?, rules: InboxRules, workingHours: @escaping @Sendable () -> WorkingHours,
        policy: AccessPolicy, outside: (any OutsideAnswering)? = nil, now: @escaping Now
    ) {
        self.outside = outside
        self.inbox = inbox
        self.members = members
        self.viewers = viewers
        self.forum = forum
        self.reader = reader
        self.rules = rules
        self.workingHours = workingHours
        self.policy = policy
        self.now = now
    }

    // MARK: Reading

    /// Which items the viewer's inbox holds: every category for staff and community-wide grants, the categories
    /// of their grants for a delegate, and what was assigned to them. Throws when they have no inbox.
    public func scope(_ viewer: Viewer?, assignedOnly: Bool = false) throws -> InboxScope {
        let date = now()
        guard let viewer else { throw HearthError.unauthorized("Please log in first.") }
        if policy.decide(viewer, .readInbox, at: date).isAllowed {
            return InboxScope(categories: nil, memberID: viewer.member.id, assignedOnly: assignedOnly)
        }
        // The categories of their grants, each asked of the policy (a suspended delegate reads none).
        var categories: Set<CategoryID> = []
        for grant in viewer.grants {
            guard case .category(let id) = grant.scope,
                policy.decide(viewer, .readInbox, on: .category(id), at: date).isAllowed
            else { continue }
            categories.insert(CategoryID(id))
        }
        guard !categories.isEmpty else {
            throw HearthError.forbidden("The inbox is for the community's staff and the members they delegate to.")
        }
        return InboxScope(categories: categories, memberID: viewer.member.id, assignedOnly: assignedOnly)
    }

    /// One page of the viewer's inbox, best first, and where the next one starts.
    public func page(
        _ viewer: Viewer?, after cursor: InboxCursor? = nil, limit: Int = pageSize, assignedOnly: Bool = false
    )
        async throws -> (items: [InboxItem], next: InboxCursor?)
    {
        let scope = try scope(viewer, assignedOnly: assignedOnly)
        let size = max(1, min(limit, 100))
        let found = try await inbox.items(scope, after: cursor, limit: size + 1, awakeAt: now())
        let items = Array(found.prefix(size))
        let next = found.count > size ? items.last.map { InboxCursor(score: $0.score, id: $0.id) } : nil
        return (items, next)
    }

    /// Items that arrived since the viewer last opened the inbox (nil: they have none), up to `countCap`.
    public func unread(_ viewer: Viewer?) async throws -> Int? {
        guard let viewer, let scope = try? scope(viewer) else { return nil }
        let since = try await inbox.lastSeen(by: viewer.member.id)
        return try await inbox.count(scope, arrivedAfter: since, awakeAt: now(), cap: Self.countCap)
    }

    /// The viewer opened the inbox: the header's count starts again from zero.
    public func markSeen(_ viewer: Viewer?) async throws {
        guard let viewer else { return }
        try await inbox.markSeen(by: viewer.member.id, at: now())
    }

    public func item(_ viewer: Viewer?, _ id: InboxItemID) async throws -> InboxItem {
        let scope = try scope(viewer)
        guard let item = try await inbox.item(id), Self.holds(scope, item) else {
            throw HearthError.notFound("There is no such item in your inbox.")
        }
        return item
    }

    static func holds(_ scope: InboxScope, _ item: InboxItem) -> Bool {
        if item.assignedTo?.id == scope.memberID { return true }
        if scope.assignedOnly { return false }
        guard let categories = scope.categories else { return true }
        return item.categoryID.map(categories.contains) ?? false
    }

    /// The moment "until tomorrow morning" means: the start of the next working day.
    public func tomorrowMorning() -> Date {
        workingHours().nextStart(after: now())
    }

    // MARK: Acting

    /// Handles, snoozes, lets be, keeps up or assigns an item. Refused, changing nothing, when someone else closed
    /// it first (saying who and what), when a snooze ends in the past, or when the assignee could not see it.
    @discardableResult
    public func act(
        _ viewer: Viewer?, _ id: InboxItemID, _ action: InboxAction, until: Date? = nil, assignee: MemberID? = nil
    ) async throws -> InboxItem {
        let date = now()
        let item = try await item(viewer, id)
        guard let viewer else { throw HearthError.unauthorized("Please log in first.") }
        try policy.authorize(viewer, .workInbox, on: Self.resource(of: item), at: date)
        var decision = InboxDecision(itemID: id, action: action, by: viewer.member.id)
        switch action {
        case .snooze:
            guard let until else {
                throw HearthError.invalid("until", "Say until when: a date and time, or tomorrow morning.")
            }
            guard until > date else {
                throw HearthError.invalid("until", "That moment has passed: snooze until a time still to come.")
            }
            decision.until = until
        case .assign:
            guard let assignee else { throw HearthError.invalid("memberId", "Say whom to assign it to.") }
            try await checkAssignee(assignee, for: item, at: date)
            decision.assignee = assignee
        case .pertinent:
            decision.keptBy = viewer.member.displayName
        case .handled, .ignore, .replied:
            break
        }
        if let postID = item.postID, item.kind == .post, let value = action.pertinenceLabel {
            decision.label = EngineLabel(postID: postID, task: .pertinence, value: value)
        }
        switch try await inbox.decide(decision, at: date) {
        case .applied(let item):
            return item
        case .alreadyDecided(let item):
            throw HearthError.conflict(Self.alreadyDecided(item, at: date))
        }
    }

    /// Replies in the item's thread (quoting the post when asked), then marks the item handled. Once the reply
    /// is in the thread it stays, whatever happened to the item meanwhile: when someone else decided it first, the
    /// answer says who (`second`), and the reply is not offered to be sent again.
    public func reply(_ viewer: Viewer?, to id: InboxItemID, body: String, quoting: Bool) async throws
        -> (post: Post, second: String?)
    {
        let item = try await item(viewer, id)
        try policy.authorize(viewer, .workInbox, on: Self.resource(of: item), at: now())
        guard item.state == .open else {
            throw HearthError.conflict(Self.alreadyDecided(item, at: now()))
        }
        guard let topicID = item.topicID else {
            throw HearthError.invalid("body", "This item has no thread to reply in.")
        }
        let post = try await forum.reply(viewer, to: topicID, body: body, quoting: quoting ? item.postID : nil)
        do {
            try await act(viewer, id, .replied)
            return (post, nil)
        } catch HearthError.conflict(let message) {
            return (post, message)
        }
    }

    /// Answers any item: an outside one through its source (queued, sent once after commit), a post or a heated
    /// topic in its thread.
    /// Boosts an outside item (a Mastodon post) from the brand's account, through its source; the item stays open.
    public func boost(_ viewer: Viewer?, _ id: InboxItemID) async throws {
        let item = try await item(viewer, id)
        guard let outside else { throw HearthError.invalid("id", "Only a Mastodon post can be boosted.") }
        _ = try await outside.boost(viewer, item)
    }

    public func answer(_ viewer: Viewer?, _ id: InboxItemID, body: String, quoting: Bool) async throws
        -> InboxAnswer
    {
        let item = try await item(viewer, id)
        guard item.kind == .outside else {
            let (post, second) = try await reply(viewer, to: id, body: body, quoting: quoting)
            return .posted(post, second: second)
        }
        guard let outside else {
            throw HearthError.invalid("body", "This item's source cannot take an answer from here.")
        }
        _ = try await outside.answer(viewer, item, body: body)
        return .queued
    }

    /// Who may be given `item`: a moderator or community manager, or a member whose grant covers its category.
    private func checkAssignee(_ memberID: MemberID, for item: InboxItem, at date: Date) async throws {
        guard let member = try await members.find(id: memberID) else {
            throw HearthError.invalid("memberId", "There is no such member.")
        }
        // Read and work the inbox where the item is, at any hour: an evening advisor may be given an item in the
        // morning, to see it in the evening.
        let resource = Self.resource(of: item)
        let held = try await viewers.viewer(member, credential: .assessed).grants
        let allDay = held.map {
            Grant(
                actions: $0.actions, scope: $0.scope, window: nil, startsAt: $0.startsAt, expiresAt: $0.expiresAt,
                roleName: $0.roleName)
        }
        let assignee = Viewer(member: member, credential: .assessed, grants: allDay)
        let may = [Action.readInbox, .workInbox].allSatisfy {
            policy.decide(assignee, $0, on: resource, at: date).isAllowed
        }
        guard may else {
            throw HearthError.invalid(
                "memberId",
                "\(member.displayName) cannot see this item: give them the inbox in its category first, or choose someone else."
            )
        }
    }

    /// The people an item can be given to: staff and the members whose roles hold the inbox.
    public func assignees(_ viewer: Viewer?) async throws -> [MemberSummary] {
        _ = try scope(viewer)
        var people = try await inbox.staff()
        for id in try await viewers.holders(of: .workInbox) where !people.contains(where: { $0.id == id }) {
            if let member = try await members.find(id: id) { people.append(MemberSummary(member)) }
        }
        return people
    }

    static func resource(of item: InboxItem) -> Resource {
        item.categoryID.map { .category($0.rawValue) } ?? .community
    }

    /// Who decided the item first, what and when ("Camille marked it handled 3 min ago; nothing was changed.").
    public static func alreadyDecided(_ item: InboxItem, at date: Date) -> String {
        guard let action = item.decision, let who = item.decidedBy?.displayName, let when = item.decidedAt else {
            return "This item is no longer in the inbox: its question was answered or its post removed."
        }
        return "\(who) \(action.pastTense) \(InboxItem.age(from: when, to: date)) ago; nothing was changed."
    }

    // MARK: Keeping ranks current

    /// Raises unanswered questions that waited past `rules.waitHours`: run by the job runner, a batch at a time.
    @discardableResult
    public func raiseWaiting(limit: Int = 500) async throws -> Int {
        let date = now()
        let cutoff = date.addingTimeInterval(-TimeInterval(rules.waitHours) * 3_600)
        let waiting = try await inbox.waitingSince(cutoff, limit: limit)
        try await inbox.rerank(waiting.map(\.id), at: date) { $0.waited = true }
        return waiting.count
    }

    /// Lets items nobody acted on for `rules.keepDays` leave the inbox, a batch at a time (the clock's job).
    @discardableResult
    public func closeUntouched(limit: Int = 1_000) async throws -> Int {
        let date = now()
        return try await inbox.closeUntouched(
            arrivedBefore: date.addingTimeInterval(-TimeInterval(rules.keepDays) * 86_400), awakeAt: date, limit: limit)
    }

    /// Ranks the best open items again with what the engine's community layer knows now: after it learned new
    /// decisions. The rest are ranked again when something happens to them.
    @discardableResult
    public func rerankLearned(limit: Int = 500) async throws -> Int {
        guard let reader else { return 0 }
        let open = try await inbox.openPosts(limit: limit)
        var changed = 0
        for (item, text) in open {
            let learned = reader.pertinence(text)
            guard learned.evidence != item.facts.learned || learned.words != item.facts.learnedWords else { continue }
            // Only what was learned changes: a reply or a flag that came in meanwhile stays in the facts.
            try await inbox.rerank([item.id], at: now()) { facts in
                facts.learned = learned.evidence
                facts.learnedWords = learned.words
            }
            changed += 1
        }
        return changed
    }
}

/// What became of an answer written in the inbox.
public enum InboxAnswer: Sendable {
    /// A reply in the thread; `second` says who had decided the item meanwhile.
    case posted(Post, second: String?)
    /// On its way back through the item's outside source.
    case queued
}

/// Sends an answer to an outside item back through its source (the sources' service).
public protocol OutsideAnswering: Sendable {
    func answer(_ viewer: Viewer?, _ item: InboxItem, body: String) async throws -> Int64
    func boost(_ viewer: Viewer?, _ item: InboxItem) async throws -> Int64
}
