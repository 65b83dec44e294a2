import Foundation
import HearthCore
import HearthViews
import Hummingbird

/// Delegated roles in the browser: the console's page where the community manager makes roles and gives them
/// (`/admin/roles`), and each holder's page with their roles, guidelines and whether their powers hold now
/// (`/my-roles`). The API's twin is `DelegationAPI`.
struct DelegationController: Sendable {
    typealias Context = HearthRequestContext
    let shared: ForumPages
    var services: WebServices { shared.services }
    var pages: PageRenderer { shared.pages }

    func addRoutes(to router: Router<Context>) {
        router.get("/admin/roles", use: roles)
        router.post("/admin/roles", use: create)
        router.post("/admin/roles/:id", use: update)
        router.post("/admin/roles/:id/remove", use: remove)
        router.post("/admin/roles/:id/holders", use: give)
        router.post("/admin/roles/:id/holders/:memberId/remove", use: takeBack)
        router.get("/my-roles", use: mine)
        router.post("/my-roles/reports/:id", use: writeReport)
        router.get("/admin/roles/reports", use: reports)
        router.post("/admin/roles/reports/:id/read", use: markRead)
        router.post("/admin/roles/reports/:id/answer", use: answer)
    }

    @Sendable func roles(_ request: Request, context: Context) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login") }
        let done = request.uri.queryParameters.get("done").map { "roles_\($0)" }
        let notice = done.flatMap {
            ["roles_created", "roles_given", "roles_taken", "roles_changed", "roles_removed"].contains($0) ? $0 : nil
        }
        var draft = RolesPage.Draft()
        if let edit = request.uri.queryParameters.get("edit") {
            guard let id = Int64(edit) else { throw HearthError.notFound("There is no such role.") }
            draft = RolesPage.Draft(try await services.delegation.role(context.identity, DelegateRoleID(id)).role)
        }
        return try await rolesPage(
            draft: draft, errors: [], notice: notice.map { pages.text($0, context) }, context: context)
    }

    private func rolesPage(
        draft: RolesPage.Draft, errors: [String], notice: String? = nil, status: HTTPResponse.Status = .ok,
        context: Context
    ) async throws -> Response {
        let listings = try await services.delegation.list(context.identity)
        var rows: [(DelegationService.Listing, [MemberSummary])] = []
        for listing in listings {
            var holders: [MemberSummary] = []
            for holder in listing.holders {
                if let member = try? await services.profiles.member(id: holder.memberID) {
                    holders.append(MemberSummary(member))
                }
            }
            rows.append((listing, holders))
        }
        let view = RolesPage(
            page: try await shared.frame(pages.text("console_roles", context), context, errors: errors, notice: notice),
            roles: rows, categories: try await services.forum.categories(), draft: draft,
            localization: pages.renderer.localization, language: context.language)
        return pages.html(view, template: RolesPage.template, status: status)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let draft = Self.draft(try await request.form(context: context))
        return try await save(draft, then: "/admin/roles?done=created", context: context) { definition in
            _ = try await services.delegation.create(context.identity, definition)
        }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = DelegateRoleID(try ForumPages.id(context))
        var draft = Self.draft(try await request.form(context: context))
        draft.editing = id.rawValue
        return try await save(draft, then: "/admin/roles?done=changed#role-\(id.rawValue)", context: context) {
            _ = try await services.delegation.update(context.identity, id, to: $0)
        }
    }

    /// Makes or changes a role from the form; a mistake shows the form again with what was typed.
    private func save(
        _ draft: RolesPage.Draft, then done: String, context: Context,
        _ act: (RoleDefinition) async throws -> Void
    ) async throws -> Response {
        do {
            try await act(try Self.definition(draft))
        } catch {
            guard let errors = PageRenderer.formErrors(error) else { throw error }
            return try await rolesPage(draft: draft, errors: errors, status: .unprocessableContent, context: context)
        }
        return SessionCookies.redirect(to: done)
    }

    @Sendable func remove(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = DelegateRoleID(try ForumPages.id(context))
        _ = try await request.form(context: context)
        do {
            try await services.delegation.remove(context.identity, id)
        } catch {
            guard let errors = ConsoleController.conflict(error) else { throw error }
            let draft = RolesPage.Draft(try await services.delegation.role(context.identity, id).role)
            return try await rolesPage(draft: draft, errors: errors, status: .conflict, context: context)
        }
        return SessionCookies.redirect(to: "/admin/roles?done=removed")
    }

    /// The role form as it was sent, to show again with its mistakes or to read.
    static func draft(_ form: FormFields) -> RolesPage.Draft {
        var draft = RolesPage.Draft()
        draft.nameEN = form.text("name_en")
        draft.nameFR = form.text("name_fr")
        draft.badge = form.text("badge")
        draft.guidelines = form.text("guidelines")
        draft.powers = Set(form.all("powers"))
        draft.categories = Set(form.all("categories"))
        draft.days = Set(form.all("days"))
        draft.from = form.text("from")
        draft.to = form.text("to")
        draft.startsOn = form.text("starts_on")
        draft.endsOn = form.text("ends_on")
        return draft
    }

    /// The definition the form describes, read as the API reads its JSON, so both refuse the same mistakes.
    static func definition(_ draft: RolesPage.Draft) throws -> RoleDefinition {
        try APIModel.DelegateRoleInput.definition(
            APIModel.NewRole(
                name: APIModel.RoleName(en: draft.nameEN, fr: draft.nameFR), badge: draft.badge,
                guidelines: draft.guidelines, powers: draft.powers.sorted(),
                categoryIds: draft.categories.compactMap { Int64($0) }.sorted(),
                window: draft.from.isEmpty && draft.to.isEmpty
                    ? nil
                    : APIModel.RoleWindow(
                        // No day ticked: every day.
                        days: draft.days.isEmpty ? Array(1...7) : draft.days.compactMap { Int($0) }.sorted(),
                        from: draft.from, to: draft.to),
                startsOn: draft.startsOn.isEmpty ? nil : draft.startsOn,
                endsOn: draft.endsOn.isEmpty ? nil : draft.endsOn))
    }

    @Sendable func give(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = DelegateRoleID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        do {
            try await services.delegation.give(context.identity, id, toNamed: form.text("member"))
        } catch {
            guard let errors = PageRenderer.formErrors(error) ?? ConsoleController.conflict(error) else { throw error }
            var draft = RolesPage.Draft()
            draft.givingRole = id.rawValue
            draft.givingTo = form.text("member")
            return try await rolesPage(draft: draft, errors: errors, status: .unprocessableContent, context: context)
        }
        return SessionCookies.redirect(to: "/admin/roles?done=given#role-\(id.rawValue)")
    }

    @Sendable func takeBack(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = DelegateRoleID(try ForumPages.id(context))
        let member = MemberID(try ForumPages.id(context, "memberId"))
        _ = try await request.form(context: context)
        try await services.delegation.takeBack(context.identity, id, from: member)
        return SessionCookies.redirect(to: "/admin/roles?done=taken#role-\(id.rawValue)")
    }

    @Sendable func mine(_ request: Request, context: Context) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login") }
        let done = request.uri.queryParameters.get("done")
        let notice = done == "sent" ? "roleReport_sentNotice" : done == "saved" ? "roleReport_saved" : nil
        return try await minePage(errors: [], notice: notice.map { pages.text($0, context) }, context: context)
    }

    private func minePage(
        errors: [String], notice: String? = nil, status: HTTPResponse.Status = .ok, context: Context
    ) async throws -> Response {
        let held = try await services.delegation.mine(context.identity)
        let view = MyRolesPage(
            page: try await shared.frame(pages.text("roles_mine", context), context, errors: errors, notice: notice),
            roles: held, categories: try await services.forum.categories(),
            reports: try await services.roleReports.waiting(context.identity, held: held.map(\.role.id)),
            now: services.now(),
            timeZone: services.delegation.communityTimeZone, localization: pages.renderer.localization,
            language: context.language)
        return pages.html(view, template: MyRolesPage.template, status: status)
    }

    @Sendable func writeReport(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = RoleReportID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        let send = form.text("send") == "1"
        do {
            try await services.roleReports.write(
                context.identity, report: id,
                RoleReport.Lines(
                    wentWell: form.text("went_well"), needsManager: form.text("needs_manager"),
                    suggestions: form.text("suggestions")), send: send)
        } catch {
            guard let errors = PageRenderer.formErrors(error) ?? ConsoleController.conflict(error) else { throw error }
            return try await minePage(errors: errors, status: .unprocessableContent, context: context)
        }
        return SessionCookies.redirect(to: "/my-roles?done=\(send ? "sent" : "saved")#report-\(id.rawValue)")
    }

    @Sendable func reports(_ request: Request, context: Context) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login") }
        let done = request.uri.queryParameters.get("done")
        let notice = done == "answered" ? "roleReports_answered" : done == "read" ? "roleReports_marked" : nil
        return try await reportsPage(errors: [], notice: notice.map { pages.text($0, context) }, context: context)
    }

    private func reportsPage(
        errors: [String], notice: String? = nil, status: HTTPResponse.Status = .ok, context: Context
    ) async throws -> Response {
        let reports = try await services.roleReports.all(context.identity)
        var roles: [DelegateRoleID: DelegateRole] = [:]
        for listing in try await services.delegation.list(context.identity) { roles[listing.role.id] = listing.role }
        var rows: [(RoleReport, DelegateRole?, MemberSummary?)] = []
        for report in reports {
            let holder = try? await services.profiles.member(id: report.memberID)
            rows.append((report, roles[report.roleID], holder.map(MemberSummary.init)))
        }
        let view = RoleReportsPage(
            page: try await shared.frame(
                pages.text("roleReports_heading", context), context, errors: errors, notice: notice),
            reports: rows, localization: pages.renderer.localization, language: context.language)
        return pages.html(view, template: RoleReportsPage.template, status: status)
    }

    @Sendable func markRead(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = RoleReportID(try ForumPages.id(context))
        _ = try await request.form(context: context)
        try await services.roleReports.markRead(context.identity, id)
        return SessionCookies.redirect(to: "/admin/roles/reports?done=read#report-\(id.rawValue)")
    }

    @Sendable func answer(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = RoleReportID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        do {
            try await services.roleReports.answer(context.identity, id, form.text("answer"))
        } catch {
            guard let errors = PageRenderer.formErrors(error) else { throw error }
            return try await reportsPage(errors: errors, status: .unprocessableContent, context: context)
        }
        return SessionCookies.redirect(to: "/admin/roles/reports?done=answered#report-\(id.rawValue)")
    }
}
