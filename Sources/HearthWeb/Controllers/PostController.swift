import HearthCore
import HearthViews
import Hummingbird

/// What can be done to one post from the browser: edit, see its history, delete, restore, react.
struct PostController: Sendable {
    typealias Context = HearthRequestContext
    let shared: ForumPages

    var forum: ForumService { shared.forum }
    var pages: PageRenderer { shared.pages }

    func addRoutes(to router: Router<Context>) {
        router.get("/p/:id", use: show)
        router.get("/p/:id/edit", use: editForm)
        router.post("/p/:id/edit", use: edit)
        router.get("/p/:id/history", use: history)
        router.post("/p/:id/delete", use: delete)
        router.post("/p/:id/restore", use: restore)
        router.post("/p/:id/react", use: react)
        router.post("/p/:id/flag", use: flag)
        router.post("/p/:id/moderation", use: moderate)
    }

    /// A post by its id (the moderation log links its acts so): its place in its thread, for those who may see it.
    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let post = try await forum.post(context.identity, id: PostID(try ForumPages.id(context)))
        return SessionCookies.redirect(to: Self.location(of: post))
    }

    /// A member's flag: the reason and message fields carry the post's id, since every post's flag form shares
    /// the page's one form.
    @Sendable func flag(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = PostID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        let field = { (name: String) in form["\(name)-\(id.rawValue)"] ?? form.text(name) }
        guard let reason = FlagReason(rawValue: field("reason")) else {
            throw HearthError.invalid("reason", "Choose why this post needs a moderator.")
        }
        try await shared.services.moderation.flag(context.identity, post: id, reason: reason, message: field("message"))
        let post = try await forum.post(context.identity, id: id)
        return SessionCookies.redirect(
            to: "/t/\(post.topicID.rawValue)?post=\(post.number)&done=flagged#p\(post.number)")
    }

    /// A moderator hides, shows again or approves a post from the topic page.
    @Sendable func moderate(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = PostID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        guard let action = PostModerationAction(rawValue: form.text("action")) else {
            throw HearthError.invalid("action", "Choose hide, show again or approve.")
        }
        let post = try await shared.services.moderation.moderate(
            context.identity, post: id, action: action, reason: form.text("reason"))
        return SessionCookies.redirect(
            to: "/t/\(post.topicID.rawValue)?post=\(post.number)&done=\(action.rawValue)#p\(post.number)")
    }

    @Sendable func editForm(_ request: Request, context: Context) async throws -> Response {
        let post = try await forum.editablePost(context.identity, id: PostID(try ForumPages.id(context)))
        return try await editPage(post, body: post.body, errors: [], context: context)
    }

    @Sendable func edit(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = PostID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        do {
            let post = try await forum.edit(
                context.identity, post: id, body: form.text("body"), basedOn: Int(form.text("basedOn")))
            return SessionCookies.redirect(to: Self.location(of: post))
        } catch HearthError.validation(let fields) {
            let post = try await forum.post(context.identity, id: id)
            return try await editPage(
                post, body: form.text("body"), errors: fields.map(\.message), status: .unprocessableContent,
                context: context)
        } catch let error as HearthError where error == ForumService.editedSince {
            // Edited by someone else since this form was opened: their text is shown, this one kept in the form.
            let post = try await forum.post(context.identity, id: id)
            return try await editPage(
                post, body: form.text("body"), errors: [ForumService.editedSince.userMessage], showsCurrent: true,
                status: .conflict, context: context)
        }
    }

    @Sendable func history(_ request: Request, context: Context) async throws -> Response {
        let id = PostID(try ForumPages.id(context))
        let revisions = try await forum.revisions(context.identity, post: id)
        let post = try await forum.post(context.identity, id: id)
        let page = PostHistoryPage(
            page: try await shared.frame(pages.text("history_heading", context), context), post: post,
            revisions: revisions, language: context.language, backURL: Self.location(of: post))
        return pages.html(page, template: PostHistoryPage.template)
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = PostID(try ForumPages.id(context))
        let post = try await forum.post(context.identity, id: id)
        try await forum.delete(context.identity, post: id)
        return SessionCookies.redirect(to: post.number == 1 ? "/" : Self.location(of: post))
    }

    @Sendable func restore(_ request: Request, context: Context) async throws -> Response {
        let id = PostID(try ForumPages.id(context))
        try await forum.restore(context.identity, post: id)
        return SessionCookies.redirect(to: Self.location(of: try await forum.post(context.identity, id: id)))
    }

    @Sendable func react(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = PostID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        guard let kind = ReactionKind(rawValue: form.text("kind")) else {
            throw HearthError.invalid("kind", "Choose one of the reactions offered.")
        }
        try await forum.react(context.identity, to: id, with: kind)
        return SessionCookies.redirect(to: Self.location(of: try await forum.post(context.identity, id: id)))
    }

    private func editPage(
        _ post: Post, body: String, errors: [String], showsCurrent: Bool = false, status: HTTPResponse.Status = .ok,
        context: Context
    ) async throws -> Response {
        let othersPost = post.author.id != context.identity?.member.id
        let page = EditPostPage(
            page: try await shared.frame(
                pages.text(othersPost ? "edit_headingOthers" : "edit_heading", context), context, errors: errors),
            post: post, body: body, cancelURL: Self.location(of: post), othersPost: othersPost,
            showsCurrent: showsCurrent)
        return pages.html(page, template: EditPostPage.template, status: status)
    }

    /// The address of a post within its topic.
    static func location(of post: Post) -> String {
        "/t/\(post.topicID.rawValue)?post=\(post.number)#p\(post.number)"
    }
}
