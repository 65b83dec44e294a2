import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthStore
import HearthTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("People: segments, engagement levels, trust ladder, equity of attention")
struct PeopleTests {
    static let day: TimeInterval = 86_400

    /// A scripted community over 91 days: a helper who answers an asker, a reader who comes back and never
    /// writes, an old-timer silent for three months, a newcomer whose question waits, and a silenced troll.
    struct Script {
        let community: TestCommunity
        let manager: Viewer
        let helper: Member
        let asker: Member
        let reader: Member
        let oldTimer: Member
        let newcomer: Member
        let troll: Member
        let cmKey: String
        let memberKey: String
    }

    static func script(_ engine: TestEngine) async throws -> Script {
        let (community, staff) = try await DelegationTests.community(engine)
        let services = community.services
        let forum = services.forum
        let clock = community.clock
        func viewer(_ member: Member) -> Viewer { Viewer(member: member, credential: .session(SessionID(0))) }
        let sessions = SQLSessionRepository(database: services.database)
        let reads = SQLForumRepository(database: services.database)
        let general = try await forum.createCategory(staff, name: "General", description: "", startPolicy: .everyone)
        let helper = try await community.member("helper@example.org")
        let asker = try await community.member("asker@example.org")
        let reader = try await community.member("reader@example.org")
        let oldTimer = try await community.member("old@example.org")
        let troll = try await community.member("troll@example.org")

        var oldTopics: [Topic] = []
        for index in 1...6 {
            oldTopics.append(
                try await forum.startTopic(
                    viewer(oldTimer), in: general.id, title: "Old story \(index)", body: "Back then."
                ).0)
        }
        clock.advance(by: 70 * day)
        for index in 1...5 {
            let (topic, _) = try await forum.startTopic(
                viewer(asker), in: general.id, title: "How do I do thing \(index)?", body: "Please help.")
            clock.advance(by: 3_600 * Double(index))
            let answer = try await forum.reply(viewer(helper), to: topic.id, body: "Like this, step by step.")
            if index == 1 { _ = try await forum.react(viewer(asker), to: answer.id, with: .thanks) }
        }
        for visit in [80.0, 83, 85, 88, 90] {
            clock.advance(by: TimeInterval(visit) * day - (clock.now.timeIntervalSince1970 - 1_790_000_000))
            try await sessions.markSeen(reader.id, at: clock.now)
            try await reads.markRead(oldTopics[Int(visit) % 6].id, upTo: 1, by: reader.id)
        }
        // Day 90: a newcomer asks, and nobody answers; the troll is silenced.
        clock.advance(by: -2 * day)
        let newcomer = try await community.member("new@example.org")
        _ = try await forum.startTopic(
            viewer(newcomer), in: general.id, title: "Where is the manual?", body: "I cannot find it.")
        clock.advance(by: 2 * day)
        _ = try await services.penalties.give(
            staff, to: troll.id, kind: .silence, until: clock.now.addingTimeInterval(2 * day), reason: "Insults")
        clock.advance(by: day)

        let (_, cmKey) = try await services.apiKeys.create(name: "cm", scope: .read, ownerEmail: "cm@example.org")
        let (_, memberKey) = try await services.apiKeys.create(
            name: "m", scope: .read, ownerEmail: "helper@example.org")
        return Script(
            community: community, manager: staff, helper: helper, asker: asker, reader: reader, oldTimer: oldTimer,
            newcomer: newcomer, troll: troll, cmKey: cmKey, memberKey: memberKey)
    }

    static func segment(_ client: some TestClientProtocol, _ name: String, key: String) async throws -> String {
        let (status, body) = try await DelegationTests.send(client, .get, "/api/v1/people?segment=\(name)", key: key)
        #expect(status == .ok, "\(body)")
        return body
    }

    static func memberID(_ member: Member) -> String { #""id":\#(member.id.rawValue),"role":"member"}"# }

    @Test(
        "the pass finds the shy reader who never posts, the regular who stopped (slipping), the helper (power), the newcomer whose question waits, the silenced troll; staff only",
        arguments: TestEngine.allCases)
    func segments(engine: TestEngine) async throws {
        let script = try await Self.script(engine)
        defer { script.community.close() }
        let people = script.community.services.people
        #expect(try await people.refresh())
        // A second pass within the hour does nothing.
        #expect(try await people.refresh() == false)

        try await script.community.test { client in
            let power = try await Self.segment(client, "power", key: script.cmKey)
            #expect(power.contains(Self.memberID(script.helper)), "\(power)")
            #expect(power.contains(#""code":"repliesToOthers""#) && power.contains(#""count":5"#))
            #expect(power.contains(#""gesture":"thank_or_offer_role""#))
            #expect(!power.contains(Self.memberID(script.asker)))

            let shy = try await Self.segment(client, "shy", key: script.cmKey)
            #expect(shy.contains(Self.memberID(script.reader)), "\(shy)")
            #expect(shy.contains(#""code":"readsWithoutPosting""#))
            #expect(shy.contains(Self.memberID(script.newcomer)))
            #expect(shy.contains(#""code":"unansweredQuestions""#))
            #expect(!shy.contains(Self.memberID(script.helper)))

            let slipping = try await Self.segment(client, "slipping", key: script.cmKey)
            #expect(slipping.contains(Self.memberID(script.oldTimer)), "\(slipping)")
            #expect(slipping.contains(#""code":"silentSince""#) && slipping.contains(#""count":6"#))
            #expect(!slipping.contains(Self.memberID(script.reader)))

            let newcomers = try await Self.segment(client, "newcomers", key: script.cmKey)
            #expect(newcomers.contains(Self.memberID(script.newcomer)), "\(newcomers)")
            #expect(newcomers.contains(#""code":"firstPostUnanswered""#))
            #expect(newcomers.contains(#""topicId":"#), "the gesture's topic: their first")
            #expect(!newcomers.contains(Self.memberID(script.reader)))

            let penalised = try await Self.segment(client, "penalised", key: script.cmKey)
            #expect(penalised.contains(Self.memberID(script.troll)), "\(penalised)")
            #expect(penalised.contains(#""penalty":"silence""#))

            let (refused, _) = try await DelegationTests.send(
                client, .get, "/api/v1/people?segment=shy", key: script.memberKey)
            #expect(refused == .forbidden)
            let (unknown, message) = try await DelegationTests.send(
                client, .get, "/api/v1/people?segment=loud", key: script.cmKey)
            #expect(unknown == .unprocessableContent || unknown == .badRequest, "\(message)")
            #expect(message.contains("Choose a segment"))

            // Newcomers asked one question and nobody answered; regulars asked five, all answered within hours.
            let (status, attention) = try await DelegationTests.send(
                client, .get, "/api/v1/people/attention", key: script.cmKey)
            #expect(status == .ok, "\(attention)")
            #expect(attention.contains(#""questionsAnswered":0"#) && attention.contains(#""questionsAnswered":5"#))
            #expect(attention.contains(#""firstReplyP50Seconds":10800"#), "\(attention)")
        }
    }

    @Test("a page of one pass's people continues with its cursor, and a bad cursor is refused")
    func cursor() async throws {
        let script = try await Self.script(.sqlite)
        defer { script.community.close() }
        try await script.community.services.people.refresh(force: true)
        try await script.community.test { client in
            let (status, first) = try await DelegationTests.send(
                client, .get, "/api/v1/people?segment=shy&limit=1", key: script.cmKey)
            #expect(status == .ok)
            let cursor = try #require(
                first.range(of: #""nextCursor":""#).map { first[$0.upperBound...].prefix { $0 != "\"" } })
            let (_, second) = try await DelegationTests.send(
                client, .get, "/api/v1/people?segment=shy&limit=1&cursor=\(cursor)", key: script.cmKey)
            #expect(second.contains(#""items":[{"#))
            #expect(!second.contains(#""nextCursor""#), "\(second)")
            func handle(_ body: String) -> Substring? {
                body.range(of: #""handle":""#).map { body[$0.upperBound...].prefix { $0 != "\"" } }
            }
            #expect(handle(first) != nil && handle(first) != handle(second))
            let (bad, _) = try await DelegationTests.send(
                client, .get, "/api/v1/people?segment=shy&cursor=nonsense", key: script.cmKey)
            #expect(bad == .unprocessableContent || bad == .badRequest)
        }
    }
}

extension PeopleTests {
    @Test(
        "/people in French for the manager, refused to a member; a profile shows staff the trust level and the weeks' levels, and the manager locks the level there and in the API",
        arguments: TestEngine.allCases)
    func pagesAndStanding(engine: TestEngine) async throws {
        let script = try await Self.script(engine)
        defer { script.community.close() }
        let people = script.community.services.people
        try await people.refresh(force: true)
        // A week later the helper has not written again: their level moves down.
        script.community.clock.advance(by: 7 * Self.day)
        try await people.refresh(force: true)

        try await script.community.test { client in
            var cm = WebClient(client)
            try await ForumPagesTests.logIn(&cm, "cm@example.org")
            _ = try await cm.post("/language", form: ["language": "fr"])
            let page = try await cm.get("/people?segment=shy")
            #expect(page.status == .ok)
            #expect(page.body.contains("Les discrets"), "\(page.body)")
            #expect(page.body.contains("Invitez-les à prendre la parole."))
            #expect(page.body.contains("Est revenu 5 jours sur les 30 derniers"))
            #expect(page.body.contains("Équité de l’attention"))
            #expect(page.body.contains("Ouvrir son sujet"), "the newcomer's unanswered question, to answer")
            #expect(page.body.contains("<svg viewBox=\"0 0 100 6\""))
            #expect(page.body.contains(#"href="/people""#), "the account menu links the page")
            let loud = try await cm.get("/people?segment=loud")
            #expect(loud.status == .seeOther && loud.headers[.location] == "/people", "a typo starts the list again")

            var helper = WebClient(client)
            try await ForumPagesTests.logIn(&helper, "helper@example.org")
            #expect(try await helper.get("/people").status == .forbidden)
            let own = try await helper.get("/u/\(script.helper.handle)")
            #expect(!own.body.contains("Trust level"), "members do not see levels")
            #expect(!own.body.contains(#"href="/people""#))

            let profile = try await cm.get("/u/\(script.helper.handle)")
            #expect(profile.body.contains("Niveau de confiance"), "\(profile.body)")
            #expect(profile.body.contains("en baisse"), "\(profile.body)")
            let locked = try await cm.post("/u/\(script.helper.handle)/trust", form: ["level": "regular"])
            #expect(locked.status == .ok)
            #expect(locked.body.contains("habitué (verrouillé)"), "\(locked.body)")
            #expect(locked.body.contains("Niveau de confiance verrouillé à « habitué »."))
            let bad = try await cm.post("/u/\(script.helper.handle)/trust", form: ["level": "boss"])
            #expect(bad.status == .unprocessableContent)

            let (status, standing) = try await DelegationTests.send(
                client, .get, "/api/v1/members/\(script.helper.id.rawValue)/standing", key: script.cmKey)
            #expect(status == .ok, "\(standing)")
            #expect(standing.contains(#""trust":"regular""#) && standing.contains(#""trustLocked":true"#))
            #expect(standing.contains(#""move":"down""#))
            #expect(
                try await DelegationTests.send(
                    client, .get, "/api/v1/members/\(script.helper.id.rawValue)/standing", key: script.memberKey
                ).0 == .forbidden)
        }
        // A pass does not move a locked level.
        script.community.clock.advance(by: 2 * 3_600)
        try await people.refresh(force: true)
        #expect(try await script.community.services.profiles.member(id: script.helper.id).trust == .regular)
    }

    @Test("the manager unlocks a level over the API; a read key may not", arguments: TestEngine.allCases)
    func trustOverAPI(engine: TestEngine) async throws {
        let script = try await Self.script(engine)
        defer { script.community.close() }
        let (_, writeKey) = try await script.community.services.apiKeys.create(
            name: "w", scope: .write, ownerEmail: "cm@example.org")
        try await script.community.test { client in
            let uri = "/api/v1/members/\(script.reader.id.rawValue)/trust"
            let (locked, body) = try await DelegationTests.send(
                client, .put, uri, key: writeKey, #"{"level": "member"}"#)
            #expect(locked == .ok, "\(body)")
            #expect(body.contains(#""trust":"member""#) && body.contains(#""trustLocked":true"#))
            let (unlocked, after) = try await DelegationTests.send(
                client, .put, uri, key: writeKey, #"{"level": null}"#)
            #expect(unlocked == .ok && after.contains(#""trustLocked":false"#), "\(after)")
            #expect(after.contains(#""trust":"member""#), "unlocking keeps the level until the next pass")
            let (wrong, message) = try await DelegationTests.send(
                client, .put, uri, key: writeKey, #"{"level": "boss"}"#)
            #expect(wrong == .unprocessableContent && message.contains("new, basic, member or regular"))
            #expect(
                try await DelegationTests.send(client, .put, uri, key: script.cmKey, #"{"level": "member"}"#).0
                    == .forbidden)
        }
    }

    @Test(
        "the trust ladder feeds the write gate: a member still new after the first days has a link held; once the pass makes them basic it goes out",
        arguments: TestEngine.allCases)
    func trustFeedsTheGate(engine: TestEngine) async throws {
        let script = try await Self.script(engine)
        defer { script.community.close() }
        let services = script.community.services
        let reader = try await services.profiles.member(id: script.reader.id)
        #expect(reader.trust == .new)
        let viewer = Viewer(member: reader, credential: .session(SessionID(0)))
        let (held, first) = try await services.forum.startTopic(
            viewer, in: CategoryID(1), title: "A useful link", body: "See https://example.org/guide")
        #expect(first.moderation == .pending)

        // Thirty posts read, and a visit: basic at the next pass.
        let reads = SQLForumRepository(database: services.database)
        try await reads.markRead(held.id, upTo: 30, by: reader.id)
        try await services.people.refresh(force: true)
        let basic = try await services.profiles.member(id: reader.id)
        #expect(basic.trust == .basic)
        let (_, sent) = try await services.forum.startTopic(
            Viewer(member: basic, credential: .session(SessionID(0))), in: CategoryID(1), title: "Another link",
            body: "See https://example.org/faq")
        #expect(sent.moderation == .visible)
    }
}
