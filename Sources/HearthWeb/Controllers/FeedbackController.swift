import Foundation
import HearthCore
import HearthViews
import Hummingbird

/// The feedback board in the browser: the public board (`/feedback`) and each item's page, where members vote and
/// follow; staff's candidates, decisions and status changes; colleagues' internal comments; the webhooks page
/// (`/admin/webhooks`). Every action is a plain form. The API's twin is `FeedbackAPI`.
struct FeedbackController: Sendable {
    typealias Context = HearthRequestContext
    let shared: ForumPages
    var services: WebServices { shared.services }
    var pages: PageRenderer { shared.pages }
    var feedback: FeedbackService { services.feedback }

    func addRoutes(to router: Router<Context>) {
        router.get("/feedback", use: board)
        router.post("/feedback/new", use: write)
        router.post("/feedback/template", use: template)
        router.get("/feedback/candidates", use: candidates)
        router.post("/feedback/candidates/:id", use: decide)
        router.get("/feedback/:id", use: item)
        router.post("/feedback/:id/vote", use: vote)
        router.post("/feedback/:id/follow", use: follow)
        router.post("/feedback/:id/status", use: status)
        router.post("/feedback/:id/tags", use: tags)
        router.post("/feedback/:id/merge", use: merge)
        router.post("/feedback/:id/split", use: split)
        router.post("/feedback/:id/comments", use: comment)
        router.post("/p/:id/feedback", use: markPost)
        router.get("/admin/webhooks", use: webhooks)
        router.post("/admin/webhooks", use: addWebhook)
        router.post("/admin/webhooks/:id/delete", use: removeWebhook)
        router.post("/admin/webhooks/deliveries/:id/resend", use: resend)
    }

    // MARK: The board

    @Sendable func board(_ request: Request, context: Context) async throws -> Response {
        let query = try FeedbackAPI.query(request)
        let page = try await feedback.items(context.identity, query)
        let manages = feedback.may(context.identity, .manageFeedback)
        let waiting = manages ? try await feedback.candidateCount(context.identity) : nil
        let view = FeedbackBoardPage(
            page: try await shared.frame(
                pages.text("feedback_heading", context), context, notice: done(request, context)),
            items: page.items, query: query, next: page.next, tags: try await feedback.tags(), manages: manages,
            candidateCount: waiting, seesInternals: feedback.may(context.identity, .seeFeedbackInternals),
            canManageWebhooks: feedback.may(context.identity, .manageWebhooks),
            noticeTemplate: services.policy.decide(context.identity, .editGuidelines, at: services.now()).isAllowed
                ? try await services.texts.text(.feedbackNotice, language: context.language) : nil,
            localization: pages.renderer.localization, language: context.language)
        return pages.html(view, template: FeedbackBoardPage.template)
    }

    /// The notice carried back to the threads, in one language.
    @Sendable func template(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        let language = Language(rawValue: form.text("language")) ?? context.language
        try await services.texts.setText(context.identity, .feedbackNotice, language: language, body: form.text("body"))
        return SessionCookies.redirect(to: "/feedback?done=saved")
    }

    /// The notice after an action, from the `done` query parameter.
    private func done(_ request: Request, _ context: Context) -> String? {
        guard let done = request.uri.queryParameters.get("done"),
            ["accepted", "declined", "status", "saved", "merged"].contains(done)
        else { return nil }
        return pages.text("feedback_done_\(done)", context)
    }

    @Sendable func item(_ request: Request, context: Context) async throws -> Response {
        try await itemPage(
            FeedbackItemID(try ForumPages.id(context)), notice: done(request, context), context: context)
    }

    private func itemPage(
        _ id: FeedbackItemID, errors: [String] = [], notice: String? = nil, status: HTTPResponse.Status = .ok,
        context: Context
    ) async throws -> Response {
        let detail = try await feedback.detail(context.identity, id)
        let manages = feedback.may(context.identity, .manageFeedback)
        let view = FeedbackItemPage(
            page: try await shared.frame(detail.item.title, context, errors: errors, notice: notice),
            detail: detail,
            similar: manages && detail.item.mergedInto == nil
                ? try await feedback.similar(context.identity, to: id) : [],
            loggedIn: context.identity != nil, manages: manages,
            seesInternals: feedback.may(context.identity, .seeFeedbackInternals),
            canComment: feedback.may(context.identity, .commentFeedback), localization: pages.renderer.localization,
            language: context.language)
        return pages.html(view, template: FeedbackItemPage.template, status: status)
    }

    /// Runs an action on an item, then goes back to its page; a refusal the person can mend (a second vote, a
    /// merge into itself, a note too long) shows on the page, with nothing changed.
    private func acting(
        on id: FeedbackItemID, done: String = "saved", context: Context, _ work: () async throws -> FeedbackItemID?
    ) async throws -> Response {
        let target: FeedbackItemID?
        do {
            target = try await work()
        } catch let error as HearthError {
            switch error {
            case .conflict(let message):
                return try await itemPage(id, errors: [message], status: .conflict, context: context)
            case .validation(let fields):
                return try await itemPage(
                    id, errors: fields.map(\.message), status: .unprocessableContent, context: context)
            default:
                throw error
            }
        }
        return SessionCookies.redirect(to: "/feedback/\((target ?? id).rawValue)?done=\(done)")
    }

    @Sendable func vote(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = FeedbackItemID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        return try await acting(on: id, context: context) {
            if form.text("vote") == "0" {
                _ = try await feedback.unvote(context.identity, id)
            } else {
                _ = try await feedback.vote(context.identity, id)
            }
            return nil
        }
    }

    @Sendable func follow(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = FeedbackItemID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        return try await acting(on: id, context: context) {
            try await feedback.follow(context.identity, id, form.text("follow") != "0")
            return nil
        }
    }

    @Sendable func status(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = FeedbackItemID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        guard let status = FeedbackItem.Status(rawValue: form.text("status")) else {
            throw HearthError.invalid("status", "Choose a status.")
        }
        return try await acting(on: id, done: "status", context: context) {
            _ = try await feedback.changeStatus(context.identity, id, to: status, note: form.text("note"))
            return nil
        }
    }

    @Sendable func tags(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = FeedbackItemID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        return try await acting(on: id, context: context) {
            let tags = form.text("tags").split(separator: ",").map(String.init)
            _ = try await feedback.setTags(context.identity, id, tags)
            return nil
        }
    }

    @Sendable func merge(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = FeedbackItemID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        return try await acting(on: id, done: "merged", context: context) {
            let typed = form.text("into").trimmingCharacters(in: .whitespaces)
            guard let into = Int64(typed.hasPrefix("#") ? String(typed.dropFirst()) : typed), into > 0 else {
                throw HearthError.invalid("mergeInto", "Give the number of the item to merge into.")
            }
            do {
                return try await feedback.merge(context.identity, id, into: FeedbackItemID(into)).id
            } catch HearthError.notFound(let message) {
                // The number typed names no item: said on this item's page, by its form. (Were this item itself
                // gone, its page could not be shown either, and says so.)
                throw HearthError.invalid("mergeInto", message)
            }
        }
    }

    @Sendable func split(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = FeedbackItemID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        return try await acting(on: id, context: context) {
            guard let post = Int64(form.text("postId")) else {
                throw HearthError.invalid("postId", "Choose a post to split.")
            }
            return try await feedback.split(context.identity, id, post: PostID(post)).id
        }
    }

    @Sendable func comment(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = FeedbackItemID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        return try await acting(on: id, context: context) {
            try await feedback.comment(context.identity, id, form.text("body"))
            return nil
        }
    }

    @Sendable func write(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        let kind = FeedbackItem.Kind(rawValue: form.text("kind")) ?? .suggestion
        let item = try await feedback.write(
            context.identity, title: form.text("title"), body: form.text("body"), kind: kind,
            language: context.language)
        return SessionCookies.redirect(to: "/feedback/\(item.id.rawValue)?done=saved")
    }

    /// Staff's "add to the feedback board" on any post of a thread.
    @Sendable func markPost(_ request: Request, context: Context) async throws -> Response {
        var request = request
        _ = try await request.form(context: context)
        let post = PostID(try ForumPages.id(context))
        do {
            let item = try await feedback.accept(context.identity, post: post)
            return SessionCookies.redirect(to: "/feedback/\(item.id.rawValue)?done=accepted")
        } catch HearthError.conflict {
            // Already on the board (from another tab, or long ago): its item is where the manager wanted to go.
            guard let item = try await feedback.item(linking: post, for: context.identity) else {
                throw HearthError.conflict("This post is already on the board.")
            }
            return SessionCookies.redirect(to: "/feedback/\(item.rawValue)?done=accepted")
        }
    }

    // MARK: Candidates

    @Sendable func candidates(_ request: Request, context: Context) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login?next=/feedback/candidates") }
        let before = try APIController.numericCursor(request, atLeast: 1).map { PostID(Int64($0)) }
        let found = try await feedback.candidates(context.identity, before: before, limit: 30)
        var notice = done(request, context)
        let query = request.uri.queryParameters
        if let done = query.get("done"), ["joined", "started"].contains(done),
            let id = query.get("item").flatMap(Int64.init),
            let item = try? await feedback.detail(context.identity, FeedbackItemID(id)).item
        {
            notice = pages.text(
                "feedback_done_\(done)", context, ["id": "\(item.id.rawValue)", "title": item.title])
        }
        let view = FeedbackCandidatesPage(
            page: try await shared.frame(pages.text("feedback_candidates", context), context, notice: notice),
            candidates: found, more: found.count == 30, localization: pages.renderer.localization,
            language: context.language)
        return pages.html(view, template: FeedbackCandidatesPage.template)
    }

    @Sendable func decide(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let post = PostID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        if form.text("decision") == "no" {
            try await feedback.decline(context.identity, post: post)
            return SessionCookies.redirect(to: "/feedback/candidates?done=declined")
        }
        do {
            let (item, started) = try await feedback.placing(context.identity, post: post)
            let done = started ? "started" : "joined"
            return SessionCookies.redirect(to: "/feedback/candidates?done=\(done)&item=\(item.id.rawValue)")
        } catch HearthError.conflict {
            // Put on the board meanwhile, by another tab or another member of staff: it is there, as asked.
        }
        return SessionCookies.redirect(to: "/feedback/candidates?done=accepted")
    }

    // MARK: Webhooks

    @Sendable func webhooks(_ request: Request, context: Context) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login?next=/admin/webhooks") }
        return try await webhooksPage(context: context)
    }

    private func webhooksPage(
        secret: String? = nil, errors: [String] = [], draftURL: String = "", status: HTTPResponse.Status = .ok,
        context: Context
    ) async throws -> Response {
        let view = WebhooksPage(
            page: try await shared.frame(pages.text("webhooks_heading", context), context, errors: errors),
            endpoints: try await feedback.endpoints(context.identity),
            deliveries: try await feedback.deliveries(context.identity), newSecret: secret, language: context.language,
            draftURL: draftURL)
        return pages.html(view, template: WebhooksPage.template, status: status)
    }

    @Sendable func addWebhook(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        do {
            let endpoint = try await feedback.addEndpoint(context.identity, url: form.text("url"), events: [])
            return try await webhooksPage(secret: endpoint.secret, status: .created, context: context)
        } catch {
            guard let errors = PageRenderer.formErrors(error) else { throw error }
            return try await webhooksPage(
                errors: errors, draftURL: form.text("url"), status: .unprocessableContent, context: context)
        }
    }

    @Sendable func removeWebhook(_ request: Request, context: Context) async throws -> Response {
        var request = request
        _ = try await request.form(context: context)
        try await feedback.removeEndpoint(context.identity, WebhookEndpointID(try ForumPages.id(context)))
        return SessionCookies.redirect(to: "/admin/webhooks")
    }

    @Sendable func resend(_ request: Request, context: Context) async throws -> Response {
        var request = request
        _ = try await request.form(context: context)
        try await feedback.resend(context.identity, WebhookDeliveryID(try ForumPages.id(context)))
        return SessionCookies.redirect(to: "/admin/webhooks")
    }
}
