import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import Logging
import Testing

@testable import HearthApp

/// The priority inbox through the services `hearth serve` uses, on both engines: what comes in, how it ranks,
/// what the community manager's decisions do, and who sees what.
@Suite("Inbox")
struct InboxTests {
    static let question =
        "How do I export my reading list to a spreadsheet? I looked through the settings but found nothing."
    static let bug =
        "The app crashes every time I open the export page since the last update. It worked fine last week, now it just closes."

    struct Community {
        let services: HearthServices
        let clock: TestClock
        let cm: Viewer
        let general: HearthCore.Category
        let other: HearthCore.Category
        var inbox: InboxService { services.inbox }

        /// A member who joined `daysAgo` days ago.
        func member(_ name: String, daysAgo: Double = 0) async throws -> Viewer {
            let member = try await services.accounts.signUp(
                try AccountForm(
                    email: "\(name.lowercased())@example.org", displayName: name, password: "a long enough password"),
                inviteToken: nil)
            let joined = clock.now.addingTimeInterval(-daysAgo * 86_400).millisecondsSince1970
            try await services.database.write { sql in
                try await sql.update("members").set("created_at", to: joined).where("id", .equal, member.id.rawValue)
                    .run()
            }
            return Viewer(
                member: try await services.profiles.member(id: member.id), credential: .session(SessionID(0)))
        }

        func topic(_ viewer: Viewer, _ title: String, _ body: String, in category: HearthCore.Category? = nil)
            async throws -> (Topic, Post)
        {
            try await services.forum.startTopic(viewer, in: (category ?? general).id, title: title, body: body)
        }

        func items(_ viewer: Viewer? = nil) async throws -> [InboxItem] {
            try await inbox.page(viewer ?? cm, limit: 100).items
        }

        func item(of post: Post, _ viewer: Viewer? = nil) async throws -> InboxItem? {
            try await items(viewer).first { $0.postID == post.id }
        }
    }

    static func community(_ engine: TestEngine, clock: TestClock = TestClock()) async throws -> Community {
        let database = try await TestDatabase.make(engine)
        let services = try await HearthServices.forTesting(database: database, clock: clock)
        let cm = try await services.accounts.createCommunityManager(
            try AccountForm(email: "cm@example.org", displayName: "Camille", password: "a long enough password"))
        let staff = Viewer(member: cm, credential: .session(SessionID(0)))
        let general = try await services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        let other = try await services.forum.createCategory(
            staff, name: "Beginners", description: "", startPolicy: .everyone)
        return Community(services: services, clock: clock, cm: staff, general: general, other: other)
    }

    @Test(
        "a newcomer's unanswered question ranks first, and an answer takes a question out",
        arguments: TestEngine.allCases)
    func newcomerFirst(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let regular = try await community.member("Regina", daysAgo: 400)
        let newcomer = try await community.member("Noah")
        let (regularTopic, regularPost) = try await community.topic(regular, "Exporting my list", Self.question)
        let (_, newcomerPost) = try await community.topic(newcomer, "Export to a spreadsheet", Self.question)
        let items = try await community.items()
        let newcomerItem = try #require(items.first { $0.postID == newcomerPost.id })
        let regularItem = try #require(items.first { $0.postID == regularPost.id })
        #expect(items.first?.id == newcomerItem.id, "the newcomer's question is at the top")
        #expect(newcomerItem.score > regularItem.score)
        #expect(newcomerItem.reasons.first?.code == .newcomerQuestion)
        #expect(newcomerItem.reasons.first?.text == "A newcomer's first question, unanswered")
        #expect(newcomerItem.facts.firstPost)
        community.clock.advance(by: 6 * 3_600)
        let explained = try #require(try await community.inbox.item(community.cm, newcomerItem.id)).explained(
            at: community.clock.now)
        #expect(explained.first?.text == "A newcomer's first question, unanswered for 6 h")

        // Someone answers the regular's question: it leaves the inbox; the newcomer's stays.
        let helper = try await community.member("Helen", daysAgo: 100)
        _ = try await community.services.forum.reply(
            helper, to: regularTopic.id, body: "Open the settings, choose Export, then pick the spreadsheet format.")
        let after = try await community.items()
        #expect(!after.contains { $0.postID == regularPost.id })
        #expect(after.contains { $0.postID == newcomerPost.id })
        let closed = try #require(
            try await SQLInboxRepository(database: community.services.database).item(regularItem.id))
        #expect(closed.state == .closed)
        #expect(closed.facts.answeredBy == "Helen")
    }

    @Test("an answered bug report stays, below a newcomer's unanswered one", arguments: TestEngine.allCases)
    func answeredSinks(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let regular = try await community.member("Regina", daysAgo: 400)
        let newcomer = try await community.member("Noah")
        let helper = try await community.member("Helen", daysAgo: 100)
        let (topic, regularPost) = try await community.topic(regular, "Crash on export", Self.bug)
        _ = try await community.services.forum.reply(
            helper, to: topic.id, body: "A known problem since version 3.2: turning off sync avoids the crash for now.")
        let (_, newcomerPost) = try await community.topic(newcomer, "Export crashes", Self.bug)
        let regularItem = try #require(try await community.item(of: regularPost))
        let newcomerItem = try #require(try await community.item(of: newcomerPost))
        #expect(regularItem.facts.feedbackKind == newcomerItem.facts.feedbackKind, "the same reading")
        #expect(regularItem.reasons.contains { $0.code == .answered && $0.text == "Answered by Helen" })
        #expect(newcomerItem.score > regularItem.score)
    }

    @Test("chatter stays out; a troll's question sinks below a fair one", arguments: TestEngine.allCases)
    func trollsSink(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let regular = try await community.member("Regina", daysAgo: 400)
        let troll = try await community.member("Trevor", daysAgo: 200)
        let (topic, _) = try await community.topic(community.cm, "Photos of the week", "Share yours.")
        let chatter = try await community.services.forum.reply(regular, to: topic.id, body: "Lovely picture!")
        let (_, fair) = try await community.topic(regular, "Exporting my list", Self.question)
        let (_, rude) = try await community.topic(
            troll, "Seriously", "Why is this forum run by idiots? Are you all too stupid to fix anything, you morons?")
        let items = try await community.items()
        #expect(!items.contains { $0.postID == chatter.id })
        let fairItem = try #require(items.first { $0.postID == fair.id })
        // The troll asks a question: it is in the inbox, at the bottom, saying why.
        let rudeItem = try #require(items.first { $0.postID == rude.id })
        #expect(fairItem.score > rudeItem.score)
        #expect(items.last?.id == rudeItem.id)
        #expect(rudeItem.reasons.contains { $0.code == .hostile && !$0.raises })
        // Never hidden from the forum by the inbox.
        let page = try await community.services.forum.topicPage(community.cm, topic: rude.topicID)
        #expect(page.posts.contains { $0.id == rude.id })
    }

    @Test("decisions take effect in the next ranking and are learned", arguments: TestEngine.allCases)
    func decisions(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let inbox = community.inbox
        let agitator = try await community.member("Trevor", daysAgo: 200)
        let (_, first) = try await community.topic(
            agitator, "Why", "Why does nobody here ever answer anything properly?")
        let (_, second) = try await community.topic(
            agitator, "Again", "How is this still broken? Why should I even care?")
        let before = try #require(try await community.item(of: second))
        let firstItem = try #require(try await community.item(of: first))

        // "Troll: let it be": out of the inbox, the post untouched, and the author's other posts lower at once.
        try await inbox.act(community.cm, firstItem.id, .ignore)
        #expect(try await community.item(of: first) == nil)
        let after = try #require(try await community.item(of: second))
        #expect(after.score < before.score)
        #expect(after.reasons.contains { $0.code == .trollMarks && !$0.raises })
        #expect(try await community.services.forum.topicPage(nil, topic: first.topicID).posts.first?.id == first.id)

        // Someone else acting on it now is told who did what, and nothing changes.
        let moderator = try await community.member("Max", daysAgo: 100)
        try await community.services.database.write { sql in
            try await sql.update("members").set("role", to: "moderator").where(
                "id", .equal, moderator.member.id.rawValue
            ).run()
        }
        let staff = Viewer(
            member: try await community.services.profiles.member(id: moderator.member.id),
            credential: .session(SessionID(0)))
        await #expect(throws: HearthError.conflict("Camille let it be as a troll 0 min ago; nothing was changed.")) {
            try await inbox.act(staff, firstItem.id, .handled)
        }

        // Pertinent keeps an item at the top; snooze hides it until its time; handled takes it out.
        let newcomer = try await community.member("Noah")
        let (_, question) = try await community.topic(newcomer, "Export", InboxTests.question)
        let kept = try await inbox.act(community.cm, after.id, .pertinent)
        #expect(
            kept.reasons.contains { $0.code == .keptPertinent && $0.text == "Kept up: marked pertinent by Camille" })
        #expect(try await community.items().first?.id == after.id)
        let questionItem = try #require(try await community.item(of: question))
        await #expect(
            throws: HearthError.invalid("until", "That moment has passed: snooze until a time still to come.")
        ) {
            try await inbox.act(
                community.cm, questionItem.id, .snooze, until: community.clock.now.addingTimeInterval(-60))
        }
        try await inbox.act(
            community.cm, questionItem.id, .snooze, until: community.clock.now.addingTimeInterval(3_600))
        #expect(try await community.item(of: question) == nil)
        community.clock.advance(by: 3_601)
        #expect(try await community.item(of: question) != nil)
        try await inbox.act(community.cm, questionItem.id, .handled)
        #expect(try await community.item(of: question) == nil)

        // Each decision on a post is a label for the engine's community layer, learned by the job.
        let labels = try await community.services.database.read { sql in
            try await sql.raw("SELECT post_id, label FROM engine_labels WHERE task = 'pertinence' ORDER BY id").all()
                .map {
                    (try $0.decode(column: "post_id", as: Int64.self), try $0.decode(column: "label", as: Int.self))
                }
        }
        #expect(labels.map(\.0) == [first.id.rawValue, second.id.rawValue])
        #expect(labels.map(\.1) == [0, 1], "a troll let be, then a post kept up; snooze and handled say nothing")
        let learning = try #require(community.services.learning)
        #expect(try await learning.learnPending() == 2)
        #expect(try await learning.decisions(.pertinence) == 2)
    }

    @Test(
        "a delegate sees only the categories of their grant, and items assigned to them", arguments: TestEngine.allCases
    )
    func delegateScope(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let inbox = community.inbox
        let asker = try await community.member("Noah")
        let (_, general) = try await community.topic(asker, "Export", InboxTests.question)
        let (_, beginners) = try await community.topic(asker, "First steps", InboxTests.bug, in: community.other)
        let ambassador = try await community.member("Amber", daysAgo: 300)
        let role = try await community.services.delegation.create(
            community.cm,
            RoleDefinition(
                nameEN: "Ambassador for beginners", nameFR: "Ambassadeur des débutants",
                powers: [.readInbox, .workInbox],
                categoryIDs: [community.other.id]))
        try await community.services.delegation.give(community.cm, role.id, to: ambassador.member.id)
        let delegate = try await community.services.viewers.viewer(
            try await community.services.profiles.member(id: ambassador.member.id), credential: .session(SessionID(0)))
        let seen = try await community.items(delegate)
        #expect(seen.map(\.postID) == [beginners.id])
        let generalItem = try #require(try await community.item(of: general))
        await #expect(throws: HearthError.notFound("There is no such item in your inbox.")) {
            try await inbox.act(delegate, generalItem.id, .handled)
        }
        // A member with no inbox has none.
        let plain = try await community.member("Paul", daysAgo: 300)
        await #expect(throws: HearthError.self) { try await inbox.page(plain) }
        #expect(try await inbox.unread(plain) == nil)

        // The general item cannot go to the ambassador, who may not see it; the beginners' one can.
        await #expect(
            throws: HearthError.invalid(
                "memberId",
                "Amber cannot see this item: give them the inbox in its category first, or choose someone else.")
        ) {
            try await inbox.act(community.cm, generalItem.id, .assign, assignee: ambassador.member.id)
        }
        let beginnersItem = try #require(try await community.item(of: beginners))
        let assigned = try await inbox.act(community.cm, beginnersItem.id, .assign, assignee: ambassador.member.id)
        #expect(assigned.assignedTo?.id == ambassador.member.id)
        #expect(try await inbox.page(delegate, assignedOnly: true).items.map(\.id) == [beginnersItem.id])
        try await inbox.act(delegate, beginnersItem.id, .handled)
        #expect(try await community.items(delegate).isEmpty)
    }

    @Test("a flag brings a post in, linked to the review queue; hiding it takes it out", arguments: TestEngine.allCases)
    func flags(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let regular = try await community.member("Regina", daysAgo: 400)
        let (topic, _) = try await community.topic(community.cm, "Photos of the week", "Share yours.")
        let post = try await community.services.forum.reply(regular, to: topic.id, body: "Lovely picture!")
        #expect(try await community.item(of: post) == nil)
        let reporter = try await community.member("Rita", daysAgo: 300)
        _ = try await community.services.moderation.flag(reporter, post: post.id, reason: .offTopic)
        let item = try #require(try await community.item(of: post))
        #expect(item.reasons.contains { $0.code == .review })
        let review = try #require(try await community.services.moderation.queue(community.cm).items.first)
        try await community.services.moderation.act(community.cm, item: review.id, action: .hide, reason: "")
        #expect(try await community.item(of: post) == nil)
        #expect(try await SQLInboxRepository(database: community.services.database).item(item.id)?.state == .handled)
    }

    @Test("the header counts what arrived since the inbox was last opened", arguments: TestEngine.allCases)
    func unread(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let asker = try await community.member("Noah")
        _ = try await community.topic(asker, "Export", InboxTests.question)
        #expect(try await community.inbox.unread(community.cm) == 1)
        try await community.inbox.markSeen(community.cm)
        #expect(try await community.inbox.unread(community.cm) == 0)
        community.clock.advance(by: 60)
        _ = try await community.topic(asker, "Crash", InboxTests.bug)
        #expect(try await community.inbox.unread(community.cm) == 1)
    }

    @Test("a question unanswered past the wait rises", arguments: TestEngine.allCases)
    func waiting(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let regular = try await community.member("Regina", daysAgo: 400)
        let (_, post) = try await community.topic(regular, "Export", InboxTests.question)
        let before = try #require(try await community.item(of: post))
        #expect(try await community.inbox.raiseWaiting() == 0)
        community.clock.advance(by: 6 * 3_600 + 1)
        #expect(try await community.inbox.raiseWaiting() == 1)
        let after = try #require(try await community.item(of: post))
        #expect(after.score > before.score)
        #expect(after.reasons.contains { $0.code == .waiting })
        #expect(try await community.inbox.raiseWaiting() == 0, "counted once")
    }
}

/// `hearth inbox eval` on the small committed stream: the same replay and measures as on the full streams.
@Suite("Inbox evaluation")
struct InboxEvaluationTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/inbox-stream-small.csv")

    @Test("the stream is replayed through the forum, ranked, decided on one half and measured on the other")
    func smallStream() async throws {
        let rows = try InboxEvaluation.rows(csv: try String(contentsOf: Self.fixture, encoding: .utf8))
        #expect(rows.count == 90)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-eval-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try await InboxEvaluation(rows: rows, decisionSteps: [10, 30]).run(
            in: folder, logger: Logger(label: "test"))
        #expect(report.skipped == 0)
        #expect(report.counts == ["pertinent": 30, "troll": 30, "chatter": 30])
        #expect(report.stages.map(\.decisions) == [0, 10, 30])
        #expect(report.stages.map(\.made) == [0, 10, 30])
        let start = try #require(report.stages.first)
        // Trolls sink under pertinent posts out of the box; pertinent posts lead the first page.
        #expect(try #require(start.pertinentOverTroll) > 0.9)
        #expect(try #require(start.pertinentOverChatter) > 0.6)
        #expect(try #require(start.firstPage) >= 0.5)
        #expect(report.measured == 45)
    }

    @Test("a stream without its columns, or with an unknown label, is refused with the row named")
    func badStreams() throws {
        #expect(
            throws: HearthError.invalid(
                "data", "The file has no \"author\" column; it needs text, label and author (title is optional).")
        ) {
            try InboxEvaluation.rows(csv: "text,label\nhello,troll\n")
        }
        #expect(throws: HearthError.invalid("data", "Row 3: label is pertinent, troll or chatter, not \"spam\".")) {
            try InboxEvaluation.rows(csv: "text,label,author\nhello,troll,regular\nbuy now,spam,newcomer\n")
        }
    }
}

extension InboxTests {
    @Test(
        "a mention of staff or of the brand brings a post in; an item nobody touched leaves after the keep days",
        arguments: TestEngine.allCases)
    func mentionsAndAge(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let regular = try await community.member("Regina", daysAgo: 400)
        let (topic, _) = try await community.topic(community.cm, "Photos of the week", "Share yours.")
        let quiet = try await community.services.forum.reply(regular, to: topic.id, body: "Lovely picture!")
        let mention = try await community.services.forum.reply(regular, to: topic.id, body: "Lovely, @camille!")
        let brand = try await community.services.forum.reply(regular, to: topic.id, body: "Hearth looks lovely!")
        #expect(try await community.item(of: quiet) == nil)
        let mentioned = try #require(try await community.item(of: mention))
        #expect(mentioned.reasons.contains { $0.code == .mention && $0.text == "Mentions @camille" })
        let named = try #require(try await community.item(of: brand))
        #expect(named.reasons.contains { $0.text == "Mentions Hearth" }, "the community's name is the brand's")

        // Kept up, it stays; untouched, it leaves after 14 days.
        try await community.inbox.act(community.cm, mentioned.id, .pertinent)
        community.clock.advance(by: 15 * 86_400)
        #expect(try await community.inbox.closeUntouched() == 1)
        #expect(try await community.item(of: brand) == nil)
        #expect(try await community.item(of: mention) != nil)
    }
}

extension InboxTests {
    @Test(
        "what the community manager keeps up teaches the engine: open items and new posts rank with it",
        arguments: TestEngine.allCases)
    func learning(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let regular = try await community.member("Regina", daysAgo: 400)
        let learning = try #require(community.services.learning)
        var kept: [Post] = []
        for number in 1...8 {
            let (_, post) = try await community.topic(
                regular, "Spreadsheet export \(number)",
                "The spreadsheet export drops the accents in column \(number); could the export keep them?")
            kept.append(post)
        }
        let (_, waiting) = try await community.topic(
            regular, "Export accents", "My spreadsheet export loses accents too, in every column.")
        let before = try #require(try await community.item(of: waiting))
        #expect(before.facts.learned == 0, "nothing learned yet")
        for post in kept {
            try await community.inbox.act(community.cm, try #require(try await community.item(of: post)).id, .pertinent)
        }
        #expect(try await learning.learnPending() == 8)
        #expect(try await community.inbox.rerankLearned() >= 1)
        let after = try #require(try await community.item(of: waiting))
        #expect(after.facts.learned > 0.3, "an open item like the kept ones rises")
        #expect(after.score > before.score)
        #expect(
            after.reasons.contains {
                $0.code == .learnedPertinent && $0.text.hasPrefix("Like posts you found pertinent")
            })
        let (_, fresh) = try await community.topic(
            regular, "Accents in the export", "The spreadsheet export still drops accents from my column names.")
        let freshItem = try #require(try await community.item(of: fresh))
        #expect(freshItem.facts.learned > 0.3, "a new post is read with what was learned")
    }
}

/// What the review of the inbox found, each with the test that failed before its fix.
extension InboxTests {
    func delegate(_ community: Community, _ name: String, actions: Set<Action>, hours: RoleDefinition.Hours? = nil)
        async throws -> Viewer
    {
        let member = try await community.member(name, daysAgo: 300)
        let role = try await community.services.delegation.create(
            community.cm,
            RoleDefinition(
                nameEN: "Ambassador", nameFR: "Ambassadeur", powers: actions, categoryIDs: [community.general.id],
                hours: hours))
        try await community.services.delegation.give(community.cm, role.id, to: member.member.id)
        return try await community.services.viewers.viewer(
            try await community.services.profiles.member(id: member.member.id), credential: .session(SessionID(0)))
    }

    @Test(
        "a reply in place is posted once, even when someone else decided the item meanwhile; reading is not working",
        arguments: TestEngine.allCases)
    func replyInPlace(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let asker = try await community.member("Noah")
        let (topic, post) = try await community.topic(asker, "Export", Self.question)
        let item = try #require(try await community.item(of: post))
        // A delegate who may read the inbox but not work it cannot post through it.
        let reader = try await delegate(community, "Rita", actions: [.readInbox])
        await #expect(throws: HearthError.self) {
            try await community.inbox.reply(
                reader, to: item.id, body: "Look in the settings, then Export.", quoting: true)
        }
        #expect(try await community.services.forum.topicPage(nil, topic: topic.id).posts.count == 1)
        // Someone snoozed it, then someone else replies: the reply is in, and the answer says who came first.
        let worker = try await delegate(community, "Wanda", actions: [.readInbox, .workInbox])
        let (reply, second) = try await community.inbox.reply(
            worker, to: item.id, body: "Look in the settings, then Export, then CSV.", quoting: true)
        #expect(second == nil)
        #expect(reply.quotePostID == post.id)
        #expect(try await SQLInboxRepository(database: community.services.database).item(item.id)?.decision == .replied)
    }

    @Test(
        "a suspended delegate reads no inbox; a delegate given only the work, or an evening window, is assignable as it should be",
        arguments: TestEngine.allCases)
    func delegatesAndAssignees(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let asker = try await community.member("Noah")
        let (_, post) = try await community.topic(asker, "Export", Self.question)
        let item = try #require(try await community.item(of: post))
        let workOnly = try await delegate(community, "Otto", actions: [.workInbox])
        await #expect(
            throws: HearthError.invalid(
                "memberId",
                "Member cannot see this item: give them the inbox in its category first, or choose someone else."
                    .replacingOccurrences(of: "Member", with: "Otto"))
        ) {
            try await community.inbox.act(community.cm, item.id, .assign, assignee: workOnly.member.id)
        }
        // An evening advisor, assigned at 10:00 UTC, sees it in the evening.
        let evening = RoleDefinition.Hours(fromMinute: 19 * 60, toMinute: 23 * 60)
        let advisor = try await delegate(community, "Eve", actions: [.readInbox, .workInbox], hours: evening)
        let assigned = try await community.inbox.act(community.cm, item.id, .assign, assignee: advisor.member.id)
        #expect(assigned.assignedTo?.id == advisor.member.id)

        let ambassador = try await delegate(community, "Amber", actions: [.readInbox, .workInbox])
        #expect(try await community.items(ambassador).count == 1)
        try await community.services.database.write { sql in
            try await sql.update("members").set(
                "suspended_until", to: community.clock.now.addingTimeInterval(86_400).millisecondsSince1970
            )
            .where("id", .equal, ambassador.member.id.rawValue).run()
        }
        let suspended = try await community.services.viewers.viewer(
            try await community.services.profiles.member(id: ambassador.member.id), credential: .session(SessionID(0)))
        await #expect(throws: HearthError.self) { try await community.inbox.page(suspended) }
        #expect(try await community.inbox.unread(suspended) == nil)
    }

    @Test(
        "kept up twice is told, not counted twice; a snooze past the keep days outlives them",
        arguments: TestEngine.allCases)
    func keepAndSnooze(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let asker = try await community.member("Noah")
        let (_, post) = try await community.topic(asker, "Export", Self.question)
        let (_, other) = try await community.topic(asker, "Crash", Self.bug)
        let item = try #require(try await community.item(of: post))
        try await community.inbox.act(community.cm, item.id, .pertinent)
        await #expect(throws: HearthError.self) { try await community.inbox.act(community.cm, item.id, .pertinent) }
        let marks = try await community.services.database.read { sql in
            try await sql.raw("SELECT pertinent FROM inbox_authors").first(decodingColumn: "pertinent", as: Int.self)
        }
        #expect(marks == 1)
        let later = try #require(try await community.item(of: other))
        try await community.inbox.act(
            community.cm, later.id, .snooze, until: community.clock.now.addingTimeInterval(20 * 86_400))
        community.clock.advance(by: 15 * 86_400)
        #expect(try await community.inbox.closeUntouched() == 0)
        community.clock.advance(by: 6 * 86_400)
        #expect(try await community.item(of: other) != nil, "awake again after its snooze")
    }

    @Test(
        "'+1' answers nothing; an assigned question stays when answered; deleting a topic empties its items",
        arguments: TestEngine.allCases)
    func answersAndDeletions(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let asker = try await community.member("Noah")
        let helper = try await community.member("Helen", daysAgo: 100)
        let (topic, post) = try await community.topic(asker, "Export", Self.question)
        _ = try await community.services.forum.reply(helper, to: topic.id, body: "+1, same question")
        let item = try #require(try await community.item(of: post), "a '+1' is not an answer")
        try await community.inbox.act(community.cm, item.id, .assign, assignee: community.cm.member.id)
        _ = try await community.services.forum.reply(
            helper, to: topic.id, body: "Open the settings, choose Export, then pick the spreadsheet format.")
        let answered = try #require(try await community.item(of: post), "assigned, it stays for its assignee")
        #expect(answered.facts.answeredBy == "Helen")
        try await community.services.forum.delete(community.cm, post: post.id)
        #expect(try await community.items().isEmpty)
    }
}
