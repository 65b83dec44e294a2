import HearthCore
import HearthViews
import Hummingbird

/// The staff's acts on a member's profile: change the role, send a reset link, anonymise on request. Each asks
/// `MemberService`, which asks the policy; a refused act comes back on the profile with the reason.
extension MemberController {
    @Sendable func changeRole(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let member = try await profiles.member(handle: context.parameters.get("handle") ?? "")
        let form = try await request.form(context: context)
        guard let role = Role(rawValue: form.text("role")) else {
            throw HearthError.invalid("role", "Choose member, moderator or community manager.")
        }
        return try await refusalsOnProfile(member, context: context) {
            try await shared.services.members.changeRole(context.identity, of: member.id, to: role)
            return SessionCookies.redirect(to: Paths.member(member.handle))
        }
    }

    @Sendable func sendPasswordReset(_ request: Request, context: Context) async throws -> Response {
        let member = try await profiles.member(handle: context.parameters.get("handle") ?? "")
        return try await refusalsOnProfile(member, context: context) {
            try await shared.services.members.sendPasswordReset(
                context.identity, to: member.id, logger: context.logger)
            return try await profilePage(
                member, errors: [], notice: pages.text("profile_resetSent", context), context: context)
        }
    }

    @Sendable func anonymise(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let member = try await profiles.member(handle: context.parameters.get("handle") ?? "")
        let form = try await request.form(context: context)
        return try await refusalsOnProfile(member, context: context) {
            let handle = try await shared.services.members.anonymise(
                context.identity, member.id, confirmation: form.text("confirm"), reason: form.text("reason"))
            return SessionCookies.redirect(to: Paths.member(handle))
        }
    }

    /// Locks the member's trust level, or (the empty choice) lets the ladder move it again.
    @Sendable func setTrust(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let member = try await profiles.member(handle: context.parameters.get("handle") ?? "")
        let form = try await request.form(context: context)
        let chosen = form.text("level")
        guard chosen.isEmpty || TrustLevel(rawValue: chosen) != nil else {
            throw HearthError.invalid("level", "Choose a trust level: new, basic, member or regular, or automatic.")
        }
        return try await refusalsOnProfile(member, context: context) {
            try await shared.services.people.setTrust(
                of: member.id, to: TrustLevel(rawValue: chosen), viewer: context.identity)
            let notice =
                chosen.isEmpty
                ? pages.text("standing_unlocked", context)
                : pages.text("standing_locked_notice", context, ["level": pages.text("trust_\(chosen)", context)])
            return try await profilePage(member, errors: [], notice: notice, context: context)
        }
    }

    /// Runs a staff act; a validation error or a conflict (the last community manager, say) shows the profile
    /// again with the reason, anything else goes to the error page.
    private func refusalsOnProfile(
        _ member: Member, context: Context, _ act: () async throws -> Response
    ) async throws -> Response {
        do {
            return try await act()
        } catch let error as HearthError {
            switch error {
            case .validation:
                return try await profilePage(
                    member, errors: [error.userMessage], status: .unprocessableContent, context: context)
            case .conflict:
                return try await profilePage(member, errors: [error.userMessage], status: .conflict, context: context)
            default: throw error
            }
        }
    }
}
