import Foundation
import HearthCore
import Hummingbird

/// Members, invitations and API keys over JSON, for staff: the directory, role changes, reset links,
/// anonymisation on request, and what the console's invitation and key pages do. `openapi.json` lists them.
struct MembersAPI: Sendable {
    typealias Context = HearthRequestContext
    let services: WebServices

    var members: MemberService { services.members }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("/members", use: list)
        group.put("/members/:id/role", use: changeRole)
        group.post("/members/:id/password-reset", use: sendPasswordReset)
        group.post("/members/:id/anonymisation", use: anonymise)
        group.get("/invitations", use: invitations)
        group.post("/invitations", use: invite)
        group.delete("/invitations/:id", use: revokeInvitation)
        group.get("/api-keys", use: apiKeys)
        group.post("/api-keys", use: createAPIKey)
        group.delete("/api-keys/:id", use: revokeAPIKey)
    }

    /// The directory: `q` searches, `sort` is joined or last_seen, `cursor` is the next page.
    @Sendable func list(_ request: Request, context: Context) async throws -> APIModel.Page<APIModel.MemberListing> {
        let query = request.uri.queryParameters
        guard let sort = MemberSort(rawValue: query.get("sort") ?? "joined") else {
            throw HearthError.invalid("sort", "sort is joined or last_seen.")
        }
        let cursor = try query.get("cursor").map { try MemberCursor(token: $0) }
        let page = try await members.list(context.identity, search: query.get("q") ?? "", sort: sort, after: cursor)
        let now = services.now()
        let showEmails = services.policy.decide(context.identity, .seeMemberEmails, at: now).isAllowed
        return APIModel.Page(
            items: page.listings.map { APIModel.MemberListing($0, showEmail: showEmails, at: now) },
            nextCursor: page.next?.token)
    }

    @Sendable func changeRole(_ request: Request, context: Context) async throws -> APIModel.Member {
        var request = request
        let id = MemberID(try ForumPages.id(context))
        let input = try await request.json(
            APIModel.RoleInput.self, context: context, shape: #"{"role": "member|moderator|community_manager"}"#)
        guard let role = Role(rawValue: input.role) else {
            throw HearthError.invalid("role", "role is member, moderator or community_manager.")
        }
        try await members.changeRole(context.identity, of: id, to: role)
        return APIModel.Member(try await services.profiles.member(id: id), showEmail: false)
    }

    @Sendable func sendPasswordReset(_ request: Request, context: Context) async throws -> Response {
        try await members.sendPasswordReset(
            context.identity, to: MemberID(try ForumPages.id(context)), logger: context.logger)
        return Response(status: .accepted)
    }

    @Sendable func anonymise(_ request: Request, context: Context) async throws -> EditedResponse<APIModel.Anonymised> {
        var request = request
        let id = MemberID(try ForumPages.id(context))
        let input = try await request.json(
            APIModel.AnonymisationInput.self, context: context, shape: #"{"confirm": "<the member's handle>"}"#)
        let handle = try await members.anonymise(
            context.identity, id, confirmation: input.confirm, reason: input.reason ?? "")
        return EditedResponse(status: .ok, response: APIModel.Anonymised(id: id.rawValue, handle: handle))
    }

    // MARK: Invitations

    @Sendable func invitations(_ request: Request, context: Context) async throws
        -> APIModel.Page<APIModel.Invitation>
    {
        let open = try await members.openInvitations(context.identity)
        return APIModel.Page(items: open.map(APIModel.Invitation.init), nextCursor: nil)
    }

    @Sendable func invite(_ request: Request, context: Context) async throws
        -> EditedResponse<APIModel.CreatedInvitation>
    {
        var request = request
        let input = try await request.json(
            APIModel.NewInvitation.self, context: context, shape: #"{"email": "someone@example.org"}"#)
        // Over JSON an invitation without an address leaves `email` out; an empty one is a mistake.
        let email = input.email
        if let email, AccountForm.emailProblem(AccountForm.normalizedEmail(email)) != nil {
            throw HearthError.invalid("email", "Enter an e-mail address like name@example.org.")
        }
        let link = try await members.invite(context.identity, email: email, logger: context.logger)
        return EditedResponse(
            status: .created, response: APIModel.CreatedInvitation(link: link, emailed: email != nil))
    }

    @Sendable func revokeInvitation(_ request: Request, context: Context) async throws -> Response {
        try await members.revokeInvitation(context.identity, InvitationID(try ForumPages.id(context)))
        return Response(status: .noContent)
    }

    // MARK: API keys

    @Sendable func apiKeys(_ request: Request, context: Context) async throws -> APIModel.Page<APIModel.APIKey> {
        let keys = try await members.apiKeys(context.identity)
        return APIModel.Page(items: keys.map { APIModel.APIKey($0.0, owner: $0.1) }, nextCursor: nil)
    }

    @Sendable func createAPIKey(_ request: Request, context: Context) async throws
        -> EditedResponse<APIModel.CreatedAPIKey>
    {
        var request = request
        let input = try await request.json(
            APIModel.NewAPIKey.self, context: context,
            shape: #"{"name": "…", "scope": "read|write", "ownerEmail": "someone@example.org"}"#)
        guard let scope = HearthCore.APIKey.Scope(rawValue: input.scope) else {
            throw HearthError.invalid("scope", "scope is read or write.")
        }
        // Over JSON a key of one's own leaves `ownerEmail` out; an empty or malformed one is a mistake.
        if let owner = input.ownerEmail, AccountForm.emailProblem(AccountForm.normalizedEmail(owner)) != nil {
            throw HearthError.invalid(
                "ownerEmail", "Enter the owner's e-mail address like name@example.org, or leave ownerEmail out.")
        }
        let (key, secret) = try await members.createAPIKey(
            context.identity, name: input.name, scope: scope, ownerEmail: input.ownerEmail)
        let owner = try? await services.profiles.member(id: key.memberID)
        return EditedResponse(
            status: .created,
            response: APIModel.CreatedAPIKey(
                key: APIModel.APIKey(key, owner: owner.map(MemberSummary.init)), secret: secret))
    }

    /// Revokes a key; the key making the request cannot revoke itself, so a script cannot lock itself out.
    @Sendable func revokeAPIKey(_ request: Request, context: Context) async throws -> Response {
        let id = APIKeyID(try ForumPages.id(context))
        try services.policy.authorize(context.identity, .manageAllAPIKeys, at: services.now())
        if case .apiKey(let current, _) = context.identity?.credential, current == id {
            throw HearthError.conflict("A key cannot revoke itself: revoke it with another key or in the console.")
        }
        try await members.revokeAPIKey(context.identity, id)
        return Response(status: .noContent)
    }
}
