import Foundation
import HearthCore
import HearthViews
import Hummingbird

/// `/people` for staff: a segment of members with their reasons and a suggested gesture, and the equity of
/// attention. A member's standing (trust, engagement week by week) is on their profile (`MemberController`). The
/// API's twin is `PeopleAPI`.
struct PeopleController: Sendable {
    typealias Context = HearthRequestContext
    let shared: ForumPages
    var services: WebServices { shared.services }
    var pages: PageRenderer { shared.pages }

    func addRoutes(to router: Router<Context>) {
        router.get("/people", use: people)
    }

    @Sendable func people(_ request: Request, context: Context) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login") }
        let query = request.uri.queryParameters
        // A segment or a cursor the page never gave (an old bookmark, a typo) starts the list again.
        let segment: PeopleSegment
        let cursor: PeopleCursor?
        do {
            segment = try Self.segment(query.get("segment"))
            cursor = try Self.cursor(query.get("cursor"))
        } catch {
            return SessionCookies.redirect(to: "/people")
        }
        let found = try await services.people.page(segment, after: cursor, viewer: context.identity)
        let equity = try await services.people.attention(viewer: context.identity)
        let view = HearthViews.PeoplePage(
            page: try await shared.frame(pages.text("people_heading", context), context), people: found,
            equity: equity,
            canOfferRole: services.policy.decide(context.identity, .manageRoles, at: services.now()).isAllowed,
            words: words(context))
        return pages.html(view, template: HearthViews.PeoplePage.template)
    }

    func words(_ context: Context) -> PeopleWords {
        PeopleWords(
            localization: pages.renderer.localization, language: context.language,
            timeZone: services.delegation.communityTimeZone)
    }

    /// The segment named in the address; power users when none is.
    static func segment(_ text: String?) throws -> PeopleSegment {
        guard let text, !text.isEmpty else { return .power }
        guard let segment = PeopleSegment(rawValue: text) else {
            throw HearthError.invalid(
                "segment", "Choose a segment: \(PeopleSegment.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return segment
    }

    /// The cursor in the address, if any; an empty or foreign one is refused rather than read as "the start".
    static func cursor(_ text: String?) throws -> PeopleCursor? {
        guard let text else { return nil }
        guard let cursor = PeopleCursor(text) else {
            throw HearthError.invalid("cursor", "This page of the list no longer exists: start the list again.")
        }
        return cursor
    }
}
