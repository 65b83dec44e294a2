import Foundation

/// Warnings, silences and suspensions. A penalty is enforced everywhere through the member's record (the policy
/// reads `silencedUntil` and `suspendedUntil`), ends by itself at its date, and tells the member why.
public struct PenaltyService: Sendable {
    /// The longest a silence or suspension may be set for in one decision.
    static let longest: TimeInterval = 366 * 86_400
    /// The longest silence or suspension given under a delegated role.
    static let longestUnderRole: TimeInterval = 24 * 3_600

    let penalties: any PenaltyRepository
    let members: any MemberRepository
    let sessions: any SessionRepository
    let policy: AccessPolicy
    let now: Now

    public init(
        penalties: any PenaltyRepository, members: any MemberRepository, sessions: any SessionRepository,
        policy: AccessPolicy, now: @escaping Now
    ) {
        self.penalties = penalties
        self.members = members
        self.sessions = sessions
        self.policy = policy
        self.now = now
    }

    /// Gives a penalty. A warning has no end; a silence or suspension ends at `until`, which must be in the
    /// future and within a year.
    @discardableResult
    public func give(
        _ viewer: Viewer?, to memberID: MemberID, kind: Penalty.Kind, until: Date? = nil, reason rawReason: String
    ) async throws -> Penalty {
        let date = now()
        let action: Action =
            switch kind {
            case .warn: .warnMember
            case .silence: .silenceMember
            case .suspend: .suspendMember
            }
        let (actor, roleName) = try await check(viewer, action, on: memberID, at: date)
        let reason = try ModerationService.reason(rawReason, required: true)
        var endsAt: Date?
        if kind != .warn {
            guard let until else {
                throw HearthError.invalid("until", "Say until when: choose a length or a day.")
            }
            guard until > date, until.timeIntervalSince(date) <= Self.longest else {
                throw HearthError.invalid("until", "The end must be in the future and within a year.")
            }
            // A delegate's hand is light: the community manager decides longer penalties.
            if roleName != nil, until.timeIntervalSince(date) > Self.longestUnderRole {
                throw HearthError.invalid(
                    "until", "Under a delegated role, a silence or a suspension lasts 24 hours at most.")
            }
            endsAt = until
        }
        // The same decision sent twice is given once (`Penalty.isRepeated`): the repository gives the first back.
        let penalty = try await penalties.give(
            NewPenalty(memberID: memberID, kind: kind, reason: reason, endsAt: endsAt, createdBy: actor.id),
            log: NewLogEntry(
                actorID: actor.id, action: kind.rawValue, target: .member, targetID: memberID.rawValue, reason: reason,
                textAfter: endsAt.map { AccessPolicy.moment($0) }, roleName: roleName),
            at: date)
        if kind == .suspend {
            try await sessions.deleteAll(of: memberID, except: nil)
        }
        return penalty
    }

    /// Who may give `target` a penalty of this kind: the policy's say, never oneself, never a higher role.
    private func check(_ viewer: Viewer?, _ action: Action, on memberID: MemberID, at date: Date) async throws
        -> (actor: Member, roleName: String?)
    {
        let roleName = try policy.authorize(viewer, action, on: .member(memberID), at: date)
        let actor = try ModerationService.member(viewer)
        guard let target = try await members.find(id: memberID) else {
            throw HearthError.notFound("There is no such member.")
        }
        guard target.id != actor.id else {
            throw HearthError.invalid("member", "You cannot give yourself a penalty.")
        }
        guard target.role <= actor.role else {
            throw HearthError.forbidden("Staff cannot be penalised by staff of a lower role.")
        }
        return (actor, roleName)
    }

    /// Whether the viewer may give `target` a penalty at all (a warning, the lightest), for the page's form.
    public func mayGive(_ viewer: Viewer?, to target: Member) async -> Bool {
        (try? await check(viewer, .warnMember, on: target.id, at: now())) != nil
    }

    /// Ends a silence or suspension before its date.
    public func lift(_ viewer: Viewer?, _ id: PenaltyID, reason rawReason: String = "") async throws {
        let date = now()
        let actor = try ModerationService.member(viewer)
        try policy.authorize(viewer, .silenceMember, at: date)
        let reason = try ModerationService.reason(rawReason, required: false)
        guard let penalty = try await penalties.penalty(id), penalty.liftedAt == nil else {
            throw HearthError.notFound("There is no such penalty, or it was already lifted.")
        }
        // Lifting a suspension takes the power to suspend; under a delegated role, only what a role could give.
        let roleName = try policy.authorize(
            viewer, penalty.kind == .suspend ? .suspendMember : .silenceMember, on: .member(penalty.memberID),
            at: date)
        if roleName != nil,
            (penalty.endsAt ?? .distantFuture).timeIntervalSince(penalty.createdAt) > Self.longestUnderRole
        {
            throw HearthError.forbidden(
                "Under a delegated role you may lift only penalties of 24 hours at most: ask the community manager.")
        }
        guard
            try await penalties.lift(
                id,
                log: NewLogEntry(
                    actorID: actor.id, action: "lift \(penalty.kind.rawValue)", target: .member,
                    targetID: penalty.memberID.rawValue, reason: reason, roleName: roleName),
                at: date) != nil
        else { throw HearthError.notFound("There is no such penalty, or it was already lifted.") }
    }

    /// A member's penalties, newest first: staff see anyone's, a member their own.
    public func history(_ viewer: Viewer?, of memberID: MemberID) async throws -> [Penalty] {
        let date = now()
        if viewer?.member.id != memberID {
            try policy.authorize(viewer, .warnMember, at: date)
        }
        return try await penalties.penalties(of: memberID)
    }

    /// The penalties in force for the member now, for the notice on their pages.
    public func active(of member: Member) async throws -> [Penalty] {
        let date = now()
        let silenced = member.silencedUntil.map { $0 > date } ?? false
        let suspended = member.suspendedUntil.map { $0 > date } ?? false
        let warned = member.warnedUntil.map { $0 > date } ?? false
        guard silenced || suspended || warned else { return [] }
        return try await penalties.penalties(of: member.id).filter {
            $0.isActive(at: date)
                || ($0.kind == .warn && $0.liftedAt == nil
                    && date.timeIntervalSince($0.createdAt) < Penalty.warningShown)
        }
    }
}
