import HearthCore
import HearthViews
import Hummingbird

/// The link a new member opens to confirm their address, when the community asks for it, and a new link on demand.
struct EmailConfirmationController: Sendable {
    typealias Context = HearthRequestContext
    let shared: ForumPages
    var pages: PageRenderer { shared.pages }

    func addRoutes(to router: Router<Context>) {
        router.get("/confirm-email", use: status)
        router.post("/confirm-email", use: resend)
        router.get("/confirm-email/:token", use: confirm)
    }

    @Sendable func status(_ request: Request, context: Context) async throws -> Response {
        guard let member = context.identity?.member else { return SessionCookies.redirect(to: "/login") }
        let waiting = member.awaitsEmailConfirmation
        return try await message(
            "confirm_heading", waiting ? "confirm_waiting" : "confirm_done", values: ["email": member.email],
            form: waiting, context: context)
    }

    @Sendable func resend(_ request: Request, context: Context) async throws -> Response {
        guard let member = context.identity?.member else { return SessionCookies.redirect(to: "/login") }
        try await shared.services.accounts.resendConfirmation(context.identity)
        return try await message("confirm_heading", "confirm_sent", values: ["email": member.email], context: context)
    }

    @Sendable func confirm(_ request: Request, context: Context) async throws -> Response {
        let token = try context.parameters.require("token")
        _ = try await shared.services.accounts.confirmEmail(token: token)
        return try await message("confirm_heading", "confirm_done", context: context)
    }

    private func message(
        _ heading: String, _ text: String, values: [String: String] = [:], form: Bool = false, context: Context
    ) async throws -> Response {
        let title = pages.text(heading, context)
        let view = MessagePage(
            page: try await shared.frame(title, context), heading: title, message: pages.text(text, context, values),
            linkURL: "/", linkLabel: pages.text("confirm_home", context),
            formAction: form ? "/confirm-email" : nil, formLabel: form ? pages.text("confirm_resend", context) : nil)
        return pages.html(view, template: MessagePage.template)
    }
}
