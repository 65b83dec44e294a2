import HearthCore
import HearthViews
import Hummingbird

/// The console's people pages: the member directory (`/admin/members`), invitations and API keys. Each page asks
/// `MemberService`, which asks the policy; a refused form comes back with what was typed and the reason.
struct AdminMembersController: Sendable {
    typealias Context = HearthRequestContext
    let shared: ForumPages

    var members: MemberService { shared.services.members }
    var pages: PageRenderer { shared.pages }

    func addRoutes(to router: Router<Context>) {
        router.get("/admin/members", use: directory)
        router.get("/admin/invitations", use: invitations)
        router.post("/admin/invitations", use: invite)
        router.post("/admin/invitations/:id/revoke", use: revokeInvitation)
        router.get("/admin/api-keys", use: apiKeys)
        router.post("/admin/api-keys", use: createAPIKey)
        router.post("/admin/api-keys/:id/revoke", use: revokeAPIKey)
    }

    // MARK: The directory

    @Sendable func directory(_ request: Request, context: Context) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login") }
        let query = request.formQuery
        let search = query.get("q") ?? ""
        let sort = query.get("sort").flatMap(MemberSort.init(rawValue:)) ?? .joined
        let cursor = try query.get("cursor").map { try MemberCursor(token: $0) }
        let found = try await members.list(context.identity, search: search, sort: sort, after: cursor)
        let view = AdminMembersPage(
            page: try await shared.frame(pages.text("members_heading", context), context), directory: found,
            search: search, sort: sort,
            showEmails: shared.services.policy.decide(context.identity, .seeMemberEmails, at: shared.services.now())
                .isAllowed,
            localization: pages.renderer.localization, language: context.language, now: shared.services.now())
        return pages.html(view, template: AdminMembersPage.template)
    }

    // MARK: Invitations

    @Sendable func invitations(_ request: Request, context: Context) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login") }
        return try await invitationsPage(created: nil, sent: false, draftEmail: "", errors: [], context: context)
    }

    private func invitationsPage(
        created: String?, sent: Bool, draftEmail: String, errors: [String], status: HTTPResponse.Status = .ok,
        context: Context
    ) async throws -> Response {
        let open = try await members.openInvitations(context.identity)
        let view = AdminInvitationsPage(
            page: try await shared.frame(pages.text("invitations_heading", context), context, errors: errors),
            invitations: open, createdLink: created, createdSent: sent, draftEmail: draftEmail,
            localization: pages.renderer.localization, language: context.language)
        return pages.html(view, template: AdminInvitationsPage.template, status: status)
    }

    /// Creates an invitation and shows its link once; with an e-mail, the link is also sent there.
    @Sendable func invite(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        let email = form.text("email").trimmingCharacters(in: .whitespaces)
        do {
            let link = try await members.invite(
                context.identity, email: email.isEmpty ? nil : email, logger: context.logger)
            return try await invitationsPage(
                created: link, sent: !email.isEmpty, draftEmail: "", errors: [], status: .created, context: context)
        } catch let error as HearthError {
            guard case .validation = error else { throw error }
            return try await invitationsPage(
                created: nil, sent: false, draftEmail: email, errors: [error.userMessage],
                status: .unprocessableContent, context: context)
        }
    }

    @Sendable func revokeInvitation(_ request: Request, context: Context) async throws -> Response {
        try await members.revokeInvitation(context.identity, InvitationID(try ForumPages.id(context)))
        return SessionCookies.redirect(to: "/admin/invitations")
    }

    // MARK: API keys

    @Sendable func apiKeys(_ request: Request, context: Context) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login") }
        return try await keysPage(
            secret: nil, draftName: "", draftScope: .read, draftOwner: "", errors: [], context: context)
    }

    private func keysPage(
        secret: String?, draftName: String, draftScope: APIKey.Scope, draftOwner: String, errors: [String],
        status: HTTPResponse.Status = .ok, context: Context
    ) async throws -> Response {
        let keys = try await members.apiKeys(context.identity)
        let view = AdminAPIKeysPage(
            page: try await shared.frame(pages.text("keys_heading", context), context, errors: errors), keys: keys,
            createdSecret: secret, draftName: draftName, draftScope: draftScope, draftOwner: draftOwner,
            localization: pages.renderer.localization, language: context.language)
        return pages.html(view, template: AdminAPIKeysPage.template, status: status)
    }

    /// Creates a key and shows its secret this once.
    @Sendable func createAPIKey(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        let name = form.text("name")
        let owner = form.text("owner").trimmingCharacters(in: .whitespaces)
        guard let scope = APIKey.Scope(rawValue: form.text("scope")) else {
            throw HearthError.invalid("scope", "Choose whether the key may only read or also write.")
        }
        do {
            let (_, secret) = try await members.createAPIKey(
                context.identity, name: name, scope: scope, ownerEmail: owner.isEmpty ? nil : owner)
            return try await keysPage(
                secret: secret, draftName: "", draftScope: .read, draftOwner: "", errors: [], status: .created,
                context: context)
        } catch let error as HearthError {
            switch error {
            case .validation, .notFound:
                return try await keysPage(
                    secret: nil, draftName: name, draftScope: scope, draftOwner: owner, errors: [error.userMessage],
                    status: .unprocessableContent, context: context)
            default: throw error
            }
        }
    }

    @Sendable func revokeAPIKey(_ request: Request, context: Context) async throws -> Response {
        try await members.revokeAPIKey(context.identity, APIKeyID(try ForumPages.id(context)))
        return SessionCookies.redirect(to: "/admin/api-keys")
    }
}
