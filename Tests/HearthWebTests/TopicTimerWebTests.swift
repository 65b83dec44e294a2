import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthTestSupport
import HummingbirdTesting
import Testing

/// Topic timers from the topic page (a plain form, no script) and over JSON.
@Suite("Topic timers on the web")
struct TopicTimerWebTests {
    @Test(
        "staff set, see and cancel a timer from the topic page without JavaScript; a refused value comes back with its message",
        arguments: TestEngine.allCases)
    func page(engine: TestEngine) async throws {
        let (community, manager) = try await ForumPagesTests.community(engine: engine)
        defer { community.close() }
        let ana = try await community.member("ana@example.org")
        let (topic, _) = try await community.services.forum.startTopic(
            Viewer(member: ana, credential: .session(SessionID(0))), in: CategoryID(1), title: "Heated", body: "Hot")
        let path = "/t/\(topic.id.rawValue)"
        try await community.test { client in
            var staff = WebClient(client)
            try await ForumPagesTests.logIn(&staff, "cm@example.org")
            var member = WebClient(client)
            try await ForumPagesTests.logIn(&member, "ana@example.org")
            let form = try await staff.get(path)
            #expect(form.body.contains(#"<form method="post" action="\#(path)/timer">"#))
            #expect(form.body.contains(#"name="action" value="close_for" checked"#))
            #expect(form.body.contains(#"name="action" value="close_after_quiet""#))
            #expect(!form.body.contains(#"value="open_at""#), "an open topic is not offered a reopening")
            #expect(!form.body.contains("Cancel the timer"))
            #expect(!(try await member.get(path)).body.contains("/timer"), "members get no form")

            let refused = try await staff.post(path + "/timer", form: ["action": "close_for", "hours": "721"])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("A topic can be closed for 1 to 720 hours (30 days)."))
            #expect(refused.body.contains(#"<details class="inline-details" open>"#), "the form stays open")
            #expect(refused.body.contains(#"value="721""#), "with what was typed")
            #expect(refused.body.contains(#"name="days" type="number" min="1" max="365" value="7""#))

            #expect(
                try await staff.post(path + "/timer", form: ["action": "close_for", "hours": "2"]).status == .seeOther)
            let closed = try await member.get(path)
            #expect(closed.body.contains("This topic reopens on 21 Sep 2026 at 16:13."))
            #expect(closed.body.contains("This topic is closed to new replies."))
            let staffView = try await staff.get(path)
            #expect(staffView.body.contains("Cancel the timer"))
            #expect(staffView.body.contains(#"name="action" value="open_at""#))

            community.clock.advance(by: 2 * 3_600)
            #expect(try await community.services.jobs.drain() == 1)
            let reopened = try await member.get(path)
            #expect(!reopened.body.contains("This topic reopens"))
            #expect(reopened.body.contains(#"id="reply""#))

            #expect(
                try await staff.post(path + "/timer", form: ["action": "close_after_quiet", "days": "3"]).status
                    == .seeOther)
            #expect(try await member.get(path).body.contains("This topic closes after 3 days without replies."))
            let french = try await member.get(path, headers: [.acceptLanguage: "fr"])
            #expect(french.body.contains("Ce sujet se fermera après 3 jours sans réponse."))
            #expect(try await member.post(path + "/timer", form: ["action": "cancel"]).status == .forbidden)
            #expect(try await staff.post(path + "/timer", form: ["action": "cancel"]).status == .seeOther)
            #expect(!(try await member.get(path)).body.contains("This topic closes after"))

            let log = try await staff.get("/moderation-log")
            #expect(log.body.contains("end topic timer") && log.body.contains("reopen (timer)"))
            #expect(log.body.contains("Hearth (automatic)"))
            #expect(log.body.contains("topic #\(topic.id.rawValue) · Heated"), "the act's target by its name")
            // The log filtered by who acted: Hearth's own acts are not the staff's; a name that is no one is said
            // above the form, which keeps what was typed.
            let mine = try await staff.get("/moderation-log?by=%40\(manager.member.handle)")
            #expect(mine.body.contains("end topic timer") && !mine.body.contains("reopen (timer)"))
            // A name as the log shows it, sent by the form with its space as "+", finds its one member.
            let named = try await staff.get("/moderation-log?by=Member+cm%40")
            #expect(named.status == .ok && named.body.contains("end topic timer"))
            let none = try await staff.get("/moderation-log?action=close+for+ever")
            #expect(none.body.contains("No entry matches these filters.") && !none.body.contains("<table"))
            _ = try await community.member("ana2@example.org")
            let twoAnas = try await staff.get("/moderation-log?about=Member+ana")
            #expect(twoAnas.status == .unprocessableContent)
            #expect(
                twoAnas.body.contains("Several members are called Member ana: type the @handle of the one you mean."))
            let nobody = try await staff.get("/moderation-log?by=nobody&until=2026-01-31")
            #expect(nobody.status == .unprocessableContent)
            #expect(nobody.body.contains("There is no member @nobody."))
            #expect(nobody.body.contains(#"name="by" value="nobody""#))
            #expect(nobody.body.contains(#"value="2026-01-31""#))
        }
    }

    @Test(
        "a timer is set, read with its topic and ended over JSON; values out of range and members are refused",
        arguments: TestEngine.allCases)
    func api(engine: TestEngine) async throws {
        let community = try await TestCommunity.make(engine: engine)
        defer { community.close() }
        let services = community.services
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        let category = try await services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        let (topic, _) = try await services.forum.startTopic(staff, in: category.id, title: "Timed", body: "Soon")
        try await community.member("ana@example.org")
        let (_, cmKey) = try await services.apiKeys.create(name: "cm", scope: .write, ownerEmail: "cm@example.org")
        let (_, anaKey) = try await services.apiKeys.create(name: "ana", scope: .write, ownerEmail: "ana@example.org")
        let path = "/topics/\(topic.id.rawValue)/timer"
        try await community.test { client in
            let cm = ForumAPITests.APIClient(client: client, key: cmKey)
            let ana = ForumAPITests.APIClient(client: client, key: anaKey)
            let iso = ISO8601DateFormatter()

            let (set, timer) = try await cm.call(.put, path, #"{"action": "close_for", "hours": 24}"#)
            #expect(set == .ok)
            #expect(timer["action"] as? String == "close_for")
            #expect(timer["at"] as? String == iso.string(from: community.clock.now.addingTimeInterval(86_400)))
            let (_, read) = try await cm.call(.get, "/topics/\(topic.id.rawValue)")
            let shown = try #require(read["topic"] as? [String: Any])
            #expect(shown["closed"] as? Bool == true)
            #expect((shown["timer"] as? [String: Any])?["action"] as? String == "close_for")

            #expect(try await ana.call(.put, path, #"{"action": "close_for", "hours": 2}"#).0 == .forbidden)
            #expect(try await ana.call(.delete, path).0 == .forbidden)
            let (tooLong, error) = try await cm.call(.put, path, #"{"action": "close_for", "hours": 721}"#)
            #expect(tooLong == .unprocessableContent)
            #expect(
                (error["error"] as? [String: Any])?["message"] as? String
                    == "A topic can be closed for 1 to 720 hours (30 days).")
            #expect(try await cm.call(.put, path, #"{"action": "close_for"}"#).0 == .unprocessableContent)
            #expect(try await cm.call(.put, path, #"{"action": "close_for", "days": 3}"#).0 == .unprocessableContent)
            #expect(try await cm.call(.put, path, #"{"action": "nap", "hours": 3}"#).0 == .unprocessableContent)
            #expect(try await cm.call(.put, path, #"{"action": "open_at", "at": "soon"}"#).0 == .unprocessableContent)
            #expect(
                try await cm.call(.put, path, #"{"action": "close_after_quiet", "days": 3}"#).0 == .conflict,
                "the topic is closed already")

            let at = iso.string(from: community.clock.now.addingTimeInterval(7_200))
            let (reset, reopening) = try await cm.call(.put, path, #"{"action": "open_at", "at": "\#(at)"}"#)
            #expect(reset == .ok && reopening["at"] as? String == at)
            #expect(try await cm.call(.delete, path).0 == .noContent)
            let (_, after) = try await cm.call(.get, "/topics/\(topic.id.rawValue)")
            #expect((after["topic"] as? [String: Any])?["timer"] == nil)
            #expect((after["topic"] as? [String: Any])?["closed"] as? Bool == true)
            community.clock.advance(by: 86_400)
            #expect(try await services.jobs.drain() == 0, "no job left behind")

            let (_, log) = try await cm.call(.get, "/moderation-log")
            let actions = (log["items"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(actions == ["end topic timer", "topic timer", "topic timer"])
        }
    }
}
