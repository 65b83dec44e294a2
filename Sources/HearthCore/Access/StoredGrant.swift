import Foundation

/// Marker for `Identifier<StoredGrant>`.
public typealias GrantID = Identifier<StoredGrant>

/// A grant as kept in the database: who holds it, what it is called ("evening advisor"), and the power itself.
public struct StoredGrant: Sendable, Equatable, Identifiable {
    public let id: GrantID
    public let memberID: MemberID
    public let title: String
    public let grant: Grant
    public let createdBy: MemberID?
    public let createdAt: Date

    public init(id: GrantID, memberID: MemberID, title: String, grant: Grant, createdBy: MemberID?, createdAt: Date) {
        self.id = id
        self.memberID = memberID
        self.title = title
        self.grant = grant
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

/// Grants as stored.
public protocol GrantRepository: Sendable {
    /// Stores a grant and marks its holder as having grants, in one transaction.
    func create(memberID: MemberID, title: String, grant: Grant, createdBy: MemberID?, at date: Date) async throws
        -> StoredGrant
    /// The grants a member holds that are not revoked (expired ones included: the policy checks dates).
    func active(of memberID: MemberID) async throws -> [StoredGrant]
    /// Every grant not revoked, for the console.
    func allActive() async throws -> [StoredGrant]
    /// Revokes a grant; returns it, or nil when there is no such active grant. Clears the holder's mark when it
    /// was their last.
    func revoke(_ id: GrantID, at date: Date) async throws -> StoredGrant?
}

/// Builds the `Viewer` behind a session or an API key, with the member's grants, so that a delegated power
/// reaches pages and the API at once. Only members marked as holding grants cost a look-up.
public struct ViewerResolver: Sendable {
    let grants: any GrantRepository

    public init(grants: any GrantRepository) {
        self.grants = grants
    }

    public func viewer(_ member: Member, credential: Viewer.Credential) async throws -> Viewer {
        let held = member.hasGrants ? try await grants.active(of: member.id).map(\.grant) : []
        return Viewer(member: member, credential: credential, grants: held)
    }
}

/// Hands out and takes back delegated powers. Only the community manager may.
public struct GrantService: Sendable {
    let grants: any GrantRepository
    let members: any MemberRepository
    let policy: AccessPolicy
    let now: Now

    public init(grants: any GrantRepository, members: any MemberRepository, policy: AccessPolicy, now: @escaping Now) {
        self.grants = grants
        self.members = members
        self.policy = policy
        self.now = now
    }

    /// Gives `memberID` the moderation `actions`, optionally in one category, a daily window and until a date.
    public func give(
        _ viewer: Viewer?, to memberID: MemberID, title rawTitle: String, actions: Set<Action>,
        category: CategoryID? = nil, window: DailyWindow? = nil, expiresAt: Date? = nil
    ) async throws -> StoredGrant {
        try policy.authorize(viewer, .manageMembers, at: now())
        guard try await members.find(id: memberID) != nil else {
            throw HearthError.notFound("There is no such member.")
        }
        let title = rawTitle.withoutXMLForbiddenCharacters.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [FieldError] = []
        if !(1...80).contains(title.count) {
            problems.append(FieldError(field: "title", message: "Name the role in 1 to 80 characters."))
        }
        if actions.isEmpty || !actions.isSubset(of: Action.moderation) {
            problems.append(
                FieldError(field: "actions", message: "Choose one or more moderation powers to hand out."))
        }
        if let window,
            !(0..<1_440).contains(window.startMinute) || !(0..<1_440).contains(window.endMinute)
                || window.startMinute == window.endMinute || TimeZone(identifier: window.timeZoneIdentifier) == nil
        {
            problems.append(
                FieldError(field: "window", message: "A daily window has a start and an end time, and a time zone."))
        }
        if let expiresAt, expiresAt <= now() {
            problems.append(FieldError(field: "expiresAt", message: "The end date must be in the future."))
        }
        guard problems.isEmpty else { throw HearthError.validation(problems) }
        return try await grants.create(
            memberID: memberID, title: title,
            grant: Grant(
                actions: actions, scope: category.map { .category($0.rawValue) }, window: window, expiresAt: expiresAt),
            createdBy: viewer?.member.id, at: now())
    }

    public func revoke(_ viewer: Viewer?, _ id: GrantID) async throws {
        try policy.authorize(viewer, .manageMembers, at: now())
        guard try await grants.revoke(id, at: now()) != nil else {
            throw HearthError.notFound("There is no such grant, or it was already taken back.")
        }
    }

    public func list(_ viewer: Viewer?) async throws -> [StoredGrant] {
        try policy.authorize(viewer, .manageMembers, at: now())
        return try await grants.allActive()
    }
}
