import Foundation
import HearthCore
import Hummingbird

/// The priority inbox over JSON: the ranked list and the actions on its items.
struct InboxAPI: Sendable {
    typealias Context = HearthRequestContext
    let services: WebServices

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("/inbox", use: list)
        group.post("/inbox/:id/actions", use: act)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> APIModel.Page<APIModel.InboxItem> {
        let query = request.uri.queryParameters
        let limit = try APIController.limit(query.get("limit"), default: InboxService.pageSize)
        let cursor = try query.get("cursor").map { try InboxCursor(token: $0) }
        let mine = try query.get("mine").map { value -> Bool in
            guard value == "true" || value == "false" else {
                throw HearthError.invalid("mine", "mine is true or false.")
            }
            return value == "true"
        }
        let page = try await services.inbox.page(
            context.identity, after: cursor, limit: limit, assignedOnly: mine ?? false)
        let now = services.now()
        return APIModel.Page(
            items: page.items.map { APIModel.InboxItem($0, now: now) }, nextCursor: page.next?.token)
    }

    @Sendable func act(_ request: Request, context: Context) async throws -> APIModel.InboxItem {
        var request = request
        let id = InboxItemID(try ForumPages.id(context))
        let input = try await request.json(
            APIModel.InboxActionInput.self, context: context,
            shape:
                #"{"action": "handled|snooze|ignore|pertinent|assign", "until": "2026-12-03T09:00:00Z|morning", "memberId": 7}"#
        )
        guard let action = InboxAction(rawValue: input.action), action != .replied else {
            throw HearthError.invalid("action", "action is handled, snooze, ignore, pertinent or assign.")
        }
        var until: Date?
        // Only a snooze has an end; another action ignores one sent with it.
        if action == .snooze, let text = input.until {
            if text == "morning" {
                until = services.inbox.tomorrowMorning()
            } else {
                guard let date = Self.date(text) else {
                    throw HearthError.invalid("until", "until is an ISO 8601 date and time, or \"morning\".")
                }
                until = date
            }
        }
        let item = try await services.inbox.act(
            context.identity, id, action, until: until, assignee: input.memberId.map(MemberID.init(rawValue:)))
        return APIModel.InboxItem(item, now: services.now())
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
