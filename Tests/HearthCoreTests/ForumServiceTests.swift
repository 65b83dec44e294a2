import Foundation
import HearthApp
import HearthCore
import HearthStore
import HearthTestSupport
import Testing

/// The forum's rules, run against the real store on both engines.
@Suite("Forum")
struct ForumServiceTests {
    /// A forum with a community manager, two members, a general category and an announcements one.
    struct Fixture {
        let services: HearthServices
        let clock: TestClock
        let manager: Viewer
        let ana: Viewer
        let bo: Viewer
        let general: HearthCore.Category
        let announcements: HearthCore.Category
        var forum: ForumService { services.forum }

        static func make(_ engine: TestEngine) async throws -> Fixture {
            let database = try await TestDatabase.make(engine)
            let clock = TestClock()
            let services = try await HearthServices.forTesting(database: database, clock: clock)
            let members = SQLMemberRepository(database: database)
            func viewer(_ name: String, _ role: Role) async throws -> Viewer {
                let member = try await members.create(
                    NewMember(
                        email: "\(name.lowercased())@example.org", displayName: name, role: role, passwordHash: "x",
                        createdAt: clock.now))
                return Viewer(member: member, credential: .session(SessionID(1)))
            }
            let manager = try await viewer("Camille", .communityManager)
            let general = try await services.forum.createCategory(
                manager, name: "Général", description: "Anything", startPolicy: .everyone)
            let announcements = try await services.forum.createCategory(
                manager, name: "Announcements", description: "News", startPolicy: .everyone, kind: .announcements)
            return Fixture(
                services: services, clock: clock, manager: manager, ana: try await viewer("Ana Lopez", .member),
                bo: try await viewer("Bo", .member), general: general, announcements: announcements)
        }

        func close() { Task { await services.shutdown() } }
    }

    @Test(
        "categories: staff create them, slugs are readable and distinct, only the same name is a duplicate",
        arguments: TestEngine.allCases)
    func categories(engine: TestEngine) async throws {
        let f = try await Fixture.make(engine)
        defer { f.close() }
        #expect(f.general.slug == "general")
        #expect(f.announcements.startPolicy == .staff)
        #expect(try await f.forum.categories().map(\.name) == ["Général", "Announcements"])
        await #expect(throws: HearthError.forbidden("You are not allowed to do that.")) {
            try await f.forum.createCategory(f.ana, name: "Mine", description: "", startPolicy: .everyone)
        }
        // "general" is not "Général": its address, folded the same, gets a number.
        let general = try await f.forum.createCategory(
            f.manager, name: "general", description: "", startPolicy: .everyone)
        #expect(general.slug == "general-2")
        #expect(try await f.forum.category(slug: "general-2").name == "general")
        #expect(try await f.forum.category(slug: "general").name == "Général")
        #expect(
            try await f.forum.createCategory(f.manager, name: "Genéral", description: "", startPolicy: .everyone).slug
                == "general-3")
        await #expect(throws: HearthError.conflict("A category with this name already exists.")) {
            try await f.forum.createCategory(f.manager, name: "GÉNÉRAL", description: "", startPolicy: .everyone)
        }
        await #expect(throws: HearthError.conflict("A category with this name already exists.")) {
            try await f.forum.createCategory(f.manager, name: "General", description: "", startPolicy: .everyone)
        }
        await #expect(throws: HearthError.forbidden("Only staff can start topics in Announcements.")) {
            try await f.forum.startTopic(f.ana, in: f.announcements.id, title: "Hello all", body: "hi")
        }
        let (news, _) = try await f.forum.startTopic(
            f.manager, in: f.announcements.id, title: "Version 2 is out", body: "Read on.")
        #expect(news.categoryID == f.announcements.id)
        await #expect(throws: HearthError.unauthorized("Please log in first.")) {
            try await f.forum.startTopic(nil, in: f.general.id, title: "Anonymous", body: "hi")
        }
    }

    @Test(
        "a reply that quotes and mentions notifies each person once, never the author", arguments: TestEngine.allCases)
    func repliesNotify(engine: TestEngine) async throws {
        let f = try await Fixture.make(engine)
        defer { f.close() }
        let (topic, opening) = try await f.forum.startTopic(
            f.ana, in: f.general.id, title: "  Où est l'école ?  ", body: "Hello **all**, cc @camille")
        #expect(topic.title == "Où est l'école ?")
        #expect(topic.slug == "ou-est-l-ecole")
        #expect(
            opening.html
                == "<p>Hello <strong>all</strong>, cc <a class=\"mention\" href=\"/u/camille\">@camille</a></p>\n")
        #expect(try await f.forum.notifications(f.manager).map(\.kind) == [.mention])

        f.clock.advance(by: 60)
        let reply = try await f.forum.reply(
            f.bo, to: topic.id, body: "Quoting you @ana_lopez and @camille, and @nobody", quoting: opening.id)
        #expect(reply.number == 2)
        #expect(reply.quotePostID == opening.id)
        // Ana is quoted, mentioned and the topic's author: one notification, the quote.
        let anas = try await f.forum.notifications(f.ana)
        #expect(anas.map(\.kind) == [.quote])
        #expect(anas.first?.actor.displayName == "Bo")
        #expect(anas.first?.topicTitle == "Où est l'école ?")
        #expect(anas.first?.postNumber == 2)
        #expect(try await f.forum.notifications(f.manager).map(\.kind) == [.mention, .mention])
        #expect(try await f.forum.notifications(f.bo).isEmpty)

        #expect(try await f.forum.unreadNotificationCount(f.ana) == 1)
        try await f.forum.markNotificationsRead(f.ana)
        #expect(try await f.forum.unreadNotificationCount(f.ana) == 0)
        await #expect(throws: HearthError.invalid("quotePostId", "The post you quoted no longer exists.")) {
            try await f.forum.reply(f.bo, to: topic.id, body: "x", quoting: PostID(9_999))
        }
    }

    @Test(
        "edits keep the earlier text and mark the post; only the author or staff may edit",
        arguments: TestEngine.allCases)
    func edits(engine: TestEngine) async throws {
        let f = try await Fixture.make(engine)
        defer { f.close() }
        let (topic, post) = try await f.forum.startTopic(f.ana, in: f.general.id, title: "Typo", body: "teh first")
        f.clock.advance(by: 30)
        let edited = try await f.forum.edit(f.ana, post: post.id, body: "the *first*")
        #expect(edited.editCount == 1)
        #expect(edited.editedAt == f.clock.now)
        let page = try await f.forum.topicPage(f.bo, topic: topic.id)
        #expect(page.posts.first?.html == "<p>the <em>first</em></p>\n")
        #expect(page.posts.first?.editCount == 1)
        await #expect(throws: HearthError.forbidden("You can only edit your own posts.")) {
            try await f.forum.edit(f.bo, post: post.id, body: "vandalised")
        }
        _ = try await f.forum.edit(f.manager, post: post.id, body: "the first, tidied")
        let revisions = try await f.forum.revisions(f.ana, post: post.id)
        #expect(revisions.map(\.body) == ["teh first", "the *first*"])
        #expect(revisions.map(\.editor.displayName) == ["Ana Lopez", "Camille"])
        await #expect(throws: HearthError.self) { try await f.forum.revisions(f.bo, post: post.id) }
    }

    @Test(
        "deleting is soft: staff can restore, and the opening post takes the topic with it",
        arguments: TestEngine.allCases)
    func deleting(engine: TestEngine) async throws {
        let f = try await Fixture.make(engine)
        defer { f.close() }
        let (topic, opening) = try await f.forum.startTopic(f.ana, in: f.general.id, title: "Delete me", body: "first")
        let reply = try await f.forum.reply(f.bo, to: topic.id, body: "second")
        await #expect(throws: HearthError.forbidden("You can only delete your own posts.")) {
            try await f.forum.delete(f.ana, post: reply.id)
        }
        try await f.forum.delete(f.bo, post: reply.id)
        var page = try await f.forum.topicPage(f.ana, topic: topic.id)
        #expect(page.topic.postCount == 1)
        #expect(page.posts.map(\.isDeleted) == [false, true])
        await #expect(throws: HearthError.notFound("This post does not exist.")) {
            try await f.forum.post(f.ana, id: reply.id)
        }
        await #expect(throws: HearthError.forbidden("Only staff can restore deleted posts.")) {
            try await f.forum.restore(f.bo, post: reply.id)
        }
        try await f.forum.restore(f.manager, post: reply.id)
        page = try await f.forum.topicPage(f.ana, topic: topic.id)
        #expect(page.topic.postCount == 2)

        try await f.forum.delete(f.ana, post: opening.id)
        await #expect(throws: HearthError.notFound("This topic does not exist or was removed.")) {
            try await f.forum.topicPage(f.bo, topic: topic.id)
        }
        #expect(try await f.forum.topicList(f.bo).topics.isEmpty)
        #expect(try await f.forum.topicList(f.manager).topics.map(\.id) == [topic.id])
        try await f.forum.restore(f.manager, post: opening.id)
        #expect(try await f.forum.topicList(f.bo).topics.map(\.id) == [topic.id])
    }

    @Test(
        "closed topics take replies from staff only; pinned topics lead their category", arguments: TestEngine.allCases)
    func closeAndPin(engine: TestEngine) async throws {
        let f = try await Fixture.make(engine)
        defer { f.close() }
        let (old, _) = try await f.forum.startTopic(f.ana, in: f.general.id, title: "Old rules", body: "x")
        f.clock.advance(by: 60)
        let (new, _) = try await f.forum.startTopic(f.bo, in: f.general.id, title: "New thing", body: "y")
        await #expect(throws: HearthError.self) { try await f.forum.setClosed(f.ana, topic: old.id, true) }
        try await f.forum.setClosed(f.manager, topic: old.id, true)
        await #expect(throws: HearthError.forbidden("This topic is closed to new replies.")) {
            try await f.forum.reply(f.bo, to: old.id, body: "me too")
        }
        #expect(try await f.forum.topicPage(f.bo, topic: old.id).canReply == false)
        f.clock.advance(by: 60)
        _ = try await f.forum.reply(f.manager, to: old.id, body: "Closing note")
        #expect(try await f.forum.topicList(f.bo, category: f.general.id).topics.map(\.id) == [old.id, new.id])

        try await f.forum.setPinned(f.manager, topic: new.id, true)
        #expect(try await f.forum.topicList(f.bo, category: f.general.id).topics.map(\.id) == [new.id, old.id])
        // The overall list stays by activity.
        #expect(try await f.forum.topicList(f.bo).topics.map(\.id) == [old.id, new.id])
    }

    @Test("reactions toggle, and tallies show counts and the viewer's own", arguments: TestEngine.allCases)
    func reactions(engine: TestEngine) async throws {
        let f = try await Fixture.make(engine)
        defer { f.close() }
        let (topic, post) = try await f.forum.startTopic(f.ana, in: f.general.id, title: "Likes", body: "like me")
        #expect(try await f.forum.react(f.bo, to: post.id, with: .like))
        #expect(try await f.forum.react(f.manager, to: post.id, with: .like))
        #expect(try await f.forum.react(f.bo, to: post.id, with: .heart))
        #expect(try await f.forum.react(f.manager, to: post.id, with: .like) == false)
        let tally = try #require(try await f.forum.topicPage(f.bo, topic: topic.id).reactions[post.id])
        #expect(tally.counts == [.like: 1, .heart: 1])
        #expect(tally.mine == [.like, .heart])
        await #expect(throws: HearthError.unauthorized("Please log in first.")) {
            try await f.forum.react(nil, to: post.id, with: .like)
        }
    }

    @Test("topic lists page by cursor, and unread counts follow what each member read", arguments: TestEngine.allCases)
    func listsAndUnread(engine: TestEngine) async throws {
        let f = try await Fixture.make(engine)
        defer { f.close() }
        var topics: [Topic] = []
        for index in 1...5 {
            f.clock.advance(by: 10)
            topics.append(try await f.forum.startTopic(f.ana, in: f.general.id, title: "Topic \(index)", body: "x").0)
        }
        let first = try await f.forum.topicList(f.bo, limit: 2)
        #expect(first.topics.map(\.title) == ["Topic 5", "Topic 4"])
        let cursor = try #require(first.next)
        let second = try await f.forum.topicList(f.bo, after: try TopicCursor(token: cursor.token), limit: 2)
        #expect(second.topics.map(\.title) == ["Topic 3", "Topic 2"])
        let third = try await f.forum.topicList(f.bo, after: second.next, limit: 2)
        #expect(third.topics.map(\.title) == ["Topic 1"])
        #expect(third.next == nil)
        #expect(throws: HearthError.self) { try TopicCursor(token: "bogus") }

        // Bo has never opened topic 1; after reading it, two new replies make two unread.
        #expect(third.unread[topics[0].id] == nil)
        _ = try await f.forum.topicPage(f.bo, topic: topics[0].id)
        f.clock.advance(by: 10)
        _ = try await f.forum.reply(f.ana, to: topics[0].id, body: "one")
        _ = try await f.forum.reply(f.ana, to: topics[0].id, body: "two")
        let list = try await f.forum.topicList(f.bo)
        #expect(list.topics.first?.id == topics[0].id)
        #expect(list.unread[topics[0].id] == 2)
        #expect(try await f.forum.topicList(f.ana).unread[topics[0].id] == 0)
    }

    @Test("topic pages hold twenty posts and reading a page marks it read", arguments: TestEngine.allCases)
    func topicPages(engine: TestEngine) async throws {
        let f = try await Fixture.make(engine)
        defer { f.close() }
        let (topic, _) = try await f.forum.startTopic(f.ana, in: f.general.id, title: "Long one", body: "post 1")
        for number in 2...25 {
            _ = try await f.forum.reply(number.isMultiple(of: 2) ? f.bo : f.ana, to: topic.id, body: "post \(number)")
        }
        let first = try await f.forum.topicPage(f.manager, topic: topic.id)
        #expect(first.posts.map(\.number) == Array(1...20))
        #expect(first.pageCount == 2)
        #expect(try await f.forum.topicList(f.manager).unread[topic.id] == 5)
        let second = try await f.forum.topicPage(f.manager, topic: topic.id, page: 9)
        #expect(second.page == 2)
        #expect(second.posts.map(\.body) == (21...25).map { "post \($0)" })
        #expect(try await f.forum.topicList(f.manager).unread[topic.id] == 0)
        await #expect(throws: HearthError.invalid("title", "Give the topic a title of 3 to 200 characters.")) {
            try await f.forum.startTopic(f.ana, in: f.general.id, title: "no", body: "x")
        }
        await #expect(throws: HearthError.invalid("body", "Write something before posting.")) {
            try await f.forum.reply(f.ana, to: topic.id, body: "  \n ")
        }
    }
}
