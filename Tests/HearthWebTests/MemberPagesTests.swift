import Foundation
import HearthApp
import HearthCore
import HearthTestSupport
import Testing

/// The console's member pages and the staff's acts on a profile, in the browser (no JavaScript).
@Suite("Member pages")
struct MemberPagesTests {
    @Test(
        "the directory lists and searches members; staff see e-mails; members are refused",
        arguments: TestEngine.allCases)
    func directory(engine: TestEngine) async throws {
        let (community, manager) = try await ForumPagesTests.community(engine: engine)
        defer { community.close() }
        try await community.member("ana@example.org")
        try await community.member("bob@example.org")
        try await community.test { client in
            var cm = WebClient(client)
            try await ForumPagesTests.logIn(&cm, "cm@example.org")
            let page = try await cm.get("/admin/members")
            #expect(page.status == .ok)
            #expect(page.body.contains(#"<a href="/admin/members" aria-current="page">"#))
            #expect(page.body.contains(#"<a href="/admin/settings">"#))
            #expect(page.body.contains("ana@example.org") && page.body.contains("bob@example.org"))
            #expect(page.body.contains("Hearth has no trust levels"))
            let found = try await cm.get("/admin/members?q=ana&sort=last_seen")
            #expect(found.body.contains("ana@example.org") && !found.body.contains("bob@example.org"))
            #expect(found.body.contains(#"<option value="last_seen" selected>"#))
            #expect(found.body.contains(#"value="ana""#), "the search stays in its box")
            #expect(try await cm.get("/admin/members?cursor=nonsense").status == .unprocessableContent)

            var member = WebClient(client)
            try await ForumPagesTests.logIn(&member, "ana@example.org")
            #expect(try await member.get("/admin/members").status == .forbidden)
            #expect(try await member.get("/admin/invitations").status == .forbidden)
            #expect(try await member.get("/admin/api-keys").status == .forbidden)
            let profile = try await member.get("/u/\(manager.member.handle)")
            #expect(!profile.body.contains("Staff actions"), "no staff actions for members")
            var visitor = WebClient(client)
            #expect(try await visitor.get("/admin/members").status == .seeOther)
        }
    }

    @Test(
        "a profile shows replies, counts with the right plural, and leaves a held reply out for others",
        arguments: TestEngine.allCases)
    func profilePosts(engine: TestEngine) async throws {
        let (community, manager) = try await ForumPagesTests.community(engine: engine)
        defer { community.close() }
        let services = community.services
        let ana = Viewer(member: try await community.member("ana@example.org"), credential: .session(SessionID(0)))
        let general = try #require(try await services.forum.categories().first { $0.slug == "general" })
        let (topic, _) = try await services.forum.startTopic(
            manager, in: general.id, title: "Welcome here", body: "Say hello.")
        _ = try await services.forum.reply(ana, to: topic.id, body: "Hello from Ana")
        try await community.test { client in
            var visitor = WebClient(client)
            let one = try await visitor.get("/u/\(ana.member.handle)")
            #expect(one.body.contains("1 post"))
            #expect(one.body.contains("Hello from Ana") && one.body.contains("Welcome here"))
            #expect(!one.body.contains("No posts yet"))
            let home = try await visitor.get("/")
            #expect(home.body.contains("1 reply") && !home.body.contains("1 Replies"))
        }
        let held = try await services.forum.reply(ana, to: topic.id, body: "A held reply")
        try await services.database.write { sql in
            try await sql.update("posts").set("moderation", to: "pending").where("id", .equal, held.id.rawValue).run()
        }
        _ = try await services.forum.reply(ana, to: topic.id, body: "Another reply")
        try await community.test { client in
            var visitor = WebClient(client)
            let two = try await visitor.get("/u/\(ana.member.handle)")
            #expect(two.body.contains("2 posts"))
            #expect(!two.body.contains("A held reply"))
            var own = WebClient(client)
            try await ForumPagesTests.logIn(&own, "ana@example.org")
            #expect(try await own.get("/u/\(ana.member.handle)").body.contains("A held reply"))
            // On the thread, the held reply speaks to its author as "you", and to staff of "its author".
            let thread = "/t/\(topic.id.rawValue)"
            #expect(try await own.get(thread).body.contains("Waiting for a moderator"))
            var staff = WebClient(client)
            try await ForumPagesTests.logIn(&staff, "cm@example.org")
            let seen = try await staff.get(thread).body
            #expect(seen.contains("Held for approval: only its author and the moderators see it."))
            #expect(!seen.contains("Waiting for a moderator"))
        }
    }

    @Test("staff act on a profile: role, reset link, anonymisation with confirmation", arguments: TestEngine.allCases)
    func staffActions(engine: TestEngine) async throws {
        let (community, manager) = try await ForumPagesTests.community(engine: engine)
        defer { community.close() }
        let ana = try await community.member("ana@example.org")
        try await community.test { client in
            var cm = WebClient(client)
            try await ForumPagesTests.logIn(&cm, "cm@example.org")
            let profile = try await cm.get("/u/\(ana.handle)")
            #expect(profile.body.contains("Staff actions") && profile.body.contains("ana@example.org"))
            #expect(profile.body.contains(#"action="/u/\#(ana.handle)/anonymise""#))
            #expect(profile.body.contains(#"href="/u/\#(ana.handle)/penalties""#))

            // A refused penalty keeps what was typed; a member reading their own penalties sees no form to give one.
            try await cm.get("/u/\(ana.handle)/penalties")
            let refused = try await cm.post(
                "/u/\(ana.handle)/penalties",
                form: ["kind": "silence", "seconds": "0", "reason": "Insults in the welcome thread"])
            #expect(refused.status == .unprocessableContent && refused.body.contains("Say until when"))
            #expect(refused.body.contains(">Insults in the welcome thread</textarea>"))
            #expect(refused.body.contains(#"value="silence" checked"#))
            // Given until a day (which wins over the length the form suggests): to that day's last minute; the page
            // says what was given, and the silence can be lifted from its line, once.
            let given = try await cm.post(
                "/u/\(ana.handle)/penalties",
                form: [
                    "kind": "silence", "seconds": "86400", "until": "2026-12-31",
                    "reason": "Insults in the welcome thread",
                ])
            #expect(given.headers[.location] == "/u/\(ana.handle)/penalties?done=given")
            let record = try await cm.get("/u/\(ana.handle)/penalties?done=given")
            #expect(
                record.body.contains("Given: Silence until 31 Dec 2026 at 23:59. Member ana sees it, with your reason.")
            )
            #expect(record.body.contains("in force"))
            let silence = try #require(try await community.services.penalties.history(manager, of: ana.id).first)
            #expect(silence.endsAt == CalendarDay("2026-12-31")?.end(in: .gmt).addingTimeInterval(-60))
            let liftPath = "/u/\(ana.handle)/penalties/\(silence.id.rawValue)/lift"
            #expect(record.body.contains(#"action="\#(liftPath)""#))
            #expect(
                try await cm.post(liftPath, form: [:]).headers[.location] == "/u/\(ana.handle)/penalties?done=lifted")
            let lifted = try await cm.get("/u/\(ana.handle)/penalties?done=lifted")
            #expect(lifted.body.contains("Lifted: nothing holds Member ana back now."))
            #expect(lifted.body.contains("· lifted "))
            let again = try await cm.post(liftPath, form: [:])
            #expect(
                again.status == .conflict && again.body.contains("There is no such penalty, or it was already lifted."))
            #expect(!again.body.contains(#"action="\#(liftPath)""#), "a lifted penalty has no button")
            let wrongDay = try await cm.post(
                "/u/\(ana.handle)/penalties", form: ["kind": "silence", "until": "2026-02-30", "reason": "x"])
            #expect(wrongDay.status == .unprocessableContent && wrongDay.body.contains("Write dates as YYYY-MM-DD"))
            // Of two silences, lifting one says the other still holds the member back.
            for seconds in ["3600", "86400"] {
                try await cm.post(
                    "/u/\(ana.handle)/penalties",
                    form: ["kind": "silence", "seconds": seconds, "reason": "Again \(seconds)"])
            }
            let short = try #require(
                try await community.services.penalties.history(manager, of: ana.id).first { $0.reason == "Again 3600" })
            try await cm.post("/u/\(ana.handle)/penalties/\(short.id.rawValue)/lift", form: [:])
            #expect(
                try await cm.get("/u/\(ana.handle)/penalties?done=lifted").body.contains(
                    "Lifted, but another penalty still holds Member ana back: Silence until"))
            var own = WebClient(client)
            try await ForumPagesTests.logIn(&own, "ana@example.org")
            let mine = try await own.get("/u/\(ana.handle)/penalties")
            #expect(mine.status == .ok)
            // Silenced, a topic sent anyway is refused above its form, the words kept in it.
            try await own.get("/new-topic")
            let refusedTopic = try await own.post(
                "/new-topic", form: ["category": "1", "title": "Still here", "body": "My words stay"])
            #expect(refusedTopic.status == .forbidden && refusedTopic.body.contains(">My words stay</textarea>"))
            #expect(refusedTopic.body.contains("silenced"))
            #expect(!mine.body.contains(#"<form method="post" action="/u/\#(ana.handle)/penalties""#))

            #expect(try await cm.post("/u/\(ana.handle)/role", form: ["role": "moderator"]).status == .seeOther)
            #expect(try await community.services.profiles.member(id: ana.id).role == .moderator)
            try await cm.get("/u/\(manager.member.handle)")
            let last = try await cm.post("/u/\(manager.member.handle)/role", form: ["role": "member"])
            #expect(last.status == .conflict)
            #expect(last.body.contains("last community manager"))

            try await cm.get("/u/\(ana.handle)")
            let reset = try await cm.post("/u/\(ana.handle)/password-reset", form: [:])
            #expect(reset.status == .ok && reset.body.contains("is on its way"))
            _ = try await community.services.jobs.drain()
            #expect(community.mail.messages.last?.to == ["ana@example.org"])

            try await cm.post("/u/\(ana.handle)/role", form: ["role": "member"])
            try await cm.get("/u/\(ana.handle)")
            let wrong = try await cm.post(
                "/u/\(ana.handle)/anonymise", form: ["confirm": "nope", "reason": "asked by e-mail"])
            #expect(wrong.status == .unprocessableContent && wrong.body.contains("cannot be undone"))
            let done = try await cm.post("/u/\(ana.handle)/anonymise", form: ["confirm": ana.handle, "reason": ""])
            #expect(done.status == .seeOther)
            #expect(done.headers[.location] == "/u/former-member-\(ana.id.rawValue)")
            let former = try await cm.get("/u/former-member-\(ana.id.rawValue)")
            #expect(former.body.contains("Former member") && !former.body.contains("ana@example.org"))
            #expect(try await cm.get("/u/\(ana.handle)").status == .notFound)
        }
    }

    @Test("invitations and API keys from the console, each secret shown once", arguments: TestEngine.allCases)
    func invitationsAndKeys(engine: TestEngine) async throws {
        let (community, manager) = try await ForumPagesTests.community(engine: engine)
        defer { community.close() }
        try await community.member("mod@example.org", role: .member)
        try await community.test { client in
            var cm = WebClient(client)
            try await ForumPagesTests.logIn(&cm, "cm@example.org")
            #expect(try await cm.get("/admin/invitations").body.contains("No open invitation."))
            let refused = try await cm.post("/admin/invitations", form: ["email": "not-an-address"])
            #expect(refused.status == .unprocessableContent && refused.body.contains(#"value="not-an-address""#))
            let created = try await cm.post("/admin/invitations", form: ["email": "new@example.org"])
            #expect(created.status == .created && created.body.contains("http://hearth.test/signup?invite="))
            _ = try await community.services.jobs.drain()
            #expect(community.mail.messages.last?.to == ["new@example.org"])
            let listed = try await cm.get("/admin/invitations")
            #expect(listed.body.contains("new@example.org") && !listed.body.contains("signup?invite="))
            let open = try await community.services.members.openInvitations(manager)
            #expect(
                try await cm.post("/admin/invitations/\(open[0].id.rawValue)/revoke", form: [:]).status == .seeOther)
            #expect(try await cm.get("/admin/invitations").body.contains("No open invitation."))

            #expect(try await cm.get("/admin/api-keys").body.contains("No API key yet."))
            let unknown = try await cm.post(
                "/admin/api-keys", form: ["name": "Zapier", "scope": "write", "owner": "nobody@example.org"])
            #expect(unknown.status == .unprocessableContent)
            #expect(
                unknown.body.contains(#"value="Zapier""#) && unknown.body.contains(#"<option value="write" selected>"#))
            let key = try await cm.post(
                "/admin/api-keys", form: ["name": "Zapier", "scope": "read", "owner": "mod@example.org"])
            #expect(key.status == .created && key.body.contains("hth_"))
            let keys = try await cm.get("/admin/api-keys")
            #expect(keys.body.contains("Zapier") && keys.body.contains("Member mod") && keys.body.contains("never"))
            let id = try #require(try await community.services.apiKeys.list().first?.id)
            #expect(try await cm.post("/admin/api-keys/\(id.rawValue)/revoke", form: [:]).status == .seeOther)
            #expect(try await cm.get("/admin/api-keys").body.contains("revoked on"))
        }
    }
}
