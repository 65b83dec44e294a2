import Foundation
import HearthCore
import HearthTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HearthApp

/// The health dashboard and the weekly letter as pages and over JSON, on both engines: staff and the team read
/// them, a member does not; the manager drafts, edits and sends; every bad input is said in words.
@Suite("Health and letters on the web")
struct LettersWebTests {
    /// The test clock's week is 2026-W39; the letter tells the week before.
    static let week = "2026-W38"

    static func community(_ engine: TestEngine) async throws -> (TestCommunity, cm: String, team: String, marie: String)
    {
        let community = try await TestCommunity.make(
            engine: engine, environment: ["HEARTH_LETTER_RECIPIENTS": "boss@example.org"])
        let services = community.services
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        let category = try await services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        let marie = try await community.member("marie@example.org")
        community.clock.advance(by: -5 * 86_400)  // into last week
        _ = try await services.forum.startTopic(
            Viewer(member: marie, credential: .session(SessionID(0))), in: category.id,
            title: "Where is the export button?", body: "I looked everywhere in the settings and could not find it.")
        community.clock.advance(by: 5 * 86_400)
        let colin = try await community.member("colin@example.org")
        try await services.database.write { sql in
            try await sql.update("members").set("role", to: "team").where("id", .equal, colin.id.rawValue).run()
        }
        let (_, cmKey) = try await services.apiKeys.create(name: "cm", scope: .write, ownerEmail: "cm@example.org")
        let (_, teamKey) = try await services.apiKeys.create(name: "t", scope: .read, ownerEmail: "colin@example.org")
        let (_, marieKey) = try await services.apiKeys.create(
            name: "m", scope: .read, ownerEmail: "marie@example.org")
        try await services.health.rollUp()
        return (community, cmKey, teamKey, marieKey)
    }

    @Test("health and letters over JSON, with refusals in words", arguments: TestEngine.allCases)
    func api(engine: TestEngine) async throws {
        let (community, cmKey, teamKey, marieKey) = try await Self.community(engine)
        defer { community.close() }
        try await community.test { client in
            let cm = ForumAPITests.APIClient(client: client, key: cmKey)
            let team = ForumAPITests.APIClient(client: client, key: teamKey)
            let marie = ForumAPITests.APIClient(client: client, key: marieKey)
            let (status, health) = try await team.call(.get, "/health?from=2026-09-14&to=2026-09-20")
            #expect(status == .ok)
            let current = try #require(health["current"] as? [String: Any])
            #expect((current["answers"] as? [String: Any])?["topics"] as? Int == 1)
            #expect((current["answers"] as? [String: Any])?["unanswered"] as? Int == 1)
            #expect((health["previous"] as? [String: Any])?["from"] as? String == "2026-09-07")
            #expect((health["daily"] as? [Any])?.count == 7)
            #expect(!String(describing: health).lowercased().contains("follower"))
            #expect(try await marie.call(.get, "/health").0 == .forbidden)
            let (bad, badError) = try await team.call(.get, "/health?from=2026-13-01&to=2026-09-20")
            #expect(bad == .unprocessableContent)
            #expect(InboxWebTests.message(badError) == "Give the first day as YYYY-MM-DD, such as 2026-11-02.")

            #expect((try await team.call(.get, "/letters").1["letters"] as? [Any])?.isEmpty == true)
            let (missing, missingError) = try await team.call(.get, "/letters/\(Self.week)")
            #expect(missing == .notFound)
            #expect(InboxWebTests.message(missingError) == "There is no letter for \(Self.week) yet.")
            let (future, futureError) = try await cm.call(.get, "/letters/2027-W10")
            #expect(future == .unprocessableContent)
            #expect(
                InboxWebTests.message(futureError)
                    == "The week 2027-W10 is not over yet: a letter tells a week once it has ended.")

            try await community.services.letters.draft(week: ISOWeek(Self.week)!)
            let (found, letter) = try await team.call(.get, "/letters/\(Self.week)?lang=fr")
            #expect(found == .ok)
            #expect(letter["status"] as? String == "draft")
            #expect((letter["html"] as? String)?.contains("<html lang=\"fr\">") == true)
            #expect((letter["text"] as? String)?.contains("Where is the export button?") == true)
            #expect((letter["sections"] as? [String: Any])?["week"] as? String == Self.week)
            #expect(
                (try await cm.call(.get, "/letters").1["letters"] as? [[String: Any]])?.first?["week"] as? String
                    == Self.week)
            // Who the letter goes to is the manager's to see.
            #expect(letter["deliveries"] == nil)
            #expect(try await cm.call(.get, "/letters/\(Self.week)").1["deliveries"] is [Any])
        }
    }

    @Test("the dashboard, and a letter drafted, edited and sent from its page", arguments: TestEngine.allCases)
    func pages(engine: TestEngine) async throws {
        let (community, _, _, _) = try await Self.community(engine)
        defer { community.close() }
        try await community.test { client in
            var cm = WebClient(client)
            try await ForumPagesTests.logIn(&cm, "cm@example.org")
            let dashboard = try await cm.get("/health?from=2026-09-14&to=2026-09-20")
            #expect(dashboard.status == .ok)
            #expect(dashboard.body.contains("<svg class=\"chart\""))
            #expect(dashboard.body.contains("Where is the export button?"), "the topic still waiting")
            #expect(dashboard.body.contains("<details><summary>The numbers</summary>"))
            #expect(dashboard.body.contains(">Last 7 days</a>") && !dashboard.body.contains("Optional("))
            let wrong = try await cm.get("/health?from=2026-09-20&to=2026-09-01")
            #expect(wrong.body.contains("The first day comes after the last one."))
            let csv = try await cm.get("/health.csv?from=2026-09-14&to=2026-09-20")
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.body.hasPrefix("date,topics,replies,posters,readers,sentiment,toxic_share,flags,held\r\n"))
            #expect(csv.body.contains("2026-09-16,1,0,1,"))

            #expect(try await cm.get("/letters").body.contains("value=\"\(Self.week)\""))
            let future = try await cm.post("/letters/draft", form: ["week": "2027-W10"])
            #expect(future.status == .unprocessableContent)
            #expect(future.body.contains("is not over yet"))
            var visitor = WebClient(client)
            try await visitor.get("/")
            let refused = try await visitor.post("/letters/draft", form: ["week": Self.week])
            #expect(refused.status != .ok, "a visitor drafts nothing")
            #expect(refused.headers[.location] != "/letters/\(Self.week)")
            let drafted = try await cm.post("/letters/draft", form: ["week": Self.week])
            #expect(drafted.headers[.location] == "/letters/\(Self.week)")
            let page = try await cm.get("/letters/\(Self.week)")
            #expect(page.body.contains("src=\"/letters/\(Self.week)/mail?lang=en\""))
            #expect(page.body.contains("No mail server is configured (HEARTH_SMTP_URL)"))
            let mail = try await cm.get("/letters/\(Self.week)/mail")
            #expect(mail.headers[.contentType] == "text/html; charset=utf-8")
            #expect(mail.body.contains("max-width:600px"))
            let text = try await cm.get("/letters/\(Self.week)/text?lang=fr")
            #expect(text.body.contains("LES GRANDS SUJETS"))

            let saved = try await cm.post(
                "/letters/\(Self.week)",
                fields: [
                    ("intro", "Hello *colleagues*"), ("offered", "staff"), ("offered", "topics"),
                    ("offered", "health"), ("include", "topics"), ("include", "health"), ("action", "save"),
                ])
            #expect(saved.headers[.location] == "/letters/\(Self.week)?done=saved")
            let letter = try await community.services.letters.letter(
                Viewer(
                    member: try await community.services.profiles.member(id: MemberID(1)),
                    credential: .session(SessionID(0))), week: ISOWeek(Self.week)!)
            #expect(letter.intro == "Hello *colleagues*")
            #expect(letter.excluded == ["staff"])
            #expect(try await cm.get("/letters/\(Self.week)/mail").body.contains("<em>colleagues</em>"))
            try await cm.get("/letters/\(Self.week)")
            let sent = try await cm.post(
                "/letters/\(Self.week)", fields: [("intro", "Hello *colleagues*"), ("action", "send")])
            #expect(sent.headers[.location] == "/letters/\(Self.week)?done=sent")
            _ = try await community.services.jobs.drain()
            #expect(community.mail.messages.map(\.to) == [["boss@example.org"], ["colin@example.org"]])

            var colleague = WebClient(client)
            try await ForumPagesTests.logIn(&colleague, "colin@example.org")
            let read = try await colleague.get("/letters/\(Self.week)")
            #expect(read.status == .ok)
            #expect(!read.body.contains("name=\"intro\""), "the team reads, the manager writes")
            #expect(try await colleague.get("/health").status == .ok)
            var member = WebClient(client)
            try await ForumPagesTests.logIn(&member, "marie@example.org")
            #expect(try await member.get("/health").status == .forbidden)
            #expect(try await member.get("/letters").status == .forbidden)
        }
    }
}
