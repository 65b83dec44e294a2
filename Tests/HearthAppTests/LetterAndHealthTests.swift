import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import Testing

@testable import HearthApp

/// The health figures and the weekly letter on a scripted community under the test clock, on both engines: who
/// asked, who answered and how fast, who only read, an image that drew thanks, a flag decided, a topic left
/// waiting; then the letter drafted on its hour, edited, sent through the outbox, and told again when the mail
/// server is down.
@Suite("Health and the weekly letter")
struct LetterAndHealthTests {
    static let week = ISOWeek("2026-W48")!
    static let monday = week.start(in: .gmt)
    static let hour: TimeInterval = 3_600
    static let day: TimeInterval = 86_400

    struct Community {
        let services: HearthServices
        let clock: TestClock
        let mail: RecordingMailTransport
        let cm: Viewer
        let marie: Viewer
        let olga: Viewer
        let paul: Viewer
        let lea: Viewer
        let image: Upload
        let questionTopic: Topic
        let waitingTopic: Topic
    }

    static func member(_ services: HearthServices, _ name: String, role: Role = .member) async throws -> Viewer {
        let member = try await services.accounts.signUp(
            try AccountForm(
                email: "\(name.lowercased())@example.org", displayName: name, password: "a long enough password"),
            inviteToken: nil)
        if role != .member {
            try await services.database.write { sql in
                try await sql.update("members").set("role", to: role.rawValue).where("id", .equal, member.id.rawValue)
                    .run()
            }
        }
        return Viewer(member: try await services.profiles.member(id: member.id), credential: .session(SessionID(0)))
    }

    /// Olga and Paul joined in October (regulars by W48); Marie joins on W48's Monday (a newcomer); Léa only reads.
    static func community(_ engine: TestEngine, environment: [String: String] = [:]) async throws -> Community {
        let clock = TestClock(monday.addingTimeInterval(-53 * day))
        let mail = RecordingMailTransport()
        let services = try await HearthServices.forTesting(
            database: try await TestDatabase.make(engine), clock: clock, mail: mail,
            environment: ["HEARTH_LETTER_RECIPIENTS": "boss@example.org, fr:lea.dupont@example.org"].merging(
                environment
            ) { $1 })
        let cmMember = try await services.accounts.createCommunityManager(
            try AccountForm(email: "cm@example.org", displayName: "Camille", password: "a long enough password"))
        let cm = Viewer(member: cmMember, credential: .session(SessionID(0)))
        let general = try await services.forum.createCategory(
            cm, name: "General", description: "", startPolicy: .everyone)
        let olga = try await member(services, "Olga")
        let paul = try await member(services, "Paul")
        let lea = try await member(services, "Lea")
        _ = try await member(services, "Nadia", role: .team)
        clock.advance(by: 53 * day + 10 * hour)  // Monday of W48, 10:00
        let marie = try await member(services, "Marie")
        let sessions = SQLSessionRepository(database: services.database)

        let (question, _) = try await services.forum.startTopic(
            marie, in: general.id, title: "How do I export my data?",
            body:
                "I would like to export my reading list to a spreadsheet every month. Is there an export button somewhere in the settings?"
        )
        clock.advance(by: 1 * hour)
        let (idea, _) = try await services.forum.startTopic(
            olga, in: general.id, title: "Reading lists for the club",
            body:
                "Our reading club shares one reading list for the whole season. The reading list is the heart of our club evenings."
        )
        clock.advance(by: 0.5 * hour)
        _ = try await services.forum.reply(
            cm, to: idea.id,
            body: "Thank you Olga, shared reading lists are a lovely idea for every club that meets in the evenings.")
        clock.advance(by: 0.5 * hour)  // 12:00: Paul answers Marie two hours after she asked
        let answer = try await services.forum.reply(
            paul, to: question.id,
            body:
                "The export button is in the settings, under your reading list. The export writes a spreadsheet file you can open anywhere."
        )
        let image = try await services.uploads.store(paul, bytes: TestImages.png)
        let photo = try await services.forum.reply(
            paul, to: question.id, body: "Here is where the export button sits:\n\n![export](\(image.path))")
        try await sessions.markSeen(lea.member.id, at: clock.now)
        clock.advance(by: 1 * day)  // Tuesday
        _ = try await services.forum.react(marie, to: photo.id, with: .thanks)
        _ = try await services.forum.react(olga, to: answer.id, with: .thanks)
        try await services.moderation.flag(olga, post: photo.id, reason: .offTopic)
        clock.advance(by: 1 * hour)
        let item = try #require(try await services.moderation.queue(cm).items.first)
        try await services.moderation.act(cm, item: item.id, action: .approve)
        clock.advance(by: 1 * day)  // Wednesday
        let (waiting, _) = try await services.forum.startTopic(
            marie, in: general.id, title: "Anyone else reading at night?",
            body: "I read mostly at night and wonder who else does. Do you have tips for reading late without tiring?")
        return Community(
            services: services, clock: clock, mail: mail, cm: cm, marie: marie, olga: olga, paul: paul, lea: lea,
            image: image, questionTopic: question, waitingTopic: waiting)
    }

    @Test("the week's health figures are counted from the days rolled up", arguments: TestEngine.allCases)
    func figures(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let services = community.services
        community.clock.advance(by: 5 * Self.day)  // the next Monday
        #expect(try await services.health.rollUp() >= HealthService.recountDays)
        let days = HealthDay.number(Self.monday)...HealthDay.number(Self.monday.addingTimeInterval(6 * Self.day))
        let report = try await services.health.report(community.cm, days: days)
        let now = report.current
        #expect(now.answers.topics == 3)
        #expect(now.answers.unanswered == 1)
        #expect(now.replies.newcomers == Percentiles([7_200]))
        #expect(now.replies.regulars == Percentiles([1_800]))
        #expect(now.replies.overall.p50 == 1_800)
        #expect(now.replies.overall.p90 == 7_200)
        #expect(now.activity.posters == 4)  // Marie, Olga, Camille, Paul
        #expect(now.activity.readers == 1)  // Léa came and wrote nothing
        #expect(now.activity.newMembers == 1)
        #expect(now.activity.replies == 3)
        #expect(now.moderation.flags == 1)
        #expect(now.moderation.handled == Percentiles([3_600]))
        #expect(report.unansweredTopics.map(\.id) == [community.waitingTopic.id])
        #expect(report.previous.answers.topics == 0)
        #expect(report.daily.count == 7)
        // Days before the community began are days of zeros in the charts, not gaps.
        let early = try await services.health.report(
            community.cm, days: (days.lowerBound - 400)...(days.lowerBound - 394))
        #expect(early.daily.count == 7 && early.daily.allSatisfy { $0.topics == 0 && $0.posters == 0 })
        #expect(report.daily.first?.topics == 2)
        #expect(report.weekly.map(\.label) == ["2026-W48"])
        #expect(report.retention.count == 12)
        #expect(report.retention.last?.members == 1)
        #expect(report.retention.last?.after4Weeks == nil)  // not measurable yet

        // The team reads the figures; a member does not.
        let team = try await services.profiles.member(id: MemberID(5))
        #expect(team.role == .team)
        _ = try await services.health.report(Viewer(member: team, credential: .session(SessionID(0))), days: days)
        await #expect(throws: HearthError.self) { try await services.health.report(community.marie, days: days) }

        // Ranges: bad dates and a period in the future are refused in words.
        let today = services.health.today
        #expect(throws: HearthError.invalid("from", "The first day comes after the last one.")) {
            try HealthRange.parse(range: nil, from: "2026-11-30", to: "2026-11-01", today: today)
        }
        #expect(throws: HearthError.self) {
            try HealthRange.parse(range: "year", from: nil, to: nil, today: today)
        }
        #expect(throws: HearthError.self) {
            try HealthRange.parse(range: nil, from: "2027-01-01", to: "2027-01-31", today: today)
        }
        #expect(try HealthRange.parse(range: "quarter", from: nil, to: nil, today: today).count == 91)
    }

    @Test(
        "the letter is drafted on its hour, edited, sent through the outbox and retried", arguments: TestEngine.allCases
    )
    func letter(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let services = community.services
        let letters = services.letters

        // Before Monday 09:00 after the week, nothing is drafted; after it, the draft is there.
        community.clock.advance(by: 4 * Self.day + 19 * Self.hour)  // Monday 08:00
        try await letters.dueWork()
        #expect(try await letters.letters(community.cm).isEmpty)
        community.clock.advance(by: 1.5 * Self.hour)
        try await services.health.rollUp()
        try await letters.dueWork()
        let drafted = try await letters.letter(community.cm, week: Self.week)
        #expect(drafted.status == .draft)
        let draft = drafted.draft
        #expect(draft.posts == 6)
        #expect(draft.staff.replies == [LetterDraft.Count(label: "Camille", count: 1)])
        #expect(draft.staff.queueOpened == 1)
        #expect(draft.staff.queueDecided == [LetterDraft.Count(label: "approved", count: 1)])
        let question = try #require(draft.topics.first { $0.id == community.questionTopic.id.rawValue })
        #expect(question.reason == .active)
        #expect(question.posts == 3)
        #expect(question.thanks == 2)
        // Every sentence is one a member wrote, word for word.
        let written = [
            "I would like to export my reading list to a spreadsheet every month.",
            "The export button is in the settings, under your reading list.",
            "The export writes a spreadsheet file you can open anywhere.",
            "Is there an export button somewhere in the settings?", "Here is where the export button sits:",
        ]
        #expect(!question.sentences.isEmpty)
        for sentence in question.sentences { #expect(written.contains(sentence), "\(sentence)") }
        #expect(Set(draft.mostActive.prefix(2).map(\.name)) == ["Marie", "Paul"])
        #expect(draft.newcomers.map(\.name) == ["Marie"])
        #expect(draft.newcomerCount == 1)
        #expect(draft.images.map(\.fileName) == [community.image.fileName])
        #expect(draft.images.first?.reactions == 1)
        #expect(draft.health?.current.answers.topics == 3)

        // The manager opened it: it does not leave by itself. They write a word and leave a topic out.
        #expect(drafted.openedAt != nil)
        let idea = try #require(draft.topics.first { $0.id != community.questionTopic.id.rawValue })
        let edited = try await letters.edit(
            community.cm, week: Self.week, intro: "A **good** week: the club idea took off.", excluded: [idea.key])
        #expect(edited.content.topics.map(\.id) == [community.questionTopic.id.rawValue])
        await #expect(throws: HearthError.self) {
            try await letters.edit(community.marie, week: Self.week, intro: "Mine now", excluded: [])
        }

        // Sent: one copy per recipient (the configured two and the team's Nadia), queued with the change.
        let sent = try await letters.send(community.cm, week: Self.week)
        #expect(sent.status == .sent)
        #expect(
            Set(sent.deliveries.map(\.address)) == ["boss@example.org", "lea.dupont@example.org", "nadia@example.org"])
        #expect(community.mail.messages.isEmpty)
        _ = try await services.jobs.drain()
        let messages = community.mail.messages
        #expect(messages.count == 3)
        let boss = try #require(messages.first { $0.to == ["boss@example.org"] })
        #expect(boss.subject == "Hearth: the week 2026-W48")
        #expect(boss.textBody.contains("A **good** week"))
        #expect(boss.textBody.contains("How do I export my data?"))
        #expect(!boss.textBody.contains("Reading lists for the club — "))
        let html = try #require(boss.htmlBody)
        #expect(html.contains("<strong>good</strong>"))
        #expect(html.contains("max-width:600px"))
        let inline = try #require(boss.inline?.first)
        #expect(html.contains("cid:\(inline.contentID)"))
        #expect(inline.bytes == Data(TestImages.png))
        let french = try #require(messages.first { $0.to == ["lea.dupont@example.org"] })
        #expect(french.subject == "Hearth : la semaine 2026-W48")
        #expect(french.textBody.contains("LES GRANDS SUJETS"))
        #expect(french.textBody.contains("La semaine du 23 nov. 2026 au 29 nov. 2026"))
        #expect(try await letters.letter(community.cm, week: Self.week).deliveries.allSatisfy { $0.status == .sent })

        // Sent, it is kept as it went out; a second click on "send" queues nothing twice.
        await #expect(throws: HearthError.self) {
            try await letters.edit(community.cm, week: Self.week, intro: "Changed afterwards", excluded: [])
        }
        await #expect(throws: HearthError.self) { try await letters.draft(nil, week: Self.week) }
        #expect(try await letters.letter(community.cm, week: Self.week).sentAt != nil)

        // Sent again with the mail server down: each copy is kept, marked, and goes once the server is back.
        community.mail.failing(with: .unavailable("The e-mail could not be sent: the mail server refused."))
        _ = try await letters.send(community.cm, week: Self.week)
        _ = try await letters.send(community.cm, week: Self.week)  // clicked twice: the copies on their way suffice
        _ = try await services.jobs.drain()
        let failing = try await letters.letter(community.cm, week: Self.week)
        let failed = failing.deliveries.filter { $0.status == .failed }
        #expect(failed.count == 3)
        #expect(failed.first?.lastError == "The e-mail could not be sent: the mail server refused.")
        community.mail.failing(with: nil)
        community.clock.advance(by: 120)
        _ = try await services.jobs.drain()
        #expect(community.mail.messages.count == 6)
        #expect(try await letters.letter(community.cm, week: Self.week).deliveries.allSatisfy { $0.status == .sent })
    }

    @Test("a quiet week, a week not begun, a deleted image and a letter nobody opened", arguments: TestEngine.allCases)
    func edges(engine: TestEngine) async throws {
        let community = try await Self.community(engine, environment: ["HEARTH_LETTER_MODE": "automatic"])
        let services = community.services
        let letters = services.letters

        // A week before anyone wrote: a short, honest letter.
        let quiet = try await letters.preview(week: ISOWeek("2026-W44")!)
        #expect(quiet.isQuiet)
        let text = try await services.letterPreview(week: "2026-W44", language: .english).text
        #expect(text.contains("A quiet week: nobody posted in the community."))

        // A week that has not begun.
        #expect(throws: HearthError.self) { try letters.week("2027-W10") }
        #expect(throws: HearthError.self) {
            try letters.week(ISOWeek(containing: community.clock.now, in: .gmt).description)
        }
        #expect(throws: HearthError.self) { try letters.week("2026-W60") }

        // The image deleted since: left out of the draft.
        try await services.database.write { sql in
            try await sql.delete(from: "uploads").where("hash", .equal, community.image.hash).run()
        }
        community.clock.advance(by: 5 * Self.day)  // Monday after the week, 10:00+
        try await letters.dueWork()
        let drafted = try #require(try await letters.letters(community.cm).first)
        #expect(drafted.week == "2026-W48")
        let letter = try #require(try await SQLLetterRepository(database: services.database).letter(week: "2026-W48"))
        #expect(letter.draft.images.isEmpty)
        #expect(letter.openedAt == nil)

        // Nobody opened it: a day later it leaves by itself.
        community.clock.advance(by: 12 * Self.hour)
        try await letters.dueWork()
        #expect(try await letters.letters(community.cm).first?.status == .draft)
        community.clock.advance(by: 13 * Self.hour)
        try await letters.dueWork()
        #expect(try await letters.letters(community.cm).first?.status == .sent)
        _ = try await services.jobs.drain()
        #expect(community.mail.messages.count == 3)
    }
}
