import HearthCore
import HearthViews
import Hummingbird

/// RSS and Atom feeds for the latest topics and for each category (the announcements category included).
struct FeedController: Sendable {
    typealias Context = HearthRequestContext
    let forum: ForumService
    let blog: BlogService
    let settings: WebSettings

    func addRoutes(to router: Router<Context>) {
        router.get("/latest.rss") { _, _ in try await latest(atom: false) }
        router.get("/latest.atom") { _, _ in try await latest(atom: true) }
        router.get("/blog.rss") { _, _ in try await articles(atom: false) }
        router.get("/blog.atom") { _, _ in try await articles(atom: true) }
        router.get("/c/:slug/feed.rss") { _, context in try await category(context, atom: false) }
        router.get("/c/:slug/feed.atom") { _, context in try await category(context, atom: true) }
    }

    private func latest(atom: Bool) async throws -> Response {
        let entries = try await forum.feed()
        return respond(
            title: settings.communityName, description: "The latest topics of \(settings.communityName)",
            path: "/latest", selfPath: atom ? "/latest.atom" : "/latest.rss", entries: entries, atom: atom)
    }

    private func articles(atom: Bool) async throws -> Response {
        let (articles, _) = try await blog.list(nil)
        let base = settings.publicURL
        let feed = Feed(
            title: "\(settings.communityName) · Blog", description: "Articles from \(settings.communityName)",
            link: base + "/blog", selfLink: base + (atom ? "/blog.atom" : "/blog.rss"),
            language: settings.defaultLanguage.rawValue,
            entries: articles.map {
                Feed.Entry(
                    title: $0.title, link: base + "/blog/\($0.slug)", published: $0.date,
                    updated: max($0.date, $0.updatedAt),
                    authorName: $0.author.displayName, html: Self.absolutized($0.html, base: base))
            })
        return Self.response(feed, atom: atom)
    }

    private func category(_ context: Context, atom: Bool) async throws -> Response {
        let category = try await forum.category(slug: context.parameters.get("slug") ?? "")
        let path = Paths.category(category)
        return respond(
            title: "\(category.name) · \(settings.communityName)",
            description: category.description.isEmpty ? category.name : category.description, path: path,
            selfPath: path + (atom ? "/feed.atom" : "/feed.rss"), entries: try await forum.feed(category: category.id),
            atom: atom)
    }

    private func respond(
        title: String, description: String, path: String, selfPath: String, entries: [(Topic, Post)], atom: Bool
    ) -> Response {
        let base = settings.publicURL
        let feed = Feed(
            title: title, description: description, link: base + path, selfLink: base + selfPath,
            language: settings.defaultLanguage.rawValue,
            entries: entries.map { topic, post in
                Feed.Entry(
                    title: topic.title, link: base + Paths.topic(topic), published: topic.createdAt,
                    updated: post.editedAt ?? post.createdAt, authorName: topic.author.displayName,
                    html: Self.absolutized(post.html, base: base))
            })
        return Self.response(feed, atom: atom)
    }

    static func response(_ feed: Feed, atom: Bool) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: atom ? "application/atom+xml; charset=utf-8" : "application/rss+xml; charset=utf-8",
                .cacheControl: "public, max-age=300",
            ],
            body: .init(byteBuffer: ByteBuffer(string: atom ? feed.atom : feed.rss)))
    }

    /// Feed readers show entries outside the site, so site-relative links and images become absolute.
    static func absolutized(_ html: String, base: String) -> String {
        html.replacingOccurrences(of: "href=\"/", with: "href=\"\(base)/")
            .replacingOccurrences(of: "src=\"/", with: "src=\"\(base)/")
    }
}
