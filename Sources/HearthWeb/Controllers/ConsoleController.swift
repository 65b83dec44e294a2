import HearthCore
import HearthViews
import Hummingbird

/// The console (`/admin`): the community's settings, its categories, and the first steps after the first run.
/// Members, invitations and API keys have their own controller.
struct ConsoleController: Sendable {
    typealias Context = HearthRequestContext
    let shared: ForumPages
    var services: WebServices { shared.services }
    var pages: PageRenderer { shared.pages }

    func addRoutes(to router: Router<Context>) {
        router.get("/admin", use: index)
        router.get("/admin/settings", use: settings)
        router.post("/admin/settings", use: saveSettings)
        router.get("/admin/first-steps", use: firstSteps)
        router.post("/admin/first-steps", use: saveFirstSteps)
        router.get("/admin/categories", use: categories)
        router.post("/admin/categories", use: createCategory)
        router.post("/admin/categories/:id", use: updateCategory)
        router.post("/admin/categories/:id/move", use: moveCategory)
        router.post("/admin/categories/:id/archive", use: archiveCategory)
        router.post("/admin/categories/:id/delete", use: deleteCategory)
    }

    @Sendable func index(_ request: Request, context: Context) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login") }
        _ = try await services.settings.settings(context.identity)
        return SessionCookies.redirect(to: "/admin/settings")
    }

    // MARK: Settings

    @Sendable func settings(_ request: Request, context: Context) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login") }
        let current = try await services.settings.settings(context.identity)
        let saved = request.uri.queryParameters["saved"] != nil
        return try await settingsPage(
            SettingsDraft(current), errors: [], notice: saved ? pages.text("settings_saved", context) : nil,
            context: context)
    }

    private func settingsPage(
        _ draft: SettingsDraft, errors: [String], notice: String? = nil, status: HTTPResponse.Status = .ok,
        context: Context
    ) async throws -> Response {
        let view = SettingsPage(
            page: try await shared.frame(
                pages.text("console_settings", context), context, errors: errors, notice: notice),
            draft: draft, localization: pages.renderer.localization, language: context.language)
        return pages.html(view, template: SettingsPage.template, status: status)
    }

    @Sendable func saveSettings(_ request: Request, context: Context) async throws -> Response {
        var request = request
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login") }
        let current = try await services.settings.settings(context.identity)
        guard let form = try await request.multipartForm(limit: services.uploads.maximumBytes + 100_000) else {
            throw HearthError.invalid("logo", "Send the settings form as multipart/form-data.")
        }
        var changes = Self.changes(
            form.fields, keys: [.name, .description, .language, .timeZone, .workingHours, .signupMode])
        changes[.confirmEmail] = form.text("confirm_email") == "on" ? "on" : "off"
        changes[.uploadMaxBytes] = Self.fromMillions(form.text("upload_max_mb"))
        changes[.uploadMaxPixels] = Self.fromMillions(form.text("upload_max_mp"))
        changes[.logoPath] = form.text("logo_remove").isEmpty ? form.text("logo_path") : ""
        do {
            try await services.settings.change(context.identity, changes, logo: form.files["logo"]?.bytes)
        } catch {
            guard let errors = PageRenderer.formErrors(error) ?? Self.uploadError(error) else { throw error }
            var draft = SettingsDraft(current)
            for (key, value) in changes { draft.values[key] = value }
            return try await settingsPage(draft, errors: errors, status: .unprocessableContent, context: context)
        }
        return SessionCookies.redirect(to: "/admin/settings?saved=1")
    }

    /// The form's fields for `keys`, by the names the settings store them under.
    static func changes(_ fields: [String: String], keys: [CommunitySettings.Key]) -> [CommunitySettings.Key: String] {
        var changes: [CommunitySettings.Key: String] = [:]
        for key in keys { changes[key] = fields[key.rawValue] ?? "" }
        return changes
    }

    /// "5" megabytes → "5000000" bytes; what does not read as a number goes on as typed, to be refused by name.
    static func fromMillions(_ text: String) -> String {
        guard let value = Double(text.replacingOccurrences(of: ",", with: ".")), value.isFinite, value >= 0,
            value < 1_000_000
        else { return text }
        return String(Int((value * 1_000_000).rounded()))
    }

    /// A refused logo (too large, not an image) comes back on the form like any other mistake.
    static func uploadError(_ error: any Error) -> [String]? {
        switch error {
        case HearthError.tooLarge(let message): [message]
        default: nil
        }
    }

    // MARK: First steps

    @Sendable func firstSteps(_ request: Request, context: Context) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login") }
        let current = try await services.settings.settings(context.identity)
        return try await firstStepsPage(SettingsDraft(current), errors: [], context: context)
    }

    private func firstStepsPage(
        _ draft: SettingsDraft, errors: [String], status: HTTPResponse.Status = .ok, context: Context
    ) async throws -> Response {
        let view = FirstStepsPage(
            page: try await shared.frame(pages.text("steps_heading", context), context, errors: errors),
            draft: draft, localization: pages.renderer.localization, language: context.language)
        return pages.html(view, template: FirstStepsPage.template, status: status)
    }

    @Sendable func saveFirstSteps(_ request: Request, context: Context) async throws -> Response {
        var request = request
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login") }
        let current = try await services.settings.settings(context.identity)
        let form = try await request.form(context: context)
        var changes: [CommunitySettings.Key: String] = [.firstStepsDone: "on"]
        if form.text("step") != "skip" {
            for key in [CommunitySettings.Key.name, .language, .timeZone, .workingHours, .signupMode] {
                changes[key] = form.text(key.rawValue)
            }
        }
        do {
            try await services.settings.change(context.identity, changes)
        } catch {
            guard let errors = PageRenderer.formErrors(error) else { throw error }
            var draft = SettingsDraft(current)
            for (key, value) in changes { draft.values[key] = value }
            return try await firstStepsPage(draft, errors: errors, status: .unprocessableContent, context: context)
        }
        return SessionCookies.redirect(to: "/")
    }

    // MARK: Categories

    @Sendable func categories(_ request: Request, context: Context) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login") }
        let saved = request.uri.queryParameters["saved"] != nil
        return try await categoriesPage(
            errors: [], notice: saved ? pages.text("categories_saved", context) : nil, context: context)
    }

    private func categoriesPage(
        name: String = "", description: String = "", policy: Category.StartPolicy = .everyone,
        readers: Category.ReadPolicy = .everyone, errors: [String],
        notice: String? = nil, status: HTTPResponse.Status = .ok, context: Context
    ) async throws -> Response {
        let categories = try await services.categories.categories(context.identity)
        let view = CategoriesPage(
            page: try await shared.frame(
                pages.text("console_categories", context), context, errors: errors, notice: notice),
            categories: categories, draftName: name, draftDescription: description, draftPolicy: policy,
            draftReaders: readers,
            localization: pages.renderer.localization, language: context.language)
        return pages.html(view, template: CategoriesPage.template, status: status)
    }

    @Sendable func createCategory(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        let policy = Category.StartPolicy(rawValue: form.text("start_policy")) ?? .everyone
        let readers = Category.ReadPolicy(rawValue: form.text("read_policy")) ?? .everyone
        do {
            _ = try await services.categories.create(
                context.identity, name: form.text("name"), description: form.text("description"),
                startPolicy: policy, readPolicy: readers)
        } catch {
            guard let errors = PageRenderer.formErrors(error) ?? Self.conflict(error) else { throw error }
            return try await categoriesPage(
                name: form.text("name"), description: form.text("description"), policy: policy, readers: readers,
                errors: errors,
                status: .unprocessableContent, context: context)
        }
        return SessionCookies.redirect(to: "/admin/categories?saved=1")
    }

    @Sendable func updateCategory(_ request: Request, context: Context) async throws -> Response {
        try await actOnCategory(request, context, then: "?saved=1#category-") { id, form in
            _ = try await services.categories.update(
                context.identity, id, name: form.text("name"), description: form.text("description"),
                startPolicy: Category.StartPolicy(rawValue: form.text("start_policy")) ?? .everyone,
                readPolicy: Category.ReadPolicy(rawValue: form.text("read_policy")))
        }
    }

    @Sendable func moveCategory(_ request: Request, context: Context) async throws -> Response {
        try await actOnCategory(request, context, then: "#category-") { id, form in
            try await services.categories.move(context.identity, id, up: form.text("direction") == "up")
        }
    }

    @Sendable func archiveCategory(_ request: Request, context: Context) async throws -> Response {
        try await actOnCategory(request, context, then: "?saved=1#category-") { id, form in
            try await services.categories.setArchived(context.identity, id, archived: form.text("archived") == "1")
        }
    }

    @Sendable func deleteCategory(_ request: Request, context: Context) async throws -> Response {
        try await actOnCategory(request, context, then: "?saved=1") { id, form in
            try await services.categories.delete(
                context.identity, id, movingTopicsTo: CategoryID(Int64(form.text("move_to")) ?? 0))
        }
    }

    /// Reads the category's form, acts, and goes back to the list (`then` is added to its address, with the
    /// category's id after a `#`); a refused value comes back on the page with its message.
    private func actOnCategory(
        _ request: Request, _ context: Context, then anchor: String,
        _ act: (CategoryID, FormFields) async throws -> Void
    ) async throws -> Response {
        var request = request
        let id = CategoryID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        do {
            try await act(id, form)
        } catch {
            guard let errors = PageRenderer.formErrors(error) else { throw error }
            return try await categoriesPage(errors: errors, status: .unprocessableContent, context: context)
        }
        return SessionCookies.redirect(
            to: "/admin/categories" + anchor + (anchor.hasSuffix("#category-") ? String(id.rawValue) : ""))
    }

    /// A name already taken comes back on the form, with what was typed.
    static func conflict(_ error: any Error) -> [String]? {
        if case HearthError.conflict(let message) = error { return [message] }
        return nil
    }
}
