import Foundation
import HearthApp
import HearthCore
import HearthTestSupport
import HearthViews

/// A lived-in community for the pages audited and photographed in the browser: the demo threads (with their review
/// queue), a community manager, a member who was quoted, an article with a comment and a watched word, so that
/// every page shows what it shows in use rather than its empty state.
struct Showcase {
    static let password = "a long enough password"
    static let managerEmail = "camille@example.org"
    static let memberEmail = "noe@example.org"

    let community: TestCommunity
    let port: Int
    /// Addresses of things the fixture made, for the lists of pages.
    let topicPath: String
    let categoryPath: String
    let articlePath: String
    let managerPath: String
    /// A demo member who started topics, so their profile lists them.
    let authorPath: String

    static func make() async throws -> Showcase {
        let (community, port) = try await TestCommunity.live(
            "showcase", environment: ["HEARTH_COMMUNITY_NAME": "Café Hearth"])
        let services = community.services
        _ = try await services.loadDemo()
        let manager = try await services.accounts.createCommunityManager(
            try AccountForm(email: managerEmail, displayName: "Camille Martin", password: password))
        let member = try await services.accounts.signUp(
            try AccountForm(email: memberEmail, displayName: "Noé Lefèvre", password: password), inviteToken: nil)
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        let noe = Viewer(member: member, credential: .session(SessionID(0)))

        let category = try await services.forum.createCategory(
            staff, name: "Café", description: "Say hello, ask anything about the community.", startPolicy: .everyone)
        let (topic, opening) = try await services.forum.startTopic(
            staff, in: category.id, title: "Welcome: how this forum works",
            body: """
                Hello and welcome! This is where we talk about **French**, its words and its quirks.

                - Search before you ask: many questions have an answer already.
                - Be kind, and quote the part you answer.
                - Read the [community guidelines](https://example.org/guidelines) once.
                """)
        _ = try await services.forum.reply(
            noe, to: topic.id, body: "Thanks @camille_martin! Is there a place for beginners' questions?",
            quoting: opening.id)
        _ = try await services.forum.reply(
            staff, to: topic.id, body: "Yes: ask in **Café**, and tag your title with *[débutant]*.")
        let article = try await services.blog.create(
            staff,
            ArticleDraft(
                title: "What we learned from a year of questions",
                body: "A year of questions taught us three things.\n\n1. Short titles get answers.\n2. Examples help.",
                tags: ["community"], status: .published))
        _ = try await services.forum.reply(noe, to: article.topicID, body: "Great summary, thank you.")
        let author = try await services.forum.topicList(nil, limit: 100).topics.map(\.author)
            .first { $0.id != manager.id && $0.id != member.id }
        _ = try await services.watchedWords.add(
            staff, NewWatchedWord(language: nil, pattern: "casino", isRegex: false, action: .block))
        // Presence elsewhere: a feed not read yet, and a webhook that brought an item into the inbox.
        _ = try await services.sources.add(
            staff,
            SourceInput(
                kind: .feed, name: "Le forum d'à côté", url: "https://forum.example/latest.rss?token=secret",
                keywords: ["Café Hearth"]))
        let (hook, secret) = try await services.sources.add(staff, SourceInput(kind: .webhook, name: "Shop"))
        let posted = Array(
            #"{"id": "order-1", "title": "Order", "text": "My order from the Café Hearth shop never arrived: can you check? https://shop.example/orders/1234567890/details/tracking"}"#
                .utf8)
        let stamp = Int(Date().timeIntervalSince1970)
        try await services.sources.hook(
            hook.id, messageID: "msg_1", timestamp: String(stamp),
            signature: WebhookSignature.sign(
                secret: secret ?? "", messageID: "msg_1", timestamp: stamp,
                body: String(decoding: posted, as: UTF8.self)),
            body: posted)
        return Showcase(
            community: community, port: port, topicPath: Paths.topic(topic), categoryPath: Paths.category(category),
            articlePath: "/blog/\(article.slug)", managerPath: Paths.member(manager.handle),
            authorPath: Paths.member(author?.handle ?? member.handle))
    }

    /// Logs in through the form and waits for the page after it.
    static func logIn(_ browser: Browser, site: String, email: String) async throws {
        try await browser.open(site + "/login")
        try await browser.type(email, into: "#email")
        try await browser.type(password, into: "#password")
        try await browser.click("form[action='/login'] button[type=submit]")
        try await browser.waitFor("action=\"/logout\"")
    }

    static func logOut(_ browser: Browser, site: String) async throws {
        try await browser.open(site + "/")
        try await browser.click("details.menu summary")
        try await browser.click("form[action='/logout'] button")
        try await browser.waitFor("href=\"/login\"")
    }
}
