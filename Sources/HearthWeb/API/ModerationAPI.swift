import Foundation
import HearthCore
import Hummingbird

/// Moderation over JSON: flags, a moderator's hand on a post, the review queue, penalties, slow mode, topic
/// timers, the log and the guidelines. The routes and their names are the ones the moderation issue fixed, so outside tools can
/// rely on them; `openapi.json` lists them.
struct ModerationAPI: Sendable {
    typealias Context = HearthRequestContext
    let services: WebServices

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("/posts/:id", use: post)
        group.post("/posts/:id/flags", use: flag)
        group.post("/posts/:id/moderation", use: moderate)
        group.get("/review", use: queue)
        group.post("/review/:id/actions", use: act)
        group.put("/topics/:id/slow-mode", use: setSlowMode)
        group.delete("/topics/:id/slow-mode", use: endSlowMode)
        group.put("/topics/:id/timer", use: setTimer)
        group.delete("/topics/:id/timer", use: endTimer)
        group.post("/members/:id/penalties", use: penalize)
        group.get("/moderation-log", use: log)
        group.get("/guidelines", use: guidelines)
        group.put("/guidelines", use: editGuidelines)
        addGateRoutes(to: group)
    }

    /// One post; staff also get its moderation state.
    @Sendable func post(_ request: Request, context: Context) async throws -> APIModel.Post {
        let id = PostID(try ForumPages.id(context))
        let (post, _, powers) = try await services.forum.postInContext(context.identity, id: id)
        return APIModel.Post(
            post, forStaff: powers.seeRemoved,
            reading: powers.readTriage ? try await services.forum.reading(context.identity, of: id) : nil)
    }

    @Sendable func flag(_ request: Request, context: Context) async throws -> EditedResponse<APIModel.FlagResult> {
        var request = request
        let id = PostID(try ForumPages.id(context))
        let (reason, message) = try await Self.flagInput(&request, context: context)
        let outcome = try await services.moderation.flag(context.identity, post: id, reason: reason, message: message)
        return EditedResponse(
            status: .created, response: APIModel.FlagResult(id: outcome.flag.id.rawValue, hidden: outcome.hidPost))
    }

    @Sendable func moderate(_ request: Request, context: Context) async throws -> APIModel.Post {
        var request = request
        let id = PostID(try ForumPages.id(context))
        let input = try await request.json(
            APIModel.PostModeration.self, context: context, shape: #"{"action": "hide|unhide|approve", "reason": "…"}"#)
        guard let action = PostModerationAction(rawValue: input.action) else {
            throw HearthError.invalid("action", "action is hide, unhide or approve.")
        }
        try Self.checkLengths(input.reason, input.message)
        let post = try await services.moderation.moderate(
            context.identity, post: id, action: action, reason: input.reason ?? input.message ?? "")
        return APIModel.Post(post, forStaff: true)
    }

    @Sendable func queue(_ request: Request, context: Context) async throws -> APIModel.Page<APIModel.ReviewItem> {
        let cursor = try request.uri.queryParameters.get("cursor").map { try ReviewCursor(token: $0) }
        let page = try await services.moderation.queue(context.identity, after: cursor)
        return APIModel.Page(items: page.items.map(APIModel.ReviewItem.init), nextCursor: page.next?.token)
    }

    @Sendable func act(_ request: Request, context: Context) async throws -> APIModel.ReviewItem {
        var request = request
        let id = ReviewItemID(try ForumPages.id(context))
        let input = try await request.json(
            APIModel.ReviewActionInput.self, context: context,
            shape: #"{"action": "approve|hide|delete|ignore|defer|claim", "reason": "…"}"#)
        guard let action = ReviewAction(rawValue: input.action) else {
            throw HearthError.invalid("action", "action is approve, hide, delete, ignore, defer or claim.")
        }
        try Self.checkLengths(input.reason, input.message)
        let item = try await services.moderation.act(
            context.identity, item: id, action: action, reason: input.reason ?? input.message ?? "")
        return APIModel.ReviewItem(item)
    }

    @Sendable func setSlowMode(_ request: Request, context: Context) async throws -> APIModel.SlowMode {
        var request = request
        let id = TopicID(try ForumPages.id(context))
        let input = try await request.json(
            APIModel.SlowModeInput.self, context: context, shape: #"{"seconds": 600, "until": "2026-12-01T09:00:00Z"}"#)
        let until = try Self.date(input.until, field: "until")
        try await services.calm.setSlowMode(context.identity, topic: id, seconds: input.seconds, until: until)
        return APIModel.SlowMode(seconds: input.seconds, until: until)
    }

    @Sendable func endSlowMode(_ request: Request, context: Context) async throws -> Response {
        try await services.calm.endSlowMode(context.identity, topic: TopicID(try ForumPages.id(context)))
        return Response(status: .noContent)
    }

    @Sendable func setTimer(_ request: Request, context: Context) async throws -> APIModel.TopicTimer {
        var request = request
        let id = TopicID(try ForumPages.id(context))
        let input = try await request.json(
            APIModel.TopicTimerInput.self, context: context,
            shape: #"{"action": "close_for|open_at|close_after_quiet", "hours": 24, "at": "…", "days": 3}"#)
        guard let action = TopicTimer.Action(rawValue: input.action) else {
            throw HearthError.invalid("action", "action is close_for, open_at or close_after_quiet.")
        }
        // Each value belongs to one action; one sent with another is a mistake to point out, not to ignore.
        let given: [(String, Bool, TopicTimer.Action)] = [
            ("hours", input.hours != nil, .closeFor), ("at", input.at != nil, .openAt),
            ("days", input.days != nil, .closeAfterQuiet),
        ]
        for (field, present, owner) in given where present && owner != action {
            throw HearthError.invalid(field, "\(field) goes with the \(owner.rawValue) action only.")
        }
        let setting: TopicTimer.Setting =
            switch action {
            case .closeFor: .closeFor(hours: input.hours ?? 0)
            case .openAt: .openAt(try Self.date(input.at ?? "", field: "at"))
            case .closeAfterQuiet: .closeAfterQuiet(days: input.days ?? 0)
            }
        let timer = try await services.timers.set(context.identity, topic: id, setting)
        return APIModel.TopicTimer(timer)
    }

    @Sendable func endTimer(_ request: Request, context: Context) async throws -> Response {
        try await services.timers.cancel(context.identity, topic: TopicID(try ForumPages.id(context)))
        return Response(status: .noContent)
    }

    @Sendable func penalize(_ request: Request, context: Context) async throws -> EditedResponse<APIModel.Penalty> {
        var request = request
        let id = MemberID(try ForumPages.id(context))
        let input = try await request.json(
            APIModel.NewPenalty.self, context: context,
            shape: #"{"kind": "warn|silence|suspend", "until": "2026-12-01T09:00:00Z", "reason": "…"}"#)
        guard let kind = Penalty.Kind(rawValue: input.kind) else {
            throw HearthError.invalid("kind", "kind is warn, silence or suspend.")
        }
        let until = try input.until.map { try Self.date($0, field: "until") }
        let penalty = try await services.penalties.give(
            context.identity, to: id, kind: kind, until: until, reason: input.reason)
        return EditedResponse(status: .created, response: APIModel.Penalty(penalty))
    }

    @Sendable func log(_ request: Request, context: Context) async throws -> APIModel.Page<APIModel.LogEntry> {
        let query = request.uri.queryParameters
        let before = try Self.logCursor(request)
        let limit = 50
        let entries = try await services.moderation.log(
            context.identity, before: before, limit: limit, action: query.get("action"), by: query.get("by"),
            about: query.get("about"), until: query.get("until"))
        return APIModel.Page(
            items: entries.map(APIModel.LogEntry.init),
            nextCursor: entries.count == limit ? entries.last.map { String($0.id) } : nil)
    }

    @Sendable func guidelines(_ request: Request, context: Context) async throws -> APIModel.Guidelines {
        APIModel.Guidelines(
            en: try await services.texts.text(.guidelines, language: .english),
            fr: try await services.texts.text(.guidelines, language: .french))
    }

    @Sendable func editGuidelines(_ request: Request, context: Context) async throws -> APIModel.Guidelines {
        var request = request
        let input = try await request.json(
            APIModel.GuidelinesInput.self, context: context, shape: #"{"language": "en|fr", "body": "…"}"#)
        guard let language = Language(rawValue: input.language) else {
            throw HearthError.invalid("language", "language is en or fr.")
        }
        try await services.texts.setText(context.identity, .guidelines, language: language, body: input.body)
        return try await guidelines(request, context: context)
    }

    /// A reason and a message are at most 500 characters each, counted as openapi.json counts them.
    static func checkLengths(_ texts: String?...) throws {
        for text in texts.compactMap({ $0 }) where text.unicodeScalars.count > 500 {
            throw HearthError.invalid("reason", "A reason can be at most 500 characters long.")
        }
    }

    /// An RFC 3339 date-time from the request (Foundation's parser would take 12:99 or 30 February).
    static func date(_ text: String, field: String) throws -> Date {
        guard let date = RFC3339.dateTime(text) else {
            throw HearthError.invalid(field, "\(field) is a date-time like 2026-12-01T09:00:00Z.")
        }
        return date
    }
}
