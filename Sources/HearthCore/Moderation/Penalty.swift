import Foundation

/// Marker for `Identifier<Penalty>`.
public typealias PenaltyID = Identifier<Penalty>

/// A moderator's decision about a member: a warning, a silence (no posting) or a suspension (no log-in), with
/// the reason they are told, and an end date for the last two.
public struct Penalty: Sendable, Equatable, Identifiable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case warn
        case silence
        case suspend
    }

    public let id: PenaltyID
    public let memberID: MemberID
    public let kind: Kind
    public let reason: String
    public let endsAt: Date?
    public let createdBy: MemberSummary?
    public let createdAt: Date
    public var liftedAt: Date?

    public init(
        id: PenaltyID, memberID: MemberID, kind: Kind, reason: String, endsAt: Date?, createdBy: MemberSummary?,
        createdAt: Date, liftedAt: Date?
    ) {
        self.id = id
        self.memberID = memberID
        self.kind = kind
        self.reason = reason
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.liftedAt = liftedAt
    }

    /// Whether `new` is this penalty sent again (a reload, a double click): the same kind, reason and giver, not
    /// lifted, given within `ForumService.repeatWindow` and ending about when this one does. Counted twice, it would
    /// also make the next suggested step harsher than the member earned.
    public func isRepeated(by new: NewPenalty, at date: Date) -> Bool {
        kind == new.kind && reason == new.reason && createdBy?.id == new.createdBy && liftedAt == nil
            && date.timeIntervalSince(createdAt) < ForumService.repeatWindow
            && abs((endsAt ?? date).timeIntervalSince(new.endsAt ?? date)) < ForumService.repeatWindow
    }

    /// How long a warning is shown to its member, on every page.
    public static let warningShown: TimeInterval = 7 * 86_400

    public func isActive(at date: Date) -> Bool {
        guard liftedAt == nil else { return false }
        guard let endsAt else { return kind == .warn ? false : true }
        return endsAt > date
    }

    /// The durations the review queue offers, in seconds: 1 h, 24 h, 72 h and 7 days.
    public static let durations: [Int] = [3_600, 86_400, 3 * 86_400, 7 * 86_400]

    /// The next step after `earlier` penalties, as the queue suggests it: a warning first, then silences that
    /// grow, then a suspension.
    public static func suggestion(after earlier: [Penalty]) -> (kind: Kind, seconds: Int?) {
        let silences = earlier.filter { $0.kind == .silence }.count
        let suspensions = earlier.filter { $0.kind == .suspend }.count
        if earlier.isEmpty { return (.warn, nil) }
        if suspensions > 0 { return (.suspend, durations[3]) }
        if silences >= 2 { return (.suspend, durations[2]) }
        return (.silence, silences == 0 ? durations[0] : durations[1])
    }
}

/// One line of the audit log: who did what, to what, when and why, and for edits the text before and after.
public struct ModerationLogEntry: Sendable, Equatable, Identifiable {
    public enum Target: String, Sendable, Codable, CaseIterable {
        case post
        case topic
        case member
        case reviewItem = "review_item"
        case role
        case guidelines
        case watchedWord = "watched_word"
        case community
        case category
        case feedback
        case source
    }

    public let id: Int64
    public let actor: MemberSummary?
    public let action: String
    public let target: Target
    public let targetID: Int64
    public let reason: String
    public let textBefore: String?
    public let textAfter: String?
    /// The delegated role the act was done under; nil for staff acting by their own role.
    public let roleName: String?
    public let createdAt: Date
    /// What the target is called now, when it has a name: a member's name and @handle, a topic's title (a post's,
    /// its topic's), a feedback item's or a category's. Nil when it has none or is gone.
    public let targetName: String?

    public init(
        id: Int64, actor: MemberSummary?, action: String, target: Target, targetID: Int64, reason: String,
        textBefore: String?, textAfter: String?, roleName: String? = nil, createdAt: Date, targetName: String? = nil
    ) {
        self.targetName = targetName
        self.roleName = roleName
        self.id = id
        self.actor = actor
        self.action = action
        self.target = target
        self.targetID = targetID
        self.reason = reason
        self.textBefore = textBefore
        self.textAfter = textAfter
        self.createdAt = createdAt
    }
}

/// A log line about to be written.
public struct NewLogEntry: Sendable, Equatable {
    public var actorID: MemberID?
    public var action: String
    public var target: ModerationLogEntry.Target
    public var targetID: Int64
    public var reason: String
    public var textBefore: String?
    public var textAfter: String?
    /// The delegated role the act was done under ("Evening advisor"); nil for staff acting by their own role.
    public var roleName: String?

    public init(
        actorID: MemberID?, action: String, target: ModerationLogEntry.Target, targetID: Int64, reason: String = "",
        textBefore: String? = nil, textAfter: String? = nil, roleName: String? = nil
    ) {
        self.roleName = roleName
        self.actorID = actorID
        self.action = action
        self.target = target
        self.targetID = targetID
        self.reason = reason
        self.textBefore = textBefore
        self.textAfter = textAfter
    }
}
