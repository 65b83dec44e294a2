import Foundation

/// How far the community trusts a member, earned by taking part as Discourse's trust levels are: new, basic,
/// member, regular. The levels feed the write gate (a new member's links wait for approval) and flag weights.
public enum TrustLevel: String, Sendable, Codable, CaseIterable, Comparable {
    case new
    case basic
    case member
    case regular

    var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: TrustLevel, rhs: TrustLevel) -> Bool { lhs.rank < rhs.rank }

    /// How much this member's flag counts beside a basic member's.
    public var flagFactor: Double {
        switch self {
        case .new, .basic: 1
        case .member: 1.25
        case .regular: 1.5
        }
    }
}

/// What a member did, counted for the trust ladder. "Recent" counts cover the regular level's window.
public struct TrustActivity: Sendable, Equatable {
    public var daysVisited = 0
    public var recentDaysVisited = 0
    /// Posts read, from the read positions kept per topic (all time).
    public var postsRead = 0
    public var replies = 0
    public var recentReplies = 0
    public var likesGiven = 0
    public var recentLikesGiven = 0
    public var likesReceived = 0
    public var recentLikesReceived = 0
    /// The member's posts that staff agreed were flagged rightly, in the window.
    public var recentFlagsAgreed = 0
    /// A penalty given in the window (lifted or not).
    public var recentlyPenalised = false

    public init() {}
}

/// One rung's thresholds. A level is reached when every threshold is met; `maxFlagsAgreed` is a ceiling.
public struct TrustCriteria: Sendable, Equatable {
    public var daysVisited: Int
    public var postsRead: Int
    public var replies: Int
    public var likesGiven: Int
    public var likesReceived: Int
    /// At most this many of the member's posts flagged rightly (nil: no ceiling).
    public var maxFlagsAgreed: Int?

    public init(
        daysVisited: Int = 0, postsRead: Int = 0, replies: Int = 0, likesGiven: Int = 0, likesReceived: Int = 0,
        maxFlagsAgreed: Int? = nil
    ) {
        self.daysVisited = daysVisited
        self.postsRead = postsRead
        self.replies = replies
        self.likesGiven = likesGiven
        self.likesReceived = likesReceived
        self.maxFlagsAgreed = maxFlagsAgreed
    }

    /// Reads "days=15 read=100 replies=3 given=1 received=1 flagged=5" (any order, any subset, spaces or commas).
    public init(parsing text: String) throws {
        self.init()
        for part in text.split(whereSeparator: { $0 == " " || $0 == "," }) {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, let value = Int(pair[1]), value >= 0 else {
                throw HearthError.invalid(
                    "trust", "\"\(part)\" is not a criterion: write name=number, for example days=15.")
            }
            switch pair[0] {
            case "days": daysVisited = value
            case "read": postsRead = value
            case "replies": replies = value
            case "given": likesGiven = value
            case "received": likesReceived = value
            case "flagged": maxFlagsAgreed = value
            default:
                throw HearthError.invalid(
                    "trust",
                    "\"\(pair[0])\" is not a criterion; use days, read, replies, given, received or flagged.")
            }
        }
    }

    /// As `init(parsing:)` reads it.
    public var text: String {
        var parts = [
            "days=\(daysVisited)", "read=\(postsRead)", "replies=\(replies)", "given=\(likesGiven)",
            "received=\(likesReceived)",
        ]
        if let maxFlagsAgreed { parts.append("flagged=\(maxFlagsAgreed)") }
        return parts.joined(separator: " ")
    }

    func met(
        days: Int, read: Int, replies: Int, given: Int, received: Int, flagsAgreed: Int
    ) -> Bool {
        days >= daysVisited && read >= postsRead && replies >= self.replies && given >= likesGiven
            && received >= likesReceived && maxFlagsAgreed.map { flagsAgreed <= $0 } ?? true
    }
}

/// The rungs and how a member moves on them. New, basic and member are kept once reached; regular is held only
/// while its criteria are met over the last `window` days, and lost `graceDays` after they stop being met. A
/// penalty in the window keeps a member from regular. A level the community manager locked does not move.
public struct TrustLadder: Sendable, Equatable {
    public var basic: TrustCriteria
    public var member: TrustCriteria
    /// Counted over the last `windowDays` days (posts read over all time).
    public var regular: TrustCriteria
    public var windowDays: Int
    public var graceDays: Int

    public init(
        basic: TrustCriteria = TrustCriteria(daysVisited: 1, postsRead: 30),
        member: TrustCriteria = TrustCriteria(
            daysVisited: 15, postsRead: 100, replies: 3, likesGiven: 1, likesReceived: 1),
        regular: TrustCriteria = TrustCriteria(
            daysVisited: 50, postsRead: 500, replies: 10, likesGiven: 30, likesReceived: 20, maxFlagsAgreed: 5),
        windowDays: Int = 100, graceDays: Int = 14
    ) {
        self.basic = basic
        self.member = member
        self.regular = regular
        self.windowDays = windowDays
        self.graceDays = graceDays
    }

    /// Where a member stands after `activity`: their level, and since when they have been below regular while
    /// still holding it (nil when they are not in their grace period).
    public func climb(
        _ activity: TrustActivity, from current: TrustLevel, belowSince: Date?, at date: Date
    ) -> (level: TrustLevel, belowSince: Date?) {
        let a = activity
        var earned = TrustLevel.new
        if basic.met(
            days: a.daysVisited, read: a.postsRead, replies: a.replies, given: a.likesGiven,
            received: a.likesReceived, flagsAgreed: a.recentFlagsAgreed)
        {
            earned = .basic
        }
        if earned == .basic,
            member.met(
                days: a.daysVisited, read: a.postsRead, replies: a.replies, given: a.likesGiven,
                received: a.likesReceived, flagsAgreed: a.recentFlagsAgreed)
        {
            earned = .member
        }
        let regularMet =
            earned == .member && !a.recentlyPenalised
            && regular.met(
                days: a.recentDaysVisited, read: a.postsRead, replies: a.recentReplies, given: a.recentLikesGiven,
                received: a.recentLikesReceived, flagsAgreed: a.recentFlagsAgreed)
        if regularMet { return (.regular, nil) }
        if current == .regular {
            let since = belowSince ?? date
            if date.timeIntervalSince(since) < TimeInterval(graceDays) * 86_400 { return (.regular, since) }
            return (.member, nil)
        }
        return (max(current, earned), nil)
    }
}
