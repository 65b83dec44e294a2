import Foundation
import HearthApp
import HearthCore
import HearthTestSupport
import Hummingbird
import Testing

/// The console from the browser: the first run's setup and first steps, the settings, the categories.
@Suite("Console pages")
struct ConsolePagesTests {
    @Test(
        "first run: the setup link makes the account, a General category and a welcome topic, then the first steps",
        arguments: TestEngine.allCases)
    func firstRun(engine: TestEngine) async throws {
        let community = try await TestCommunity.make(engine: engine)
        defer { community.close() }
        let link = try #require(try await community.services.accounts.issueSetupLink())
        let path = String(link[link.range(of: "/setup/")!.lowerBound...])
        try await community.test { client in
            var cm = WebClient(client)
            cm.cookies["hearth_lang"] = "fr"  // a French-speaking manager's browser
            try await cm.get(path)
            let made = try await cm.post(
                path, form: ["name": "Camille", "email": "cm@example.org", "password": "a long enough password"])
            #expect(made.status == .seeOther && made.headers[.location] == "/admin/first-steps")
            let steps = try await cm.get("/admin/first-steps")
            #expect(steps.status == .ok && steps.body.contains(#"name="working_hours""#))
            let wrong = try await cm.post(
                "/admin/first-steps",
                form: [
                    "name": "Le Fournil", "language": "fr", "time_zone": "Mars/Olympus", "working_hours": "09:00-18:00",
                    "signup": "open", "step": "save",
                ])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.body.contains(#"value="Le Fournil""#), "what was typed comes back")
            #expect(wrong.body.contains("fuseau horaire") || wrong.body.contains("time zone"))
            let saved = try await cm.post(
                "/admin/first-steps",
                form: [
                    "name": "Le Fournil", "language": "fr", "time_zone": "Europe/Paris",
                    "working_hours": "mon-fri 10:00-19:00", "signup": "invite_only", "step": "save",
                ])
            #expect(saved.status == .seeOther)
            let home = try await cm.get("/")
            #expect(home.body.contains("Le Fournil"), "the new name is on every page at once")
            #expect(home.body.contains("Général"), "the first category, in the manager's language")
            let settings = community.services.community.current
            #expect(settings.signupMode == .inviteOnly && settings.firstStepsDone)
            #expect(settings.workingHours.timeZone.identifier == "Europe/Paris")
            #expect(settings.workingHours.startMinute == 600)
            let topics = try await community.services.forum.topicList(nil).topics
            #expect(topics.map(\.title) == ["Bienvenue !"])
            #expect(try await cm.get("/new-topic").status == .ok, "starting a topic works at once")
        }
    }

    @Test("settings: saved in the database, effective at once, every bad value reported; members may not")
    func settings() async throws {
        let (community, manager) = try await ForumPagesTests.community()
        defer { community.close() }
        try await community.member("ana@example.org")
        try await community.test { client in
            var cm = WebClient(client)
            try await ForumPagesTests.logIn(&cm, "cm@example.org")
            #expect(try await cm.get("/").body.contains(#"<a href="/admin">"#), "the header links the console")
            let page = try await cm.get("/admin/settings")
            #expect(page.status == .ok && page.body.contains(#"aria-current="page">Settings"#))
            let boundary = "settings-boundary"
            func submit(_ fields: [String: String], logo: [UInt8]? = nil) async throws -> WebClient.Page {
                try await cm.send(
                    "/admin/settings", method: .post,
                    bytes: ByteBuffer(
                        bytes: TestImages.multipart(
                            boundary: boundary, fields: fields.merging(["csrf": cm.csrf]) { $1 },
                            fileField: logo == nil ? nil : "logo", file: logo ?? [])),
                    headers: [.contentType: "multipart/form-data; boundary=\(boundary)"])
            }
            var fields = [
                "name": "", "description": "Bakers' corner", "language": "en", "time_zone": "UTC",
                "working_hours": "every day", "signup": "open", "upload_max_mb": "5", "upload_max_mp": "40",
                "logo_path": "",
            ]
            let refused = try await submit(fields)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("Give the community a name"))
            #expect(refused.body.contains("Write working hours as"), "every bad value at once")
            #expect(refused.body.contains("Bakers&#39; corner") || refused.body.contains("Bakers' corner"))
            #expect(try await community.services.settings.settings(manager).name == "Hearth", "nothing saved")

            fields["name"] = "The Bakery"
            fields["working_hours"] = "mon-sat 08:00-20:00"
            fields["upload_max_mb"] = "2.5"
            fields["confirm_email"] = "on"
            let saved = try await submit(fields, logo: TestImages.png)
            #expect(saved.status == .seeOther)
            let after = try await cm.get("/admin/settings?saved=1")
            #expect(after.body.contains("Settings saved."))
            #expect(after.body.contains(#"<title>Settings · The Bakery</title>"#))
            #expect(after.body.contains(#"value="2.5""#))
            let current = community.services.community.current
            #expect(current.uploadLimits.maximumBytes == 2_500_000 && current.confirmEmail)
            #expect(current.logoPath?.hasPrefix("/uploads/") == true)
            #expect(try await cm.get("/").body.contains(#"<img class="logo" src="\#(current.logoPath ?? "")""#))
            let log = try await community.services.moderation.log(manager, action: "change_settings")
            #expect(log.first?.reason.contains("name") == true, "the change is in the audit log")

            var ana = WebClient(client)
            try await ForumPagesTests.logIn(&ana, "ana@example.org")
            #expect(!(try await ana.get("/").body.contains(#"<a href="/admin">"#)))
            #expect(try await ana.get("/admin/settings").status == .forbidden)
            #expect(try await ana.get("/admin/categories").status == .forbidden)
        }
    }

    @Test(
        "categories: create, edit, reorder, archive (its topics closed, still readable), delete moving the topics",
        arguments: TestEngine.allCases)
    func categories(engine: TestEngine) async throws {
        let (community, manager) = try await ForumPagesTests.community(engine: engine)
        defer { community.close() }
        let general = try await community.services.forum.category(slug: "general")
        let (topic, _) = try await community.services.forum.startTopic(
            manager, in: general.id, title: "Opening hours", body: "When do you open?")
        try await community.test { client in
            var cm = WebClient(client)
            try await ForumPagesTests.logIn(&cm, "cm@example.org")
            #expect(try await cm.get("/admin/categories").body.contains(#"value="General""#))
            let empty = try await cm.post("/admin/categories", form: ["name": " ", "start_policy": "everyone"])
            #expect(empty.status == .unprocessableContent && empty.body.contains("Give the category a name"))
            let made = try await cm.post(
                "/admin/categories", form: ["name": "Recipes", "description": "Share them", "start_policy": "staff"])
            #expect(made.status == .seeOther)
            let recipes = try await community.services.forum.category(slug: "recipes")
            #expect(recipes.startPolicy == .staff && recipes.description == "Share them")

            let edited = try await cm.post(
                "/admin/categories/\(recipes.id.rawValue)",
                form: ["name": "Our recipes", "description": "", "start_policy": "everyone"])
            #expect(edited.status == .seeOther)
            #expect(try await community.services.forum.category(slug: "recipes").name == "Our recipes")

            try await cm.get("/admin/categories")
            #expect(
                try await cm.post("/admin/categories/\(recipes.id.rawValue)/move", form: ["direction": "up"]).status
                    == .seeOther)
            let order = try await community.services.forum.categories().map(\.slug)
            #expect(order.firstIndex(of: "recipes")! < order.firstIndex(of: "news")!, "moved up one place: \(order)")

            try await cm.get("/admin/categories")
            #expect(
                try await cm.post("/admin/categories/\(general.id.rawValue)/archive", form: ["archived": "1"]).status
                    == .seeOther)
            #expect(!(try await community.services.forum.categories().contains { $0.id == general.id }))
            #expect(
                try await community.services.forum.topicPage(manager, topic: topic.id).topic.isClosed,
                "its topics closed")
            #expect(try await cm.get("/t/\(topic.id.rawValue)").status == .ok, "and still readable")
            await #expect(throws: HearthError.self) {
                try await community.services.forum.startTopic(manager, in: general.id, title: "More", body: "Text")
            }
            let page = try await cm.get("/admin/categories")
            #expect(page.body.contains("Archived categories"))
            let deleted = try await cm.post(
                "/admin/categories/\(general.id.rawValue)/delete", form: ["move_to": String(recipes.id.rawValue)])
            #expect(deleted.status == .seeOther)
            #expect(
                try await community.services.forum.topicPage(manager, topic: topic.id).topic.categoryID == recipes.id)
            let log = try await community.services.moderation.log(manager, action: "delete_category")
            #expect(log.count == 1)
        }
    }
}

extension ConsolePagesTests {
    @Test(
        "e-mail confirmation on: a new member reads but cannot post until the e-mailed link is opened; once only",
        arguments: TestEngine.allCases)
    func emailConfirmation(engine: TestEngine) async throws {
        let (community, manager) = try await ForumPagesTests.community(engine: engine)
        defer { community.close() }
        try await community.services.settings.change(manager, [.confirmEmail: "on"])
        try await community.test { client in
            var eve = WebClient(client)
            try await eve.get("/signup")
            let joined = try await eve.post(
                "/signup", form: ["name": "Eve", "email": "eve@example.org", "password": "a long enough password"])
            #expect(joined.status == .seeOther)
            let home = try await eve.get("/")
            #expect(home.body.contains("Confirm your e-mail address to post"))
            try await eve.get("/new-topic?category=general")
            let refused = try await eve.post(
                "/new-topic", form: ["category": "1", "title": "Hello there", "body": "My first post"])
            #expect(refused.status == .forbidden)
            #expect(try await eve.get("/confirm-email").body.contains("We sent a link to eve@example.org"))
        }
        try await community.services.jobs.drain()
        let mail = try #require(community.mail.messages.last)
        #expect(mail.subject == "Confirm your e-mail address on Hearth" && mail.to == ["eve@example.org"])
        let link = try #require(
            mail.textBody.split(separator: "\n").first { $0.hasPrefix("http://hearth.test/confirm-email/") })
        let path = String(link.dropFirst("http://hearth.test".count))
        try await community.test { client in
            var eve = WebClient(client)
            try await eve.get("/login")
            try await eve.post("/login", form: ["email": "eve@example.org", "password": "a long enough password"])
            #expect(try await eve.get(path).body.contains("Your e-mail address is confirmed"))
            #expect(try await eve.get(path).status == .notFound, "the link works once")
            try await eve.get("/new-topic?category=general")
            let posted = try await eve.post(
                "/new-topic", form: ["category": "1", "title": "Hello there", "body": "My first post"])
            #expect(posted.status == .seeOther)
        }
    }
}

extension ConsolePagesTests {
    @Test(
        "who may read a category: a staff-only one is hidden from members and visitors on every surface, a members-only one from visitors",
        arguments: TestEngine.allCases)
    func readers(engine: TestEngine) async throws {
        let (community, manager) = try await ForumPagesTests.community(engine: engine)
        defer { community.close() }
        let ana = try await community.member("ana@example.org")
        let mod = try await community.member("mod@example.org")
        try await community.services.members.changeRole(manager, of: mod.id, to: .moderator)
        let team = try await community.services.categories.create(
            manager, name: "Team room", description: "Staff only", startPolicy: .staff, readPolicy: .staff)
        let (secret, _) = try await community.services.forum.startTopic(
            manager, in: team.id, title: "Payroll questions", body: "Nobody else reads this, @\(ana.handle)")
        let club = try await community.services.categories.create(
            manager, name: "Club", description: "", startPolicy: .everyone, readPolicy: .members)
        let (members, _) = try await community.services.forum.startTopic(
            manager, in: club.id, title: "Members evening", body: "Friday")
        try await community.services.search.catchUp()

        let asAna = Viewer(member: ana, credential: .session(SessionID(0)))
        #expect(try await community.services.forum.unreadNotificationCount(asAna) == 0, "a mention tells no outsider")
        let found = try await community.services.search.search(asAna, SearchQuery(text: "payroll")).hits
        #expect(found.isEmpty, "search leaves it out")
        let asMod = Viewer(
            member: try await community.services.profiles.member(id: mod.id), credential: .session(SessionID(0)))
        #expect(try await community.services.search.search(asMod, SearchQuery(text: "payroll")).hits.count == 1)

        try await community.test { client in
            var visitor = WebClient(client)
            #expect(!(try await visitor.get("/").body.contains("Team room")))
            #expect(!(try await visitor.get("/").body.contains("Members evening")), "members only: not for visitors")
            #expect(try await visitor.get("/t/\(secret.id.rawValue)").status == .notFound)
            #expect(try await visitor.get("/t/\(members.id.rawValue)").status == .notFound)
            #expect(try await visitor.get("/c/club").status == .notFound)
            #expect(!(try await visitor.get("/latest.rss").body.contains("Payroll")))
            #expect(!(try await visitor.get("/api/v1/categories").body.contains("Team room")))

            var member = WebClient(client)
            try await ForumPagesTests.logIn(&member, "ana@example.org")
            #expect(try await member.get("/t/\(members.id.rawValue)").status == .ok, "members read the club")
            #expect(try await member.get("/t/\(secret.id.rawValue)").status == .notFound)
            #expect(try await member.get("/c/team-room").status == .notFound)
            #expect(!(try await member.get("/latest").body.contains("Payroll questions")))
            #expect(!(try await member.get("/search?q=payroll").body.contains("Payroll questions")))

            var moderator = WebClient(client)
            try await ForumPagesTests.logIn(&moderator, "mod@example.org")
            #expect(try await moderator.get("/t/\(secret.id.rawValue)").status == .ok, "staff read it")
            #expect(try await moderator.get("/latest").body.contains("Payroll questions"))

            var cm = WebClient(client)
            try await ForumPagesTests.logIn(&cm, "cm@example.org")
            let page = try await cm.get("/admin/categories")
            #expect(page.body.contains(#"<option value="staff" selected>Staff only</option>"#))
            let opened = try await cm.post(
                "/admin/categories/\(team.id.rawValue)",
                form: ["name": "Team room", "description": "", "start_policy": "staff", "read_policy": "everyone"])
            #expect(opened.status == .seeOther)
            #expect(try await visitor.get("/t/\(secret.id.rawValue)").status == .ok, "open to all, at once")
            try await cm.get("/admin/categories")
            try await cm.post(
                "/admin/categories/\(team.id.rawValue)",
                form: ["name": "Team room", "description": "", "start_policy": "staff", "read_policy": "staff"])
            #expect(
                try await visitor.get("/t/\(secret.id.rawValue)").status == .notFound,
                "closed again at once: the visitors' cached page is not served")
        }
    }
}
