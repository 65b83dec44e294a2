import HearthCore
import HearthViews
import Hummingbird

/// The first-run page behind the link `hearth serve` prints: the community manager chooses a name,
/// an e-mail and a password, and is logged in. The community gets its first category and a welcome topic, and
/// the first steps (name, language, hours, sign-up) follow, skippable.
struct SetupController: Sendable {
    typealias Context = HearthRequestContext
    let services: WebServices
    let pages: PageRenderer
    let auth: AuthController

    func addRoutes(to router: Router<Context>) {
        router.get("/setup/:token", use: form)
        router.post("/setup/:token", use: complete)
    }

    @Sendable func form(_ request: Request, context: Context) async throws -> Response {
        let token = try context.parameters.require("token")
        guard try await services.accounts.isValidSetupToken(token) else { throw Self.usedLink }
        return page(token: token, context: context, name: "", email: "", errors: [])
    }

    @Sendable func complete(_ request: Request, context: Context) async throws -> Response {
        let token = try context.parameters.require("token")
        var request = request
        let form = try await request.form(context: context)
        do {
            let account = try AccountForm(
                email: form.text("email"), displayName: form.text("name"), password: form.text("password"))
            let member = try await services.accounts.completeSetup(token: token, form: account)
            context.logger.notice(
                "Community manager account created", metadata: ["member.id": .stringConvertible(member.id)])
            do {
                // The fresh account's own viewer: the request has none yet.
                try await services.settings.prepareCommunity(
                    Viewer(member: member, credential: .session(SessionID(0))), language: context.language)
            } catch {
                // The account is made; the console's categories page does the rest by hand.
                context.logger.warning(
                    "The first category could not be created",
                    metadata: ["reason": "\(String(reflecting: type(of: error)))"])
            }
            return try await auth.startSession(
                for: member, request: request, context: context, then: "/admin/first-steps")
        } catch {
            guard let errors = PageRenderer.formErrors(error) else { throw error }
            return page(
                token: token, context: context, name: form.text("name"), email: form.text("email"), errors: errors,
                status: .unprocessableContent)
        }
    }

    private static let usedLink = HearthError.notFound(
        "This setup link has already been used or has expired. Restart `hearth serve` for a new one, or log in.")

    private func page(
        token: String, context: Context, name: String, email: String, errors: [String],
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let model = AccountFormPage(
            page: pages.chrome(title: pages.text("setup_title", context), context: context, errors: errors),
            heading: pages.text("setup_heading", context),
            intro: pages.text("setup_intro", context),
            action: "/setup/\(token)", submitLabel: pages.text("setup_submit", context), name: name, email: email,
            invite: nil)
        return pages.html(model, template: AccountFormPage.template, status: status)
    }
}
