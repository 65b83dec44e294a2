import Foundation

/// Marker for `Identifier<Member>`.
public typealias MemberID = Identifier<Member>

/// What a person may do by default. Finer, delegated powers come from `Grant`s (see `AccessPolicy`).
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case member
    /// A colleague outside the community team: reads the board and the health figures, comments inside.
    case team
    case moderator
    case communityManager = "community_manager"

    private var rank: Int {
        switch self {
        case .member: 0
        case .team: 1
        case .moderator: 2
        case .communityManager: 3
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// The interface languages Hearth speaks.
public enum Language: String, Sendable, Codable, CaseIterable {
    case english = "en"
    case french = "fr"
}

/// A person with an account. The password hash is deliberately not part of it: it is read only by the
/// code that checks passwords.
public struct Member: Sendable, Equatable, Codable, Identifiable {
    public let id: MemberID
    public var email: String
    /// The name people write after "@" to mention them; unique, made from the display name at sign-up.
    public var handle: String
    public var displayName: String
    public var bio: String
    /// An uploaded image (`/uploads/…`), or nil for the initial-letter badge.
    public var avatarPath: String?
    public var role: Role
    public var language: Language?
    public let createdAt: Date
    /// Until when a moderator has silenced the member (no posting, no flags); nil or past: not silenced.
    public var silencedUntil: Date?
    /// Until when the member may not log in or act at all; nil or past: not suspended.
    public var suspendedUntil: Date?
    /// Until when the member's latest warning is shown to them (a week after it was given).
    public var warnedUntil: Date?
    /// When the member was last given a penalty that still stands (not lifted), whatever its kind.
    public var penalisedAt: Date?
    /// Signed up while the community asked new members to confirm their e-mail address, and not confirmed yet:
    /// they may read and log in, not post.
    public var awaitsEmailConfirmation: Bool
    /// Whether delegated powers are stored for the member, so that only they cost a look-up per request.
    public var hasGrants: Bool
    /// When the member last used the site, to within `SessionService.lastSeenResolution`; nil: never since it
    /// was recorded.
    public var lastSeenAt: Date?
    /// Where the member stands on the trust ladder.
    public var trust: TrustLevel

    public init(
        id: MemberID, email: String, handle: String, displayName: String, bio: String = "", avatarPath: String? = nil,
        role: Role, language: Language?, createdAt: Date, silencedUntil: Date? = nil, suspendedUntil: Date? = nil,
        warnedUntil: Date? = nil, penalisedAt: Date? = nil, awaitsEmailConfirmation: Bool = false,
        hasGrants: Bool = false, lastSeenAt: Date? = nil, trust: TrustLevel = .basic
    ) {
        self.trust = trust
        self.awaitsEmailConfirmation = awaitsEmailConfirmation
        self.lastSeenAt = lastSeenAt
        self.warnedUntil = warnedUntil
        self.penalisedAt = penalisedAt
        self.id = id
        self.email = email
        self.handle = handle
        self.displayName = displayName
        self.bio = bio
        self.avatarPath = avatarPath
        self.role = role
        self.language = language
        self.createdAt = createdAt
        self.silencedUntil = silencedUntil
        self.suspendedUntil = suspendedUntil
        self.hasGrants = hasGrants
    }
}

/// What is needed to create a member.
public struct NewMember: Sendable, Equatable {
    public var email: String
    public var displayName: String
    public var role: Role
    public var passwordHash: String
    public var createdAt: Date
    /// False for a member who must confirm their address before posting.
    public var emailConfirmed: Bool

    public init(
        email: String, displayName: String, role: Role, passwordHash: String, createdAt: Date,
        emailConfirmed: Bool = true
    ) {
        self.emailConfirmed = emailConfirmed
        self.email = email
        self.displayName = displayName
        self.role = role
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }
}
