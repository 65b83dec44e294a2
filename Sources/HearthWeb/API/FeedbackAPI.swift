import Foundation
import HearthCore
import Hummingbird

/// The feedback board over JSON: the lists, votes and follows, staff's candidates and decisions, colleagues'
/// export and comments, and the outgoing webhooks.
struct FeedbackAPI: Sendable {
    typealias Context = HearthRequestContext
    let services: WebServices
    let publicURL: String

    var feedback: FeedbackService { services.feedback }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("/feedback", use: list)
        group.post("/feedback", use: create)
        group.get("/feedback/candidates", use: candidates)
        group.delete("/feedback/candidates/:id", use: decline)
        group.get("/feedback/export", use: export)
        group.get("/feedback/:id", use: detail)
        group.patch("/feedback/:id", use: change)
        group.post("/feedback/:id/votes", use: vote)
        group.delete("/feedback/:id/votes", use: unvote)
        group.post("/feedback/:id/followers", use: follow)
        group.delete("/feedback/:id/followers", use: unfollow)
        group.post("/feedback/:id/comments", use: comment)
        group.post("/feedback/:id/split", use: split)
        group.get("/webhooks", use: webhooks)
        group.post("/webhooks", use: addWebhook)
        group.delete("/webhooks/:id", use: removeWebhook)
        group.get("/webhooks/deliveries", use: deliveries)
        group.post("/webhooks/deliveries/:id/resend", use: resend)
    }

    // MARK: The board

    /// `status`, `tag`, `sort` (votes or new), `limit` and `cursor`, as the page and the API both read them.
    static func query(_ request: Request) throws -> FeedbackQuery {
        let parameters = request.uri.queryParameters
        var query = FeedbackQuery()
        if let status = parameters.get("status"), !status.isEmpty {
            guard let value = HearthCore.FeedbackItem.Status(rawValue: status) else {
                throw HearthError.invalid(
                    "status", "status is open, under_review, planned, started, done, declined or duplicate.")
            }
            query.status = value
        }
        if let tag = parameters.get("tag"), !tag.isEmpty { query.tag = tag.lowercased() }
        if let sort = parameters.get("sort"), !sort.isEmpty {
            guard let value = FeedbackQuery.Sort(rawValue: sort) else {
                throw HearthError.invalid("sort", "sort is votes or new.")
            }
            query.sort = value
        }
        query.limit = try APIController.limit(parameters.get("limit"), default: 30)
        if let cursor = parameters.get("cursor") {
            guard let value = FeedbackCursor(cursor) else {
                throw HearthError.invalid("cursor", "cursor is the nextCursor of the previous page.")
            }
            query.after = value
        }
        return query
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> APIModel.Page<APIModel.FeedbackItem> {
        let page = try await feedback.items(context.identity, try Self.query(request))
        return APIModel.Page(items: page.items.map(APIModel.FeedbackItem.init), nextCursor: page.next?.description)
    }

    @Sendable func detail(_ request: Request, context: Context) async throws -> APIModel.FeedbackDetail {
        let detail = try await feedback.detail(context.identity, FeedbackItemID(try ForumPages.id(context)))
        return APIModel.FeedbackDetail(
            detail, internals: feedback.may(context.identity, .seeFeedbackInternals))
    }

    /// `{"postId"}`: the post joins the item it repeats, or starts one; or `{"title", "body", "kind", "language"}`:
    /// an item written by hand.
    @Sendable func create(_ request: Request, context: Context) async throws
        -> EditedResponse<APIModel.FeedbackItem>
    {
        var request = request
        let input = try await request.json(
            APIModel.NewFeedback.self, context: context,
            shape:
                #"{"postId": 12} or {"title": "…", "body": "…", "kind": "suggestion|bug|complaint", "language": "en|fr"}"#
        )
        let kind = try input.kind.map { raw in
            guard let kind = HearthCore.FeedbackItem.Kind(rawValue: raw) else {
                throw HearthError.invalid("kind", "kind is suggestion, bug or complaint.")
            }
            return kind
        }
        let language = try input.language.map { raw in
            guard let language = Language(rawValue: raw) else {
                throw HearthError.invalid("language", "language is en or fr.")
            }
            return language
        }
        if let postID = input.postId {
            let item = try await feedback.accept(context.identity, post: PostID(postID), kind: kind)
            return EditedResponse(status: .created, response: APIModel.FeedbackItem(item))
        }
        guard let title = input.title else {
            throw HearthError.invalid("postId", "Send a postId, or a title and a body for an item written by hand.")
        }
        let item = try await feedback.write(
            context.identity, title: title, body: input.body ?? "", kind: kind ?? .suggestion,
            language: language ?? .english)
        return EditedResponse(status: .created, response: APIModel.FeedbackItem(item))
    }

    /// `{"status", "note"?}`, `{"mergeInto"}` or `{"tags"}`.
    @Sendable func change(_ request: Request, context: Context) async throws -> APIModel.FeedbackItem {
        var request = request
        let id = FeedbackItemID(try ForumPages.id(context))
        let input = try await request.json(
            APIModel.FeedbackChangeInput.self, context: context,
            shape: #"{"status": "planned", "note": "…"} or {"mergeInto": 7} or {"tags": ["billing"]}"#)
        var item: HearthCore.FeedbackItem?
        if let into = input.mergeInto {
            guard into > 0 else { throw HearthError.invalid("mergeInto", "mergeInto is an item's id.") }
            item = try await feedback.merge(context.identity, id, into: FeedbackItemID(into))
        }
        if let tags = input.tags {
            item = try await feedback.setTags(context.identity, id, tags)
        }
        if let raw = input.status {
            guard let status = HearthCore.FeedbackItem.Status(rawValue: raw) else {
                throw HearthError.invalid(
                    "status", "status is open, under_review, planned, started, done or declined.")
            }
            item = try await feedback.changeStatus(context.identity, id, to: status, note: input.note ?? "")
        }
        guard let item else {
            throw HearthError.invalid("status", "Send a status (with a note), mergeInto, or tags.")
        }
        return APIModel.FeedbackItem(item)
    }

    @Sendable func vote(_ request: Request, context: Context) async throws -> APIModel.FeedbackItem {
        APIModel.FeedbackItem(try await feedback.vote(context.identity, FeedbackItemID(try ForumPages.id(context))))
    }

    @Sendable func unvote(_ request: Request, context: Context) async throws -> APIModel.FeedbackItem {
        APIModel.FeedbackItem(try await feedback.unvote(context.identity, FeedbackItemID(try ForumPages.id(context))))
    }

    @Sendable func follow(_ request: Request, context: Context) async throws -> Response {
        try await feedback.follow(context.identity, FeedbackItemID(try ForumPages.id(context)), true)
        return Response(status: .noContent)
    }

    @Sendable func unfollow(_ request: Request, context: Context) async throws -> Response {
        try await feedback.follow(context.identity, FeedbackItemID(try ForumPages.id(context)), false)
        return Response(status: .noContent)
    }

    @Sendable func comment(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let input = try await request.json(
            APIModel.FeedbackCommentInput.self, context: context, shape: #"{"body": "…"}"#)
        try await feedback.comment(context.identity, FeedbackItemID(try ForumPages.id(context)), input.body)
        return Response(status: .noContent)
    }

    @Sendable func split(_ request: Request, context: Context) async throws -> EditedResponse<APIModel.FeedbackItem> {
        var request = request
        let input = try await request.json(APIModel.FeedbackPostInput.self, context: context, shape: #"{"postId": 12}"#)
        let item = try await feedback.split(
            context.identity, FeedbackItemID(try ForumPages.id(context)), post: PostID(input.postId))
        return EditedResponse(status: .created, response: APIModel.FeedbackItem(item))
    }

    // MARK: Staff's candidates

    /// Posts the engine proposes, newest first; `cursor` is the last post id of the previous page.
    @Sendable func candidates(_ request: Request, context: Context) async throws
        -> APIModel.Page<APIModel.FeedbackCandidate>
    {
        let parameters = request.uri.queryParameters
        let limit = try APIController.limit(parameters.get("limit"), default: 30)
        let before = try APIController.numericCursor(request, atLeast: 1).map { PostID(Int64($0)) }
        let found = try await feedback.candidates(context.identity, before: before, limit: limit)
        return APIModel.Page(
            items: found.map(APIModel.FeedbackCandidate.init),
            nextCursor: found.count == limit ? found.last.map { String($0.postID.rawValue) } : nil)
    }

    @Sendable func decline(_ request: Request, context: Context) async throws -> Response {
        try await feedback.decline(context.identity, post: PostID(try ForumPages.id(context)))
        return Response(status: .noContent)
    }

    // MARK: Colleagues

    /// Every item not merged away: `format=csv` (the default) or `format=json`.
    @Sendable func export(_ request: Request, context: Context) async throws -> Response {
        let format = request.uri.queryParameters.get("format") ?? "csv"
        guard format == "csv" || format == "json" else {
            throw HearthError.invalid("format", "format is csv or json.")
        }
        let items = try await feedback.export(context.identity)
        if format == "json" {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(items.map(APIModel.FeedbackItem.init))
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"feedback.csv\"",
            ],
            body: .init(byteBuffer: ByteBuffer(string: FeedbackCSV.write(items, publicURL: publicURL))))
    }

    // MARK: Webhooks

    @Sendable func webhooks(_ request: Request, context: Context) async throws
        -> APIModel.Page<APIModel.WebhookEndpoint>
    {
        let endpoints = try await feedback.endpoints(context.identity)
        return APIModel.Page(items: endpoints.map { .init($0, showingSecret: false) }, nextCursor: nil)
    }

    @Sendable func addWebhook(_ request: Request, context: Context) async throws
        -> EditedResponse<APIModel.WebhookEndpoint>
    {
        var request = request
        let input = try await request.json(
            APIModel.NewWebhook.self, context: context,
            shape:
                #"{"url": "https://…", "events": ["feedback.created", "feedback.status_changed", "feedback.merged", "announcement.published"]}"#
        )
        let events = try (input.events ?? []).map { raw in
            guard let event = WebhookEvent(rawValue: raw) else {
                throw HearthError.invalid(
                    "events",
                    "events are feedback.created, feedback.status_changed, feedback.merged and announcement.published.")
            }
            return event
        }
        let endpoint = try await feedback.addEndpoint(context.identity, url: input.url, events: events)
        return EditedResponse(status: .created, response: APIModel.WebhookEndpoint(endpoint, showingSecret: true))
    }

    @Sendable func removeWebhook(_ request: Request, context: Context) async throws -> Response {
        try await feedback.removeEndpoint(context.identity, WebhookEndpointID(try ForumPages.id(context)))
        return Response(status: .noContent)
    }

    @Sendable func deliveries(_ request: Request, context: Context) async throws
        -> APIModel.Page<APIModel.WebhookDelivery>
    {
        let limit = try APIController.limit(request.uri.queryParameters.get("limit"), default: 50)
        let found = try await feedback.deliveries(context.identity, limit: limit)
        return APIModel.Page(items: found.map(APIModel.WebhookDelivery.init), nextCursor: nil)
    }

    @Sendable func resend(_ request: Request, context: Context) async throws -> Response {
        try await feedback.resend(context.identity, WebhookDeliveryID(try ForumPages.id(context)))
        return Response(status: .accepted)
    }
}

/// The board as CSV for a spreadsheet or a tracker's import (RFC 4180: every field quoted, quotes doubled).
enum FeedbackCSV {
    static func write(_ items: [FeedbackItem], publicURL: String) -> String {
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        var lines = ["id,title,kind,status,votes,posts,tags,language,created_at,updated_at,note,url"]
        for item in items {
            let fields = [
                String(item.id.rawValue), item.title, item.kind.rawValue, item.status.rawValue, String(item.votes),
                String(item.postIDs.count), item.tags.joined(separator: ";"), item.language,
                item.createdAt.formatted(.iso8601), item.updatedAt.formatted(.iso8601), item.statusNote,
                "\(base)/feedback/\(item.id.rawValue)",
            ]
            lines.append(fields.map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A field quoted; one starting with =, +, - or @ gets a leading apostrophe, so a spreadsheet does not run it.
    static func field(_ value: String) -> String {
        let safe = value.first.map { "=+-@".contains($0) } == true ? "'" + value : value
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
