import Foundation
import HearthCore
import Hummingbird

/// Delegated roles over JSON, for the community manager: make a role, give it to members, take it back.
/// `openapi.json` lists them and the powers a role may hand out.
struct DelegationAPI: Sendable {
    typealias Context = HearthRequestContext
    let services: WebServices

    var delegation: DelegationService { services.delegation }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("/roles", use: list)
        group.post("/roles", use: create)
        group.get("/roles/:id", use: role)
        group.put("/roles/:id", use: update)
        group.delete("/roles/:id", use: remove)
        group.post("/roles/:id/holders", use: give)
        group.delete("/roles/:id/holders/:memberId", use: takeBack)
        group.get("/roles/:id/reports/:week", use: reports)
        group.put("/roles/:id/reports/:week", use: writeReport)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> APIModel.Page<APIModel.DelegateRole> {
        APIModel.Page(
            items: try await delegation.list(context.identity).map(APIModel.DelegateRole.init), nextCursor: nil)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<APIModel.DelegateRole> {
        var request = request
        let input = try await request.json(
            APIModel.NewRole.self, context: context,
            shape:
                #"{"name": {"en": "Evening advisor", "fr": "Conseiller du soir"}, "powers": ["hidePost"], "window": {"days": [1, 2, 3, 4, 5, 6, 7], "from": "19:00", "to": "23:00"}}"#
        )
        let role = try await delegation.create(context.identity, try APIModel.DelegateRoleInput.definition(input))
        return EditedResponse(
            status: .created, response: APIModel.DelegateRole(DelegationService.Listing(role: role, holders: [])))
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> APIModel.DelegateRole {
        var request = request
        let id = DelegateRoleID(try ForumPages.id(context))
        // A read key or a member without the power is refused before the body is read.
        try services.policy.authorize(context.identity, .manageRoles, at: services.now())
        let input = try await request.json(
            APIModel.NewRole.self, context: context,
            shape: #"{"name": {"en": "Evening advisor", "fr": "Conseiller du soir"}, "powers": ["hidePost"]}"#)
        _ = try await delegation.update(context.identity, id, to: try APIModel.DelegateRoleInput.definition(input))
        return APIModel.DelegateRole(try await delegation.role(context.identity, id))
    }

    @Sendable func remove(_ request: Request, context: Context) async throws -> Response {
        try await delegation.remove(context.identity, DelegateRoleID(try ForumPages.id(context)))
        return Response(status: .noContent)
    }

    @Sendable func role(_ request: Request, context: Context) async throws -> APIModel.DelegateRole {
        APIModel.DelegateRole(try await delegation.role(context.identity, DelegateRoleID(try ForumPages.id(context))))
    }

    @Sendable func give(_ request: Request, context: Context) async throws -> APIModel.DelegateRole {
        var request = request
        let id = DelegateRoleID(try ForumPages.id(context))
        let input = try await request.json(APIModel.NewHolder.self, context: context, shape: #"{"memberId": 42}"#)
        try await delegation.give(context.identity, id, to: MemberID(input.memberId))
        return APIModel.DelegateRole(try await delegation.role(context.identity, id))
    }

    /// A holder gets their own report of that week; the community manager every holder's.
    @Sendable func reports(_ request: Request, context: Context) async throws -> APIModel.Page<APIModel.RoleReport> {
        let (role, week) = try Self.roleAndWeek(context)
        let zone = services.delegation.communityTimeZone
        let found = try await services.roleReports.reports(context.identity, role: role, week: week)
        return APIModel.Page(items: found.map { APIModel.RoleReport($0, timeZone: zone) }, nextCursor: nil)
    }

    @Sendable func writeReport(_ request: Request, context: Context) async throws -> APIModel.RoleReport {
        var request = request
        // A read key or a suspended member is refused before the address is read.
        try services.policy.authorize(context.identity, .reportOnRole, at: services.now())
        let (role, week) = try Self.roleAndWeek(context)
        let input = try await request.json(
            APIModel.ReportInput.self, context: context,
            shape: #"{"wentWell": "…", "needsManager": "…", "suggestions": "…", "send": true}"#)
        let report = try await services.roleReports.write(
            context.identity, role: role, week: week,
            RoleReport.Lines(
                wentWell: input.wentWell ?? "", needsManager: input.needsManager ?? "",
                suggestions: input.suggestions ?? ""), send: input.send ?? false)
        return APIModel.RoleReport(report, timeZone: services.delegation.communityTimeZone)
    }

    static func roleAndWeek(_ context: Context) throws -> (DelegateRoleID, ISOWeek) {
        let role = DelegateRoleID(try ForumPages.id(context))
        guard let week = context.parameters.get("week").flatMap(ISOWeek.init) else {
            throw HearthError.notFound("A week is written like 2026-W49.")
        }
        return (role, week)
    }

    @Sendable func takeBack(_ request: Request, context: Context) async throws -> Response {
        let id = DelegateRoleID(try ForumPages.id(context))
        // A malformed member id holds no role: the service answers so, after asking whether the caller may.
        let member = context.parameters.get("memberId", as: Int64.self) ?? 0
        try await delegation.takeBack(context.identity, id, from: MemberID(member))
        return Response(status: .noContent)
    }
}
