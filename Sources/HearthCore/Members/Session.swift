import Foundation

public typealias SessionID = Identifier<Session>

/// A signed-in browser. The cookie holds a random secret; the database holds only its digest.
public struct Session: Sendable, Equatable {
    public let id: SessionID
    public let memberID: MemberID
    public let createdAt: Date
    public var expiresAt: Date
    /// Secret for the session's forms (CSRF), rotated with the session.
    public let csrfToken: String

    public init(id: SessionID, memberID: MemberID, createdAt: Date, expiresAt: Date, csrfToken: String) {
        self.id = id
        self.memberID = memberID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.csrfToken = csrfToken
    }
}

/// A one-time link's purpose: each purpose is a separate namespace of tokens.
public enum TokenPurpose: String, Sendable, Codable, CaseIterable {
    /// The first-run link that creates the community manager's account.
    case setup
    case passwordReset = "password_reset"
    case invite
    /// The link a new member opens to confirm their e-mail address.
    case confirmEmail = "confirm_email"
    /// A browser that logged in to an account: it is counted apart from everyone else when log-ins are limited.
    case trustedDevice = "trusted_device"
}

/// A single-use, expiring token behind a link sent to someone.
public struct OneTimeToken: Sendable, Equatable {
    public let id: Int64
    public let purpose: TokenPurpose
    public let memberID: MemberID?
    public let email: String?
    public let createdAt: Date
    public let expiresAt: Date
    public let usedAt: Date?

    public init(
        id: Int64, purpose: TokenPurpose, memberID: MemberID?, email: String?, createdAt: Date, expiresAt: Date,
        usedAt: Date?
    ) {
        self.id = id
        self.purpose = purpose
        self.memberID = memberID
        self.email = email
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.usedAt = usedAt
    }
}
