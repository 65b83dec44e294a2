import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// The weekly reports from role holders.
extension DelegationTests {
    @Test(
        "a holder's weekly report opens with the week's acts, topics helped and newcomers welcomed; it is sent once, answered, reminded by e-mail when empty, and read-only once its week is over",
        arguments: TestEngine.allCases)
    func weeklyReports(engine: TestEngine) async throws {
        let (community, staff) = try await Self.community(engine)
        defer { community.close() }
        let forum = community.services.forum
        let general = try await forum.createCategory(staff, name: "General", description: "", startPolicy: .everyone)
        let ana = try await community.member("ana@example.org")
        let bob = try await community.member("bob@example.org")
        let delegation = community.services.delegation
        let role = try await delegation.create(
            staff, RoleDefinition(nameEN: "Ambassador", nameFR: "Ambassadrice", powers: [.hidePost]))
        try await delegation.give(staff, role.id, to: ana.id)
        try await delegation.give(staff, role.id, to: bob.id)
        let week = ISOWeek(containing: community.clock.now, in: .gmt)

        // The week: Ana welcomes a newcomer's first topic and hides a troll's post under her role.
        let newcomer = Viewer(
            member: try await community.member("nina@example.org"), credential: .session(SessionID(0)))
        let (topic, _) = try await forum.startTopic(newcomer, in: general.id, title: "Hello", body: "First time here")
        let anaViewer = try await Self.viewer(community, ana.id)
        _ = try await forum.reply(anaViewer, to: topic.id, body: "Welcome, Nina!")
        let troll = try await forum.reply(newcomer, to: topic.id, body: "Noise")
        try await community.services.moderation.moderate(anaViewer, post: troll.id, action: .hide)

        let reports = community.services.roleReports
        #expect(try await reports.openDue() == 0, "the week is not over: nothing to report on yet")
        community.clock.advance(by: 7 * 86_400)
        #expect(try await reports.openDue() == 2)
        #expect(try await reports.openDue() == 0, "opened once")

        let (_, anaKey) = try await community.services.apiKeys.create(
            name: "ana", scope: .write, ownerEmail: "ana@example.org")
        let (_, cmKey) = try await community.services.apiKeys.create(
            name: "cm", scope: .write, ownerEmail: "cm@example.org")
        let path = "/api/v1/roles/\(role.id.rawValue)/reports/\(week)"
        try await community.test { client in
            let (_, mine) = try await Self.send(client, .get, path, key: anaKey)
            #expect(mine.contains(#""activity":{"acts":1,"newcomersWelcomed":1,"topicsHelped":1}"#), "\(mine)")
            let (empty, refused) = try await Self.send(client, .put, path, key: anaKey, #"{"send": true}"#)
            #expect(empty == .unprocessableContent && refused.contains("Write a few lines"))
            let (sent, body) = try await Self.send(
                client, .put, path, key: anaKey,
                #"{"wentWell": "Three newcomers answered.", "needsManager": "A rule on self-promotion", "send": true}"#)
            #expect(sent == .ok && body.contains(#""sentAt""#), "\(body)")
            let (twice, again) = try await Self.send(client, .put, path, key: anaKey, #"{"wentWell": "More"}"#)
            #expect(twice == .conflict && again.contains("already sent"))
            let (_, all) = try await Self.send(client, .get, path, key: cmKey)
            #expect(all.contains("Three newcomers answered.") && all.contains(#""memberId":\#(bob.id.rawValue)"#))
        }

        // Two days on, Bob's report is still empty: he is reminded by e-mail, Ana is not.
        community.clock.advance(by: 2 * 86_400 + 60)
        _ = try await community.services.jobs.drain()
        #expect(community.mail.messages.map(\.to) == [["bob@example.org"]])
        #expect(community.mail.messages.last?.subject.contains("Ambassador") == true)

        let all = try await reports.all(staff)
        let anas = try #require(all.first { $0.memberID == ana.id })
        try await reports.markRead(staff, anas.id)
        try await reports.answer(staff, anas.id, "Thank you: a rule is coming.")
        let bobViewer = Viewer(
            member: try await community.services.profiles.member(id: bob.id), credential: .session(SessionID(0)))
        try await community.test { client in
            var page = WebClient(client)
            try await ForumPagesTests.logIn(&page, "ana@example.org")
            let mine = try await page.get("/my-roles")
            #expect(mine.body.contains("Thank you: a rule is coming."))
            #expect(!mine.body.contains("action=\"/my-roles/reports/"), "a sent report is no longer a form")
            var cm = WebClient(client)
            try await ForumPagesTests.logIn(&cm, "cm@example.org")
            let console = try await cm.get("/admin/roles/reports")
            #expect(console.body.contains("Three newcomers answered.") && console.body.contains("Not sent yet"))
        }
        community.clock.advance(by: 6 * 86_400)
        await #expect(
            throws: HearthError.conflict("The week to write this report is over: it is kept as it was.")
        ) {
            try await reports.write(
                bobViewer, role: role.id, week: week, RoleReport.Lines(wentWell: "Late"), send: true)
        }
    }
}

extension DelegationTests {
    @Test(
        "a holder is told in their notifications when given a role, when last week's report opens and when it is answered; reading them counts them read",
        arguments: TestEngine.allCases)
    func roleNotices(engine: TestEngine) async throws {
        let (community, staff) = try await Self.community(engine)
        defer { community.close() }
        let ana = try await community.member("ana@example.org")
        let delegation = community.services.delegation
        let role = try await delegation.create(
            staff, RoleDefinition(nameEN: "Ambassador", nameFR: "Ambassadrice", powers: [.hidePost]))
        try await delegation.give(staff, role.id, to: ana.id)
        let forum = community.services.forum
        let anaViewer = try await Self.viewer(community, ana.id)
        #expect(try await forum.unreadNotificationCount(anaViewer) == 1)

        try await community.test { client in
            var browser = WebClient(client)
            try await ForumPagesTests.logIn(&browser, "ana@example.org")
            let given = try await browser.get("/notifications")
            #expect(given.body.contains("You were given the role Ambassador"), "\(given.body)")
            #expect(given.body.contains(#"href="/my-roles""#))
            #expect(try await forum.unreadNotificationCount(anaViewer) == 0, "seen, so read")

            community.clock.advance(by: 7 * 86_400)
            let reports = community.services.roleReports
            #expect(try await reports.openDue() == 1)
            #expect(try await forum.unreadNotificationCount(anaViewer) == 1)
            let report = try #require(try await reports.waiting(anaViewer, held: [role.id]).first)
            try await reports.write(anaViewer, report: report.id, RoleReport.Lines(wentWell: "Calm"), send: true)
            try await reports.answer(staff, report.id, "Thank you, Ana.")
            _ = try await browser.post("/language", form: ["language": "fr"])
            let page = try await browser.get("/notifications")
            #expect(
                page.body.contains("Le community manager a répondu à votre rapport pour le rôle Ambassadrice"),
                "\(page.body)")
            #expect(page.body.contains("Votre rapport hebdomadaire pour le rôle Ambassadrice"))
            #expect(try await forum.unreadNotificationCount(anaViewer) == 0)
        }
    }
}
