import Foundation

/// Roles as stored, and who holds them.
public protocol DelegateRoleRepository: Sendable {
    /// Stores a role and writes `log` (given its id) to the moderation log, in one transaction.
    func create(
        _ definition: RoleDefinition, createdBy: MemberID?, at date: Date,
        log: @Sendable (DelegateRoleID) -> NewLogEntry
    ) async throws -> DelegateRole
    func all() async throws -> [DelegateRole]
    /// Replaces the role's definition, writes again its holders' badges and writes `log`; false when there is no
    /// such role.
    func update(
        _ id: DelegateRoleID, to definition: RoleDefinition, at date: Date, today: CalendarDay, log: NewLogEntry
    ) async throws -> Bool
    /// Takes the role back from every holder and removes it (with the reports opened on it and never sent), unless
    /// a holder sent a weekly report on it (reports are kept: the role is given a last day instead).
    func remove(_ id: DelegateRoleID, at date: Date, today: CalendarDay, log: NewLogEntry) async throws
        -> RoleRemoval
    func find(_ id: DelegateRoleID) async throws -> DelegateRole?
    func holders(of id: DelegateRoleID) async throws -> [RoleHolder]
    /// Gives the role, marks the member as holding powers and writes `log`, in one transaction; false (and nothing
    /// written) when they held it already.
    func give(
        _ id: DelegateRoleID, to memberID: MemberID, by giver: MemberID?, at date: Date, today: CalendarDay,
        log: NewLogEntry
    ) async throws -> Bool
    /// Takes it back, clearing the member's mark with their last role, and writes `log`; false when they did not
    /// hold it.
    func takeBack(
        _ id: DelegateRoleID, from memberID: MemberID, at date: Date, today: CalendarDay, log: NewLogEntry
    ) async throws -> Bool
    /// The roles a member holds now (ended ones included: the policy reads their dates).
    func held(by memberID: MemberID) async throws -> [DelegateRole]
    /// Writes again each holder's badge, that of a role in force on `today` (a role past its last day shows none).
    func refreshBadges(today: CalendarDay) async throws
    /// The members who hold a role with `power`, in the order they were first given one.
    func holders(of power: Action) async throws -> [MemberID]
}

/// What removing a role came to.
public enum RoleRemoval: Sendable, Equatable {
    case removed
    case missing
    /// A holder sent a report on it: it stays, to keep the reports.
    case hasReports
}

/// Builds the `Viewer` behind a session or an API key with the powers of the roles the member holds, so that a
/// delegated power reaches pages and the API at once, and stops on both the moment the role is taken back. Only
/// members marked as holding a role cost a look-up.
public struct ViewerResolver: Sendable {
    let roles: any DelegateRoleRepository
    let timeZone: @Sendable () -> TimeZone

    public init(roles: any DelegateRoleRepository, timeZone: @escaping @Sendable () -> TimeZone) {
        self.roles = roles
        self.timeZone = timeZone
    }

    public func viewer(_ member: Member, credential: Viewer.Credential) async throws -> Viewer {
        guard member.hasGrants else { return Viewer(member: member, credential: credential) }
        let zone = timeZone()
        let grants = try await roles.held(by: member.id).flatMap { $0.definition.grants(in: zone) }
        return Viewer(member: member, credential: credential, grants: grants)
    }

    /// The members who hold a role with `power`, at whatever hours.
    public func holders(of power: Action) async throws -> [MemberID] {
        try await roles.holders(of: power)
    }
}

/// Makes roles, gives them to members and takes them back. Only who may manage roles may, and a role never hands
/// out a power its maker lacks.
public struct DelegationService: Sendable {
    let roles: any DelegateRoleRepository
    let members: any MemberRepository
    let categoryExists: @Sendable (CategoryID) async throws -> Bool
    let timeZone: @Sendable () -> TimeZone
    let policy: AccessPolicy
    let now: Now

    public init(
        roles: any DelegateRoleRepository, members: any MemberRepository,
        categoryExists: @escaping @Sendable (CategoryID) async throws -> Bool,
        timeZone: @escaping @Sendable () -> TimeZone, policy: AccessPolicy, now: @escaping Now
    ) {
        self.roles = roles
        self.members = members
        self.categoryExists = categoryExists
        self.timeZone = timeZone
        self.policy = policy
        self.now = now
    }

    /// The community's time zone now, in which roles' days and hours are read.
    public var communityTimeZone: TimeZone { timeZone() }

    /// A role with its holders, for the community manager.
    public struct Listing: Sendable {
        public let role: DelegateRole
        public let holders: [RoleHolder]

        public init(role: DelegateRole, holders: [RoleHolder]) {
            self.role = role
            self.holders = holders
        }
    }

    public func create(_ viewer: Viewer?, _ draft: RoleDefinition) async throws -> DelegateRole {
        try policy.authorize(viewer, .manageRoles, at: now())
        let definition = try await validated(draft, by: viewer)
        let actor = viewer?.member.id
        return try await roles.create(definition, createdBy: actor, at: now()) { id in
            NewLogEntry(
                actorID: actor, action: "create role", target: .role, targetID: id.rawValue,
                reason: definition.nameEN)
        }
    }

    /// Changes a role: the same checks as making one. Holders keep it, with its new powers from their next request.
    public func update(_ viewer: Viewer?, _ id: DelegateRoleID, to draft: RoleDefinition) async throws -> DelegateRole {
        try policy.authorize(viewer, .manageRoles, at: now())
        let definition = try await validated(draft, by: viewer)
        let log = NewLogEntry(
            actorID: viewer?.member.id, action: "change role", target: .role, targetID: id.rawValue,
            reason: definition.nameEN)
        guard
            try await roles.update(id, to: definition, at: now(), today: CalendarDay(now(), in: timeZone()), log: log)
        else { throw HearthError.notFound("There is no such role.") }
        return try await role(viewer, id).role
    }

    /// Removes a role and takes it back from its holders; a role with weekly reports is kept, with a message that
    /// says to give it a last day instead.
    public func remove(_ viewer: Viewer?, _ id: DelegateRoleID) async throws {
        try policy.authorize(viewer, .manageRoles, at: now())
        let name = try await roles.find(id)?.definition.nameEN ?? ""
        let log = NewLogEntry(
            actorID: viewer?.member.id, action: "remove role", target: .role, targetID: id.rawValue, reason: name)
        switch try await roles.remove(id, at: now(), today: CalendarDay(now(), in: timeZone()), log: log) {
        case .removed: return
        case .missing: throw HearthError.notFound("There is no such role.")
        case .hasReports:
            throw HearthError.conflict(
                "Holders have sent weekly reports on this role: give it a last day instead, so that the reports are kept."
            )
        }
    }

    public func list(_ viewer: Viewer?) async throws -> [Listing] {
        try policy.authorize(viewer, .manageRoles, at: now())
        var listings: [Listing] = []
        for role in try await roles.all() {
            listings.append(Listing(role: role, holders: try await roles.holders(of: role.id)))
        }
        return listings
    }

    public func role(_ viewer: Viewer?, _ id: DelegateRoleID) async throws -> Listing {
        try policy.authorize(viewer, .manageRoles, at: now())
        guard let role = try await roles.find(id) else { throw HearthError.notFound("There is no such role.") }
        return Listing(role: role, holders: try await roles.holders(of: id))
    }

    public func give(_ viewer: Viewer?, _ id: DelegateRoleID, to memberID: MemberID) async throws {
        try policy.authorize(viewer, .manageRoles, at: now())
        guard let role = try await roles.find(id) else { throw HearthError.notFound("There is no such role.") }
        guard let member = try await members.find(id: memberID), !MemberService.isAnonymised(member) else {
            throw HearthError.notFound("There is no such member.")
        }
        if let until = member.suspendedUntil, until > now() {
            throw HearthError.conflict(
                "\(member.displayName) is suspended until \(AccessPolicy.moment(until)): a role can be given once the suspension ends."
            )
        }
        _ = try await roles.give(
            id, to: memberID, by: viewer?.member.id, at: now(), today: CalendarDay(now(), in: timeZone()),
            log: NewLogEntry(
                actorID: viewer?.member.id, action: "give role", target: .member, targetID: memberID.rawValue,
                reason: role.definition.nameEN))
    }

    /// Gives the role to the member named by `@handle`, handle or e-mail address, as typed in the console.
    public func give(_ viewer: Viewer?, _ id: DelegateRoleID, toNamed name: String) async throws {
        try policy.authorize(viewer, .manageRoles, at: now())
        let typed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        let member =
            typed.contains("@") && !typed.hasPrefix("@")
            ? try await members.find(email: typed.lowercased()) : try await members.find(handle: Handle.typed(typed))
        guard !typed.isEmpty else { throw HearthError.invalid("member", "Enter a @handle or an e-mail address.") }
        guard let member else {
            throw HearthError.invalid("member", "There is no member \(typed): enter their @handle or e-mail address.")
        }
        try await give(viewer, id, to: member.id)
    }

    public func takeBack(_ viewer: Viewer?, _ id: DelegateRoleID, from memberID: MemberID) async throws {
        try policy.authorize(viewer, .manageRoles, at: now())
        let name = try await roles.find(id)?.definition.nameEN ?? ""
        let log = NewLogEntry(
            actorID: viewer?.member.id, action: "take back role", target: .member, targetID: memberID.rawValue,
            reason: name)
        guard
            try await roles.takeBack(
                id, from: memberID, at: now(), today: CalendarDay(now(), in: timeZone()), log: log)
        else {
            throw HearthError.notFound("This member does not hold that role.")
        }
    }

    /// The roles the viewer holds, each with whether its powers hold now.
    public func mine(_ viewer: Viewer?) async throws -> [(role: DelegateRole, status: RoleStatus)] {
        guard let viewer else { throw HearthError.unauthorized("Please log in first.") }
        guard viewer.member.hasGrants else { return [] }
        let zone = timeZone()
        return try await roles.held(by: viewer.member.id).map { role in
            (role, role.definition.status(at: now(), in: zone))
        }
    }

    /// The definition cleaned (names and badge trimmed), or every problem with it at once.
    func validated(_ draft: RoleDefinition, by viewer: Viewer?) async throws -> RoleDefinition {
        var role = draft
        func clean(_ text: String) -> String {
            text.withoutXMLForbiddenCharacters.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        role.nameEN = clean(draft.nameEN)
        role.nameFR = clean(draft.nameFR)
        role.badge = clean(draft.badge)
        role.guidelines = draft.guidelines.withoutXMLForbiddenCharacters
        var problems: [FieldError] = []
        if !(1...60).contains(role.nameEN.count) {
            problems.append(FieldError(field: "name.en", message: "Name the role in English in 1 to 60 characters."))
        }
        if !(1...60).contains(role.nameFR.count) {
            problems.append(FieldError(field: "name.fr", message: "Name the role in French in 1 to 60 characters."))
        }
        if role.badge.count > 30 {
            problems.append(FieldError(field: "badge", message: "A badge is 30 characters at most."))
        }
        if role.guidelines.count > 20_000 {
            problems.append(FieldError(field: "guidelines", message: "Guidelines are 20,000 characters at most."))
        }
        if role.powers.isEmpty || !role.powers.isSubset(of: Action.moderation) {
            problems.append(FieldError(field: "powers", message: "Choose one or more of the moderation powers."))
        } else {
            let lacking = role.powers.filter { !policy.decide(viewer, $0, at: now()).isAllowed }
            if !lacking.isEmpty {
                let names = lacking.map(\.name).sorted().joined(separator: ", ")
                problems.append(
                    FieldError(field: "powers", message: "A role cannot hand out a power you do not hold: \(names)."))
            }
        }
        for id in role.categoryIDs where try await !categoryExists(id) {
            problems.append(FieldError(field: "categoryIds", message: "There is no category \(id.rawValue)."))
        }
        if let hours = role.hours {
            if hours.weekdays.isEmpty || !hours.weekdays.isSubset(of: DailyWindow.everyDay) {
                problems.append(
                    FieldError(field: "window.days", message: "Choose days from 1 (Monday) to 7 (Sunday)."))
            }
            if !(0..<1_440).contains(hours.fromMinute) || !(0..<1_440).contains(hours.toMinute) {
                problems.append(FieldError(field: "window", message: "Times run from 00:00 to 23:59."))
            } else if hours.fromMinute == hours.toMinute {
                problems.append(
                    FieldError(
                        field: "window.to",
                        message:
                            "The window ends when it starts: choose an end other than the start (an end before the start runs past midnight)."
                    ))
            }
        }
        if let startsOn = role.startsOn, let endsOn = role.endsOn, endsOn < startsOn {
            problems.append(FieldError(field: "endsOn", message: "The last day comes before the first."))
        } else if let endsOn = role.endsOn, endsOn < CalendarDay(now(), in: timeZone()) {
            problems.append(FieldError(field: "endsOn", message: "The last day has passed."))
        }
        guard problems.isEmpty else { throw HearthError.validation(problems) }
        role.categoryIDs = Array(Set(role.categoryIDs)).sorted { $0.rawValue < $1.rawValue }
        return role
    }
}
