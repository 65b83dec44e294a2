import Foundation
import HearthApp
import HearthCore
import HearthTestSupport
import Testing

/// The moderation pages a community manager opens in the morning, without JavaScript.
@Suite("Moderation pages")
struct ModerationPagesTests {
    @Test(
        "watched words from the browser: a refused expression keeps what was typed; a blocked post keeps its text")
    func watchedWords() async throws {
        let (community, manager) = try await ForumPagesTests.community()
        defer { community.close() }
        try await community.member("ana@example.org")
        try await community.test { client in
            var cm = WebClient(client)
            try await ForumPagesTests.logIn(&cm, "cm@example.org")
            #expect(try await cm.get("/review").body.contains(#"<a href="/watched-words">"#))
            #expect(try await cm.get("/watched-words").body.contains("No word is watched yet."))
            let refused = try await cm.post(
                "/watched-words", form: ["pattern": "(a+)+$", "regex": "1", "action": "flag", "language": ""])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("runs too long") && refused.body.contains(#"value="(a+)+$""#))
            #expect(refused.body.contains(#"name="regex" value="1" checked"#), "the expression box stays ticked")
            #expect(refused.body.contains(#"<option value="flag" selected>"#), "the chosen action stays chosen")
            let added = try await cm.post(
                "/watched-words", form: ["pattern": "spamword", "action": "block", "language": "", "replacement": ""])
            #expect(added.status == .seeOther)
            #expect(try await cm.get("/watched-words").body.contains("“spamword”"))

            var ana = WebClient(client)
            try await ForumPagesTests.logIn(&ana, "ana@example.org")
            try await ana.get("/new-topic?category=general")
            let blocked = try await ana.post(
                "/new-topic", form: ["category": "1", "title": "Hello there", "body": "Buy SPAMW0RD today"])
            #expect(blocked.status == .unprocessableContent)
            #expect(blocked.body.contains("which this community does not allow"))
            #expect(blocked.body.contains("Buy SPAMW0RD today"), "the text is kept")

            let words = try await community.services.watchedWords.list(manager)
            try await cm.get("/watched-words")
            #expect(try await cm.post("/watched-words/\(words[0].id.rawValue)/delete", form: [:]).status == .seeOther)
            #expect(try await cm.get("/watched-words").body.contains("No word is watched yet."))
            #expect(try await ana.get("/watched-words").status == .forbidden)
        }
    }

    @Test("the morning view, a reported profile, the heat banner and the public log's footer link")
    func morningAndProfiles() async throws {
        let community = try await TestCommunity.make(environment: ["HEARTH_PUBLIC_MODERATION_LOG": "on"])
        defer { community.close() }
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        _ = try await community.services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        let spammer = try await community.member("spam@example.org")
        try await community.member("ana@example.org")
        try await community.test { client in
            var ana = WebClient(client)
            try await ForumPagesTests.logIn(&ana, "ana@example.org")
            let profile = try await ana.get("/u/\(spammer.handle)")
            #expect(profile.body.contains(#"action="/u/\#(spammer.handle)/flag""#))
            #expect(profile.body.contains(#"<a href="/modlog">Moderation log</a>"#), "the footer links the public log")
            let reported = try await ana.post("/u/\(spammer.handle)/flag", form: ["reason": "spam", "message": ""])
            #expect(reported.status == .ok && reported.body.contains("the moderators will look at this profile"))
            #expect(try await ana.get("/review/overnight").status == .forbidden)

            var cm = WebClient(client)
            try await ForumPagesTests.logIn(&cm, "cm@example.org")
            let review = try await cm.get("/review")
            #expect(review.body.contains("Flagged profile"))
            #expect(
                !review.body.contains(#"<button name="action" value="delete">"#), "a profile is not hidden or deleted")
            // Several at once, one of them gone: what was done is said before what was not.
            let profileItem = try #require(try await community.services.moderation.queue(staff).items.first)
            let bulk = try await cm.post(
                "/review", fields: [("action", "ignore"), ("items", "\(profileItem.id.rawValue)"), ("items", "999999")])
            #expect(bulk.status == .conflict && bulk.body.contains("Done for 1 of 2 ticked"), "\(bulk.status)")
            try await cm.get("/review")
            let morning = try await cm.get("/review/overnight")
            #expect(morning.status == .ok && morning.body.contains("Flagged profile"))
            #expect(try await cm.get("/modlog").status == .ok)
            let own = try await cm.get("/u/\(manager.handle)")
            #expect(!own.body.contains("/u/\(manager.handle)/flag"), "not one's own profile")
        }
        let closed = try await TestCommunity.make()
        defer { closed.close() }
        try await closed.test { client in
            var visitor = WebClient(client)
            #expect(try await visitor.get("/modlog").status == .notFound)
            let login = try await visitor.get("/login")
            #expect(!login.body.contains("/modlog"))
            #expect(try await visitor.get("/signup").body.contains(#"<a href="/guidelines">"#))
        }
    }

    @Test("a warned member reads why on every page for a week, then no longer")
    func warning() async throws {
        let (community, manager) = try await ForumPagesTests.community()
        defer { community.close() }
        let ana = try await community.member("ana@example.org")
        try await community.services.penalties.give(
            manager, to: ana.id, kind: .warn, reason: "Personal attacks in the release thread.")
        try await community.test { client in
            var browser = WebClient(client)
            try await ForumPagesTests.logIn(&browser, "ana@example.org")
            let home = try await browser.get("/")
            #expect(home.body.contains("A moderator warned you on"))
            #expect(!home.body.contains(".."), "the reason's own stop is not doubled")
            #expect(home.body.contains("Personal attacks in the release thread"))
            community.clock.advance(by: Penalty.warningShown + 60)
            let later = try await browser.get("/")
            #expect(!later.body.contains("A moderator warned you"))
        }
    }

    @Test("staff read on a heated thread's page why it is heating up; members do not")
    func heatBanner() async throws {
        let community = try await TestCommunity.make(environment: ["HEARTH_HOLD_TOXICITY": "off"])
        defer { community.close() }
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        let category = try await community.services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        let ana = Viewer(member: try await community.member("ana@example.org"), credential: .session(SessionID(0)))
        let bob = Viewer(member: try await community.member("bob@example.org"), credential: .session(SessionID(0)))
        let (topic, _) = try await community.services.forum.startTopic(
            ana, in: category.id, title: "Is the new release any good?", body: "I think it is slower.")
        for (index, text) in Quarrel.replies.enumerated() {
            community.clock.advance(by: 90)
            _ = try await community.services.forum.reply(index.isMultiple(of: 2) ? bob : ana, to: topic.id, body: text)
        }
        try await community.test { client in
            var cm = WebClient(client)
            try await ForumPagesTests.logIn(&cm, "cm@example.org")
            let page = try await cm.get("/t/\(topic.id.rawValue)")
            #expect(page.body.contains("This thread is heating up:"))
            #expect(page.body.contains("back and forth between two members"))
            var member = WebClient(client)
            try await ForumPagesTests.logIn(&member, "ana@example.org")
            let seen = try await member.get("/t/\(topic.id.rawValue)")
            #expect(!seen.body.contains("This thread is heating up"))
        }
    }
}
