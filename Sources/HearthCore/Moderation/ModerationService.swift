import Foundation
import Logging

/// Moderation that keeps its head: members flag, flags weigh by the reporter's standing and hide a post pending
/// review (never delete it), and moderators work one queue. Everything a moderator does is logged.
public struct ModerationService: Sendable {
    /// A claim older than this no longer blocks another moderator (someone who claimed and left).
    static let claimLifetime: TimeInterval = 30 * 60
    /// The messages shown before a post in the queue.
    static let contextSize = 3

    let forum: ForumService
    let moderation: any ModerationRepository
    let penalties: any PenaltyRepository
    let members: any MemberRepository
    let weights: FlagWeights
    let currentWorkingHours: @Sendable () -> WorkingHours
    /// The working hours now (the community manager may change them at any time).
    var workingHours: WorkingHours { currentWorkingHours() }
    /// Topics' heat, moved by flags too; nil keeps none.
    let heat: (rules: HeatRules, store: any HeatRepository)?
    /// Whether everyone may read the acts and their reasons (`/modlog`).
    public let publicLog: Bool
    let policy: AccessPolicy
    let now: Now
    let logger: Logger

    public init(
        forum: ForumService, moderation: any ModerationRepository, penalties: any PenaltyRepository,
        members: any MemberRepository, weights: FlagWeights = FlagWeights(),
        workingHours: @escaping @Sendable () -> WorkingHours = { WorkingHours() },
        heat: (rules: HeatRules, store: any HeatRepository)? = nil,
        publicLog: Bool = false, policy: AccessPolicy, now: @escaping Now, logger: Logger
    ) {
        self.heat = heat
        self.publicLog = publicLog
        self.forum = forum
        self.moderation = moderation
        self.penalties = penalties
        self.members = members
        self.weights = weights
        self.currentWorkingHours = workingHours
        self.policy = policy
        self.now = now
        self.logger = logger
    }

    // MARK: Flags

    /// Flags a post, once per member. Returns what it led to; the reporter is told only that staff will look.
    @discardableResult
    public func flag(_ viewer: Viewer?, post postID: PostID, reason: FlagReason, message rawMessage: String? = nil)
        async throws -> FlagOutcome
    {
        let date = now()
        let (post, topic) = try await forum.visiblePost(postID, for: viewer)
        try policy.authorize(viewer, .flag, on: .category(topic.categoryID.rawValue), at: date)
        guard let reporter = viewer?.member else { throw HearthError.unauthorized("Please log in first.") }
        guard post.author.id != reporter.id else {
            throw HearthError.invalid("post", "You cannot flag your own post; edit or delete it instead.")
        }
        guard !post.isDeleted else { throw HearthError.conflict("This post was already deleted.") }
        let message = try Self.flagMessage(rawMessage, reason: reason)
        let (posts, agreed, disagreed) = try await moderation.standing(of: reporter.id)
        let standing = ReporterStanding(
            accountAge: date.timeIntervalSince(reporter.createdAt), posts: posts, agreed: agreed, disagreed: disagreed,
            trust: reporter.trust)
        let staff = policy.decide(viewer, .handleFlags, on: .category(topic.categoryID.rawValue), at: date).isAllowed
        let weight = weights.weight(staff: staff, standing)
        guard
            let outcome = try await moderation.flag(
                NewFlag(postID: postID, reporterID: reporter.id, reason: reason, message: message, weight: weight),
                threshold: weights.hideThreshold, at: date)
        else {
            throw HearthError.conflict("You have already flagged this post; the moderators have it.")
        }
        if let heat { try await heat.store.recordFlag(on: postID, in: topic.id, rules: heat.rules, at: date) }
        if outcome.hidPost {
            forum.changes.bump(topic.id)
            try await forum.notifications.create([
                NewNotification(
                    memberID: post.author.id, kind: .hidden, actorID: post.author.id, topicID: topic.id, postID: postID,
                    createdAt: date)
            ])
            logger.notice(
                "Post hidden by flags", metadata: ["post.id": "\(postID)", "weight": "\(outcome.totalWeight)"])
        }
        return outcome
    }

    /// Flags a member's profile (a spam name, an insulting picture or bio), once per member.
    @discardableResult
    public func flag(
        _ viewer: Viewer?, member memberID: MemberID, reason: FlagReason, message rawMessage: String? = nil
    )
        async throws -> ReviewItem
    {
        let date = now()
        try policy.authorize(viewer, .flag, at: date)
        let reporter = try Self.member(viewer)
        guard memberID != reporter.id else {
            throw HearthError.invalid("member", "You cannot flag your own profile; edit it instead.")
        }
        guard try await members.find(id: memberID) != nil else {
            throw HearthError.notFound("There is no such member.")
        }
        let message = try Self.flagMessage(rawMessage, reason: reason)
        guard
            let item = try await moderation.flagProfile(
                memberID, reporterID: reporter.id, reason: reason, message: message, at: date)
        else {
            throw HearthError.conflict("You have already flagged this profile; the moderators have it.")
        }
        return item
    }

    /// A reporter's message to staff, cleaned; "other" needs one.
    static func flagMessage(_ raw: String?, reason: FlagReason) throws -> String? {
        let message = raw?.withoutXMLForbiddenCharacters.trimmingCharacters(in: .whitespacesAndNewlines)
        if reason == .other, message?.isEmpty ?? true {
            throw HearthError.invalid("message", "Tell the moderators what is wrong.")
        }
        if let message, message.count > 1_000 {
            throw HearthError.invalid("message", "A message to the moderators can be at most 1,000 characters long.")
        }
        return message.flatMap { $0.isEmpty ? nil : $0 }
    }

    // MARK: A moderator's direct hand

    /// Hides or shows a post outside the queue (`hide`, `unhide`), or lets a held one through (`approve`). Returns
    /// the post as it now stands, which a delegate who may hide but not see hidden posts could not read again.
    @discardableResult
    public func moderate(
        _ viewer: Viewer?, post postID: PostID, action: PostModerationAction, reason rawReason: String = ""
    ) async throws -> Post {
        let date = now()
        let (post, topic) = try await forum.visiblePost(postID, for: viewer)
        let actionNeeded: Action = action == .approve ? .approvePost : .hidePost
        let roleName = try policy.authorize(viewer, actionNeeded, on: .category(topic.categoryID.rawValue), at: date)
        let actor = try Self.member(viewer)
        let reason = try Self.reason(rawReason, required: false)
        let target: PostModeration = action == .hide ? .hidden : .visible
        var moderated = post
        moderated.moderation = target
        guard post.moderation != target else { return moderated }
        if action == .approve, post.moderation != .pending {
            throw HearthError.conflict("This post is not waiting for approval.")
        }
        try await moderation.setState(
            postID, to: target,
            log: NewLogEntry(
                actorID: actor.id, action: action.rawValue, target: .post, targetID: postID.rawValue,
                reason: reason, roleName: roleName), label: action == .hide ? .toxic(postID) : .notToxic(postID),
            at: date)
        // The queue's items about this post are settled by the same hand, and teach nothing more: the engine
        // learned this decision once, above.
        for item in try await moderation.openItems(for: postID) {
            _ = try await moderation.decide(
                ReviewDecision(
                    itemID: item.id, moderatorID: actor.id, outcome: action == .hide ? .hidden : .approved,
                    postState: nil, deletePost: false, flagsAgreed: action == .hide,
                    log: NewLogEntry(
                        actorID: actor.id, action: "resolve", target: .reviewItem, targetID: item.id.rawValue,
                        reason: reason, roleName: roleName)), at: date)
        }
        forum.changes.bump(topic.id)
        let kind: MemberNotification.Kind? = action == .hide ? .hidden : action == .approve ? .approved : nil
        if let kind, post.author.id != actor.id {
            try await forum.notifications.create([
                NewNotification(
                    memberID: post.author.id, kind: kind, actorID: actor.id, topicID: topic.id, postID: postID,
                    createdAt: date)
            ])
        }
        return moderated
    }

    // MARK: The log

    /// The log, newest first, before the entry id when given. `by` (who acted) and `about` (the member acted on,
    /// their posts, topics and review items) are handles, with or without their "@"; an unknown one is not found,
    /// by name. `until` is a day, YYYY-MM-DD, in the community's time zone: the acts up to its end.
    public func log(
        _ viewer: Viewer?, before: Int64? = nil, limit: Int = 50, action: String? = nil, by: String? = nil,
        about: String? = nil, until: String? = nil
    ) async throws -> [ModerationLogEntry] {
        try policy.authorize(viewer, .viewModerationLog, at: now())
        // A handle, or a name as the log shows it when one member bears it.
        func member(_ typed: String?) async throws -> MemberID? {
            guard let typed = typed.map(Handle.typed), !typed.isEmpty else { return nil }
            if let member = try await members.find(handle: typed) { return member.id }
            let named = try await members.find(displayName: typed, limit: 2)
            guard named.count < 2 else {
                throw HearthError.conflict("Several members are called \(typed): type the @handle of the one you mean.")
            }
            guard let member = named.first else {
                // Said as it was meant: a name with a space is no handle.
                throw HearthError.notFound("There is no member \(typed.contains(" ") ? typed : "@" + typed).")
            }
            return member.id
        }
        let end = try until.map { text in
            guard let day = CalendarDay(text) else { throw CalendarDay.invalid("until") }
            return day.end(in: workingHours.timeZone)
        }
        let filter = LogFilter(
            action: action.flatMap { $0.isEmpty ? nil : $0 }, actorID: try await member(by),
            aboutID: try await member(about), until: end)
        return try await moderation.logEntries(before: before, limit: min(max(limit, 1), 100), filter: filter)
    }

    // MARK: Helpers

    static func member(_ viewer: Viewer?) throws -> Member {
        guard let member = viewer?.member else { throw HearthError.unauthorized("Please log in first.") }
        return member
    }

    /// A moderator's reason, cleaned; required ones may not be empty.
    static func reason(_ raw: String, required: Bool) throws -> String {
        let reason = raw.withoutXMLForbiddenCharacters.trimmingCharacters(in: .whitespacesAndNewlines)
        if required, reason.isEmpty { throw HearthError.invalid("reason", "Give a reason; the member will read it.") }
        guard reason.count <= 500 else {
            throw HearthError.invalid("reason", "A reason can be at most 500 characters long.")
        }
        return reason
    }
}

/// What a moderator can do to a post directly.
public enum PostModerationAction: String, Sendable, Codable, CaseIterable {
    case hide
    case unhide
    case approve
}
