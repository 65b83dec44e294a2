import Foundation
import HearthCore
import HearthViews
import Hummingbird

/// The health figures and the weekly letters over JSON, for staff and the team.
struct LettersAPI: Sendable {
    typealias Context = HearthRequestContext
    let services: WebServices
    let settings: WebSettings
    let renderer: Renderer

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("/health", use: health)
        group.get("/letters", use: list)
        group.get("/letters/:week", use: letter)
    }

    /// Every figure of the period (`from`/`to`, or `range`), the period before, the series and the cohorts.
    @Sendable func health(_ request: Request, context: Context) async throws -> Response {
        let days = try HealthController.days(request, services.health)
        return try Self.json(try await services.health.report(context.identity, days: days))
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try Self.json(["letters": try await services.letters.letters(context.identity)])
    }

    /// One letter: its sections as JSON (what goes out, and the whole draft), and its HTML and text bodies in
    /// `lang` (the request's language by default).
    @Sendable func letter(_ request: Request, context: Context) async throws -> Response {
        let week = try services.letters.week(context.parameters.get("week") ?? "")
        let letter = try await services.letters.letter(context.identity, week: week)
        let language =
            request.uri.queryParameters.get("lang").flatMap { Language(rawValue: String($0)) } ?? context.language
        let view = LettersController.view(
            letter, language: language, settings: settings, localization: renderer.localization,
            imageSource: { settings.publicURL + $0.path })
        return try Self.json(
            LetterBody(
                week: letter.week, status: letter.status.rawValue, intro: letter.intro, excluded: letter.excluded,
                sections: letter.content, draft: letter.draft, draftedAt: letter.draftedAt, sentAt: letter.sentAt,
                deliveries: services.letters.showsCopies(context.identity) ? letter.deliveries : nil,
                language: language.rawValue, subject: view.subject,
                html: try renderer.render(view, template: "mail-letter"), text: view.text))
    }

    struct LetterBody: Encodable {
        let week: String
        let status: String
        let intro: String
        let excluded: [String]
        let sections: LetterDraft
        let draft: LetterDraft
        let draftedAt: Date
        let sentAt: Date?
        /// Each copy's address and state, for the community manager only.
        let deliveries: [LetterDelivery]?
        let language: String
        let subject: String
        let html: String
        let text: String
    }

    static func json<T: Encodable>(_ value: T) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
