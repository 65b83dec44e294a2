import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// The moderation routes over JSON, with the names outside tools rely on.
@Suite("Moderation API")
struct ModerationAPITests {
    /// A community with its manager and a General category.
    static func community(_ engine: TestEngine) async throws -> (TestCommunity, Member, Viewer, HearthCore.Category) {
        let community = try await TestCommunity.make(engine: engine)
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        let category = try await community.services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        return (community, manager, staff, category)
    }

    @Test(
        "flag, review, act, slow down, penalise, read the log and edit the guidelines over JSON",
        arguments: TestEngine.allCases)
    func moderationOverJSON(engine: TestEngine) async throws {
        let (community, manager, _, category) = try await Self.community(engine)
        defer { community.close() }
        let services = community.services
        let troll = try await community.member("troll@example.org")
        let (topic, _) = try await services.forum.startTopic(
            Viewer(member: troll, credential: .session(SessionID(0))), in: category.id, title: "Bait", body: "Fight me")
        try await community.member("ana@example.org")
        let (_, cmKey) = try await services.apiKeys.create(name: "cm", scope: .write, ownerEmail: "cm@example.org")
        let (_, anaKey) = try await services.apiKeys.create(name: "ana", scope: .write, ownerEmail: "ana@example.org")

        try await community.test { client in
            let cm = ForumAPITests.APIClient(client: client, key: cmKey)
            let ana = ForumAPITests.APIClient(client: client, key: anaKey)
            let post = "/posts/\(topic.id.rawValue)"
            let (flagged, flag) = try await ana.call(.post, post + "/flags", #"{"reason": "inappropriate"}"#)
            #expect(flagged == .created)
            #expect(flag["hidden"] as? Bool == false)
            #expect(try await ana.call(.post, post + "/flags", #"{"reason": "spam"}"#).0 == .conflict)
            #expect(try await ana.call(.post, post + "/flags", #"{"reason": "rude"}"#).0 == .unprocessableContent)
            #expect(try await ana.call(.get, "/review").0 == .forbidden)

            let (_, queue) = try await cm.call(.get, "/review")
            let items = try #require(queue["items"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["kind"] as? String == "flagged_post")
            #expect(items.first?["reasons"] as? [String] == ["inappropriate"])
            let itemID = try #require(items.first?["id"] as? Int)
            let (hidden, item) = try await cm.call(
                .post, "/review/\(itemID)/actions", #"{"action": "hide", "reason": "Bait"}"#)
            #expect(hidden == .ok)
            #expect(item["outcome"] as? String == "hidden")
            let (again, error) = try await cm.call(.post, "/review/\(itemID)/actions", #"{"action": "approve"}"#)
            #expect(again == .conflict)
            #expect(((error["error"] as? [String: Any])?["message"] as? String)?.contains("already handled") == true)

            let (_, seen) = try await cm.call(.get, post)
            #expect(seen["moderation"] as? String == "hidden")
            #expect((seen["reading"] as? [String: Any])?["language"] != nil, "staff read the engine's reading")
            let (_, seenByAna) = try await ana.call(.get, "/topics/\(topic.id.rawValue)")
            #expect((seenByAna["posts"] as? [[String: Any]])?.first?["body"] as? String == "")
            #expect((seenByAna["posts"] as? [[String: Any]])?.first?["moderation"] == nil)
            #expect(try await cm.call(.post, post + "/moderation", #"{"action": "unhide"}"#).0 == .ok)

            let until = ISO8601DateFormatter().string(from: community.clock.now.addingTimeInterval(3_600))
            let slow = "/topics/\(topic.id.rawValue)/slow-mode"
            #expect(try await cm.call(.put, slow, #"{"seconds": 600, "until": "\#(until)"}"#).0 == .ok)
            #expect(try await cm.call(.put, slow, #"{"seconds": 5, "until": "\#(until)"}"#).0 == .unprocessableContent)
            #expect(try await cm.call(.delete, slow).0 == .noContent)

            let (given, penalty) = try await cm.call(
                .post, "/members/\(troll.id.rawValue)/penalties",
                #"{"kind": "silence", "until": "\#(until)", "reason": "Baiting"}"#)
            #expect(given == .created)
            #expect(penalty["kind"] as? String == "silence")
            #expect(
                try await cm.call(
                    .post, "/members/\(manager.id.rawValue)/penalties", #"{"kind": "warn", "reason": "x"}"#
                )
                .0 == .unprocessableContent)

            let (_, log) = try await cm.call(.get, "/moderation-log")
            let actions = (log["items"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(Array(actions.prefix(5)) == ["silence", "end slow mode", "slow mode", "unhide", "hide"])
            // The filter is the start of the action, in any case: "Slow" finds both slow-mode acts, and a "%" is
            // only a character.
            let (_, slowLog) = try await cm.call(.get, "/moderation-log?action=Slow")
            let slowActions = (slowLog["items"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(slowActions == ["slow mode"])
            let (_, ends) = try await cm.call(.get, "/moderation-log?action=END%20")
            #expect((ends["items"] as? [[String: Any]])?.count == 1)
            let (_, wild) = try await cm.call(.get, "/moderation-log?action=%25")
            #expect((wild["items"] as? [[String: Any]])?.isEmpty == true)
            // By whom, about whom (the member, their posts and topics), up to a day.
            func filtered(_ query: String) async throws -> [String]? {
                let (status, page) = try await cm.call(.get, "/moderation-log?" + query)
                guard status == .ok else { return nil }
                return (page["items"] as? [[String: Any]])?.compactMap { $0["action"] as? String }
            }
            #expect(try await filtered("about=%40\(troll.handle)&action=s") == ["silence", "slow mode"])
            #expect(try await filtered("about=\(manager.handle)") == [])
            #expect(
                try await filtered("by=\(manager.handle)")?.prefix(5)
                    == ["silence", "end slow mode", "slow mode", "unhide", "hide"])
            #expect(try await filtered("by=%40\(troll.handle)") == [])
            #expect(try await filtered("until=2020-01-31") == [])
            let today = community.clock.now.formatted(.iso8601.year().month().day())
            #expect(try await filtered("until=\(today)") == actions)
            let (unknown, unknownError) = try await cm.call(.get, "/moderation-log?by=nobody")
            #expect(unknown == .notFound)
            #expect(InboxWebTests.message(unknownError) == "There is no member @nobody.")
            #expect(try await cm.call(.get, "/moderation-log?until=2026-02-30").0 == .unprocessableContent)
            #expect(try await cm.call(.get, "/moderation-log?until=").0 == .unprocessableContent)

            #expect(try await ana.call(.put, "/guidelines", #"{"language": "en", "body": "Mine"}"#).0 == .forbidden)
            let (edited, guidelines) = try await cm.call(
                .put, "/guidelines", #"{"language": "en", "body": "Be kind."}"#)
            #expect(edited == .ok)
            #expect(guidelines["en"] as? String == "Be kind.")
            #expect((guidelines["fr"] as? String)?.contains("bienveillant") == true)
        }
    }

    @Test(
        "watched words, a flagged profile, the morning view and the public log over JSON",
        arguments: TestEngine.allCases)
    func gateOverJSON(engine: TestEngine) async throws {
        let (community, _, staff, category) = try await Self.community(engine)
        defer { community.close() }
        let services = community.services
        let (topic, _) = try await services.forum.startTopic(staff, in: category.id, title: "Hello", body: "Welcome")
        let spammer = try await community.member("spam@example.org")
        try await community.member("ana@example.org")
        let (_, cmKey) = try await services.apiKeys.create(name: "cm", scope: .write, ownerEmail: "cm@example.org")
        let (_, anaKey) = try await services.apiKeys.create(name: "ana", scope: .write, ownerEmail: "ana@example.org")
        let (_, spamKey) = try await services.apiKeys.create(name: "s", scope: .write, ownerEmail: "spam@example.org")

        try await community.test { client in
            let cm = ForumAPITests.APIClient(client: client, key: cmKey)
            let ana = ForumAPITests.APIClient(client: client, key: anaKey)
            let spam = ForumAPITests.APIClient(client: client, key: spamKey)
            let (added, word) = try await cm.call(
                .post, "/watched-words", #"{"pattern": "cheap pills", "action": "block"}"#)
            #expect(added == .created)
            #expect(word["action"] as? String == "block" && word["regex"] as? Bool == false)
            #expect(
                try await cm.call(.post, "/watched-words", #"{"pattern": "(a+)+$", "regex": true, "action": "flag"}"#)
                    .0 == .unprocessableContent)
            #expect(try await ana.call(.get, "/watched-words").0 == .forbidden)
            let (refused, error) = try await spam.call(
                .post, "/topics/\(topic.id.rawValue)/posts", #"{"body": "Ch3ap   PILLS here"}"#)
            #expect(refused == .unprocessableContent)
            #expect(((error["error"] as? [String: Any])?["message"] as? String)?.contains("cheap pills") == true)
            let (_, words) = try await cm.call(.get, "/watched-words")
            let id = try #require((words["items"] as? [[String: Any]])?.first?["id"] as? Int)
            #expect(try await cm.call(.delete, "/watched-words/\(id)").0 == .noContent)
            #expect(try await cm.call(.delete, "/watched-words/\(id)").0 == .notFound)

            let profile = "/members/\(spammer.id.rawValue)/flags"
            let (flagged, answer) = try await ana.call(.post, profile, #"{"reason": "spam"}"#)
            #expect(flagged == .created && answer["status"] as? String == "received")
            #expect(try await ana.call(.post, profile, #"{"reason": "spam"}"#).0 == .conflict)

            let (_, night) = try await cm.call(.get, "/review/overnight")
            #expect(night["since"] is String)
            let kinds = (night["items"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(kinds == ["flagged_profile"])
            #expect(try await ana.call(.get, "/review/overnight").0 == .forbidden)
            #expect(try await ana.call(.get, "/moderation-log/public").0 == .notFound, "not published by default")
        }
    }
}
