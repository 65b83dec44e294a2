import Foundation
import HearthCore
import HearthViews
import Hummingbird

/// The priority inbox in the browser (`/inbox`): the ranked list, each item's actions and a reply in place.
/// Every action is a plain form, so the page works from the keyboard and without JavaScript.
struct InboxController: Sendable {
    typealias Context = HearthRequestContext
    let shared: ForumPages

    var services: WebServices { shared.services }
    var pages: PageRenderer { shared.pages }

    func addRoutes(to router: Router<Context>) {
        router.get("/inbox", use: inbox)
        router.post("/inbox/:id", use: act)
        router.post("/inbox/:id/reply", use: reply)
        router.post("/inbox/:id/boost", use: boost)
    }

    @Sendable func inbox(_ request: Request, context: Context) async throws -> Response {
        let query = request.uri.queryParameters
        let cursor = try query.get("cursor").map { try InboxCursor(token: $0) }
        // An action's name, or "answered" (an answer on its way back through an outside source).
        let done = query.get("done").flatMap {
            ["answered", "boosted"].contains($0) ? $0 : InboxAction(rawValue: $0)?.rawValue
        }
        return try await page(
            cursor: cursor, mine: query.get("mine") == "1", errors: [],
            notice: done.map { pages.text("inbox_done_\($0)", context) }, context: context)
    }

    private func page(
        cursor: InboxCursor?, mine: Bool, errors: [String], notice: String? = nil,
        draft: (InboxItemID, String)? = nil, status: HTTPResponse.Status = .ok, context: Context
    ) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login?next=/inbox") }
        let inbox = services.inbox
        let page = try await inbox.page(context.identity, after: cursor, assignedOnly: mine)
        // Opening the inbox is reading it: the header's count starts again from here (written only when something
        // was new, so a page load is not a write).
        if cursor == nil, try await inbox.unread(context.identity) ?? 0 > 0 {
            try await inbox.markSeen(context.identity)
        }
        let view = InboxPage(
            page: try await shared.frame(pages.text("inbox_heading", context), context, errors: errors, notice: notice),
            entries: try await inbox.entries(context.identity, page.items), next: page.next, mine: mine,
            draft: draft.map { ($0.0.rawValue, $0.1) },
            assignees: try await inbox.assignees(context.identity), morning: inbox.tomorrowMorning(),
            localization: pages.renderer.localization, language: context.language, now: services.now())
        return pages.html(view, template: InboxPage.template, status: status)
    }

    @Sendable func act(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = InboxItemID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        guard let action = InboxAction(rawValue: form.text("action")), action != .replied else {
            throw HearthError.invalid(
                "action", "Choose what to do with this item: handled, snooze, ignore, pertinent or assign.")
        }
        var until: Date?
        if action == .snooze {
            let asked = request.uri.queryParameters.get("until") ?? form.text("until")
            if asked == "morning" {
                until = services.inbox.tomorrowMorning()
            } else {
                // Read in UTC, as the form says (and as topic timers read theirs).
                guard let moment = RFC3339.dateTime(asked + ":00Z") ?? RFC3339.dateTime(asked + "Z") else {
                    throw HearthError.invalid("until", "Give a date and time to snooze until.")
                }
                until = moment
            }
        }
        let assignee = Int64(form.text("memberId")).map(MemberID.init(rawValue:))
        return try await decided(action, context: context) {
            try await services.inbox.act(context.identity, id, action, until: until, assignee: assignee)
        }
    }

    @Sendable func reply(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = InboxItemID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        var answered: InboxAnswer?
        let response = try await decided(.replied, draft: (id, form.text("body")), context: context) {
            answered = try await services.inbox.answer(
                context.identity, id, body: form.text("body"), quoting: form.text("quote") == "1")
        }
        if case .queued = answered { return SessionCookies.redirect(to: "/inbox?done=answered") }
        guard case .posted(_, let second?) = answered else { return response }
        // The reply is in the thread; someone had decided the item meanwhile: say both, and offer nothing to resend.
        return try await page(
            cursor: nil, mine: false, errors: [],
            notice: pages.text("inbox_done_replied", context) + " "
                + pages.renderer.localization.message(second, context.language), context: context)
    }

    /// Boosts a Mastodon post from the brand's account; the item stays where it is.
    @Sendable func boost(_ request: Request, context: Context) async throws -> Response {
        var request = request
        _ = try await request.form(context: context)
        do {
            try await services.inbox.boost(context.identity, InboxItemID(try ForumPages.id(context)))
        } catch let error as HearthError {
            guard case .conflict = error else { throw error }
            return try await page(
                cursor: nil, mine: false, errors: [error.userMessage], status: .conflict, context: context)
        }
        return SessionCookies.redirect(to: "/inbox?done=boosted")
    }

    /// Runs a decision and goes back to the inbox saying it was done; when someone else came first, the inbox as
    /// it is now says who did what, and nothing was changed.
    private func decided(
        _ action: InboxAction, draft: (InboxItemID, String)? = nil, context: Context, _ work: () async throws -> Void
    ) async throws -> Response {
        do {
            try await work()
        } catch let error as HearthError {
            switch error {
            case .conflict, .validation:
                var status = HTTPResponse.Status.unprocessableContent
                if case .conflict = error { status = .conflict }
                return try await page(
                    cursor: nil, mine: false, errors: [error.userMessage], draft: draft, status: status,
                    context: context)
            default:
                throw error
            }
        }
        return SessionCookies.redirect(to: "/inbox?done=\(action.rawValue)")
    }
}
