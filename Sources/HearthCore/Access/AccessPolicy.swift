import Foundation

/// Everything a person can try to do that someone might not be allowed to.
public enum Action: String, Sendable, Codable, CaseIterable, Hashable {
    case readCommunity = "read_community"
    case post
    case editOwnProfile = "edit_own_profile"
    case moderate
    case manageMembers = "manage_members"
    case administer
    case manageAPIKeys = "manage_api_keys"
}

/// What an action is done on.
public enum Resource: Sendable, Equatable, Hashable, Codable {
    case community
    case member(MemberID)
    case category(Int64)

    /// Whether a grant scoped to `self` reaches `other`: the community contains everything.
    func contains(_ other: Resource) -> Bool {
        self == .community || self == other
    }
}

/// The answer to "may they?", with the reason when not, in words for the person.
public enum Decision: Sendable, Equatable {
    case allowed
    case denied(String)

    public var isAllowed: Bool { self == .allowed }
}

/// The single place where permission is decided: a pure function of who, what action, on what, and when.
///
/// Roles give the defaults; grants add delegated, possibly time-windowed powers; the credential can only
/// narrow what the member could do (a read-scoped API key cannot post, whatever its owner's role).
public struct AccessPolicy: Sendable {
    public init() {}

    public func decide(_ viewer: Viewer?, _ action: Action, on resource: Resource = .community, at date: Date)
        -> Decision
    {
        guard let viewer else {
            return action == .readCommunity ? .allowed : .denied("Please log in first.")
        }
        if case .apiKey(_, .read) = viewer.credential, action != .readCommunity {
            return .denied("This API key can only read.")
        }
        if roleAllows(viewer.member, action, on: resource) {
            return .allowed
        }
        if viewer.grants.contains(where: { $0.covers(action, on: resource, at: date) }) {
            return .allowed
        }
        return .denied("You are not allowed to do that.")
    }

    /// Throws `HearthError.forbidden` (or `.unauthorized` for anonymous viewers) unless allowed.
    public func authorize(_ viewer: Viewer?, _ action: Action, on resource: Resource = .community, at date: Date)
        throws
    {
        if case .denied(let reason) = decide(viewer, action, on: resource, at: date) {
            throw viewer == nil ? HearthError.unauthorized(reason) : HearthError.forbidden(reason)
        }
    }

    private func roleAllows(_ member: Member, _ action: Action, on resource: Resource) -> Bool {
        switch action {
        case .readCommunity, .post, .manageAPIKeys:
            true
        case .editOwnProfile:
            resource == .member(member.id) || member.role == .communityManager
        case .moderate:
            member.role >= .moderator
        case .manageMembers, .administer:
            member.role == .communityManager
        }
    }
}
