import Foundation
import Logging

/// What a viewer may do to one member, for the profile's staff actions and the directory's columns.
public struct MemberPowers: Sendable, Equatable {
    public let seeEmail: Bool
    public let changeRole: Bool
    public let sendPasswordReset: Bool
    public let penalise: Bool
    public let anonymise: Bool

    public init(seeEmail: Bool, changeRole: Bool, sendPasswordReset: Bool, penalise: Bool, anonymise: Bool) {
        self.seeEmail = seeEmail
        self.changeRole = changeRole
        self.sendPasswordReset = sendPasswordReset
        self.penalise = penalise
        self.anonymise = anonymise
    }

    public var hasAny: Bool { changeRole || sendPasswordReset || penalise || anonymise }

    public static let none = MemberPowers(
        seeEmail: false, changeRole: false, sendPasswordReset: false, penalise: false, anonymise: false)
}

/// The console's member use cases: the directory, role changes, reset links sent by staff, anonymisation on
/// request, invitations and every member's API keys. Each act asks `AccessPolicy` first.
public struct MemberService: Sendable {
    /// The e-mail domain of anonymised accounts: `.invalid` is reserved (RFC 2606), so nothing is ever sent there.
    public static let anonymisedDomain = "anonymised.invalid"
    /// The name anonymised accounts carry, which bylines show.
    public static let formerMemberName = "Former member"
    /// Directory pages hold this many members at most: enough to scan, few enough to count posts per line.
    public static let pageSize = 50

    let directory: any MemberDirectoryRepository
    let members: any MemberRepository
    let forum: ForumService
    let invitations: any InvitationRepository
    let accounts: AccountService
    let keyService: APIKeyService
    let policy: AccessPolicy
    let now: Now
    let logger: Logger

    public init(
        directory: any MemberDirectoryRepository, members: any MemberRepository, forum: ForumService,
        invitations: any InvitationRepository, accounts: AccountService, apiKeys: APIKeyService,
        policy: AccessPolicy, now: @escaping Now, logger: Logger
    ) {
        self.directory = directory
        self.members = members
        self.forum = forum
        self.invitations = invitations
        self.accounts = accounts
        self.keyService = apiKeys
        self.policy = policy
        self.now = now
        self.logger = logger
    }

    // MARK: The directory

    /// A page of the directory. The search matches names and handles, and e-mails for those who may see them.
    public func list(
        _ viewer: Viewer?, search rawSearch: String = "", sort: MemberSort = .joined, after: MemberCursor? = nil,
        limit: Int = MemberService.pageSize
    ) async throws -> MemberDirectoryPage {
        try policy.authorize(viewer, .browseMembers, at: now())
        let search = String(rawSearch.trimmingCharacters(in: .whitespacesAndNewlines).prefix(100))
        let size = min(max(limit, 1), Self.pageSize)
        let rows = try await directory.directory(
            MemberQuery(
                search: search, sort: sort, after: after, limit: size + 1,
                searchEmails: policy.decide(viewer, .seeMemberEmails, at: now()).isAllowed))
        let shown = Array(rows.prefix(size))
        let next = rows.count > size ? shown.last.map { MemberCursor(after: $0.member, sort: sort) } : nil
        return MemberDirectoryPage(listings: shown, next: next)
    }

    /// What `viewer` may do to `member`.
    public func powers(_ viewer: Viewer?, over member: Member) -> MemberPowers {
        let date = now()
        func may(_ action: Action) -> Bool {
            policy.decide(viewer, action, on: .member(member.id), at: date).isAllowed
        }
        let anonymised = Self.isAnonymised(member)
        let own = viewer?.member.id == member.id
        return MemberPowers(
            seeEmail: may(.seeMemberEmails),
            changeRole: may(.changeRole) && !anonymised,
            sendPasswordReset: may(.sendPasswordReset) && !anonymised && !member.email.hasSuffix(".invalid"),
            penalise: !own && !anonymised && (may(.warnMember) || may(.silenceMember) || may(.suspendMember)),
            anonymise: may(.anonymiseMember) && !anonymised && !own)
    }

    /// What a profile shows of the member's writing: how many posts everyone can see, and the latest posts
    /// (replies included) that `viewer` may see, each through the one visibility rule.
    public func activity(_ viewer: Viewer?, of memberID: MemberID, limit: Int = 10) async throws -> MemberActivity {
        let date = now()
        // Staff and the author may see more than the public; `PostVisibility` (via the forum) has the last word
        // on each post, per category.
        let publicOnly =
            viewer?.member.id != memberID && !policy.decide(viewer, .seeRemoved, at: date).isAllowed
        let ids = try await directory.recentPostIDs(of: memberID, limit: limit * 2, publicOnly: publicOnly)
        var recent: [(Post, Topic)] = []
        for id in ids where recent.count < limit {
            do {
                recent.append(try await forum.visiblePost(id, for: viewer))
            } catch HearthError.notFound(_) {
                continue  // not for this viewer's eyes
            }
        }
        return MemberActivity(
            publicPostCount: try await directory.publicPostCount(of: memberID), recent: recent,
            lastPostedAt: recent.first?.0.createdAt)
    }

    public static func isAnonymised(_ member: Member) -> Bool {
        member.email.hasSuffix("@" + anonymisedDomain)
    }

    // MARK: Acts on one member

    /// Makes the member a member, moderator or community manager; the last community manager stays one.
    public func changeRole(_ viewer: Viewer?, of memberID: MemberID, to role: Role) async throws {
        try policy.authorize(viewer, .changeRole, on: .member(memberID), at: now())
        guard let member = try await members.find(id: memberID), !Self.isAnonymised(member) else {
            throw HearthError.notFound("There is no such member.")
        }
        guard member.role != role else { return }
        let entry = NewLogEntry(
            actorID: viewer?.member.id, action: "change role", target: .member, targetID: memberID.rawValue,
            textBefore: member.role.rawValue, textAfter: role.rawValue)
        switch try await directory.setRole(of: memberID, to: role, log: entry, at: now()) {
        case .changed: return
        case .noSuchMember: throw HearthError.notFound("There is no such member.")
        case .lastCommunityManager:
            throw HearthError.conflict(
                "This is the community's last community manager: make someone else community manager first.")
        }
    }

    /// E-mails the member a link to choose a new password, through the outbox, as if they had asked.
    public func sendPasswordReset(_ viewer: Viewer?, to memberID: MemberID, logger requestLogger: Logger? = nil)
        async throws
    {
        try policy.authorize(viewer, .sendPasswordReset, on: .member(memberID), at: now())
        guard let member = try await members.find(id: memberID), !Self.isAnonymised(member) else {
            throw HearthError.notFound("There is no such member.")
        }
        guard !member.email.hasSuffix(".invalid") else {
            throw HearthError.conflict("This account has no e-mail address to write to.")
        }
        try await accounts.queuePasswordReset(to: member, logger: requestLogger ?? logger)
    }

    /// Erases the member's identity on their request; their posts stay, under "former member". It cannot be
    /// undone, so the asker confirms by typing the member's handle. Staff give up their role first, so that the
    /// last community manager cannot be erased.
    public func anonymise(_ viewer: Viewer?, _ memberID: MemberID, confirmation: String, reason rawReason: String = "")
        async throws -> String
    {
        try policy.authorize(viewer, .anonymiseMember, on: .member(memberID), at: now())
        guard let member = try await members.find(id: memberID), !Self.isAnonymised(member) else {
            throw HearthError.notFound("There is no such member, or the account is already anonymised.")
        }
        guard member.id != viewer?.member.id else {
            throw HearthError.forbidden("You cannot anonymise your own account from here.")
        }
        guard member.role == .member else {
            throw HearthError.conflict("Make this account a plain member first: staff accounts are not anonymised.")
        }
        guard confirmation.trimmingCharacters(in: .whitespaces).lowercased() == member.handle else {
            throw HearthError.invalid("confirm", "Type the member's handle to confirm: this cannot be undone.")
        }
        let reason = rawReason.withoutXMLForbiddenCharacters.trimmingCharacters(in: .whitespacesAndNewlines)
        guard reason.count <= 500 else {
            throw HearthError.invalid("reason", "Keep the note for the log under 500 characters.")
        }
        // The log names the act and the account's id, never what was erased.
        let entry = NewLogEntry(
            actorID: viewer?.member.id, action: "anonymise", target: .member, targetID: memberID.rawValue,
            reason: reason)
        guard let handle = try await directory.anonymise(memberID, log: entry, at: now()) else {
            throw HearthError.notFound("There is no such member, or the account is already anonymised.")
        }
        return handle
    }

    // MARK: Invitations

    /// A new invitation link; with an e-mail it is also sent there, from the viewer's name.
    public func invite(_ viewer: Viewer?, email: String?, logger requestLogger: Logger? = nil) async throws -> String {
        try policy.authorize(viewer, .manageInvitations, at: now())
        return try await accounts.invite(
            email: email, sendBy: viewer?.member.displayName, logger: requestLogger ?? logger)
    }

    public func openInvitations(_ viewer: Viewer?) async throws -> [Invitation] {
        try policy.authorize(viewer, .manageInvitations, at: now())
        return try await invitations.openInvitations(at: now())
    }

    public func revokeInvitation(_ viewer: Viewer?, _ id: InvitationID) async throws {
        try policy.authorize(viewer, .manageInvitations, at: now())
        guard try await invitations.revokeInvitation(id, at: now()) else {
            throw HearthError.notFound("This invitation is already used, revoked or expired.")
        }
    }

    // MARK: API keys

    /// Every key, with its owner's public face (nil when the owner is gone).
    public func apiKeys(_ viewer: Viewer?) async throws -> [(APIKey, MemberSummary?)] {
        try policy.authorize(viewer, .manageAllAPIKeys, at: now())
        let keys = try await keyService.list()
        var owners: [MemberID: MemberSummary] = [:]
        for id in Set(keys.map(\.memberID)) {
            if let member = try await members.find(id: id) { owners[id] = MemberSummary(member) }
        }
        return keys.map { ($0, owners[$0.memberID]) }
    }

    /// A new key owned by the member with `ownerEmail` (the viewer when empty); the secret is returned once.
    public func createAPIKey(_ viewer: Viewer?, name: String, scope: APIKey.Scope, ownerEmail: String?)
        async throws -> (APIKey, String)
    {
        try policy.authorize(viewer, .manageAllAPIKeys, at: now())
        let owner = ownerEmail.map(AccountForm.normalizedEmail).flatMap { $0.isEmpty ? nil : $0 }
        return try await keyService.create(name: name, scope: scope, ownerEmail: owner ?? viewer?.member.email)
    }

    public func revokeAPIKey(_ viewer: Viewer?, _ id: APIKeyID) async throws {
        try policy.authorize(viewer, .manageAllAPIKeys, at: now())
        try await keyService.revoke(id)
    }
}
