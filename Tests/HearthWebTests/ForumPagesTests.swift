import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthStore
import HearthTestSupport
import HummingbirdTesting
import Testing

@Suite("Forum pages")
struct ForumPagesTests {
    /// A community with a manager, a general category and an announcements category.
    static func community(engine: TestEngine = .sqlite) async throws -> (TestCommunity, Viewer) {
        let community = try await TestCommunity.make(engine: engine)
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let viewer = Viewer(member: manager, credential: .session(SessionID(0)))
        _ = try await community.services.forum.createCategory(
            viewer, name: "General", description: "Talk about anything", startPolicy: .everyone)
        _ = try await community.services.forum.createCategory(
            viewer, name: "News", description: "", startPolicy: .staff, kind: .announcements)
        return (community, viewer)
    }

    static func logIn(_ browser: inout WebClient, _ email: String) async throws {
        try await browser.get("/login")
        let done = try await browser.post("/login", form: ["email": email, "password": "a long enough password"])
        #expect(done.status == .seeOther)
        try await browser.get("/")  // the session's own CSRF token, for the forms that follow
    }

    @Test(
        "a member starts a topic, another replies quoting it and mentioning the author, who sees the notification",
        arguments: TestEngine.allCases)
    func conversation(engine: TestEngine) async throws {
        let (community, _) = try await Self.community(engine: engine)
        defer { community.close() }
        let ana = try await community.member("ana@example.org")
        try await community.member("bob@example.org")
        try await community.test { client in
            var anaBrowser = WebClient(client)
            try await Self.logIn(&anaBrowser, "ana@example.org")
            let form = try await anaBrowser.get("/new-topic?category=general")
            #expect(form.body.contains(#"<option value="1" selected>General</option>"#))
            #expect(!form.body.contains("News"), "members cannot start topics in announcements")

            let empty = try await anaBrowser.post(
                "/new-topic", form: ["category": "1", "title": "Hi", "body": "short title"])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.body.contains("Give the topic a title of 3 to 200 characters."))
            #expect(empty.body.contains(">short title</textarea>"))

            let created = try await anaBrowser.post(
                "/new-topic",
                form: [
                    "category": "1", "title": "<script>alert(1)</script> Where is the école?",
                    "body": "Is it **open**?",
                ])
            #expect(created.status == .seeOther)
            let location = try #require(created.headers[.location])
            #expect(location == "/t/1/script-alert-1-script-where-is-the-ecole")
            let topic = try await anaBrowser.get(location)
            #expect(topic.body.contains("&lt;script&gt;alert(1)&lt;/script&gt; Where is the école?"))
            #expect(!topic.body.contains("<script>alert"))
            #expect(topic.body.contains("<p>Is it <strong>open</strong>?</p>"))

            var bobBrowser = WebClient(client)
            try await Self.logIn(&bobBrowser, "bob@example.org")
            let quoting = try await bobBrowser.get("/t/1?quote=1")
            #expect(quoting.body.contains(#"<input type="hidden" name="quote" value="1">"#))
            #expect(quoting.body.contains("Quoting Member ana"))
            let empty2 = try await bobBrowser.post("/t/1/replies", form: ["body": "  ", "quote": "1"])
            #expect(empty2.status == .unprocessableContent)
            #expect(empty2.body.contains("Write something before posting."))
            let reply = try await bobBrowser.post(
                "/t/1/replies", form: ["body": "Yes, @\(ana.handle), from 9:00.", "quote": "1"])
            #expect(reply.status == .seeOther)
            #expect(reply.headers[.location] == "/t/1?page=1#p2")
            let page = try await bobBrowser.get("/t/1")
            #expect(page.body.contains(#"<a class="mention" href="/u/\#(ana.handle)">@\#(ana.handle)</a>"#))
            #expect(page.body.contains("Member ana wrote"))

            let home = try await anaBrowser.get("/")
            #expect(home.body.contains(#"Notifications</span> <span class="badge" aria-label="1 unread">1</span>"#))
            let notifications = try await anaBrowser.get("/notifications")
            #expect(notifications.body.contains("Member bob quoted you in &lt;script&gt;"))
            #expect(notifications.body.contains(#"href="/t/1?post=2#p2""#))
            let after = try await anaBrowser.get("/")
            #expect(!after.body.contains(#"Notifications <span class="badge""#), "viewing notifications reads them")
            #expect(after.body.contains("Where is the école?"))
        }
    }

    @Test("members edit and delete their own posts; reactions toggle; staff pin, close and restore")
    func postActions() async throws {
        let (community, manager) = try await Self.community()
        defer { community.close() }
        let ana = try await community.member("ana@example.org")
        let anaViewer = Viewer(member: ana, credential: .session(SessionID(0)))
        let (topic, first) = try await community.services.forum.startTopic(
            anaViewer, in: CategoryID(1), title: "Editing", body: "teh text")
        let reply = try await community.services.forum.reply(manager, to: topic.id, body: "A reply")
        try await community.test { client in
            var browser = WebClient(client)
            try await Self.logIn(&browser, "ana@example.org")
            let form = try await browser.get("/p/\(first.id)/edit")
            #expect(form.body.contains(">teh text</textarea>"))
            #expect(try await browser.post("/p/\(first.id)/edit", form: ["body": "the text"]).status == .seeOther)
            let page = try await browser.get("/t/\(topic.id)")
            #expect(page.body.contains("<p>the text</p>"))
            #expect(page.body.contains(#"<a href="/p/\#(first.id)/history">edited</a>"#))
            #expect(try await browser.get("/p/\(first.id)/history").body.contains("teh text"))
            // An edit opened before a newer one was saved is not saved over it: the newer text is shown, this one kept.
            let stale = try await browser.get("/p/\(first.id)/edit")
            #expect(stale.body.contains(#"name="basedOn" value="1""#))
            _ = try await community.services.forum.edit(manager, post: first.id, body: "the text, tidied by staff")
            let clash = try await browser.post("/p/\(first.id)/edit", form: ["body": "my late fix", "basedOn": "1"])
            #expect(clash.status == .conflict && clash.body.contains("This post was changed since you opened it."))
            #expect(clash.body.contains("the text, tidied by staff") && clash.body.contains(">my late fix</textarea>"))
            #expect(clash.body.contains(#"name="basedOn" value="2""#), "saving again goes through")
            #expect(
                try await browser.post("/p/\(first.id)/edit", form: ["body": "my late fix", "basedOn": "2"]).status
                    == .seeOther)
            #expect(try await community.services.forum.post(manager, id: first.id).body == "my late fix")
            // Only those who may open the history are offered the link: a visitor reads "edited" as plain text.
            var visitor = WebClient(client)
            let visited = try await visitor.get("/t/\(topic.id)")
            #expect(visited.body.contains(" · edited"))
            #expect(!visited.body.contains("/p/\(first.id)/history"))
            #expect(try await visitor.get("/p/\(first.id)/history").status != .ok)

            #expect(try await browser.get("/p/\(reply.id)/edit").status == .forbidden)
            // A post by its id leads to its place in the thread (the moderation log links acts so).
            let byID = try await browser.get("/p/\(reply.id)")
            #expect(byID.status == .seeOther && byID.headers[.location] == "/t/\(topic.id)?post=2#p2")
            #expect(try await browser.get("/p/999999").status == .notFound)
            // A flag comes back to the post, saying it reached the moderators.
            try await browser.get("/t/\(topic.id)")
            let flagged = try await browser.post("/p/\(reply.id)/flag", form: ["reason": "off_topic", "message": ""])
            let back = try #require(flagged.headers[.location])
            #expect(back.hasPrefix("/t/\(topic.id)?post=2&done=flagged"))
            #expect(try await browser.get(back).body.contains("your flag reached the moderators"))
            // A moderator's hide from the topic page comes back to the post, saying what was done.
            var staff = WebClient(client)
            try await Self.logIn(&staff, "cm@example.org")
            try await staff.get("/t/\(topic.id)")
            let hidden = try await staff.post("/p/\(first.id)/moderation", form: ["action": "hide", "reason": "Spam"])
            let hiddenAt = try #require(hidden.headers[.location])
            #expect(hiddenAt.hasPrefix("/t/\(topic.id)?post=1&done=hide"))
            // Said at the post, where the page lands, not at its top.
            #expect(
                try await staff.get(hiddenAt).body.contains(
                    "aria-labelledby=\"p1-author\">\n<p class=\"notice\" role=\"status\">Hidden: only its author"))
            try await staff.post("/p/\(first.id)/moderation", form: ["action": "unhide"])
            #expect(try await browser.post("/p/\(reply.id)/react", form: ["kind": "thanks"]).status == .seeOther)
            #expect(try await browser.get("/t/\(topic.id)").body.contains(#"aria-pressed="true" title="Thanks""#))
            #expect(
                try await browser.post("/p/\(reply.id)/react", form: ["kind": "boo"]).status == .unprocessableContent)
            #expect(try await browser.post("/t/\(topic.id)/state", form: ["action": "close"]).status == .forbidden)

            #expect(try await staff.post("/t/\(topic.id)/state", form: ["action": "close"]).status == .seeOther)
            let closed = try await browser.get("/t/\(topic.id)")
            #expect(closed.body.contains("This topic is closed to new replies."))
            #expect(!closed.body.contains(#"id="reply""#))

            #expect(try await staff.post("/p/\(reply.id)/delete", form: [:]).status == .seeOther)
            let withDeleted = try await browser.get("/t/\(topic.id)")
            #expect(withDeleted.body.contains("This post was deleted."))
            #expect(!withDeleted.body.contains("A reply"))
            #expect(try await staff.get("/t/\(topic.id)").body.contains("A reply"), "staff still read it")
            #expect(try await staff.post("/p/\(reply.id)/restore", form: [:]).status == .seeOther)
            #expect(try await browser.get("/t/\(topic.id)").body.contains("A reply"))
        }
    }

    @Test("pages speak French from the browser's Accept-Language, the switch, or the member's setting")
    func languages() async throws {
        let (community, _) = try await Self.community()
        defer { community.close() }
        try await community.member("ana@example.org")
        try await community.test { client in
            var visitor = WebClient(client)
            let english = try await visitor.get("/")
            #expect(english.body.contains(#"<html lang="en">"#))
            #expect(english.body.contains("Latest topics"))
            let french = try await visitor.get("/", headers: [.acceptLanguage: "fr-FR,fr;q=0.9,en;q=0.5"])
            #expect(french.body.contains(#"<html lang="fr">"#))
            #expect(french.body.contains("Derniers sujets"))
            #expect(french.headers[.contentLanguage] == "fr")

            let switched = try await visitor.get("/language?to=fr")
            #expect(switched.status == .seeOther)
            #expect(try await visitor.get("/").body.contains("Derniers sujets"))

            var member = WebClient(client)
            try await Self.logIn(&member, "ana@example.org")
            #expect(try await member.get("/").body.contains("Latest topics"))
            _ = try await member.post("/language", form: ["language": "fr"])
            member.cookies["hearth_lang"] = nil
            let saved = try await member.get("/", headers: [.acceptLanguage: "en"])
            #expect(saved.body.contains("Vous êtes connecté en tant que"), "the choice is kept on the account")
            #expect(try await member.post("/language", form: ["language": "de"]).status == .unprocessableContent)
        }
    }

    @Test("lists page with cursors, categories show their topics, profiles list a member's topics")
    func listsAndProfiles() async throws {
        let (community, manager) = try await Self.community()
        defer { community.close() }
        for index in 1...35 {
            community.clock.advance(by: 1)
            _ = try await community.services.forum.startTopic(
                manager, in: CategoryID(1), title: "Topic number \(index)", body: "x")
        }
        _ = try await community.services.forum.startTopic(
            manager, in: CategoryID(2), title: "Version 2 is out", body: "News")
        try await community.test { client in
            var browser = WebClient(client)
            let home = try await browser.get("/")
            #expect(home.body.contains(#"<h2 id="announcements">Announcements</h2>"#))
            #expect(home.body.contains("Version 2 is out"))
            let more = try #require(home.body.range(of: #"href="/latest?after="#))
            let token = home.body[more.upperBound...].prefix { $0 != "\"" }
            let older = try await browser.get("/latest?after=\(token)")
            #expect(older.body.contains("Topic number 1<") || older.body.contains("Topic number 1\""))
            #expect(!older.body.contains("Version 2 is out"))
            #expect(try await browser.get("/latest?after=garbage").status == .unprocessableContent)

            let category = try await browser.get("/c/general")
            #expect(category.body.contains("Talk about anything"))
            #expect(category.body.contains("Topic number 35"))
            #expect(try await browser.get("/c/nope").status == .notFound)
            let news = try await browser.get("/c/news")
            #expect(news.body.contains("Only staff start topics here."))

            let profile = try await browser.get("/u/\(manager.member.handle)")
            #expect(profile.body.contains("Topic number 35"))
            #expect(profile.body.contains("community manager"))
            #expect(try await browser.get("/u/nobody").status == .notFound)
            #expect(try await browser.get("/t/999").status == .notFound)
            #expect(try await browser.get("/t/abc").status == .notFound)
        }
    }
}

@Suite("Search page")
struct SearchPageTests {
    @Test("the search page finds posts with highlighted snippets, filters, and explains bad input")
    func searchPage() async throws {
        let (community, manager) = try await ForumPagesTests.community()
        defer { community.close() }
        _ = try await community.services.forum.startTopic(
            manager, in: CategoryID(1), title: "Rentrée à l'école", body: "L'école rouvre lundi <b>matin</b>.")
        try await community.test { client in
            var browser = WebClient(client)
            let empty = try await browser.get("/search")
            #expect(empty.status == .ok)
            #expect(empty.body.contains(#"role="search""#))
            let found = try await browser.get("/search?q=ecole")
            #expect(found.body.contains("Rentrée à l&#39;école") || found.body.contains("Rentrée à l'école"))
            #expect(found.body.contains("<mark>L&#39;école</mark>") || found.body.contains("<mark>L'école</mark>"))
            #expect(found.body.contains("&lt;b&gt;matin&lt;/b&gt;"))
            let filtered = try await browser.get("/search?q=ecole&category=2")
            #expect(filtered.body.contains("Nothing matches these words."))
            let badDate = try await browser.get("/search?q=ecole&from=yesterday")
            #expect(badDate.status == .unprocessableContent)
            #expect(badDate.body.contains("Write dates as YYYY-MM-DD"))
            let api = try await client.execute(uri: "/api/v1/search?q=lundi", method: .get)
            #expect(api.status == .ok)
            #expect(String(buffer: api.body).contains(#""topicTitle":"Rentrée à l'école""#))
        }
    }
}

@Suite("Anonymous page cache")
struct AnonymousCacheTests {
    @Test("visitors get the cached topic page until the topic changes; members always get their own")
    func cache() async throws {
        let (community, manager) = try await ForumPagesTests.community()
        defer { community.close() }
        let (topic, _) = try await community.services.forum.startTopic(
            manager, in: CategoryID(1), title: "Cached topic", body: "First")
        try await community.test { client in
            var visitor = WebClient(client)
            let first = try await visitor.get("/t/\(topic.id)")
            #expect(first.body.contains("<p>First</p>"))
            #expect(!first.body.contains(#"name="csrf""#), "a page for visitors carries no personal token")
            #expect(try await visitor.get("/t/\(topic.id)").body == first.body)
            _ = try await community.services.forum.reply(manager, to: topic.id, body: "Second")
            #expect(try await visitor.get("/t/\(topic.id)").body.contains("<p>Second</p>"), "a reply refreshes it")
            let french = try await visitor.get("/t/\(topic.id)", headers: [.acceptLanguage: "fr"])
            #expect(french.body.contains(#"<html lang="fr">"#), "one copy per language")
            let switched = try await visitor.get("/language?to=fr")
            #expect(switched.status == .seeOther)
            #expect(switched.headers[.setCookie]?.contains("hearth_lang=fr") == true)
        }
    }

    @Test("visitors get cached topic lists until any topic changes or starts; a member's list is their own")
    func lists() async throws {
        let (community, manager) = try await ForumPagesTests.community()
        defer { community.close() }
        let forum = community.services.forum
        let (topic, _) = try await forum.startTopic(manager, in: CategoryID(1), title: "Listed first", body: "One")
        try await community.member("ana@example.org")
        try await community.test { client in
            var visitor = WebClient(client)
            for path in ["/latest", "/c/general"] {
                let first = try await visitor.get(path)
                #expect(first.body.contains("Listed first"))
                #expect(!first.body.contains(#"name="csrf""#), "a list for visitors carries no personal token")
                #expect(try await visitor.get(path).body == first.body, "the same copy again")
            }
            _ = try await forum.startTopic(manager, in: CategoryID(1), title: "Started since", body: "Two")
            #expect(try await visitor.get("/latest").body.contains("Started since"), "a new topic refreshes lists")
            #expect(try await visitor.get("/c/general").body.contains("Started since"))
            let before = try await visitor.get("/c/general").body
            _ = try await forum.reply(manager, to: topic.id, body: "A reply moves the topic up")
            #expect(try await visitor.get("/c/general").body != before, "a reply refreshes lists")
            var ana = WebClient(client)
            try await ForumPagesTests.logIn(&ana, "ana@example.org")
            #expect(try await ana.get("/latest").body.contains(#"name="csrf""#), "a member's list is rendered for them")
        }
    }
}
