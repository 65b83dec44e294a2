import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Editing and removing delegated roles")
struct RoleEditTests {
    @Test(
        "the manager changes a role's powers and its holder's powers follow at once; a removed role is taken back from its holder; a role with reports is kept",
        arguments: TestEngine.allCases)
    func editAndRemove(engine: TestEngine) async throws {
        let (community, staff) = try await DelegationTests.community(engine)
        defer { community.close() }
        let forum = community.services.forum
        let general = try await forum.createCategory(staff, name: "General", description: "", startPolicy: .everyone)
        #expect(general.id.rawValue == 1)
        let ana = try await community.member("ana@example.org")
        let (topic, _) = try await forum.startTopic(
            Viewer(member: ana, credential: .session(SessionID(0))), in: general.id, title: "Evenings here",
            body: "Hello")
        @Sendable func badge() async throws -> String? {
            try await forum.topicPage(staff, topic: topic.id).posts.first?.author.badge
        }
        let (_, cmKey) = try await community.services.apiKeys.create(
            name: "cm", scope: .write, ownerEmail: "cm@example.org")

        try await community.test { client in
            #expect(
                try await DelegationTests.send(
                    client, .post, "/api/v1/roles", key: cmKey, DelegationTests.eveningAdvisor
                )
                .0 == .created)
            #expect(
                try await DelegationTests.send(
                    client, .post, "/api/v1/roles/1/holders", key: cmKey, #"{"memberId": \#(ana.id.rawValue)}"#
                ).0 == .ok)
            let calmer = #"""
                {"name": {"en": "Evening advisor", "fr": "Conseiller du soir"}, "badge": "Soir",
                 "guidelines": "Slow the thread.", "powers": ["setSlowMode"]}
                """#
            let (changed, body) = try await DelegationTests.send(client, .put, "/api/v1/roles/1", key: cmKey, calmer)
            #expect(changed == .ok, "\(body)")
            #expect(body.contains(#""powers":["setSlowMode"]"#) && body.contains(#""badge":"Soir""#))
            #expect(!body.contains(#""window""#), "no hours now: at any time")
            let viewer = try await DelegationTests.viewer(community, ana.id)
            let policy = AccessPolicy()
            #expect(!policy.decide(viewer, .hidePost, on: .category(1), at: community.clock.now).isAllowed)
            #expect(policy.decide(viewer, .setSlowMode, on: .category(1), at: community.clock.now).isAllowed)
            #expect(try await badge() == "Soir")
            let (refused, message) = try await DelegationTests.send(
                client, .put, "/api/v1/roles/1", key: cmKey,
                #"{"name": {"en": "x", "fr": "x"}, "powers": ["administer"]}"#)
            #expect(refused == .unprocessableContent && message.contains("moderation powers"), "\(message)")

            let (removed, _) = try await DelegationTests.send(client, .delete, "/api/v1/roles/1", key: cmKey)
            #expect(removed == .noContent)
            let after = try await community.services.profiles.member(id: ana.id)
            #expect(!after.hasGrants)
            #expect(try await badge() == nil)
            #expect(try await DelegationTests.send(client, .get, "/api/v1/roles/1", key: cmKey).0 == .notFound)
            #expect(try await DelegationTests.send(client, .delete, "/api/v1/roles/1", key: cmKey).0 == .notFound)

            // A role with a report on it stays.
            let (_, again) = try await DelegationTests.send(
                client, .post, "/api/v1/roles", key: cmKey, DelegationTests.eveningAdvisor)
            let id = try #require(again.range(of: #""id":"#).map { again[$0.upperBound...].prefix { $0.isNumber } })
            #expect(
                try await DelegationTests.send(
                    client, .post, "/api/v1/roles/\(id)/holders", key: cmKey, #"{"memberId": \#(ana.id.rawValue)}"#
                ).0 == .ok)
            // A third role, whose report is opened and never sent, goes with it.
            let (_, third) = try await DelegationTests.send(
                client, .post, "/api/v1/roles", key: cmKey, DelegationTests.eveningAdvisor)
            let thirdID = try #require(
                third.range(of: #""id":"#).map { third[$0.upperBound...].prefix { $0.isNumber } })
            #expect(
                try await DelegationTests.send(
                    client, .post, "/api/v1/roles/\(thirdID)/holders", key: cmKey,
                    #"{"memberId": \#(ana.id.rawValue)}"#
                ).0 == .ok)
            community.clock.advance(by: 7 * 86_400)
            let reports = community.services.roleReports
            #expect(try await reports.openDue() == 2)
            let holder = try await DelegationTests.viewer(community, ana.id)
            let week = ISOWeek(containing: community.clock.now.addingTimeInterval(-7 * 86_400), in: .gmt)
            _ = try await reports.write(
                holder, role: DelegateRoleID(Int64(id)!), week: week, RoleReport.Lines(wentWell: "Calm nights"),
                send: true)
            let (unsent, _) = try await DelegationTests.send(client, .delete, "/api/v1/roles/\(thirdID)", key: cmKey)
            #expect(unsent == .noContent, "a report opened and never sent does not keep a role")
            let (kept, why) = try await DelegationTests.send(client, .delete, "/api/v1/roles/\(id)", key: cmKey)
            #expect(kept == .conflict && why.contains("give it a last day instead"), "\(why)")
        }
    }

    @Test(
        "in the console, the edit form shows the role as it is, saves it, and removes it",
        arguments: TestEngine.allCases)
    func console(engine: TestEngine) async throws {
        let (community, staff) = try await DelegationTests.community(engine)
        defer { community.close() }
        _ = try await community.services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        try await community.test { client in
            var cm = WebClient(client)
            try await ForumPagesTests.logIn(&cm, "cm@example.org")
            try await cm.get("/admin/roles")
            let made = try await cm.post(
                "/admin/roles",
                fields: [
                    ("name_en", "Evening advisor"), ("name_fr", "Conseiller du soir"), ("badge", "Evening"),
                    ("powers", "hidePost"), ("from", "19:00"), ("to", "23:00"),
                ])
            #expect(made.status == .seeOther)
            let form = try await cm.get("/admin/roles?edit=1")
            #expect(form.body.contains(#"action="/admin/roles/1""#), "\(form.body)")
            #expect(form.body.contains(#"value="Evening advisor""#) && form.body.contains(#"value="19:00""#))
            #expect(form.body.contains(#"value="hidePost" checked"#))
            #expect(form.body.contains("Weighty: they touch members and their posts"))
            let bad = try await cm.post(
                "/admin/roles/1", fields: [("name_en", ""), ("name_fr", "Conseiller du soir"), ("powers", "hidePost")])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.body.contains(#"action="/admin/roles/1""#), "a mistake keeps the edit form")
            let saved = try await cm.post(
                "/admin/roles/1",
                fields: [
                    ("name_en", "Night owl"), ("name_fr", "Oiseau de nuit"), ("powers", "hidePost"),
                    ("powers", "setSlowMode"),
                ])
            #expect(saved.status == .seeOther)
            let listed = try await cm.get("/admin/roles?done=changed")
            #expect(listed.body.contains("Night owl") && listed.body.contains("Role saved."))
            let removed = try await cm.post("/admin/roles/1/remove", form: [:])
            #expect(removed.status == .seeOther)
            let empty = try await cm.get("/admin/roles?done=removed")
            #expect(!empty.body.contains("Night owl") && empty.body.contains("Role removed."))
            #expect(try await cm.get("/admin/roles?edit=1").status == .notFound)
        }
    }
}
