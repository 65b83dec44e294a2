import Foundation

public typealias InvitationID = Identifier<Invitation>

/// An open invitation to sign up: a one-time link, of which only the digest is stored, so the link itself is
/// shown once, when created.
public struct Invitation: Sendable, Equatable, Identifiable {
    public let id: InvitationID
    /// Whom it was sent to, when it was sent by e-mail.
    public let email: String?
    public let createdAt: Date
    public let expiresAt: Date

    public init(id: InvitationID, email: String?, createdAt: Date, expiresAt: Date) {
        self.id = id
        self.email = email
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// Invitation links as stored (they are one-time tokens with the `invite` purpose).
public protocol InvitationRepository: Sendable {
    /// Invitations neither used, revoked nor expired at `date`, newest first.
    func openInvitations(at date: Date) async throws -> [Invitation]
    /// Uses the invitation up so that its link no longer works; false when it was not open.
    func revokeInvitation(_ id: InvitationID, at date: Date) async throws -> Bool
}
