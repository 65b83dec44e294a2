import Foundation
import HearthCore
import HearthViews
import Hummingbird

/// The weekly letter in the browser: the archive (`/letters`), each letter's preview with the manager's
/// introduction, what to leave out and sending (`/letters/2026-W48`), and the mail itself as recipients see it
/// (`/letters/2026-W48/mail`, `/text`). The API's twin is `LettersAPI`.
struct LettersController: Sendable {
    typealias Context = HearthRequestContext
    let shared: ForumPages
    let settings: WebSettings
    var services: WebServices { shared.services }
    var pages: PageRenderer { shared.pages }
    var letters: LetterService { services.letters }

    func addRoutes(to router: Router<Context>) {
        router.get("/letters", use: archive)
        router.post("/letters/draft", use: draft)
        router.get("/letters/:week", use: letter)
        router.post("/letters/:week", use: edit)
        router.get("/letters/:week/mail", use: mail)
        router.get("/letters/:week/text", use: text)
    }

    @Sendable func archive(_ request: Request, context: Context) async throws -> Response {
        try await archivePage(context: context)
    }

    private func archivePage(errors: [String] = [], context: Context) async throws -> Response {
        let list = try await letters.letters(context.identity)
        let canWrite = letters.may(context.identity, .writeLetters)
        let view = LettersPage(
            page: try await shared.frame(pages.text("letter_lettersHeading", context), context, errors: errors),
            letters: list, canWrite: canWrite, lastWeek: letters.lastWeek,
            recipients: canWrite ? try await letters.recipients() : [], localization: pages.renderer.localization,
            language: context.language, timeZone: settings.community.current.timeZone)
        return pages.html(view, template: LettersPage.template, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    @Sendable func draft(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        do {
            let week = try letters.week(form.text("week").trimmingCharacters(in: .whitespaces))
            try await letters.draft(context.identity, week: week)
            return SessionCookies.redirect(to: "/letters/\(week)")
        } catch {
            guard let messages = PageRenderer.formErrors(error) else { throw error }
            return try await archivePage(errors: messages, context: context)
        }
    }

    @Sendable func letter(_ request: Request, context: Context) async throws -> Response {
        let week = try letters.week(context.parameters.get("week") ?? "")
        let notice = request.uri.queryParameters.get("done").flatMap { ["saved", "sent"].contains($0) ? $0 : nil }
        return try await letterPage(
            week, preview: previewLanguage(request, context),
            notice: notice.map { pages.text("letter_done_\($0)", context) },
            context: context)
    }

    private func letterPage(
        _ week: ISOWeek, preview: Language, errors: [String] = [], notice: String? = nil, context: Context
    ) async throws -> Response {
        let letter = try await letters.letter(context.identity, week: week)
        let view = LetterPage(
            page: try await shared.frame(
                "\(pages.text("letter_heading", context)) \(week)", context, errors: errors, notice: notice),
            letter: letter, canWrite: letters.may(context.identity, .writeLetters), preview: preview,
            localization: pages.renderer.localization, pageLanguage: context.language, sendsMail: settings.sendsMail)
        return pages.html(view, template: LetterPage.template, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    /// Saves the introduction and what is left out (what was offered and not ticked), then sends when asked.
    @Sendable func edit(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let week = try letters.week(context.parameters.get("week") ?? "")
        let form = try await request.form(context: context)
        let included = Set(form.all("include"))
        let excluded = form.all("offered").filter { !included.contains($0) }
        let send = form.text("action") == "send"
        do {
            try await letters.submit(
                context.identity, week: week, intro: form.text("intro"), excluded: excluded, send: send)
            return SessionCookies.redirect(to: "/letters/\(week)?done=\(send ? "sent" : "saved")")
        } catch let error as HearthError {
            let messages: [String]
            switch error {
            case .validation(let fields): messages = fields.map(\.message)
            case .conflict(let message): messages = [message]
            default: throw error
            }
            return try await letterPage(
                week, preview: previewLanguage(request, context), errors: messages, context: context)
        }
    }

    /// The HTML part as recipients see it, for the preview's frame; images come from this community.
    @Sendable func mail(_ request: Request, context: Context) async throws -> Response {
        let view = try await view(request, context)
        let html = try pages.renderer.render(view, template: "mail-letter")
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                // Its own policy: the mail's inline styles, no script, and framed by this site only.
                SecurityHeadersMiddleware.policyHeader:
                    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https:; frame-ancestors 'self'",
                SecurityHeadersMiddleware.frameHeader: "SAMEORIGIN",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The plain-text part, read on its own.
    @Sendable func text(_ request: Request, context: Context) async throws -> Response {
        let view = try await view(request, context)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: view.text)))
    }

    private func view(_ request: Request, _ context: Context) async throws -> LetterView {
        let week = try letters.week(context.parameters.get("week") ?? "")
        let letter = try await letters.letter(context.identity, week: week)
        return Self.view(
            letter, language: previewLanguage(request, context), settings: settings,
            localization: pages.renderer.localization, imageSource: { $0.path })
    }

    static func view(
        _ letter: Letter, language: Language, settings: WebSettings, localization: Localization,
        imageSource: @escaping (LetterDraft.Image) -> String?
    ) -> LetterView {
        let community = settings.community.current
        return LetterView(
            letter: letter, draft: letter.content, language: language, communityName: community.name,
            publicURL: settings.publicURL, localization: localization, timeZone: community.timeZone,
            imageSource: imageSource)
    }

    private func previewLanguage(_ request: Request, _ context: Context) -> Language {
        request.uri.queryParameters.get("lang").flatMap { Language(rawValue: String($0)) } ?? context.language
    }
}
