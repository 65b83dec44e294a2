import Foundation

/// Marker for `Identifier<PostFlag>`.
public typealias FlagID = Identifier<PostFlag>

/// Why a member flags a post.
public enum FlagReason: String, Sendable, Codable, CaseIterable {
    case spam
    case inappropriate
    case offTopic = "off_topic"
    /// Something else, said in the flag's message to staff.
    case other
}

/// A member's report that a post needs a moderator. The post's author never learns who flagged it.
public struct PostFlag: Sendable, Equatable, Identifiable {
    public let id: FlagID
    public let postID: PostID
    public let reporterID: MemberID
    public let reason: FlagReason
    public let message: String?
    /// How much this flag counts towards hiding the post (see `FlagWeights`).
    public let weight: Double
    public let createdAt: Date

    public init(
        id: FlagID, postID: PostID, reporterID: MemberID, reason: FlagReason, message: String?, weight: Double,
        createdAt: Date
    ) {
        self.id = id
        self.postID = postID
        self.reporterID = reporterID
        self.reason = reason
        self.message = message
        self.weight = weight
        self.createdAt = createdAt
    }
}

/// A reporter's record, from which their flag's weight follows.
public struct ReporterStanding: Sendable, Equatable {
    public var accountAge: TimeInterval
    public var posts: Int
    /// Earlier flags staff agreed with, and disagreed with.
    public var agreed: Int
    public var disagreed: Int
    /// Their rung on the trust ladder: a member or a regular's flag counts more.
    public var trust: TrustLevel

    public init(accountAge: TimeInterval, posts: Int, agreed: Int, disagreed: Int, trust: TrustLevel = .basic) {
        self.trust = trust
        self.accountAge = accountAge
        self.posts = posts
        self.agreed = agreed
        self.disagreed = disagreed
    }
}

/// How much a flag counts, as Discourse weighs them: by the reporter's standing. A flag from staff hides the
/// post at once; a member's counts 1 when their account is settled and their past flags were as often right as
/// wrong, less when the account is a day old or has not written, more when staff have agreed with their flags and
/// (by `TrustLevel.flagFactor`) when the member stands high on the trust ladder.
public struct FlagWeights: Sendable, Equatable {
    /// Weighted flags at which a post is hidden pending review: three settled members, by default.
    public var hideThreshold: Double

    public init(hideThreshold: Double = 3) {
        self.hideThreshold = hideThreshold
    }

    public func weight(staff: Bool, _ standing: ReporterStanding) -> Double {
        if staff { return hideThreshold }
        let day: TimeInterval = 86_400
        let age = standing.accountAge < day ? 0.5 : standing.accountAge < 7 * day ? 0.75 : 1
        let activity = standing.posts < 3 ? 0.75 : 1
        // Laplace's rule: with no history the accuracy is one half, which leaves the weight unchanged.
        let accuracy = Double(standing.agreed + 1) / Double(standing.agreed + standing.disagreed + 2)
        let weight = age * activity * 2 * accuracy * standing.trust.flagFactor
        return (min(2, max(0.25, weight)) * 100).rounded() / 100
    }
}
