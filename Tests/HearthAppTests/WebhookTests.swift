import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import Testing

@testable import HearthApp

/// The board's outgoing webhooks, posted to a real receiver that checks each signature with the Standard Webhooks
/// specification's own Python library, on both engines: sent after the change commits, retried with backoff when
/// the receiver fails or times out, re-sent on demand, never lost.
@Suite("Webhooks", .enabled(if: WebhookReceiver.canRun, "needs \(WebhookReceiver.requirement)"))
struct WebhookTests {
    struct Payload: Decodable {
        struct Item: Decodable {
            let id: Int64
            let status: String
            let note: String
            let url: String
            let mergedInto: Int64?
        }
        let type: String
        let data: Item
    }

    static func payload(_ received: WebhookReceiver.Received) throws -> Payload {
        try JSONDecoder().decode(Payload.self, from: Data(received.body.utf8))
    }

    @Test("events reach the receiver signed; a failure is retried and nothing is lost", arguments: TestEngine.allCases)
    func signedAndRetried(engine: TestEngine) async throws {
        let clock = TestClock()
        let services = try await HearthServices.forTesting(database: try await TestDatabase.make(engine), clock: clock)
        let cm = Viewer(
            member: try await services.accounts.createCommunityManager(
                try AccountForm(email: "cm@example.org", displayName: "Camille", password: "a long enough password")),
            credential: .session(SessionID(0)))
        let board = services.feedback
        await #expect(
            throws: HearthError.invalid("url", "A webhook's address starts with http:// or https:// and names a host.")
        ) {
            try await board.addEndpoint(cm, url: "ftp://example.org/hook", events: [])
        }
        let receiver = try WebhookReceiver.start()
        let endpoint = try await board.addEndpoint(cm, url: receiver.url, events: [])
        #expect(endpoint.secret.hasPrefix("whsec_"))
        try receiver.trust(endpoint.secret)
        // Kept sealed: the database alone does not give the secret away.
        let stored = try await services.database.read { sql in
            try await sql.raw("SELECT secret FROM webhook_endpoints").first(decodingColumn: "secret", as: String.self)
        }
        #expect(stored?.hasPrefix("v1:") == true && stored?.contains(endpoint.secret) == false)

        // Created: sent after the commit, by the job runner, signed.
        let item = try await board.write(
            cm, title: "Export the reading list", body: "Asked on the phone by a shop.", kind: .suggestion,
            language: .english)
        #expect(receiver.received().isEmpty, "nothing leaves inside the request")
        let sentTwice = try await board.write(
            cm, title: "Export the reading list", body: "Asked on the phone by a shop.", kind: .suggestion,
            language: .english)
        #expect(sentTwice.id == item.id, "the same item sent twice is written once, and announced once")
        try await services.jobs.drain()
        let created = try #require(receiver.received().first)
        #expect(created.verified, "\(created.error ?? "")")
        #expect(try Self.payload(created).type == "feedback.created")
        #expect(try Self.payload(created).data.url == "http://hearth.test/feedback/\(item.id.rawValue)")

        // The receiver fails: the change is made at once, the delivery kept with its answer and tried again later.
        try receiver.answer(.fail)
        _ = try await board.changeStatus(cm, item.id, to: .planned, note: "Spring version.")
        try await services.jobs.drain()
        var deliveries = try await board.deliveries(cm)
        let failed = try #require(deliveries.first)
        #expect(failed.event == .feedbackStatusChanged)
        #expect(failed.attempts == 1)
        #expect(failed.lastResult == "HTTP 500")
        #expect(failed.deliveredAt == nil)
        #expect(try await services.jobQueue.pendingCount() == 1, "the retry waits")
        try receiver.answer(.ok)
        clock.advance(by: 61)
        try await services.jobs.drain()
        deliveries = try await board.deliveries(cm)
        #expect(deliveries.first?.attempts == 2)
        #expect(deliveries.first?.deliveredAt != nil)
        let retried = receiver.received().filter { $0.id == failed.messageID }
        #expect(retried.count == 2, "the same webhook-id on every attempt")
        #expect(retried.allSatisfy { $0.verified })
        #expect(try Self.payload(try #require(retried.last)).data.note == "Spring version.")

        // Re-sent on demand.
        try await board.resend(cm, failed.id)
        try await services.jobs.drain()
        #expect(receiver.received().filter { $0.id == failed.messageID }.count == 3)

        // A merge.
        let other = try await board.write(
            cm, title: "Export my list to a spreadsheet", body: "", kind: .suggestion, language: .english)
        _ = try await board.merge(cm, other.id, into: item.id)
        try await services.jobs.drain()
        let merged = try #require(receiver.received().last)
        #expect(merged.verified)
        #expect(try Self.payload(merged).type == "feedback.merged")
        #expect(try Self.payload(merged).data.mergedInto == item.id.rawValue)

        // Only community managers manage webhooks.
        let member = try await services.accounts.signUp(
            try AccountForm(email: "m@example.org", displayName: "Marie", password: "a long enough password"),
            inviteToken: nil)
        await #expect(throws: HearthError.self) {
            try await board.deliveries(Viewer(member: member, credential: .session(SessionID(0))))
        }
    }

    @Test("a receiver that does not answer in time is given up on for now, and tried again")
    func timeout() async throws {
        let clock = TestClock()
        let services = try await HearthServices.forTesting(database: try await TestDatabase.make(.sqlite), clock: clock)
        let cm = Viewer(
            member: try await services.accounts.createCommunityManager(
                try AccountForm(email: "cm@example.org", displayName: "Camille", password: "a long enough password")),
            credential: .session(SessionID(0)))
        let receiver = try WebhookReceiver.start()
        let endpoint = try await services.feedback.addEndpoint(cm, url: receiver.url, events: [.feedbackCreated])
        try receiver.trust(endpoint.secret)
        try receiver.answer(.slow)
        _ = try await services.feedback.write(
            cm, title: "Dark mode", body: "", kind: .suggestion, language: .english)
        let delivery = try #require(try await services.feedback.deliveries(cm).first)
        let sender = WebhookSender(
            board: SQLFeedbackRepository(
                database: services.database, publicURL: "http://hearth.test", secrets: services.config.secretBox),
            client: .shared, now: clock.function, timeout: .seconds(1))
        let started = Date()
        await #expect(throws: HearthError.self) {
            try await sender.deliver(WebhookDeliveryJob(deliveryID: delivery.id.rawValue))
        }
        // The receiver answers after 60 s; Hearth's 1 s timeout ends the wait long before (a machine busy with the
        // whole suite fired it after up to 19 s: its event loops are shared with every test's server).
        #expect(Date().timeIntervalSince(started) < 40, "Hearth stops waiting after its timeout")
        #expect(try await services.feedback.deliveries(cm).first?.lastResult == "timed out")
    }
}
