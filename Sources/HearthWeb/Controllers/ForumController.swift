import HearthCore
import HearthViews
import Hummingbird

/// The forum in the browser: the home page, topic lists, topics, replies and new topics.
struct ForumController: Sendable {
    typealias Context = HearthRequestContext
    let shared: ForumPages
    let cache = AnonymousPageCache()

    var forum: ForumService { shared.forum }
    var pages: PageRenderer { shared.pages }

    func addRoutes(to router: Router<Context>) {
        router.get("/", use: home)
        router.get("/latest", use: latest)
        router.get("/c/:slug", use: category)
        router.get("/t/:id", use: topic)
        router.get("/t/:id/:slug", use: topic)
        router.post("/t/:id/replies", use: reply)
        router.post("/t/:id/state", use: changeState)
        router.post("/t/:id/slow-mode", use: slowMode)
        router.post("/t/:id/timer", use: timer)
        router.post("/t/:id/remind", use: remindRules)
        router.get("/new-topic", use: newTopicForm)
        router.post("/new-topic", use: startTopic)
    }

    // MARK: Lists

    @Sendable func home(_ request: Request, context: Context) async throws -> Response {
        let categories = try await forum.categories(readableBy: context.identity)
        var announcements: [TopicListItem] = []
        for category in categories where category.kind == .announcements {
            let list = try await forum.topicList(context.identity, category: category.id, limit: 5)
            announcements += try await shared.listItems(list, context)
        }
        let latest = try await forum.topicList(context.identity, limit: 20)
        let now = shared.services.now()
        let articles = try await shared.services.blog.list(context.identity).articles.prefix(3).map {
            ArticleItem.make($0, localization: pages.renderer.localization, language: context.language, now: now)
        }
        let page = HomePage(
            page: try await shared.frame(pages.text("nav_home", context), context), announcements: announcements,
            latest: try await shared.listItems(latest, context), categories: categories.map(CategoryItem.init),
            articles: Array(articles),
            moreURL: latest.next.map { "/latest?after=\($0.token)" })
        return pages.html(page, template: HomePage.template)
    }

    @Sendable func latest(_ request: Request, context: Context) async throws -> Response {
        let cursor = try ForumPages.cursor(request)
        let key = "latest/\(cursor?.token ?? "")/\(context.language.rawValue)"
        let version = forum.changes.listsVersion
        if let cached = cachedForVisitor(key, version: version, context) { return cached }
        let list = try await forum.topicList(context.identity, after: cursor)
        let heading = pages.text("home_latest", context)
        let page = TopicListPage(
            page: try await shared.frame(heading, context), heading: heading, description: nil,
            topics: try await shared.listItems(list, context), nextURL: list.next.map { "/latest?after=\($0.token)" },
            newTopicURL: context.identity == nil ? nil : "/new-topic", staffOnlyNote: false)
        return render(page, template: TopicListPage.template, cachedAs: key, version: version, context)
    }

    @Sendable func category(_ request: Request, context: Context) async throws -> Response {
        let slug = context.parameters.get("slug") ?? ""
        let cursor = try ForumPages.cursor(request)
        let key = "c/\(slug)/\(cursor?.token ?? "")/\(context.language.rawValue)"
        let version = forum.changes.listsVersion
        if let cached = cachedForVisitor(key, version: version, context) { return cached }
        let category = try await forum.category(slug: slug)
        let list = try await forum.topicList(context.identity, category: category.id, after: cursor)
        let staffOnly = category.startPolicy == .staff
        let canStart =
            context.identity != nil
            && (!staffOnly
                || shared.services.policy.decide(
                    context.identity, .startStaffTopic, on: .category(category.id.rawValue), at: shared.services.now()
                ).isAllowed)
        let page = TopicListPage(
            page: try await shared.frame(category.name, context), heading: category.name,
            description: category.description.isEmpty ? nil : category.description,
            topics: try await shared.listItems(list, context),
            nextURL: list.next.map { Paths.category(category) + "?after=\($0.token)" },
            newTopicURL: canStart ? "/new-topic?category=\(category.slug)" : nil, staffOnlyNote: staffOnly && !canStart)
        return render(page, template: TopicListPage.template, cachedAs: key, version: version, context)
    }

    /// A visitor's (not logged in) copy of a page, when one of this version is held: such pages are the same for
    /// every visitor in a language. Members' pages carry their name, token and unread marks, and are never cached.
    private func cachedForVisitor(_ key: String, version: UInt64, _ context: Context) -> Response? {
        guard context.identity == nil, let body = cache.page(key, version: version) else { return nil }
        return Self.htmlResponse(body)
    }

    /// The page, kept for the next visitors when the viewer is one.
    private func render(_ view: Any, template: String, cachedAs key: String, version: UInt64, _ context: Context)
        -> Response
    {
        guard context.identity == nil, let html = try? pages.renderer.render(view, template: template) else {
            return pages.html(view, template: template)
        }
        let body = ByteBuffer(string: html)
        cache.store(body, for: key, version: version)
        return Self.htmlResponse(body)
    }

    private static func htmlResponse(_ body: ByteBuffer) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: body))
    }

    // MARK: Topics

    @Sendable func topic(_ request: Request, context: Context) async throws -> Response {
        let id = TopicID(try ForumPages.id(context))
        let query = request.uri.queryParameters
        var pageNumber = query.get("page").flatMap { Int($0) } ?? 1
        if let post = query.get("post").flatMap({ Int($0) }), post > 0 {
            pageNumber = (post - 1) / ForumService.postsPerPage + 1
        }
        let quoteID = query.get("quote").flatMap { Int64($0) }.map(PostID.init(rawValue:))
        guard context.identity == nil, quoteID == nil else {
            // A flag or a moderator's act sent from this page comes back here: say what was done, at the post.
            let done = query.get("done").flatMap { done in
                ["flagged", "hide", "unhide", "approve"].contains(done)
                    ? pages.text("topic_done_\(done)", context) : nil
            }
            let flash = done.flatMap { text in query.get("post").flatMap { Int($0) }.map { (number: $0, text: text) } }
            return try await topicResponse(
                id, page: pageNumber, quoting: quoteID, notice: flash == nil ? done : nil, flash: flash,
                context: context)
        }
        let key = "t/\(id.rawValue)/\(pageNumber)/\(context.language.rawValue)"
        let version = forum.changes.version(of: id)
        if let cached = cachedForVisitor(key, version: version, context) { return cached }
        switch try await topicOutcome(id, page: pageNumber, quoting: nil, context: context) {
        case .redirect(let location):
            return SessionCookies.redirect(to: location)
        case .page(let view):
            return render(view, template: TopicPageView.template, cachedAs: key, version: version, context)
        }
    }

    private enum TopicOutcome {
        case page(TopicPageView)
        /// A topic holding an article's comments is read on the article.
        case redirect(String)
    }

    private func topicResponse(
        _ id: TopicID, page number: Int, quoting quoteID: PostID?, draft: String = "", errors: [String] = [],
        notice: String? = nil, flash: (number: Int, text: String)? = nil, timerDraft: TopicTimerForm.Draft? = nil,
        status: HTTPResponse.Status = .ok,
        context: Context
    ) async throws -> Response {
        switch try await topicOutcome(
            id, page: number, quoting: quoteID, draft: draft, errors: errors, notice: notice, flash: flash,
            timerDraft: timerDraft,
            context: context)
        {
        case .redirect(let location): SessionCookies.redirect(to: location)
        case .page(let view): pages.html(view, template: TopicPageView.template, status: status)
        }
    }

    private func topicOutcome(
        _ id: TopicID, page number: Int, quoting quoteID: PostID?, draft: String = "", errors: [String] = [],
        notice: String? = nil, flash: (number: Int, text: String)? = nil, timerDraft: TopicTimerForm.Draft? = nil,
        context: Context
    ) async throws -> TopicOutcome {
        let topicPage = try await forum.topicPage(context.identity, topic: id, page: number)
        if topicPage.category.kind == .comments, let article = try await shared.services.blog.article(forTopic: id) {
            return .redirect("/blog/\(article.slug)?page=\(topicPage.page)")
        }
        var quoted: QuotedPost?
        if let quoteID { quoted = try await forum.quote(context.identity, of: quoteID) }
        var view = TopicPageView.make(
            topicPage, chrome: try await shared.frame(topicPage.topic.title, context, errors: errors, notice: notice),
            localization: pages.renderer.localization, language: context.language, quoting: quoted, draft: draft,
            timerDraft: timerDraft)
        if let flash, let index = view.posts.firstIndex(where: { $0.number == flash.number }) {
            view.posts[index].flash = flash.text
        }
        if topicPage.powers.moderates, let heat = try await shared.services.moderation.heat(context.identity, of: id) {
            view.heated = true
            view.heatReasons = heat.reasons
        }
        return .page(view)
    }

    @Sendable func reply(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = TopicID(try ForumPages.id(context))
        let form = try await shared.postForm(&request, context)
        let quoteID = Int64(form.text("quote")).map(PostID.init(rawValue:))
        do {
            let post = try await forum.reply(context.identity, to: id, body: form.text("body"), quoting: quoteID)
            let page = (post.number - 1) / ForumService.postsPerPage + 1
            return SessionCookies.redirect(to: "/t/\(id.rawValue)?page=\(page)#p\(post.number)")
        } catch HearthError.validation(let fields) {
            return try await topicResponse(
                id, page: Int.max, quoting: quoteID, draft: form.text("body"), errors: fields.map(\.message),
                status: .unprocessableContent, context: context)
        } catch HearthError.forbidden(let message) {
            // A topic closed meanwhile, a silence: said above the form, the reply kept in it.
            return try await topicResponse(
                id, page: Int.max, quoting: quoteID, draft: form.text("body"), errors: [message], status: .forbidden,
                context: context)
        } catch HearthError.rateLimited(let message, let seconds) {
            // Slow mode: the reply waits in the form, nothing lost.
            var response = try await topicResponse(
                id, page: Int.max, quoting: quoteID, draft: form.text("body"),
                errors: [pages.renderer.localization.message(message, context.language)], status: .tooManyRequests,
                context: context)
            response.headers[.retryAfter] = String(seconds)
            return response
        }
    }

    /// Starts slow mode (`seconds` between one member's replies, for `hours`), or ends it (`seconds` 0).
    @Sendable func slowMode(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = TopicID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        let seconds = Int(form.text("seconds")) ?? -1
        if seconds == 0 {
            try await shared.services.calm.endSlowMode(context.identity, topic: id)
        } else {
            let hours = Double(form.text("hours")) ?? 0
            try await shared.services.calm.setSlowMode(
                context.identity, topic: id, seconds: seconds,
                until: shared.services.now().addingTimeInterval(hours * 3_600))
        }
        return SessionCookies.redirect(to: "/t/\(id.rawValue)")
    }

    /// Sets the topic's timer (`action` close_for with `hours`, open_at with `at` in UTC, close_after_quiet with
    /// `days`) or cancels it (`action` cancel). A refused value comes back on the topic page with its message and
    /// the form as it was sent.
    @Sendable func timer(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = TopicID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        let draft = TopicTimerForm.Draft(
            action: form.text("action"), hours: form.text("hours"), at: form.text("at"), days: form.text("days"))
        do {
            if draft.action == "cancel" {
                try await shared.services.timers.cancel(context.identity, topic: id)
            } else {
                try await shared.services.timers.set(context.identity, topic: id, try Self.timerSetting(draft))
            }
        } catch HearthError.validation(let fields) {
            return try await topicResponse(
                id, page: 1, quoting: nil, errors: fields.map(\.message), timerDraft: draft,
                status: .unprocessableContent, context: context)
        } catch HearthError.conflict(let message) {
            return try await topicResponse(
                id, page: 1, quoting: nil, errors: [message], timerDraft: draft, status: .conflict, context: context)
        }
        return SessionCookies.redirect(to: "/t/\(id.rawValue)")
    }

    /// The timer the form asks for; a number that is not one reads as 0, which the rules refuse with their message.
    static func timerSetting(_ draft: TopicTimerForm.Draft) throws -> TopicTimer.Setting {
        switch TopicTimer.Action(rawValue: draft.action) {
        case .closeFor: return .closeFor(hours: Int(draft.hours.trimmed()) ?? 0)
        case .closeAfterQuiet: return .closeAfterQuiet(days: Int(draft.days.trimmed()) ?? 0)
        case .openAt:
            // `<input type="datetime-local">` sends YYYY-MM-DDTHH:MM (seconds when the browser shows them), in UTC
            // as the page says.
            let text = draft.at.trimmed()
            guard let at = RFC3339.dateTime(text + ":00Z") ?? RFC3339.dateTime(text + "Z") else {
                throw HearthError.invalid("at", "Write the date as YYYY-MM-DDTHH:MM.")
            }
            return .openAt(at)
        case nil:
            throw HearthError.invalid(
                "action",
                "Choose how the timer acts: close for some hours, reopen at a time, or close after quiet days.")
        }
    }

    /// Posts the rules reminder in the reader's language.
    @Sendable func remindRules(_ request: Request, context: Context) async throws -> Response {
        let id = TopicID(try ForumPages.id(context))
        let post = try await shared.services.calm.remindRules(context.identity, topic: id, language: context.language)
        return SessionCookies.redirect(to: PostController.location(of: post))
    }

    @Sendable func changeState(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = TopicID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        switch form.text("action") {
        case "pin": try await forum.setPinned(context.identity, topic: id, true)
        case "unpin": try await forum.setPinned(context.identity, topic: id, false)
        case "close": try await forum.setClosed(context.identity, topic: id, true)
        case "open": try await forum.setClosed(context.identity, topic: id, false)
        default: throw HearthError.invalid("action", "Choose pin, unpin, close or open.")
        }
        return SessionCookies.redirect(to: "/t/\(id.rawValue)")
    }

    // MARK: New topics

    @Sendable func newTopicForm(_ request: Request, context: Context) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login") }
        let slug = request.uri.queryParameters.get("category")
        let categories = try await startableCategories(context)
        let selected = categories.first { $0.slug == slug }?.id
        return try await newTopicPage(categories, selected: selected, title: "", body: "", errors: [], context: context)
    }

    @Sendable func startTopic(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = try await shared.postForm(&request, context)
        let categoryID = CategoryID(Int64(form.text("category")) ?? 0)
        do {
            let (topic, _) = try await forum.startTopic(
                context.identity, in: categoryID, title: form.text("title"), body: form.text("body"))
            return SessionCookies.redirect(to: Paths.topic(topic))
        } catch HearthError.validation(let fields) {
            return try await newTopicPage(
                try await startableCategories(context), selected: categoryID, title: form.text("title"),
                body: form.text("body"), errors: fields.map(\.message), status: .unprocessableContent,
                context: context)
        } catch HearthError.forbidden(let message) {
            // A silenced member, a category closed to them: said above the form, what they wrote kept in it.
            return try await newTopicPage(
                try await startableCategories(context), selected: categoryID, title: form.text("title"),
                body: form.text("body"), errors: [message], status: .forbidden, context: context)
        }
    }

    private func startableCategories(_ context: Context) async throws -> [HearthCore.Category] {
        let policy = shared.services.policy
        let now = shared.services.now()
        return try await forum.categories(readableBy: context.identity).filter {
            $0.startPolicy == .everyone
                || policy.decide(context.identity, .startStaffTopic, on: .category($0.id.rawValue), at: now).isAllowed
        }
    }

    private func newTopicPage(
        _ categories: [HearthCore.Category], selected: CategoryID?, title: String, body: String, errors: [String],
        status: HTTPResponse.Status = .ok, context: Context
    ) async throws -> Response {
        let page = NewTopicPage(
            page: try await shared.frame(pages.text("newTopic_heading", context), context, errors: errors),
            categories: categories, selected: selected, title: title, body: body)
        return pages.html(page, template: NewTopicPage.template, status: status)
    }
}
