import Foundation
import HTTPTypes
import HearthCore
import Hummingbird

/// The outside sources over JSON (staff), and the address a webhook source is posted to (signed, no login).
struct SourcesAPI: Sendable {
    typealias Context = HearthRequestContext
    let services: WebServices
    let publicURL: String

    static let shape =
        #"{"kind": "feed|discourse|mastodon|imap|webhook|hearth", "name": "…", "url": "https://…", "keywords": ["…"], "intervalSeconds": 900, "credentials": {"token": "…"}}"#

    /// What a webhook source may receive at once.
    static let hookLimit = 1_000_000

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("/sources", use: list)
        group.post("/sources", use: add)
        group.get("/sources/:id", use: source)
        group.patch("/sources/:id", use: update)
        group.delete("/sources/:id", use: remove)
        group.post("/sources/:id/poll", use: poll)
        group.post("/sources/:id/hook", use: hook)
        group.post("/inbox/:id/answer", use: answer)
        group.post("/inbox/:id/boost", use: boost)
    }

    static func hookURL(_ id: SourceID, publicURL: String) -> String {
        "\(publicURL.withoutTrailingSlash)/api/v1/sources/\(id.rawValue)/hook"
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> APIModel.Page<APIModel.Source> {
        let sources = try await services.sources.list(context.identity)
        return APIModel.Page(items: sources.map { .init($0, publicURL: publicURL) }, nextCursor: nil)
    }

    @Sendable func source(_ request: Request, context: Context) async throws -> APIModel.Source {
        .init(
            try await services.sources.source(context.identity, SourceID(try ForumPages.id(context))),
            publicURL: publicURL)
    }

    @Sendable func add(_ request: Request, context: Context) async throws -> EditedResponse<APIModel.Source> {
        var request = request
        let input = try await request.json(APIModel.SourceInput.self, context: context, shape: Self.shape)
        let (source, secret) = try await services.sources.add(context.identity, try input.core())
        return EditedResponse(status: .created, response: .init(source, publicURL: publicURL, secret: secret))
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> APIModel.Source {
        var request = request
        let id = SourceID(try ForumPages.id(context))
        let input = try await request.json(APIModel.SourceInput.self, context: context, shape: Self.shape)
        return .init(try await services.sources.update(context.identity, id, try input.core()), publicURL: publicURL)
    }

    @Sendable func remove(_ request: Request, context: Context) async throws -> Response {
        try await services.sources.remove(context.identity, SourceID(try ForumPages.id(context)))
        return Response(status: .noContent)
    }

    @Sendable func poll(_ request: Request, context: Context) async throws -> Response {
        try await services.sources.pollNow(context.identity, SourceID(try ForumPages.id(context)))
        return Response(status: .accepted)
    }

    /// A signed post from outside: 202 when taken, 401 (and nothing stored) when the signature is wrong.
    @Sendable func hook(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = SourceID(try ForumPages.id(context))
        let buffer = try await request.collectBody(upTo: Self.hookLimit)
        let headers = request.headers
        func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }
        try await services.sources.hook(
            id, messageID: header("webhook-id"), timestamp: header("webhook-timestamp"),
            signature: header("webhook-signature"), body: Array(buffer.readableBytesView))
        return Response(status: .accepted)
    }

    /// Answers an inbox item: an outside item through its source (queued, sent once), a post in its thread.
    @Sendable func answer(_ request: Request, context: Context) async throws -> EditedResponse<APIModel.Answered> {
        var request = request
        let id = InboxItemID(try ForumPages.id(context))
        let input = try await request.json(APIModel.AnswerInput.self, context: context, shape: #"{"body": "…"}"#)
        switch try await services.inbox.answer(context.identity, id, body: input.body, quoting: false) {
        case .queued: return EditedResponse(status: .accepted, response: .init(state: "queued", postId: nil))
        case .posted(let post, _):
            return EditedResponse(status: .created, response: .init(state: "posted", postId: post.id.rawValue))
        }
    }

    /// Boosts a Mastodon item from the brand's account: queued, sent once.
    @Sendable func boost(_ request: Request, context: Context) async throws -> Response {
        try await services.inbox.boost(context.identity, InboxItemID(try ForumPages.id(context)))
        return Response(status: .accepted)
    }
}
