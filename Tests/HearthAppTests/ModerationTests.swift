import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import Testing

@testable import HearthApp

/// Flags, the queue, penalties, slow mode and the log, on both engines, under the test clock.
@Suite("Moderation")
struct ModerationTests {
    struct Community {
        let services: HearthServices
        let clock: TestClock
        let cm: Viewer
        let moderator: Viewer
        let topic: Topic
        let category: HearthCore.Category

        func member(_ email: String, daysOld: Double = 30) async throws -> Viewer {
            let member = try await services.accounts.signUp(
                try AccountForm(
                    email: email, displayName: String(email.prefix { $0 != "@" }),
                    password: "a long enough password"),
                inviteToken: nil)
            return Viewer(member: member, credential: .session(SessionID(0)))
        }

        /// The viewer again, with the member as stored now (penalties included).
        func refreshed(_ viewer: Viewer) async throws -> Viewer {
            Viewer(
                member: try await services.profiles.member(id: viewer.member.id), credential: viewer.credential,
                grants: viewer.grants)
        }
    }

    /// Members are created a month before "now", so their flags count fully.
    static func community(
        _ engine: TestEngine, clock: TestClock = TestClock(), environment: [String: String] = [:]
    ) async throws -> Community {
        let database = try await TestDatabase.make(engine)
        let services = try await HearthServices.forTesting(
            database: database, clock: clock, environment: environment)
        let cm = try await services.accounts.createCommunityManager(
            try AccountForm(email: "cm@example.org", displayName: "Camille", password: "a long enough password"))
        let staff = Viewer(member: cm, credential: .session(SessionID(0)))
        let moderator = try await services.accounts.signUp(
            try AccountForm(email: "mod@example.org", displayName: "Max", password: "a long enough password"),
            inviteToken: nil)
        try await database.write { sql in
            try await sql.update("members").set("role", to: "moderator").where("id", .equal, moderator.id.rawValue)
                .run()
        }
        let category = try await services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        let (topic, _) = try await services.forum.startTopic(
            staff, in: category.id, title: "Welcome, everyone", body: "Say hello.")
        return Community(
            services: services, clock: clock, cm: staff,
            moderator: Viewer(
                member: try await services.profiles.member(id: moderator.id), credential: .session(SessionID(0))),
            topic: topic, category: category)
    }

    @Test("flags weigh by standing and hide a post at the threshold, never delete it", arguments: TestEngine.allCases)
    func flagsHide(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let services = community.services
        let troll = try await community.member("troll@example.org")
        // Rude but under the hold threshold (0.97), so it is live until the flags hide it.
        let post = try await services.forum.reply(troll, to: community.topic.id, body: "You are all clueless")
        // Accounts made just now weigh half: two new members' flags are not enough...
        let ana = try await community.member("ana@example.org")
        let bob = try await community.member("bob@example.org")
        let first = try await services.moderation.flag(ana, post: post.id, reason: .inappropriate)
        #expect(first.flag.weight == 0.38, "a new account with no posts: 0.5 × 0.75")
        await #expect(throws: HearthError.conflict("You have already flagged this post; the moderators have it.")) {
            try await services.moderation.flag(ana, post: post.id, reason: .spam)
        }
        await #expect(throws: HearthError.self) {
            try await services.moderation.flag(troll, post: post.id, reason: .spam)
        }
        await #expect(throws: HearthError.invalid("message", "Tell the moderators what is wrong.")) {
            try await services.moderation.flag(bob, post: post.id, reason: .other)
        }
        let second = try await services.moderation.flag(bob, post: post.id, reason: .other, message: "rude")
        #expect(!second.hidPost)
        #expect(second.item.reasons == ["inappropriate", "other", "“rude”"])
        // ...a moderator's flag is.
        let third = try await services.moderation.flag(community.moderator, post: post.id, reason: .inappropriate)
        #expect(third.hidPost)
        #expect(third.item.reasons.first == "inappropriate ×2")

        let page = try await services.forum.topicPage(ana, topic: community.topic.id)
        let shown = try #require(page.posts.first { $0.id == post.id })
        #expect(shown.body == "" && page.visibility(of: shown) == .placeholder(.hidden), "others see a placeholder")
        #expect(page.reactions[post.id] == nil)
        let own = try await services.forum.topicPage(troll, topic: community.topic.id)
        #expect(own.posts.first { $0.id == post.id }?.body == "You are all clueless", "the author still reads it")
        _ = try await services.forum.edit(troll, post: post.id, body: "I was rude, sorry.")
        let notes = try await services.forum.notifications(troll)
        #expect(notes.map(\.kind) == [.hidden])
        #expect(try await services.search.search(nil, SearchQuery(text: "sorry")).hits.isEmpty)
        #expect(try await services.forum.post(community.cm, id: post.id).isDeleted == false, "never deleted")
    }

    @Test(
        "the queue shows an item in context with its reasons and history; two moderators cannot decide twice",
        arguments: TestEngine.allCases)
    func queue(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let services = community.services
        let moderation = services.moderation
        let troll = try await community.member("troll@example.org")
        _ = try await services.forum.reply(troll, to: community.topic.id, body: "First, calm")
        let post = try await services.forum.reply(troll, to: community.topic.id, body: "Then, a rant")
        let ana = try await community.member("ana@example.org")
        try await moderation.flag(ana, post: post.id, reason: .inappropriate)

        let page = try await moderation.queue(community.moderator)
        let item = try #require(page.items.first)
        #expect(page.items.count == 1)
        #expect(item.kind == .flaggedPost && item.postID == post.id)
        let reviewCase = try await moderation.reviewCase(community.moderator, item: item.id)
        #expect(reviewCase.context.map(\.body) == ["Say hello.", "First, calm"])
        #expect(reviewCase.flags.map(\.reason) == [.inappropriate])
        #expect(reviewCase.authorHistory?.posts == 2)
        await #expect(throws: HearthError.self) { try await moderation.queue(ana) }

        try await moderation.act(community.moderator, item: item.id, action: .claim)
        await #expect(throws: HearthError.conflict("Max is already handling this item.")) {
            try await moderation.act(community.cm, item: item.id, action: .hide)
        }
        try await moderation.act(community.moderator, item: item.id, action: .hide, reason: "Insults")
        await #expect(throws: HearthError.conflict("Max already handled this item (hidden).")) {
            try await moderation.act(community.cm, item: item.id, action: .approve)
        }
        #expect(try await moderation.queue(community.moderator).items.isEmpty)
        let log = try await moderation.log(community.cm)
        #expect(log.first?.action == "hide" && log.first?.reason == "Insults" && log.first?.actor?.displayName == "Max")
        // Agreed flags raise the reporter's standing: Ana's next flag weighs more.
        let (_, agreed, disagreed) = try await SQLModerationRepository(database: services.database).standing(
            of: ana.member.id)
        #expect(agreed == 1 && disagreed == 0)
    }

    @Test(
        "defer to tomorrow: the item sleeps until the next working morning, then comes back",
        arguments: TestEngine.allCases)
    func deferToTomorrow(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let services = community.services
        let troll = try await community.member("troll@example.org")
        let post = try await services.forum.reply(troll, to: community.topic.id, body: "Late-night provocation")
        let ana = try await community.member("ana@example.org")
        try await services.moderation.flag(ana, post: post.id, reason: .inappropriate)
        let item = try #require(try await services.moderation.queue(community.cm).items.first)
        // The test clock reads Monday 2026-09-21 14:13 UTC; working hours are Monday to Friday from 09:00 UTC.
        let slept = try await services.moderation.act(community.cm, item: item.id, action: .defer)
        #expect(
            slept.sleepsUntil == Date(timeIntervalSince1970: 1_790_000_000 - 14 * 3_600 - 13 * 60 - 20 + 33 * 3_600))
        #expect(try await services.moderation.queue(community.cm).items.isEmpty)
        community.clock.advance(by: 18 * 3_600)
        #expect(try await services.moderation.queue(community.cm).items.isEmpty, "still asleep at 08:13")
        community.clock.advance(by: 3_600)
        #expect(try await services.moderation.queue(community.cm).items.map(\.id) == [item.id], "awake at 09:13")
    }

    @Test(
        "penalties: a silence stops posting and ends by itself; a suspension ends sessions and refuses log-in; no one penalises up",
        arguments: TestEngine.allCases)
    func penalties(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let services = community.services
        let troll = try await community.member("troll@example.org")
        let now = community.clock.now
        try await services.penalties.give(
            community.moderator, to: troll.member.id, kind: .silence, until: now.addingTimeInterval(3_600),
            reason: "Insults in the welcome thread")
        let silenced = try await community.refreshed(troll)
        await #expect(
            throws: HearthError.forbidden(
                "You cannot post until 2026-09-21 15:13 UTC: a moderator has silenced your account.")
        ) {
            try await services.forum.reply(silenced, to: community.topic.id, body: "Let me speak")
        }
        community.clock.advance(by: 3_601)
        _ = try await services.forum.reply(try await community.refreshed(troll), to: community.topic.id, body: "Back")

        await #expect(throws: HearthError.invalid("member", "You cannot give yourself a penalty.")) {
            try await services.penalties.give(
                community.moderator, to: community.moderator.member.id, kind: .warn, reason: "x")
        }
        await #expect(throws: HearthError.forbidden("Staff cannot be penalised by staff of a lower role.")) {
            try await services.penalties.give(
                community.moderator, to: community.cm.member.id, kind: .silence,
                until: community.clock.now.addingTimeInterval(60), reason: "x")
        }
        await #expect(throws: HearthError.self) {
            try await services.penalties.give(
                community.moderator, to: troll.member.id, kind: .suspend,
                until: community.clock.now.addingTimeInterval(-60), reason: "x")
        }
        await #expect(throws: HearthError.invalid("reason", "Give a reason; the member will read it.")) {
            try await services.penalties.give(community.moderator, to: troll.member.id, kind: .warn, reason: "  ")
        }

        _ = try await services.sessions.start(for: troll.member, userAgent: nil)
        let suspension = try await services.penalties.give(
            community.cm, to: troll.member.id, kind: .suspend, until: community.clock.now.addingTimeInterval(86_400),
            reason: "Repeated insults")
        community.clock.advance(by: 3)
        let sentTwice = try await services.penalties.give(
            community.cm, to: troll.member.id, kind: .suspend, until: community.clock.now.addingTimeInterval(86_400),
            reason: "Repeated insults")
        #expect(sentTwice.id == suspension.id, "the same decision sent twice is given once")
        #expect(try await services.penalties.history(community.cm, of: troll.member.id).count == 2)
        let sessions = try await services.database.read { sql in
            try await sql.select().column("id").from("sessions").where("member_id", .equal, troll.member.id.rawValue)
                .all().count
        }
        #expect(sessions == 0, "a suspension ends the member's sessions")
        do {
            _ = try await services.accounts.logIn(
                email: "troll@example.org", password: "a long enough password", clientAddress: "t")
            Issue.record("a suspended member logged in")
        } catch let error as HearthError {
            #expect(error.userMessage == "Your account is suspended until 2026-09-22 15:13 UTC: Repeated insults")
        }
        community.clock.advance(by: 86_401)
        _ = try await services.accounts.logIn(
            email: "troll@example.org", password: "a long enough password", clientAddress: "t")
        let history = try await services.penalties.history(community.cm, of: troll.member.id)
        #expect(history.map(\.kind) == [.suspend, .silence])
        #expect(Penalty.suggestion(after: history).kind == .suspend)

        // Sent again at once with another length, it is another decision.
        let hour = try await services.penalties.give(
            community.cm, to: troll.member.id, kind: .silence, until: community.clock.now.addingTimeInterval(3_600),
            reason: "Spam")
        let day = try await services.penalties.give(
            community.cm, to: troll.member.id, kind: .silence, until: community.clock.now.addingTimeInterval(86_400),
            reason: "Spam")
        #expect(hour.id != day.id)

        // Two copies at the same moment (a double click) are one warning: the check is in the write's own
        // transaction.
        async let left = services.penalties.give(
            community.moderator, to: troll.member.id, kind: .warn, reason: "Keep it civil, please.")
        async let right = services.penalties.give(
            community.moderator, to: troll.member.id, kind: .warn, reason: "Keep it civil, please.")
        #expect(try await left.id == right.id, "two copies at once are one penalty")
    }

    @Test(
        "slow mode: a member waits between replies and keeps nothing lost; it ends by itself; values out of range are refused",
        arguments: TestEngine.allCases)
    func slowMode(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let services = community.services
        let topic = community.topic.id
        let ana = try await community.member("ana@example.org")
        await #expect(throws: HearthError.self) {
            try await services.calm.setSlowMode(
                community.moderator, topic: topic, seconds: 5, until: community.clock.now.addingTimeInterval(3_600))
        }
        await #expect(throws: HearthError.self) {
            try await services.calm.setSlowMode(
                community.moderator, topic: topic, seconds: 600, until: community.clock.now.addingTimeInterval(-1))
        }
        await #expect(throws: HearthError.self) {
            try await services.calm.setSlowMode(
                ana, topic: topic, seconds: 600, until: community.clock.now.addingTimeInterval(3_600))
        }
        try await services.calm.setSlowMode(
            community.moderator, topic: topic, seconds: 600, until: community.clock.now.addingTimeInterval(3_600))
        _ = try await services.forum.reply(ana, to: topic, body: "One")
        community.clock.advance(by: 120)
        do {
            _ = try await services.forum.reply(ana, to: topic, body: "Two, too soon")
            Issue.record("slow mode let a reply through")
        } catch HearthError.rateLimited(let message, let seconds) {
            #expect(seconds == 480)
            #expect(message.contains("You can reply again in 8 minutes"))
        }
        _ = try await services.forum.reply(community.moderator, to: topic, body: "Staff are not slowed")
        community.clock.advance(by: 480)
        _ = try await services.forum.reply(ana, to: topic, body: "Two")
        community.clock.advance(by: 3_600)
        _ = try await services.forum.reply(ana, to: topic, body: "Three, slow mode is over")
        let log = try await services.moderation.log(community.cm)
        #expect(log.contains { $0.action == "slow mode" && $0.actor?.displayName == "Max" })
    }

    @Test(
        "the rules reminder posts the template linking the guidelines; editing the guidelines is logged with both texts"
    )
    func reminderAndGuidelines() async throws {
        let community = try await Self.community(.sqlite)
        let services = community.services
        let reminder = try await services.calm.remindRules(
            community.moderator, topic: community.topic.id, language: .french)
        #expect(reminder.body.contains("[règles](/guidelines)"))
        #expect(reminder.author.id == community.moderator.member.id)
        let ana = try await community.member("ana@example.org")
        await #expect(throws: HearthError.self) {
            try await services.calm.remindRules(ana, topic: community.topic.id, language: .english)
        }
        let before = try await services.texts.text(.guidelines, language: .english)
        try await services.texts.setText(community.cm, .guidelines, language: .english, body: "Be kind. Always.")
        #expect(try await services.texts.text(.guidelines, language: .english) == "Be kind. Always.")
        await #expect(throws: HearthError.self) {
            try await services.texts.setText(community.moderator, .guidelines, language: .english, body: "Mine")
        }
        let entry = try #require(try await services.moderation.log(community.cm).first)
        #expect(entry.action == "edit guidelines")
        #expect(entry.textBefore == before && entry.textAfter == "Be kind. Always.")
    }
}
