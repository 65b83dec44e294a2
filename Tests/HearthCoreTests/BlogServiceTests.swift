import Foundation
import HearthApp
import HearthCore
import HearthStore
import HearthTestSupport
import Testing

@Suite("Blog")
struct BlogServiceTests {
    @Test("staff write drafts, schedule and publish; readers see only what is out", arguments: TestEngine.allCases)
    func publishing(engine: TestEngine) async throws {
        let f = try await ForumServiceTests.Fixture.make(engine)
        defer { f.close() }
        let blog = f.services.blog
        await #expect(throws: HearthError.forbidden("You are not allowed to do that.")) {
            try await blog.create(f.ana, ArticleDraft(title: "Mine", body: "x", status: .published))
        }
        let draft = try await blog.create(
            f.manager, ArticleDraft(title: "Behind the scenes", body: "Soon.", status: .draft))
        #expect(draft.slug == "behind-the-scenes")
        await #expect(throws: HearthError.notFound("There is no such article.")) {
            try await blog.article(f.ana, slug: draft.slug)
        }
        #expect(try await blog.article(f.manager, slug: draft.slug).id == draft.id)

        let tomorrow = f.clock.now.addingTimeInterval(86_400)
        let scheduled = try await blog.create(
            f.manager,
            ArticleDraft(
                title: "Version 3", body: "It is **here**.", tags: ArticleDraft.tags("Release, news ,release"),
                status: .scheduled, publishAt: tomorrow,
                product: Article.ProductCard(name: "Hearth 3", url: "https://example.org/h3", imagePath: nil)))
        #expect(scheduled.tags == ["release", "news"])
        #expect(scheduled.html == "<p>It is <strong>here</strong>.</p>\n")
        #expect(try await blog.list(f.ana).articles.isEmpty)
        #expect(try await blog.list(f.manager).articles.map(\.title) == ["Version 3", "Behind the scenes"])
        f.clock.advance(by: 86_401)
        #expect(
            try await blog.list(f.ana).articles.map(\.title) == ["Version 3"], "a scheduled article goes out on time")

        let published = try await blog.update(
            f.manager, draft.id, ArticleDraft(title: "Behind the scenes", body: "Here it is.", status: .published))
        #expect(published.publishAt == f.clock.now)
        #expect(try await blog.list(f.ana).articles.map(\.title) == ["Behind the scenes", "Version 3"])

        let again = try await blog.create(f.manager, ArticleDraft(title: "Version 3", body: "Again", status: .draft))
        #expect(again.slug == "version-3-2")
        let reserved = try await blog.create(f.manager, ArticleDraft(title: "New", body: "x", status: .draft))
        #expect(reserved.slug == "new-2")
    }

    @Test("bad product links and covers are refused, each field saying why", arguments: [TestEngine.sqlite])
    func validation(engine: TestEngine) async throws {
        let f = try await ForumServiceTests.Fixture.make(engine)
        defer { f.close() }
        do {
            _ = try await f.services.blog.create(
                f.manager,
                ArticleDraft(
                    title: "x", body: "", coverPath: "javascript:alert(1)", status: .scheduled,
                    product: Article.ProductCard(name: "", url: "javascript:alert(1)", imagePath: "/etc/passwd")))
            Issue.record("accepted")
        } catch HearthError.validation(let fields) {
            #expect(
                Set(fields.map(\.field)) == [
                    "title", "body", "cover", "publishAt", "productName", "productURL", "productImage",
                ])
        }
    }

    @Test(
        "comments are replies in the article's own topic, kept out of the forum's lists but found by search",
        arguments: TestEngine.allCases)
    func comments(engine: TestEngine) async throws {
        let f = try await ForumServiceTests.Fixture.make(engine)
        defer { f.close() }
        let article = try await f.services.blog.create(
            f.manager, ArticleDraft(title: "Our roadmap", body: "Dark mode is coming.", status: .published))
        let comment = try await f.services.blog.comment(f.ana, on: article.id, body: "Finally, thanks @camille!")
        #expect(comment.topicID == article.topicID)
        #expect(comment.number == 2)
        #expect(try await f.forum.notifications(f.manager).map(\.kind) == [.mention])
        #expect(try await f.forum.topicList(f.bo).topics.isEmpty, "the comments topic is not a forum topic")
        #expect(try await f.forum.categories().map(\.name) == ["Général", "Announcements"])
        await #expect(throws: HearthError.forbidden("Comments start from their article, not as topics.")) {
            let hidden = try await f.services.forum.topicPage(f.manager, topic: article.topicID).category
            _ = try await f.forum.startTopic(f.manager, in: hidden.id, title: "Sneaky", body: "x")
        }
        let found = try await f.services.search.search(f.bo, SearchQuery(text: "dark mode")).hits
        #expect(found.map(\.post.topicID) == [article.topicID])
        #expect(
            try await f.services.search.search(f.bo, SearchQuery(text: "finally")).hits.map(\.post.id) == [comment.id])
        #expect(try await f.services.blog.article(forTopic: article.topicID)?.id == article.id)
    }
}
