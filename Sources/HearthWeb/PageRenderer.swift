import Foundation
import HearthCore
import HearthViews
import Hummingbird

/// Builds page chrome from the request and turns view models into HTML responses.
struct PageRenderer: Sendable {
    let renderer: Renderer
    let settings: WebSettings

    func chrome(
        title: String, context: HearthRequestContext, errors: [String] = [], notice: String? = nil,
        unreadNotifications: Int = 0, reviewCount: Int? = nil, inboxCount: Int? = nil
    ) -> PageChrome {
        PageChrome(
            title: title, communityName: settings.communityName, viewer: context.identity?.member,
            csrf: context.csrfToken, signupOpen: settings.signupMode == .open,
            errors: errors.map { renderer.localization.message($0, context.language) }, notice: notice,
            language: context.language, strings: renderer.localization.table(context.language),
            unreadNotifications: unreadNotifications, reviewCount: reviewCount, inboxCount: inboxCount,
            publicLog: settings.publicModerationLog, logoPath: settings.community.current.logoPath,
            canAdminister: context.identity != nil
                && AccessPolicy().decide(context.identity, .administer, at: Date()).isAllowed,
            canSeePeople: context.identity != nil
                && AccessPolicy().decide(context.identity, .seePeople, at: Date()).isAllowed,
            canSeeHealth: context.identity != nil
                && AccessPolicy().decide(context.identity, .seeHealth, at: Date()).isAllowed)
    }

    /// The interface string for `key` in the request's language.
    func text(_ key: String, _ context: HearthRequestContext, _ values: [String: String] = [:]) -> String {
        renderer.localization.text(key, context.language, values)
    }

    func html(_ model: Any, template: String, status: HTTPResponse.Status = .ok) -> Response {
        let body: String
        do {
            body = try renderer.render(model, template: template)
        } catch {
            return Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "Page error")))
        }
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// The messages of a validation error, or nil when the error is of another kind (to be rethrown).
    static func formErrors(_ error: any Error) -> [String]? {
        guard case HearthError.validation(let fields) = error else { return nil }
        return fields.map(\.message)
    }
}
