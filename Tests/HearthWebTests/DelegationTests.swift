import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Delegated roles")
struct DelegationTests {
    /// Sends JSON with a key; returns the status and the body.
    static func send(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, key: String,
        _ json: String? = nil
    ) async throws -> (HTTPResponse.Status, String) {
        var headers: HTTPFields = [.authorization: "Bearer \(key)"]
        if json != nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        return (response.status, String(buffer: response.body))
    }

    /// A community with its manager, and the manager as a viewer.
    static func community(_ engine: TestEngine) async throws -> (TestCommunity, Viewer) {
        let community = try await TestCommunity.make(engine: engine)
        let manager = try await community.member("cm@example.org", role: .communityManager)
        return (community, Viewer(member: manager, credential: .session(SessionID(0))))
    }

    /// The member as a request of theirs sees them: with the powers of the roles they hold.
    static func viewer(_ community: TestCommunity, _ id: MemberID) async throws -> Viewer {
        try await community.services.viewers.viewer(
            try await community.services.profiles.member(id: id), credential: .session(SessionID(0)))
    }

    static let eveningAdvisor = #"""
        {"name": {"en": "Evening advisor", "fr": "Conseiller du soir"}, "badge": "Evening",
         "guidelines": "Calm first: **hide**, never delete.", "powers": ["hidePost", "seeRemoved"],
         "categoryIds": [1], "window": {"days": [1, 2, 3, 4, 5, 6, 7], "from": "19:00", "to": "23:00"}}
        """#

    @Test(
        "an evening advisor hides a post at 20:00 and is refused at 18:59 and outside their category, on pages and in the API; taken back, the role stops at once",
        arguments: TestEngine.allCases)
    func eveningAdvisor(engine: TestEngine) async throws {
        let (community, staff) = try await Self.community(engine)
        defer { community.close() }
        let forum = community.services.forum
        let general = try await forum.createCategory(staff, name: "General", description: "", startPolicy: .everyone)
        let other = try await forum.createCategory(staff, name: "Other", description: "", startPolicy: .everyone)
        #expect(general.id.rawValue == 1)
        let bob = try await community.member("bob@example.org")
        let bobViewer = Viewer(member: bob, credential: .session(SessionID(0)))
        let (topic, _) = try await forum.startTopic(bobViewer, in: general.id, title: "Hello there", body: "First")
        let rude = try await forum.reply(bobViewer, to: topic.id, body: "Something regrettable")
        let ruder = try await forum.reply(bobViewer, to: topic.id, body: "Something worse")
        let (elsewhere, _) = try await forum.startTopic(bobViewer, in: other.id, title: "Elsewhere", body: "x")
        let outside = try await forum.reply(bobViewer, to: elsewhere.id, body: "Also regrettable")

        let ana = try await community.member("ana@example.org")
        let (_, cmKey) = try await community.services.apiKeys.create(
            name: "cm", scope: .write, ownerEmail: "cm@example.org")
        let (_, anaKey) = try await community.services.apiKeys.create(
            name: "ana", scope: .write, ownerEmail: "ana@example.org")
        // The test clock starts at 14:13 UTC, the community's time zone.
        let toEvening: TimeInterval = 4 * 3_600 + 46 * 60  // 18:59

        try await community.test { client in
            let (created, body) = try await Self.send(client, .post, "/api/v1/roles", key: cmKey, Self.eveningAdvisor)
            #expect(created == .created, "\(body)")
            #expect(body.contains(#""powers":["hidePost","seeRemoved"]"#))
            #expect(body.contains(#""window":{"days":[1,2,3,4,5,6,7],"from":"19:00","to":"23:00"}"#))
            let (given, holders) = try await Self.send(
                client, .post, "/api/v1/roles/1/holders", key: cmKey, #"{"memberId": \#(ana.id.rawValue)}"#)
            #expect(given == .ok, "\(holders)")
            #expect(holders.contains(#""memberId":\#(ana.id.rawValue)"#))
            #expect(try await Self.send(client, .get, "/api/v1/roles", key: anaKey).0 == .forbidden)

            func hide(_ post: Post) async throws -> HTTPResponse.Status {
                try await Self.send(
                    client, .post, "/api/v1/posts/\(post.id)/moderation", key: anaKey,
                    #"{"action": "hide", "reason": "Off topic"}"#
                ).0
            }
            var browser = WebClient(client)
            try await ForumPagesTests.logIn(&browser, "ana@example.org")
            func pageShows(_ text: String) async throws -> Bool {
                try await browser.get("/t/\(topic.id)").body.contains(text)
            }

            community.clock.advance(by: toEvening)
            #expect(try await hide(rude) == .forbidden, "18:59 is before the window")
            community.clock.advance(by: 61 * 60)
            #expect(try await hide(rude) == .ok, "20:00 is in it")
            #expect(try await hide(outside) == .forbidden, "only in the role's category")
            #expect(try await pageShows("Something regrettable"), "the hidden post, seen on the page in the window")
            let (_, post) = try await Self.send(client, .get, "/api/v1/posts/\(rude.id)", key: anaKey)
            #expect(post.contains("Something regrettable"), "and in the API")

            community.clock.advance(by: 3 * 3_600)
            #expect(try await !pageShows("Something regrettable"), "not after 23:00")
            #expect(try await hide(ruder) == .forbidden)

            community.clock.advance(by: -3 * 3_600)
            let (taken, _) = try await Self.send(
                client, .delete, "/api/v1/roles/1/holders/\(ana.id.rawValue)", key: cmKey)
            #expect(taken == .noContent)
            #expect(try await hide(ruder) == .forbidden, "taken back: the API refuses at once")
            #expect(try await !pageShows("Something regrettable"), "and the page")
            let (again, message) = try await Self.send(
                client, .delete, "/api/v1/roles/1/holders/\(ana.id.rawValue)", key: cmKey)
            #expect(again == .notFound && message.contains("does not hold that role"))
        }
        #expect(try await community.services.delegation.list(staff).map(\.holders) == [[]])
        #expect(
            try await Self.viewer(community, ana.id).grants.isEmpty)
    }

    @Test(
        "a delegate's acts are logged under the role's name, and their silences last 24 hours at most",
        arguments: TestEngine.allCases)
    func loggedUnderRole(engine: TestEngine) async throws {
        let (community, staff) = try await Self.community(engine)
        defer { community.close() }
        let ana = try await community.member("ana@example.org")
        let bob = try await community.member("bob@example.org")
        let delegation = community.services.delegation
        let role = try await delegation.create(
            staff,
            RoleDefinition(nameEN: "Night watch", nameFR: "Veille de nuit", powers: [.silenceMember, .hidePost]))
        try await delegation.give(staff, role.id, to: ana.id)
        let watch = try await Self.viewer(community, ana.id)
        let penalties = community.services.penalties
        await #expect(
            throws: HearthError.invalid(
                "until", "Under a delegated role, a silence or a suspension lasts 24 hours at most.")
        ) {
            try await penalties.give(
                watch, to: bob.id, kind: .silence, until: community.clock.now + 48 * 3_600, reason: "Flood")
        }
        _ = try await penalties.give(
            watch, to: bob.id, kind: .silence, until: community.clock.now + 12 * 3_600, reason: "Flood")
        // She may hide but not see hidden posts: the API answers with the post as it now stands all the same.
        let general = try await community.services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        let bobViewer = Viewer(member: bob, credential: .session(SessionID(0)))
        let (topic, _) = try await community.services.forum.startTopic(
            bobViewer, in: general.id, title: "Hello", body: "First")
        let rude = try await community.services.forum.reply(bobViewer, to: topic.id, body: "Rude")
        let (_, anaKey) = try await community.services.apiKeys.create(
            name: "ana", scope: .write, ownerEmail: "ana@example.org")
        try await community.test { client in
            let (status, body) = try await Self.send(
                client, .post, "/api/v1/posts/\(rude.id)/moderation", key: anaKey, #"{"action": "hide"}"#)
            #expect(status == .ok && body.contains(#""moderation":"hidden""#), "\(body)")
        }
        // Staff acting by their own role are logged without one.
        let carol = try await community.member("carol@example.org")
        let long = try await penalties.give(
            staff, to: carol.id, kind: .silence, until: community.clock.now + 48 * 3_600, reason: "Insults")
        await #expect(
            throws: HearthError.forbidden(
                "Under a delegated role you may lift only penalties of 24 hours at most: ask the community manager.")
        ) { try await penalties.lift(watch, long.id) }
        try await delegation.takeBack(staff, role.id, from: ana.id)

        let log = try await community.services.moderation.log(staff)
        let lines = log.map { "\($0.action) \($0.reason) \($0.roleName ?? "-")" }
        #expect(
            lines == [
                "take back role Night watch -", "silence Insults -", "hide  Night watch", "silence Flood Night watch",
                "give role Night watch -", "create role Night watch -",
            ])
    }

    @Test("a role past its last day stops on its own", arguments: TestEngine.allCases)
    func lastDay(engine: TestEngine) async throws {
        let (community, staff) = try await Self.community(engine)
        defer { community.close() }
        let ana = try await community.member("ana@example.org")
        let today = CalendarDay(community.clock.now, in: .gmt)
        let role = try await community.services.delegation.create(
            staff, RoleDefinition(nameEN: "Guest", nameFR: "Invité", powers: [.hidePost], endsOn: today))
        try await community.services.delegation.give(staff, role.id, to: ana.id)
        func may() async throws -> Bool {
            let viewer = try await Self.viewer(community, ana.id)
            return AccessPolicy().decide(viewer, .hidePost, at: community.clock.now).isAllowed
        }
        #expect(try await may())
        let mine = try await community.services.delegation.mine(
            Viewer(member: try await community.services.profiles.member(id: ana.id), credential: .session(SessionID(0)))
        )
        #expect(mine.map(\.status) == [.holding])
        community.clock.advance(by: 86_400)
        #expect(try await !may())
    }

    @Test("each bad role or holder gets a clear message", arguments: TestEngine.allCases)
    func badInput(engine: TestEngine) async throws {
        let (community, staff) = try await Self.community(engine)
        defer { community.close() }
        _ = try await community.services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        let sam = try await community.member("sam@example.org")
        _ = try await community.services.penalties.give(
            staff, to: sam.id, kind: .suspend, until: community.clock.now + 86_400, reason: "Insults")
        let (_, key) = try await community.services.apiKeys.create(
            name: "cm", scope: .write, ownerEmail: "cm@example.org")
        @Sendable func role(_ fields: String) -> String {
            #"{"name": {"en": "Advisor", "fr": "Conseiller"}, "powers": ["hidePost"]"# + fields + "}"
        }
        try await community.test { client in
            let cases: [(String, String)] = [
                (role(#", "window": {"days": [1], "from": "19:00", "to": "19:00"}"#), "The window ends when it starts"),
                (role(#", "startsOn": "2026-12-10", "endsOn": "2026-12-01""#), "The last day comes before the first."),
                (role(#", "endsOn": "2020-01-01""#), "The last day has passed."),
                (role(#", "startsOn": "2026-02-30""#), "Write the day as YYYY-MM-DD."),
                (role(#", "window": {"days": [8], "from": "19:00", "to": "23:00"}"#), "Choose days from 1 (Monday)"),
                (role(#", "window": {"days": [1], "from": "7pm", "to": "23:00"}"#), "Write the time as HH:MM."),
                (role(#", "categoryIds": [99]"#), "There is no category 99."),
                (#"{"name": {"en": "Advisor", "fr": "Conseiller"}, "powers": ["fly"]}"#, "fly is not a power"),
                (
                    #"{"name": {"en": "Advisor", "fr": "Conseiller"}, "powers": ["manageRoles"]}"#,
                    "Choose one or more of the moderation powers."
                ),
                (
                    #"{"name": {"en": "", "fr": "Conseiller"}, "powers": ["hidePost"]}"#,
                    "Name the role in English in 1 to 60"
                ),
            ]
            for (json, message) in cases {
                let (status, body) = try await Self.send(client, .post, "/api/v1/roles", key: key, json)
                #expect(status == .unprocessableContent, "\(json)")
                #expect(body.contains(message), "\(json): \(body)")
            }
            let (created, _) = try await Self.send(client, .post, "/api/v1/roles", key: key, role(""))
            #expect(created == .created)
            let (suspended, body) = try await Self.send(
                client, .post, "/api/v1/roles/1/holders", key: key, #"{"memberId": \#(sam.id.rawValue)}"#)
            #expect(suspended == .conflict && body.contains("suspended until"), "\(body)")
            let (missing, _) = try await Self.send(
                client, .post, "/api/v1/roles/9/holders", key: key, #"{"memberId": \#(sam.id.rawValue)}"#)
            #expect(missing == .notFound)
        }
        // A former member (anonymised on request) is no one to give a role to.
        let gone = try await community.member("gone@example.org")
        _ = try await community.services.members.anonymise(staff, gone.id, confirmation: gone.handle, reason: "asked")
        await #expect(throws: HearthError.notFound("There is no such member.")) {
            try await community.services.delegation.give(staff, DelegateRoleID(1), to: gone.id)
        }
        // A role never hands out a power its maker lacks, even one who may make roles.
        let maker = Viewer(
            member: try await community.member("mia@example.org"), credential: .session(SessionID(0)),
            grants: [Grant(actions: [.manageRoles, .hidePost])])
        await #expect(
            throws: HearthError.validation([
                FieldError(field: "powers", message: "A role cannot hand out a power you do not hold: silenceMember.")
            ])
        ) {
            try await community.services.delegation.create(
                maker, RoleDefinition(nameEN: "Helper", nameFR: "Aide", powers: [.hidePost, .silenceMember]))
        }
    }
}

extension DelegationTests {
    @Test("openapi.json lists as a role's powers exactly those a role may hand out")
    func documentedPowers() async throws {
        let community = try await TestCommunity.make()
        defer { community.close() }
        try await community.test { client in
            let response = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let powers = try #require((schemas["RolePower"] as? [String: Any])?["enum"] as? [String])
            #expect(Set(powers) == Set(Action.moderation.map(\.name)))
        }
    }
}

/// The roles in the browser without JavaScript: the console's page and the holder's.
extension DelegationTests {
    @Test(
        "in French, the console makes 'Conseiller du soir', gives it to @ana and takes it back; Ana reads her role, its guidelines and when her powers start; a bad form comes back with what was typed",
        arguments: TestEngine.allCases)
    func consolePages(engine: TestEngine) async throws {
        let (community, staff) = try await Self.community(engine)
        defer { community.close() }
        let general = try await community.services.forum.createCategory(
            staff, name: "Général", description: "", startPolicy: .everyone)
        let ana = try await community.member("ana@example.org")
        let (topic, _) = try await community.services.forum.startTopic(
            Viewer(member: ana, credential: .session(SessionID(0))), in: general.id, title: "Bonsoir",
            body: "Je veille ce soir.")
        try await community.test { client in
            var cm = WebClient(client)
            try await ForumPagesTests.logIn(&cm, "cm@example.org")
            _ = try await cm.post("/language", form: ["language": "fr"])
            #expect(try await !cm.get("/t/\(topic.id)").body.contains(#"<span class="tag">Soir</span>"#))
            let empty = try await cm.get("/admin/roles")
            #expect(empty.body.contains("Aucun rôle pour l"))
            #expect(empty.body.contains("Masquer un message"), "the powers, in French")

            let mistaken = try await cm.post(
                "/admin/roles",
                fields: [
                    ("name_en", "Evening advisor"), ("name_fr", "Conseiller du soir"), ("powers", "hidePost"),
                    ("from", "19:00"), ("to", "19:00"), ("guidelines", "Le calme d'abord."),
                ])
            #expect(mistaken.status == .unprocessableContent)
            #expect(mistaken.body.contains("La plage finit quand elle commence"), "the message, in French")
            #expect(mistaken.body.contains(#"value="Conseiller du soir""#), "what was typed stays")
            #expect(mistaken.body.contains("Le calme d&#39;abord.") || mistaken.body.contains("Le calme d'abord."))

            let made = try await cm.post(
                "/admin/roles",
                fields: [
                    ("name_en", "Evening advisor"), ("name_fr", "Conseiller du soir"), ("badge", "Soir"),
                    ("guidelines", "Le **calme** d'abord : masquer, jamais supprimer."), ("powers", "hidePost"),
                    ("powers", "seeRemoved"), ("categories", String(general.id.rawValue)), ("from", "19:00"),
                    ("to", "23:00"),
                ])
            #expect(made.status == .seeOther)
            let list = try await cm.get("/admin/roles?done=created")
            #expect(list.body.contains("Rôle créé."))
            #expect(list.body.contains("Conseiller du soir"))
            #expect(list.body.contains("Tous les jours, 19:00–23:00"))
            #expect(list.body.contains("Général"))

            let unknown = try await cm.post("/admin/roles/1/holders", form: ["member": "@nobody"])
            #expect(unknown.status == .unprocessableContent && unknown.body.contains("pas de membre @nobody :"))
            #expect(unknown.body.contains(#"name="member" required maxlength="254" placeholder="#))
            #expect(unknown.body.contains(#"value="@nobody""#), "what was typed stays in its field")
            #expect(try await cm.post("/admin/roles/1/holders", form: ["member": "@\(ana.handle)"]).status == .seeOther)
            #expect(try await cm.get("/admin/roles?done=given").body.contains("href=\"/u/\(ana.handle)\""))
            #expect(
                try await cm.get("/t/\(topic.id)").body.contains(#"<span class="tag">Soir</span>"#),
                "the role's badge beside her posts")

            var member = WebClient(client)
            try await ForumPagesTests.logIn(&member, "ana@example.org")
            _ = try await member.post("/language", form: ["language": "fr"])
            let home = try await member.get("/")
            #expect(home.body.contains("href=\"/my-roles\""), "the account menu links her roles")
            let mine = try await member.get("/my-roles")
            #expect(mine.body.contains("Conseiller du soir"))
            #expect(mine.body.contains("<strong>calme</strong>"), "the guidelines, rendered")
            // The test clock reads 14:13 UTC, the community's time zone.
            #expect(mine.body.contains("Vos pouvoirs commencent le"))
            #expect(mine.body.contains("à 19:00 (GMT)") || mine.body.contains("à 19:00 (UTC)"), "\(mine.body)")
            #expect(try await member.get("/admin/roles").status == .forbidden)

            #expect(
                try await cm.post("/admin/roles/1/holders/\(ana.id.rawValue)/remove", form: [:]).status == .seeOther)
            #expect(try await member.get("/my-roles").body.contains("avez aucun rôle."))
            #expect(try await !cm.get("/t/\(topic.id)").body.contains(#"<span class="tag">Soir</span>"#))
        }
    }
}
