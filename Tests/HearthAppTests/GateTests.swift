import Foundation
import HearthStore
import HearthTestSupport
import Testing

@testable import HearthApp
@testable import HearthCore

/// What happens to a post before it is stored: holds, watched words, heat, the night; on both engines.
@Suite("Moderation: the gate, heat and the night")
struct GateTests {
    typealias Community = ModerationTests.Community

    @Test(
        "held for approval: a new member's link and first posts wait, staff pass, the author sees theirs, approval lets it out",
        arguments: TestEngine.allCases)
    func held(engine: TestEngine) async throws {
        let community = try await ModerationTests.community(engine, environment: ["HEARTH_HOLD_FIRST_POSTS": "1"])
        let services = community.services
        let newcomer = try await community.member("new@example.org")
        let other = try await community.member("other@example.org")
        let post = try await services.forum.reply(
            newcomer, to: community.topic.id, body: "Look at https://cheap.example/offer")
        #expect(post.moderation == .pending)
        let page = try await services.forum.topicPage(other, topic: community.topic.id)
        #expect(!page.posts.contains { $0.id == post.id }, "others do not see a held post")
        let own = try await services.forum.topicPage(newcomer, topic: community.topic.id)
        #expect(own.posts.first { $0.id == post.id }?.body == "Look at https://cheap.example/offer")
        let queue = try await services.moderation.queue(community.moderator)
        let item = try #require(queue.items.first { $0.postID == post.id })
        #expect(item.kind == .heldPost)
        #expect(item.reasons == ["no post of this member let through yet", "a link from a new member"])
        #expect(try await services.moderation.log(community.cm, action: "hold").count == 1, "the hold is logged")
        let second = try await services.forum.reply(newcomer, to: community.topic.id, body: "Hello? Anyone?")
        #expect(second.moderation == .pending, "a first post still waiting does not count as let through")
        let secondItem = try #require(
            try await services.moderation.queue(community.moderator).items.first { $0.postID == second.id })
        try await services.moderation.act(community.moderator, item: secondItem.id, action: .hide)
        #expect(
            try await services.forum.topicList(other).topics.first { $0.id == community.topic.id }?.lastPoster.id
                == community.cm.member.id, "held and hidden replies do not show as the topic's last activity")

        // A topic whose opening post is held is held with it: nobody else sees it in the list.
        let (held, _) = try await services.forum.startTopic(
            newcomer, in: community.category.id, title: "Free stuff", body: "Go to www.free.example now")
        #expect(try await services.forum.topicList(other).topics.contains { $0.id == held.id } == false)
        #expect(try await services.forum.topicList(community.cm).topics.contains { $0.id == held.id })

        try await services.moderation.act(community.moderator, item: item.id, action: .approve)
        #expect(try await services.forum.post(other, id: post.id).moderation == .visible)
        #expect(Set(try await services.forum.notifications(newcomer).map(\.kind)) == [.approved, .hidden])

        // Staff pass; so does a settled member's plain post.
        let staffPost = try await services.forum.reply(
            community.moderator, to: community.topic.id, body: "See https://docs.example")
        #expect(staffPost.moderation == .visible)
        let plain = try await services.forum.reply(newcomer, to: community.topic.id, body: "Thanks for approving.")
        #expect(plain.moderation == .visible, "past the first post, without a link")
    }

    @Test(
        "watched words: block keeps the text, approval holds, flag queues, replace rewrites; disguises do not evade",
        arguments: TestEngine.allCases)
    func watchedWords(engine: TestEngine) async throws {
        let community = try await ModerationTests.community(engine)
        let services = community.services
        let words = services.watchedWords
        let member = try await community.member("m@example.org")
        _ = try await words.add(
            community.cm, NewWatchedWord(language: nil, pattern: "crapware", isRegex: false, action: .block))
        _ = try await words.add(
            community.cm, NewWatchedWord(language: "fr", pattern: "arnaque", isRegex: false, action: .requireApproval))
        _ = try await words.add(
            community.cm, NewWatchedWord(language: nil, pattern: "competitor", isRegex: false, action: .flag))
        _ = try await words.add(
            community.cm,
            NewWatchedWord(language: nil, pattern: "darn it", isRegex: false, action: .replace, replacement: "oh well"))
        _ = try await words.add(
            community.cm, NewWatchedWord(language: nil, pattern: #"\bpromo\d+\b"#, isRegex: true, action: .flag))
        await #expect(throws: HearthError.conflict("This word is already watched.")) {
            try await words.add(
                community.cm, NewWatchedWord(language: nil, pattern: "CRAPWARE", isRegex: false, action: .block))
        }
        await #expect(throws: HearthError.self) {
            try await words.add(
                community.moderator, NewWatchedWord(language: nil, pattern: "x", isRegex: false, action: .block))
        }
        await #expect(
            throws: HearthError.invalid(
                "pattern", "This regular expression does not compile; check its brackets and escapes.")
        ) {
            try await words.add(
                community.cm, NewWatchedWord(language: nil, pattern: "(unclosed", isRegex: true, action: .flag))
        }
        await #expect(
            throws: HearthError.invalid(
                "pattern",
                "This regular expression runs too long on some texts (nested repeats such as (a+)+ do); simplify it.")
        ) {
            try await words.add(
                community.cm, NewWatchedWord(language: nil, pattern: "(a+)+$", isRegex: true, action: .flag))
        }

        for disguise in ["CRAPWARE", "crâpwâre", "craaaapware", "cr4pw4re", "c r a p w a r e", "c.r.a.p.w.a.r.e"] {
            await #expect(
                throws: HearthError.invalid(
                    "body",
                    "Your post contains “crapware”, which this community does not allow. Your text is kept below: change it and send it again."
                ), "\(disguise)"
            ) {
                try await services.forum.reply(member, to: community.topic.id, body: "This is \(disguise), honestly")
            }
        }
        let french = try await services.forum.reply(
            member, to: community.topic.id, body: "C'est une véritable ARNAQUE, je vous le dis, ne l'achetez pas")
        #expect(french.moderation == .pending)
        let english = try await services.forum.reply(
            member, to: community.topic.id, body: "This arnaque word is French")
        #expect(english.moderation == .visible, "a French word does not hold an English post")
        let flagged = try await services.forum.reply(
            member, to: community.topic.id, body: "The competitor does it better")
        #expect(flagged.moderation == .visible)
        let replaced = try await services.forum.reply(member, to: community.topic.id, body: "Darn it, it broke again.")
        #expect(replaced.body == "oh well, it broke again.")
        let promo = try await services.forum.reply(member, to: community.topic.id, body: "Use code PROMO2026 today")
        let queue = try await services.moderation.queue(community.cm)
        #expect(queue.items.first { $0.postID == french.id }?.reasons == ["watched word “arnaque”"])
        #expect(queue.items.first { $0.postID == flagged.id }?.reasons == ["watched word “competitor”"])
        #expect(queue.items.first { $0.postID == promo.id }?.kind == .engineFlag)

        // An edit is read again: a blocked word is refused there too.
        await #expect(throws: HearthError.self) {
            try await services.forum.edit(member, post: replaced.id, body: "crapware after all")
        }
        #expect(try await services.forum.post(member, id: replaced.id).body == "oh well, it broke again.")
        let list = try await words.list(community.cm)
        try await words.remove(community.cm, list[0].id)
        _ = try await services.forum.reply(member, to: community.topic.id, body: "crapware is allowed now")
        #expect(try await services.moderation.log(community.cm, action: "unwatch word").count == 1)
    }

    @Test(
        "the same reply or topic sent twice is posted once; the same words later, or elsewhere, are posted again",
        arguments: TestEngine.allCases)
    func formSentTwice(engine: TestEngine) async throws {
        let community = try await ModerationTests.community(engine)
        let services = community.services
        let ana = try await community.member("ana@example.org")
        let (topic, opening) = try await services.forum.startTopic(
            ana, in: community.category.id, title: "Which tyres for winter?", body: "Studded or not, for town?")
        let (again, first) = try await services.forum.startTopic(
            ana, in: community.category.id, title: "Which tyres for winter?", body: "Studded or not, for town?")
        #expect(again.id == topic.id && first.id == opening.id, "a topic sent twice is started once")
        let reply = try await services.forum.reply(ana, to: topic.id, body: "Answering my own: studded.")
        community.clock.advance(by: 5)
        let twice = try await services.forum.reply(ana, to: topic.id, body: "Answering my own: studded.")
        #expect(twice.id == reply.id)
        #expect(try await services.forum.visibleTopic(topic.id, for: community.cm).postCount == 2)
        let (other, _) = try await services.forum.startTopic(
            ana, in: community.category.id, title: "Lights", body: "Which lights do you use?")
        let elsewhere = try await services.forum.reply(ana, to: other.id, body: "Answering my own: studded.")
        #expect(elsewhere.id != reply.id, "the same words in another topic are a new post")
        community.clock.advance(by: ForumService.repeatWindow + 1)
        let later = try await services.forum.reply(ana, to: topic.id, body: "Answering my own: studded.")
        #expect(later.id != reply.id, "the same words minutes later are meant")

        // Two copies at the same moment (a double click on a slow line) still make one post, and tell the member
        // they mention once: the check is in the write's own transaction.
        let bob = try await community.member("bob@example.org")
        async let left = services.forum.startTopic(
            ana, in: community.category.id, title: "Pumps", body: "@bob which pump do you carry?")
        async let right = services.forum.startTopic(
            ana, in: community.category.id, title: "Pumps", body: "@bob which pump do you carry?")
        let (one, two) = try await (left, right)
        #expect(one.0.id == two.0.id && one.1.id == two.1.id, "two copies at once start one topic")
        #expect(try await services.forum.notifications(bob).count == 1)
        async let firstCopy = services.forum.reply(ana, to: one.0.id, body: "A mini pump, @bob.")
        async let secondCopy = services.forum.reply(ana, to: one.0.id, body: "A mini pump, @bob.")
        #expect(try await firstCopy.id == secondCopy.id, "two copies of a reply at once are one reply")
        #expect(try await services.forum.visibleTopic(one.0.id, for: community.cm).postCount == 2)

        // A text the watched words rewrote is the same text sent again, too.
        _ = try await services.watchedWords.add(
            community.cm,
            NewWatchedWord(language: nil, pattern: "darn it", isRegex: false, action: .replace, replacement: "oh well"))
        let rewritten = try await services.forum.reply(ana, to: one.0.id, body: "Darn it, flat again.")
        let resent = try await services.forum.reply(ana, to: one.0.id, body: "Darn it, flat again.")
        #expect(rewritten.body == "oh well, flat again." && resent.id == rewritten.id)
        // In slow mode too: the copy is the reply already out, not one too soon.
        try await services.calm.setSlowMode(
            community.cm, topic: one.0.id, seconds: 600, until: community.clock.now.addingTimeInterval(3_600))
        community.clock.advance(by: 601)
        let slow = try await services.forum.reply(ana, to: one.0.id, body: "Darn it, slow now.")
        #expect(try await services.forum.reply(ana, to: one.0.id, body: "Darn it, slow now.").id == slow.id)
        await #expect(throws: HearthError.self, "another text is too soon") {
            try await services.forum.reply(ana, to: one.0.id, body: "Something else.")
        }
    }

    @Test(
        "two members answering each other at the same moment both get their replies out (no lock waits on the other)",
        arguments: TestEngine.allCases)
    func crossedReplies(engine: TestEngine) async throws {
        let community = try await ModerationTests.community(engine)
        let services = community.services
        let ana = try await community.member("ana@example.org")
        let bob = try await community.member("bob@example.org")
        let (topic, _) = try await services.forum.startTopic(
            bob, in: community.category.id, title: "Tubeless?", body: "Worth it for commuting?")
        // Each reply locks its author's row and tells the other (a row that refers to theirs): on PostgreSQL a
        // lock that conflicted with that reference would deadlock one of each pair.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for round in 0..<8 {
                group.addTask {
                    _ = try await services.forum.reply(ana, to: topic.id, body: "@bob yes, round \(round).")
                }
                group.addTask {
                    _ = try await services.forum.reply(bob, to: topic.id, body: "@ana why, round \(round)?")
                }
            }
            try await group.waitForAll()
        }
        #expect(try await services.forum.visibleTopic(topic.id, for: community.cm).postCount == 17)
    }

    @Test(
        "heat rises on a scripted quarrel and puts the topic at the top of the queue; a lively thread stays calm",
        arguments: TestEngine.allCases)
    func heat(engine: TestEngine) async throws {
        // Nothing held on toxicity here: held replies do not count, and this is about the ones that go out.
        let community = try await ModerationTests.community(engine, environment: ["HEARTH_HOLD_TOXICITY": "off"])
        let services = community.services
        let ana = try await community.member("ana@example.org")
        let bob = try await community.member("bob@example.org")
        let (quarrel, _) = try await services.forum.startTopic(
            ana, in: community.category.id, title: "Is the new release any good?", body: "I think it is slower.")
        var heatedAt: Int?
        for (index, text) in Quarrel.replies.enumerated() {
            let who = index.isMultiple(of: 2) ? bob : ana
            community.clock.advance(by: 90)
            _ = try await services.forum.reply(who, to: quarrel.id, body: text)
            if heatedAt == nil, try await services.moderation.queue(community.cm).items.first?.kind == .heatedTopic {
                heatedAt = index + 1
            }
        }
        let marked = try #require(heatedAt, "the quarrel heated up")
        #expect(marked >= 4, "a couple of sharp replies are not yet a fire")
        let top = try #require(try await services.moderation.queue(community.cm).items.first)
        #expect(top.kind == .heatedTopic)
        #expect(top.reasons.contains { $0.hasPrefix("back and forth between two members") })
        #expect(top.reasons.contains { $0.hasPrefix("sharp tone") })
        let heats = SQLForumRepository(database: services.database)
        #expect(try await heats.heat(of: quarrel.id)?.isHeated == true)
        // One item per topic, however many replies follow.
        community.clock.advance(by: 60)
        _ = try await services.forum.reply(bob, to: quarrel.id, body: "Whatever, idiot.")
        #expect(try await services.moderation.queue(community.cm).items.count { $0.kind == .heatedTopic } == 1)

        // Eight people, friendly and fast: lively, not heated.
        let (lively, _) = try await services.forum.startTopic(
            community.cm, in: community.category.id, title: "Show us your setup", body: "Photos welcome!")
        var crowd: [Viewer] = []
        for index in 0..<8 { crowd.append(try await community.member("p\(index)@example.org")) }
        for round in 0..<2 {
            for (index, person) in crowd.enumerated() {
                community.clock.advance(by: 30)
                _ = try await services.forum.reply(
                    person, to: lively.id, body: "Here is mine, round \(round), number \(index). Love yours too!")
            }
        }
        let state = try #require(try await heats.heat(of: lively.id))
        #expect(!state.isHeated && state.score < 0.36, "score \(state.score): \(state.reasons)")
    }

    @Test(
        "the night: a member penalised lately waits for the morning; the morning view lists the night",
        arguments: TestEngine.allCases)
    func night(engine: TestEngine) async throws {
        // Monday 2026-09-21 14:13 UTC: working hours (mon-fri 09:00-18:00 UTC by default).
        let clock = TestClock()
        let community = try await ModerationTests.community(engine, clock: clock)
        let services = community.services
        var troll = try await community.member("troll@example.org")
        let ana = try await community.member("ana@example.org")
        try await services.penalties.give(community.moderator, to: troll.member.id, kind: .warn, reason: "Insults")
        troll = try await community.refreshed(troll)  // the next request loads the member as the penalty left them
        let day = try await services.forum.reply(troll, to: community.topic.id, body: "Fine, I will behave.")
        #expect(day.moderation == .visible, "by day, a warned member posts as anyone")

        clock.advance(by: 8 * 3_600)  // 22:13, the night
        let night = try await services.forum.reply(troll, to: community.topic.id, body: "Now that they are asleep…")
        #expect(night.moderation == .pending)
        let reasons = try await services.moderation.queue(community.cm).items.first { $0.postID == night.id }?.reasons
        #expect(reasons == ["written at night by a member penalised in the last 30 days"])
        #expect(
            try await services.forum.reply(ana, to: community.topic.id, body: "Good evening").moderation == .visible)
        let flagged = try await services.forum.reply(ana, to: community.topic.id, body: "A post someone dislikes")
        try await services.moderation.flag(troll, post: flagged.id, reason: .spam)
        try await services.moderation.moderate(community.moderator, post: day.id, action: .hide, reason: "Late check")

        clock.advance(by: 11 * 3_600)  // Tuesday 09:13
        let morning = try await services.moderation.overnight(community.cm)
        #expect(AccessPolicy.moment(morning.since) == "2026-09-21 18:00 UTC")
        #expect(Set(morning.items.map(\.item.kind)) == [.heldPost, .flaggedPost])
        #expect(morning.delegateActs.map(\.action) == ["hide"], "the moderator's act, not the community's own")
        await #expect(throws: HearthError.self) { try await services.moderation.overnight(ana) }

        let warning = try #require(try await services.penalties.history(community.moderator, of: troll.member.id).first)
        try await services.penalties.lift(community.moderator, warning.id)
        clock.advance(by: 12 * 3_600)  // Tuesday 21:13
        let lifted = try await services.forum.reply(
            try await community.refreshed(troll), to: community.topic.id, body: "Sorry about yesterday.")
        #expect(lifted.moderation == .visible, "a lifted penalty no longer holds the night")
    }

    @Test("the public moderation log is off by default; on, it shows acts and reasons without names or private words")
    func publicLog() async throws {
        let closed = try await ModerationTests.community(.sqlite)
        await #expect(throws: HearthError.notFound("This community does not publish its moderation log.")) {
            try await closed.services.moderation.publicLog()
        }
        let community = try await ModerationTests.community(
            .sqlite, environment: ["HEARTH_PUBLIC_MODERATION_LOG": "on"])
        let services = community.services
        let member = try await community.member("m@example.org")
        let post = try await services.forum.reply(member, to: community.topic.id, body: "Buy my stuff")
        try await services.moderation.flag(
            community.moderator, post: post.id, reason: .other, message: "reporter's private words")
        _ = try await services.watchedWords.add(
            community.cm, NewWatchedWord(language: nil, pattern: "secretword", isRegex: false, action: .block))
        await #expect(throws: HearthError.invalid("replacement", "Say what replaces the word, for example ***.")) {
            try await services.watchedWords.add(
                community.cm,
                NewWatchedWord(language: nil, pattern: "idiot", isRegex: false, action: .replace, replacement: " "))
        }
        try await services.penalties.give(community.cm, to: member.member.id, kind: .warn, reason: "Advertising")
        let entries = try await services.moderation.publicLog()
        #expect(entries.map(\.action) == ["warn", "hide (flags)"])
        #expect(entries.map(\.reason) == ["Advertising", "hidden by members' flags, pending review"])
        #expect(!entries.contains { $0.reason.contains("private") || $0.reason.contains("secretword") })
    }

    @Test(
        "a post the engine put in the queue and members then flag is one item, named by the members' flag",
        arguments: TestEngine.allCases)
    func engineAndMemberFlagsAreOneItem(engine: TestEngine) async throws {
        let community = try await ModerationTests.community(engine)
        let services = community.services
        let member = try await community.member("m@example.org")
        let reporter = try await community.member("r@example.org")
        let post = try await services.forum.reply(member, to: community.topic.id, body: "You are all clowns here.")
        let repository = SQLModerationRepository(database: services.database)
        _ = try await repository.open(
            NewReviewItem(
                kind: .engineFlag, postID: post.id, memberID: nil, reasons: ["toxicity 92 %"], score: 0.92),
            at: community.clock.now)
        try await services.moderation.flag(reporter, post: post.id, reason: .inappropriate)
        let items = try await services.moderation.queue(community.cm).items.filter { $0.postID == post.id }
        #expect(items.count == 1, "\(items.map(\.kind))")
        #expect(items.first?.kind == .flaggedPost)
        #expect(items.first?.reasons.contains("toxicity 92 %") == true && items.first?.isAboutTone == true)
    }

    @Test("a profile is flagged once, lands in the queue, and is kept or ignored, never hidden")
    func profileFlags() async throws {
        let community = try await ModerationTests.community(.sqlite)
        let services = community.services
        let spammer = try await community.member("spam@example.org")
        let ana = try await community.member("ana@example.org")
        let item = try await services.moderation.flag(ana, member: spammer.member.id, reason: .spam)
        #expect(item.kind == .flaggedProfile && item.memberID == spammer.member.id && item.reasons == ["spam"])
        await #expect(throws: HearthError.conflict("You have already flagged this profile; the moderators have it.")) {
            try await services.moderation.flag(ana, member: spammer.member.id, reason: .spam)
        }
        await #expect(throws: HearthError.self) {
            try await services.moderation.flag(ana, member: ana.member.id, reason: .spam)
        }
        let found = try await services.moderation.reviewCase(community.moderator, item: item.id)
        #expect(found.author?.id == spammer.member.id && found.authorHistory != nil)
        await #expect(throws: HearthError.self) {
            try await services.moderation.act(community.moderator, item: item.id, action: .hide)
        }
        try await services.moderation.act(community.moderator, item: item.id, action: .ignore)
        #expect(try await services.moderation.queue(community.moderator).items.isEmpty)
        // Handled flags are settled: the same member may flag again later, and it opens a new item.
        let bob = try await community.member("bob@example.org")
        let again = try await services.moderation.flag(bob, member: spammer.member.id, reason: .inappropriate)
        #expect(again.id != item.id && again.reasons == ["inappropriate"])
    }
}
