import Foundation
import HearthCore
import Hummingbird

/// The JSON shapes of the members, invitations and API keys routes (`MembersAPI`).
extension APIModel {
    /// A line of the member directory, for staff.
    struct MemberListing: ResponseEncodable, Codable {
        let id: Int64
        let handle: String
        let displayName: String
        let role: String
        /// Only for those who may see members' e-mails.
        let email: String?
        let createdAt: Date
        let lastSeenAt: Date?
        /// Posts neither deleted, hidden nor held.
        let postCount: Int
        /// The penalties in force: warn, silence, suspend.
        let penalties: [String]

        init(_ listing: HearthCore.MemberListing, showEmail: Bool, at date: Date) {
            let member = listing.member
            id = member.id.rawValue
            handle = member.handle
            displayName = member.displayName
            role = member.role.rawValue
            email = showEmail ? member.email : nil
            createdAt = member.createdAt
            lastSeenAt = member.lastSeenAt
            postCount = listing.postCount
            penalties = listing.penaltiesInForce(at: date).map(\.rawValue)
        }
    }

    struct RoleInput: Codable {
        let role: String
    }

    struct AnonymisationInput: Codable {
        /// The member's handle, typed again: the act cannot be undone.
        let confirm: String
        let reason: String?
    }

    struct Anonymised: ResponseEncodable, Codable {
        let id: Int64
        let handle: String
    }

    struct Invitation: ResponseEncodable, Codable {
        let id: Int64
        let email: String?
        let createdAt: Date
        let expiresAt: Date

        init(_ invitation: HearthCore.Invitation) {
            id = invitation.id.rawValue
            email = invitation.email
            createdAt = invitation.createdAt
            expiresAt = invitation.expiresAt
        }
    }

    struct NewInvitation: Codable {
        let email: String?
    }

    struct CreatedInvitation: ResponseEncodable, Codable {
        /// The sign-up link, given this once.
        let link: String
        let emailed: Bool
    }

    struct APIKey: ResponseEncodable, Codable {
        let id: Int64
        let name: String
        let scope: String
        let prefix: String
        let owner: MemberRef?
        let createdAt: Date
        let lastUsedAt: Date?
        let revokedAt: Date?

        init(_ key: HearthCore.APIKey, owner: MemberSummary?) {
            id = key.id.rawValue
            name = key.name
            scope = key.scope.rawValue
            prefix = key.displayPrefix
            self.owner = owner.map(MemberRef.init)
            createdAt = key.createdAt
            lastUsedAt = key.lastUsedAt
            revokedAt = key.revokedAt
        }
    }

    struct NewAPIKey: Codable {
        let name: String
        let scope: String
        /// The owner's e-mail; the caller when absent.
        let ownerEmail: String?
    }

    struct CreatedAPIKey: ResponseEncodable, Codable {
        let key: APIKey
        /// The key itself, given this once: only its digest is kept.
        let secret: String
    }
}
