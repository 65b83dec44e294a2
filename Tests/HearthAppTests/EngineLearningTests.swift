import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import Testing

@testable import HearthApp

/// Every decision on a post is a label the engine's community layer learns from, kept in the database.
@Suite("Learning from moderators")
struct EngineLearningTests {
    /// A made-up insult: no model has seen it, so only this community can teach it.
    static let word = "blorvak"

    struct Fixture {
        let community: ModerationTests.Community
        let troll: Viewer
        let reporter: Viewer
        let writer: Viewer

        var services: HearthServices { community.services }

        /// Nothing is held for approval here: four hides teach the made-up insult well enough that the probe,
        /// an insult with it, would wait for approval, and these tests read what was learned, not the gate.
        static func make(_ engine: TestEngine) async throws -> Fixture {
            let community = try await ModerationTests.community(engine, environment: ["HEARTH_HOLD_TOXICITY": "off"])
            return Fixture(
                community: community, troll: try await community.member("troll@example.org"),
                reporter: try await community.member("ana@example.org"),
                writer: try await community.member("bea@example.org"))
        }

        /// How toxic a new post with the word reads when written, with these services.
        func probe(_ services: HearthServices? = nil) async throws -> Double {
            let services = services ?? self.services
            // The same text again within a couple of minutes would be taken for the same form sent twice.
            community.clock.advance(by: 180)
            let post = try await services.forum.reply(
                writer, to: community.topic.id, body: "Honestly, you are a total \(EngineLearningTests.word).")
            return try #require(try await services.forum.reading(community.cm, of: post.id)).toxicity
        }

        /// The troll writes `body`, a member flags it, and the moderator decides from the queue.
        @discardableResult
        func decide(_ body: String, _ action: ReviewAction) async throws -> Post {
            let post = try await services.forum.reply(troll, to: community.topic.id, body: body)
            let item = try await services.moderation.flag(reporter, post: post.id, reason: .inappropriate).item
            try await services.moderation.act(community.moderator, item: item.id, action: action)
            return post
        }

        func labels(_ condition: String = "1 = 1") async throws -> Int {
            try await services.database.count(from: "engine_labels WHERE \(condition)")
        }
    }

    @Test(
        "hiding posts with a made-up insult teaches it, approving posts with it softens it, and a restart keeps both",
        arguments: TestEngine.allCases)
    func decisionsTeach(engine: TestEngine) async throws {
        let fixture = try await Fixture.make(engine)
        let services = fixture.services
        let before = try await fixture.probe()
        try await fixture.decide("What a \(Self.word) you are.", .hide)
        try await fixture.decide("Shut up, \(Self.word).", .hide)
        try await fixture.decide("Nobody asked you, \(Self.word).", .hide)
        try await fixture.decide("Typical \(Self.word) nonsense from you.", .delete)
        #expect(try await fixture.labels("label = 1 AND learned_at IS NULL") == 4, "recorded with each decision")
        #expect(try await services.database.count(from: "jobs WHERE kind = 'engine_learn' AND done_at IS NULL") == 1)
        try await services.jobs.drain()
        #expect(try await fixture.labels("learned_at IS NULL") == 0)
        let taught = try await fixture.probe()
        #expect(taught > before + 0.1, "before \(before), after four hides \(taught)")

        try await fixture.decide("We played \(Self.word) all evening, a board game from Brittany.", .approve)
        try await fixture.decide("Is \(Self.word) played with two or four people?", .approve)
        try await fixture.decide("My grandmother taught me \(Self.word) when I was six.", .approve)
        try await services.jobs.drain()
        let softened = try await fixture.probe()
        #expect(softened < taught, "after four hides \(taught), then three approvals \(softened)")

        // A restart: new services on the same database read with what was learned.
        let restarted = try await HearthServices.forTesting(
            database: services.database, clock: fixture.community.clock)
        #expect(try await fixture.probe(restarted) == softened)
        #expect(try await restarted.learning?.decisions(.toxicity) == 7)
        await services.database.close()
    }

    @Test(
        "ignoring the flags teaches nothing; a moderator's own hide and unhide teach once each",
        arguments: TestEngine.allCases)
    func ignoreAndDirectHand(engine: TestEngine) async throws {
        let fixture = try await Fixture.make(engine)
        let services = fixture.services
        let before = try await fixture.probe()
        try await fixture.decide("Shut up, \(Self.word).", .ignore)
        #expect(try await fixture.labels() == 0)
        #expect(try await services.database.count(from: "jobs WHERE kind = 'engine_learn'") == 0)
        try await services.jobs.drain()
        #expect(try await fixture.probe() == before)

        // Hidden by hand while its flag waits in the queue: the item is settled and the post learned once.
        let post = try await services.forum.reply(fixture.troll, to: fixture.community.topic.id, body: "Go away.")
        try await services.moderation.flag(fixture.reporter, post: post.id, reason: .inappropriate)
        try await services.moderation.moderate(fixture.community.moderator, post: post.id, action: .hide)
        #expect(try await fixture.labels("label = 1 AND post_id = \(post.id.rawValue)") == 1)
        try await services.moderation.moderate(fixture.community.moderator, post: post.id, action: .unhide)
        #expect(try await fixture.labels("label = 0 AND post_id = \(post.id.rawValue)") == 1)
        #expect(try await fixture.labels() == 2)
        try await services.jobs.drain()
        #expect(try await services.learning?.decisions(.toxicity) == 2)
        await services.database.close()
    }

    @Test(
        "learning twice, or in two processes at once, applies each label once", arguments: TestEngine.allCases)
    func eachLabelOnce(engine: TestEngine) async throws {
        let fixture = try await Fixture.make(engine)
        let services = fixture.services
        for text in ["Shut up, \(Self.word).", "What a \(Self.word).", "Go away, \(Self.word)."] {
            try await fixture.decide(text, .hide)
        }
        // Two processes on one database, each with its own services, learning at the same moment.
        let other = try await HearthServices.forTesting(database: services.database, clock: fixture.community.clock)
        let first = try #require(services.learning)
        let second = try #require(other.learning)
        async let one = first.learnPending()
        async let two = second.learnPending()
        let (learnedHere, learnedThere) = try await (one, two)
        #expect(learnedHere + learnedThere == 3)
        #expect(try await first.learnPending() == 0)
        try await services.jobs.drain()
        #expect(try await first.decisions(.toxicity) == 3)
        // Both readers hold what was learned, whichever process learned it, once they check (`hearth serve` checks
        // every few seconds).
        try await first.refresh()
        try await second.refresh()
        #expect(first.reader.versions == second.reader.versions)
        #expect(try await fixture.probe() == fixture.probe(other))

        // A save that started from an older version, or from none when one exists, changes nothing.
        let store = SQLEngineLearningRepository(database: services.database)
        let stored = try #require(try await store.adjustments(.toxicity))
        #expect(
            try await !store.save(
                .toxicity, data: stored.data, decisions: 99, replacing: stored.version - 1, learned: [],
                at: fixture.community.clock.now))
        #expect(
            try await !store.save(
                .toxicity, data: stored.data, decisions: 99, replacing: nil, learned: [],
                at: fixture.community.clock.now
            ))
        #expect(try await store.adjustments(.toxicity) == stored)
        await services.database.close()
    }
}
