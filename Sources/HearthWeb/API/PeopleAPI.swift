import Foundation
import HearthCore
import HearthViews
import Hummingbird

/// `/people` over JSON, for staff: segments with reasons, the equity of attention, a member's standing; and the
/// community manager's lock on a member's trust level.
struct PeopleAPI: Sendable {
    typealias Context = HearthRequestContext
    let services: WebServices
    let localization: Localization

    var people: PeopleService { services.people }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("/people", use: list)
        group.get("/people/attention", use: attention)
        group.get("/members/:id/standing", use: standing)
        group.put("/members/:id/trust", use: setTrust)
    }

    var words: PeopleWords {
        PeopleWords(localization: localization, language: .english, timeZone: services.delegation.communityTimeZone)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> APIModel.People {
        let query = request.uri.queryParameters
        let segment = try PeopleController.segment(query.get("segment"))
        let limit = try query.get("limit").map { text in
            guard let limit = Int(text), (1...100).contains(limit) else {
                throw HearthError.invalid("limit", "limit is a whole number from 1 to 100.")
            }
            return limit
        }
        let page = try await people.page(
            segment, after: try PeopleController.cursor(query.get("cursor")), limit: limit ?? 25,
            viewer: context.identity)
        let words = self.words
        return APIModel.People(
            segment: segment.rawValue, gesture: segment.gesture.rawValue,
            items: page.entries.map { APIModel.Person($0, words: words) }, nextCursor: page.next?.text,
            computedAt: page.computedAt)
    }

    @Sendable func attention(_ request: Request, context: Context) async throws -> APIModel.Attention {
        guard let (equity, date) = try await people.attention(viewer: context.identity) else {
            throw HearthError.notFound("The equity of attention has not been measured yet; it is within the hour.")
        }
        return APIModel.Attention(equity, at: date)
    }

    @Sendable func standing(_ request: Request, context: Context) async throws -> APIModel.Standing {
        let id = MemberID(try ForumPages.id(context))
        try services.policy.authorize(context.identity, .seePeople, at: services.now())
        guard let standing = try await people.standing(of: id, viewer: context.identity) else {
            throw HearthError.notFound("There is no such member.")
        }
        return APIModel.Standing(standing)
    }

    @Sendable func setTrust(_ request: Request, context: Context) async throws -> APIModel.Standing {
        var request = request
        let id = MemberID(try ForumPages.id(context))
        try services.policy.authorize(context.identity, .setTrustLevel, on: .member(id), at: services.now())
        let input = try await request.json(APIModel.TrustChange.self, context: context, shape: #"{"level": "regular"}"#)
        let level = try input.level.map { name in
            guard let level = TrustLevel(rawValue: name) else {
                throw HearthError.invalid(
                    "level", "A trust level is new, basic, member or regular (or null to unlock).")
            }
            return level
        }
        try await people.setTrust(of: id, to: level, viewer: context.identity)
        guard let standing = try await people.standing(of: id, viewer: context.identity) else {
            throw HearthError.notFound("There is no such member.")
        }
        return APIModel.Standing(standing)
    }
}
