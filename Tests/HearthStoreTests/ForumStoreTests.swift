import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import Testing

@Suite("Forum repository")
struct ForumStoreTests {
    let start = Date(timeIntervalSince1970: 1_790_000_000)

    private func member(_ name: String, _ database: HearthDatabase) async throws -> MemberSummary {
        let created = try await SQLMemberRepository(database: database).create(
            NewMember(
                email: "\(name)@example.org", displayName: name, role: .member, passwordHash: "x", createdAt: start))
        return MemberSummary(created)
    }

    private func post(_ author: MemberSummary, _ body: String) -> NewPost {
        NewPost(author: author, body: body, html: "<p>\(body)</p>", quotePostID: nil, createdAt: start)
    }

    /// Ana and Bo, and a topic Ana opened in a category.
    private func community(_ engine: TestEngine) async throws -> (
        HearthDatabase, SQLForumRepository, ana: MemberSummary, bo: MemberSummary, Topic, opening: Post
    ) {
        let database = try await TestDatabase.make(engine)
        let forum = SQLForumRepository(database: database)
        let ana = try await member("Ana", database)
        let bo = try await member("Bo", database)
        let category = try await forum.createCategory(
            NewCategory(slug: "general", name: "General", description: "", startPolicy: .everyone, kind: .forum))
        let (topic, opening) = try await forum.createTopic(
            categoryID: category.id, title: "Hello", firstPost: post(ana, "first"))
        return (database, forum, ana, bo, topic, opening)
    }

    @Test(
        "writing a post reads the topic that far for its author, and read positions never move back",
        arguments: TestEngine.allCases)
    func readPositions(engine: TestEngine) async throws {
        let (database, forum, ana, bo, topic, opening) = try await community(engine)
        defer { Task { await database.close() } }
        #expect(opening.author == ana)
        #expect(try await forum.readPositions(of: ana.id, in: [topic.id]) == [topic.id: 1])
        let reply = try await forum.addPost(to: topic.id, post(bo, "second"), heat: nil)
        #expect(reply.number == 2)
        #expect(try await forum.posts(in: topic.id, numbers: 2...2) == [reply], "the post returned is the post stored")
        #expect(try await forum.readPositions(of: bo.id, in: [topic.id]) == [topic.id: 2])

        try await forum.markRead(topic.id, upTo: 2, by: ana.id)
        try await forum.markRead(topic.id, upTo: 1, by: ana.id)
        #expect(try await forum.readPositions(of: ana.id, in: [topic.id]) == [topic.id: 2])
    }

    @Test("reaction tallies count everyone's and mark the viewer's own, in one query", arguments: TestEngine.allCases)
    func reactionTallies(engine: TestEngine) async throws {
        let (database, forum, ana, bo, _, opening) = try await community(engine)
        defer { Task { await database.close() } }
        _ = try await forum.toggleReaction(.like, on: opening.id, by: ana.id, at: start)
        _ = try await forum.toggleReaction(.like, on: opening.id, by: bo.id, at: start)
        _ = try await forum.toggleReaction(.thanks, on: opening.id, by: bo.id, at: start)

        let forBo = try #require(try await forum.reactions(on: [opening.id], viewer: bo.id)[opening.id])
        #expect(forBo.counts == [.like: 2, .thanks: 1])
        #expect(forBo.mine == [.like, .thanks])
        let forAna = try #require(try await forum.reactions(on: [opening.id], viewer: ana.id)[opening.id])
        #expect(forAna.mine == [.like])
        let anonymous = try #require(try await forum.reactions(on: [opening.id], viewer: nil)[opening.id])
        #expect(anonymous.counts == [.like: 2, .thanks: 1])
        #expect(anonymous.mine.isEmpty)
    }

    @Test(
        "topic lists name the author and time of the newest post everyone sees, whatever happened to later ones",
        arguments: TestEngine.allCases)
    func lastPosterFollowsVisiblePosts(engine: TestEngine) async throws {
        let (database, forum, ana, bo, topic, opening) = try await community(engine)
        defer { Task { await database.close() } }
        let moderation = SQLModerationRepository(database: database)
        var later = post(bo, "second")
        later.createdAt = start.addingTimeInterval(60)
        let reply = try await forum.addPost(to: topic.id, later, heat: nil)
        func last() async throws -> (String, Date) {
            let listed = try #require(try await forum.topics(TopicQuery()).first { $0.id == topic.id })
            return (listed.lastPoster.displayName, listed.lastPostedAt)
        }
        #expect(try await last() == ("Bo", reply.createdAt))

        try await forum.setDeleted(reply.id, at: start.addingTimeInterval(120), by: bo.id)
        #expect(try await last() == ("Ana", opening.createdAt), "a deleted reply does not name its author")
        try await forum.setDeleted(reply.id, at: nil, by: bo.id)
        #expect(try await last() == ("Bo", reply.createdAt), "restoring it names them again")

        let log = NewLogEntry(actorID: ana.id, action: "hide", target: .post, targetID: reply.id.rawValue)
        try await moderation.setState(reply.id, to: .hidden, log: log, label: nil, at: start)
        #expect(try await last() == ("Ana", opening.createdAt), "nor does a hidden one")
        try await moderation.setState(reply.id, to: .visible, log: log, label: nil, at: start)
        #expect(try await last() == ("Bo", reply.createdAt))

        try await moderation.hold(
            reply.id,
            item: NewReviewItem(kind: .heldPost, postID: reply.id, memberID: nil, reasons: ["test"], score: 1),
            at: start)
        #expect(try await last() == ("Ana", opening.createdAt), "nor a held one")
    }
}
