import Foundation
import HearthCore
import Hummingbird

/// Watched words, flags on profiles, the morning view and the public log, over JSON.
extension ModerationAPI {
    func addGateRoutes(to group: RouterGroup<Context>) {
        group.get("/watched-words", use: watchedWords)
        group.post("/watched-words", use: addWatchedWord)
        group.delete("/watched-words/:id", use: removeWatchedWord)
        group.post("/members/:id/flags", use: flagProfile)
        group.get("/review/overnight", use: overnight)
        group.get("/moderation-log/public", use: publicLog)
    }

    @Sendable func watchedWords(_ request: Request, context: Context) async throws
        -> APIModel.Page<APIModel.WatchedWord>
    {
        let words = try await services.watchedWords.list(context.identity)
        return APIModel.Page(items: words.map(APIModel.WatchedWord.init), nextCursor: nil)
    }

    @Sendable func addWatchedWord(_ request: Request, context: Context) async throws
        -> EditedResponse<APIModel.WatchedWord>
    {
        var request = request
        let input = try await request.json(
            APIModel.NewWatchedWord.self, context: context,
            shape:
                #"{"pattern": "…", "regex": false, "action": "block|require_approval|flag|replace", "language": "en|fr", "replacement": "…"}"#
        )
        guard let action = WatchedWord.Action(rawValue: input.action) else {
            throw HearthError.invalid("action", "action is block, require_approval, flag or replace.")
        }
        let word = try await services.watchedWords.add(
            context.identity,
            NewWatchedWord(
                language: input.language, pattern: input.pattern, isRegex: input.regex ?? false, action: action,
                replacement: input.replacement))
        return EditedResponse(status: .created, response: APIModel.WatchedWord(word))
    }

    @Sendable func removeWatchedWord(_ request: Request, context: Context) async throws -> Response {
        try await services.watchedWords.remove(context.identity, WatchedWordID(try ForumPages.id(context)))
        return Response(status: .noContent)
    }

    @Sendable func flagProfile(_ request: Request, context: Context) async throws
        -> EditedResponse<APIModel.ProfileFlagResult>
    {
        var request = request
        let id = MemberID(try ForumPages.id(context))
        let (reason, message) = try await Self.flagInput(&request, context: context)
        try await services.moderation.flag(context.identity, member: id, reason: reason, message: message)
        return EditedResponse(status: .created, response: APIModel.ProfileFlagResult(status: "received"))
    }

    @Sendable func overnight(_ request: Request, context: Context) async throws -> APIModel.Overnight {
        APIModel.Overnight(try await services.moderation.overnight(context.identity))
    }

    @Sendable func publicLog(_ request: Request, context: Context) async throws
        -> APIModel.Page<APIModel.PublicLogEntry>
    {
        let before = try Self.logCursor(request)
        let limit = 50
        let entries = try await services.moderation.publicLog(before: before, limit: limit)
        return APIModel.Page(
            items: entries.map(APIModel.PublicLogEntry.init),
            nextCursor: entries.count == limit ? entries.last.map { String($0.id) } : nil)
    }

    /// A flag's reason and message, from the body of a flag on a post or a profile.
    static func flagInput(_ request: inout Request, context: Context) async throws -> (FlagReason, String?) {
        let input = try await request.json(
            APIModel.NewFlag.self, context: context,
            shape: #"{"reason": "spam|inappropriate|off_topic|other", "message": "…"}"#)
        guard let reason = FlagReason(rawValue: input.reason) else {
            throw HearthError.invalid("reason", "reason is spam, inappropriate, off_topic or other.")
        }
        return (reason, input.message)
    }

    /// The `cursor` of a log page: the id of the last entry seen.
    static func logCursor(_ request: Request) throws -> Int64? {
        try request.uri.queryParameters.get("cursor").map { value -> Int64 in
            guard let id = Int64(value), id > 0 else {
                throw HearthError.invalid("cursor", "This page link is not valid; start again from the first page.")
            }
            return id
        }
    }
}
