import Foundation
import HearthCore
import HearthViews
import Hummingbird

/// The outside sources in the console (`/admin/sources`): each one's health, poll now, change, remove, add. Every
/// action is a plain form. The API's twin is `SourcesAPI`.
struct SourcesController: Sendable {
    typealias Context = HearthRequestContext
    let shared: ForumPages
    let publicURL: String

    var services: WebServices { shared.services }
    var pages: PageRenderer { shared.pages }
    var sources: SourceService { services.sources }

    func addRoutes(to router: Router<Context>) {
        router.get("/admin/sources", use: list)
        router.post("/admin/sources", use: add)
        router.post("/admin/sources/:id", use: update)
        router.post("/admin/sources/:id/poll", use: poll)
        router.post("/admin/sources/:id/secret", use: newSecret)
        router.post("/admin/sources/:id/delete", use: remove)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login?next=/admin/sources") }
        let done = request.uri.queryParameters.get("done").flatMap {
            ["added", "saved", "removed", "polled"].contains($0) ? pages.text("sources_done_\($0)", context) : nil
        }
        return try await page(notice: done, context: context)
    }

    private func page(
        created: (hook: String, secret: String)? = nil, draft: SourceInput? = nil,
        editing: (SourceID, SourceInput)? = nil, errors: [String] = [], notice: String? = nil,
        status: HTTPResponse.Status = .ok, context: Context
    ) async throws -> Response {
        let overview = try await sources.overview(context.identity)
        let view = SourcesPage(
            page: try await shared.frame(
                pages.text("sources_heading", context), context, errors: errors, notice: notice),
            sources: overview.sources, answers: overview.answers, announcements: overview.announcements,
            hookURL: { SourcesAPI.hookURL($0, publicURL: publicURL) }, created: created, draft: draft,
            editing: editing, localization: pages.renderer.localization, language: context.language, now: services.now()
        )
        return pages.html(view, template: SourcesPage.template, status: status)
    }

    /// The form as a source's settings; `adding` reads the kind and the interval's select.
    static func input(_ form: FormFields, adding: Bool) -> SourceInput {
        var credentials: [String: String] = [:]
        for name in Source.Kind.credentialFields {
            let value = form.text("credential_" + name)
            if !value.isEmpty { credentials[name] = value }
        }
        // Minutes past a day are refused by the service; a number too large to multiply is one of them.
        // A minutes field sent empty or unreadable is refused in words, not taken for "unchanged".
        let interval =
            adding
            ? Int(form.text("intervalSeconds"))
            : form["intervalMinutes"].map { min(max(Int($0) ?? 0, 0), 100_000) * 60 }
        return SourceInput(
            kind: adding ? Source.Kind(rawValue: form.text("kind")) : nil, name: form.text("name"),
            url: form.text("url").isEmpty ? nil : form.text("url"),
            keywords: form.text("keywords").split(separator: ",").map(String.init),
            intervalSeconds: interval, enabled: adding ? true : form.text("enabled") == "1",
            credentials: credentials.isEmpty ? nil : credentials,
            // The box is on the form only for a Mastodon source (and, when adding, means something only for one).
            announce: form.text("announceField") == "1" ? form.text("announce") == "1" : nil)
    }

    @Sendable func add(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        var input = Self.input(form, adding: true)
        do {
            let (source, secret) = try await sources.add(context.identity, input)
            if let secret {
                return try await page(
                    created: (SourcesAPI.hookURL(source.id, publicURL: publicURL), secret), status: .created,
                    context: context)
            }
            return SessionCookies.redirect(to: "/admin/sources?done=added")
        } catch {
            guard let (errors, status) = Self.refusal(error, minutes: false) else { throw error }
            input.credentials = nil
            return try await page(draft: input, errors: errors, status: status, context: context)
        }
    }

    /// A refusal in words for the form: what the service said, the interval in the minutes this form asks for.
    static func refusal(_ error: any Error, minutes: Bool) -> ([String], HTTPResponse.Status)? {
        switch error {
        case HearthError.validation(let fields):
            return (
                fields.map {
                    minutes && $0.field == "intervalSeconds"
                        ? "Read it between every minute and once a day (1 to 1,440 minutes)." : $0.message
                }, .unprocessableContent
            )
        case HearthError.conflict(let message):
            return ([message], .conflict)
        default:
            return nil
        }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        let id = SourceID(try ForumPages.id(context))
        var input = Self.input(form, adding: false)
        do {
            _ = try await sources.update(context.identity, id, input)
            return SessionCookies.redirect(to: "/admin/sources?done=saved")
        } catch {
            guard let (errors, status) = Self.refusal(error, minutes: true) else { throw error }
            input.credentials = nil
            return try await page(editing: (id, input), errors: errors, status: status, context: context)
        }
    }

    /// A webhook source's new secret, shown on the page this once.
    @Sendable func newSecret(_ request: Request, context: Context) async throws -> Response {
        var request = request
        _ = try await request.form(context: context)
        let id = SourceID(try ForumPages.id(context))
        let secret = try await sources.newSecret(context.identity, id)
        return try await page(
            created: (SourcesAPI.hookURL(id, publicURL: publicURL), secret),
            notice: pages.text("sources_secretMade", context), context: context)
    }

    @Sendable func poll(_ request: Request, context: Context) async throws -> Response {
        var request = request
        _ = try await request.form(context: context)
        do {
            try await sources.pollNow(context.identity, SourceID(try ForumPages.id(context)))
        } catch {
            guard let (errors, status) = Self.refusal(error, minutes: false) else { throw error }
            return try await page(errors: errors, status: status, context: context)
        }
        return SessionCookies.redirect(to: "/admin/sources?done=polled")
    }

    @Sendable func remove(_ request: Request, context: Context) async throws -> Response {
        var request = request
        _ = try await request.form(context: context)
        try await sources.remove(context.identity, SourceID(try ForumPages.id(context)))
        return SessionCookies.redirect(to: "/admin/sources?done=removed")
    }
}
