import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import Testing

@testable import HearthApp

/// Every text read once, when written; what was written before (or imported) read by the backfill.
@Suite("Readings")
struct ReadingTests {
    @Test(
        "a post is read when written and again when edited; only staff see the reading", arguments: TestEngine.allCases)
    func readWhenWritten(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine)
        let services = try await HearthServices.forTesting(database: database)
        let manager = try await services.accounts.createCommunityManager(
            try AccountForm(email: "cm@example.org", displayName: "Camille", password: "a long enough password"))
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        let member = try await services.accounts.signUp(
            try AccountForm(email: "ana@example.org", displayName: "Ana", password: "a long enough password"),
            inviteToken: nil)
        let ana = Viewer(member: member, credential: .session(SessionID(0)))
        let category = try await services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        let (topic, opening) = try await services.forum.startTopic(
            ana, in: category.id, title: "Comment exporter mes données ?",
            body: "Je ne trouve pas le bouton, où est-il ?")
        let insult = try await services.forum.reply(ana, to: topic.id, body: "You are a stupid idiot")
        let reading = try #require(try await services.forum.reading(staff, of: opening.id))
        #expect(reading.language == "fr")
        #expect(reading.feedbackKind == "question")
        let toxic = try #require(try await services.forum.reading(staff, of: insult.id))
        #expect(toxic.toxicity > 0.5 && toxic.explanation.contains("idiot"))
        #expect(try await services.forum.reading(ana, of: insult.id) == nil, "members do not see readings")
        let page = try await services.forum.topicPage(staff, topic: topic.id)
        #expect(page.readings.count == 2)
        #expect(try await services.forum.topicPage(ana, topic: topic.id).readings.isEmpty)

        let queue = try await services.moderation.queue(staff)
        #expect(queue.items.map(\.kind) == [.heldPost], "the insult waits for approval, not the question")
        #expect(queue.items.first?.postID == insult.id)
        #expect(queue.items.first?.reasons.last?.contains("idiot") == true)
        #expect(
            try await services.forum.post(ana, id: insult.id).moderation == .pending,
            "held (HEARTH_HOLD_TOXICITY, 0.97), never deleted; its author still sees it")
        _ = try await services.forum.edit(ana, post: insult.id, body: "Thank you, that was very helpful!")
        #expect(try await services.forum.reading(staff, of: insult.id)?.toxicity ?? 1 < 0.5, "read again on edit")
        #expect(try await services.backfill?.remaining() == 0)
        await database.close()
    }

    @Test("imported posts are read by the backfill job, in batches, until none is left", arguments: TestEngine.allCases)
    func backfill(engine: TestEngine) async throws {
        let database = try await TestDatabase.make(engine)
        let services = try await HearthServices.forTesting(database: database)
        let dump = try #require(HearthServices.demoDump)
        _ = try await services.importStackExchange(directory: dump, site: "french.meta.stackexchange.com")
        let backfill = try #require(services.backfill)
        #expect(try await backfill.remaining() == 158)
        #expect(try await backfill.step(batch: 100).read == 100)
        try await services.scheduleBackfill()
        try await services.jobs.drain()
        #expect(try await backfill.remaining() == 0)
        #expect(try await database.count(from: "post_readings") == 158)
        // french.meta is written in both languages: both are recognised.
        let french = try await database.count(from: "post_readings WHERE language = 'fr'")
        let english = try await database.count(from: "post_readings WHERE language = 'en'")
        #expect(french >= 30 && english >= 30, "\(french) French and \(english) English of 158")
        await database.close()
    }
}
