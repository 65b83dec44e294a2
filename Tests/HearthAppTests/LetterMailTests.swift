import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import Logging
import Testing

@testable import HearthApp

/// The letter as mail: its HTML and text parts against committed snapshots, and a real SMTP server (aiosmtpd)
/// that receives it, read back by Python's own e-mail parser: multipart/related around multipart/alternative,
/// the image attached inline under the Content-ID the HTML names, and a text part that reads on its own.
@Suite("The weekly letter as mail")
struct LetterMailTests {
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Snapshots")

    /// The scripted community's letter, drafted and edited, with copies queued.
    static func sentLetter(_ community: LetterAndHealthTests.Community) async throws -> Letter {
        community.clock.advance(by: 5 * LetterAndHealthTests.day)
        try await community.services.letters.dueWork()
        _ = try await community.services.letters.edit(
            community.cm, week: LetterAndHealthTests.week,
            intro: "Hello all,\n\nA **busy** week: [the export question](http://hearth.test/t/1) took off.",
            excluded: [])
        return try await community.services.letters.send(community.cm, week: LetterAndHealthTests.week)
    }

    @Test("the HTML and text parts, in English and French, match their snapshots")
    func snapshots() async throws {
        let community = try await LetterAndHealthTests.community(.sqlite)
        _ = try await Self.sentLetter(community)
        _ = try await community.services.jobs.drain()
        for (address, name) in [("boss@example.org", "letter-en"), ("lea.dupont@example.org", "letter-fr")] {
            let message = try #require(community.mail.messages.first { $0.to == [address] })
            try Snapshot.check(try #require(message.htmlBody), name, in: Self.snapshots)
            try Snapshot.check(message.textBody, name, in: Self.snapshots, extension: "txt")
        }
    }

    @Test(
        "a real SMTP server receives the letter with its parts and its image",
        .enabled(if: SMTPTestServer.canRun, "needs \(SMTPTestServer.requirement)"))
    func smtpReadBack() async throws {
        let server = try SMTPTestServer.start(mode: .plain)
        let community = try await LetterAndHealthTests.community(.sqlite)
        let transport = SMTPMailTransport(
            settings: try SMTPSettings(url: "smtp://hearth:secret@127.0.0.1:\(server.port)"),
            logger: Logger(label: "test.smtp"))
        let letter = try await Self.sentLetter(community)
        let mail = LetterMail(
            renderer: community.services.renderer, from: "hearth@example.org", community: community.services.community,
            publicURL: "http://hearth.test",
            blobs: FileBlobStore(dataDirectory: community.services.config.dataDirectory),
            inlineImages: true, transport: transport)
        for delivery in letter.deliveries {
            try await mail.deliver(LetterMailJob(delivery: delivery.id), letters: community.services.letters)
        }
        let received = try await server.waitForMessages(3)
        #expect(received.count == 3)
        let english = try #require(received.first { $0.contains("X-Envelope-To: boss@example.org") })
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("letter-\(UUID().uuidString).eml")
        try english.write(to: file, atomically: true, encoding: .utf8)
        let python = try #require(TestEnvironment.executable("python3"))
        let (status, output) = try ChildProcess.run([python, "-c", Self.reader, file.path])
        #expect(status == 0, "\(output)")
        let parts = try #require(
            try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
        #expect(
            parts["structure"] as? [String] == [
                "multipart/related", "multipart/alternative", "text/plain", "text/html", "image/png",
            ])
        #expect(parts["subject"] as? String == "Hearth: the week 2026-W48")
        let html = try #require(parts["html"] as? String)
        let cid = try #require(parts["cid"] as? String)
        #expect(html.contains("src=\"cid:\(cid)\""))
        #expect(parts["image"] as? String == Data(TestImages.png).base64EncodedString())
        let text = try #require(parts["text"] as? String)
        #expect(text.contains("A **busy** week"))
        #expect(text.contains("THE BIG TOPICS"))
        #expect(text.contains("http://hearth.test/t/1"))
        #expect(!text.contains("<"), "the text part carries no markup")
        let french = try #require(received.first { $0.contains("X-Envelope-To: lea.dupont@example.org") })
        #expect(french.contains("Subject: Hearth : la semaine 2026-W48"))
        #expect(
            try await community.services.letters.letter(community.cm, week: LetterAndHealthTests.week)
                .deliveries.allSatisfy { $0.status == .sent })
    }

    @Test("an image over 1 MB is linked, not carried, and one whose file is gone is left out")
    func largeImages() async throws {
        let community = try await LetterAndHealthTests.community(.sqlite)
        let services = community.services
        var draft = LetterDraft(
            week: "2026-W48", from: LetterAndHealthTests.monday,
            to: LetterAndHealthTests.monday.addingTimeInterval(7 * LetterAndHealthTests.day))
        draft.posts = 1
        let big = "\(String(repeating: "a", count: 64)).png"
        let gone = "\(String(repeating: "b", count: 64)).png"
        draft.images = [
            LetterDraft.Image(
                fileName: big, width: 4_000, height: 3_000, topicID: 1, topicTitle: "A big photo", reactions: 3,
                bytes: 4_500_000),
            LetterDraft.Image(
                fileName: gone, width: 20, height: 20, topicID: 1, topicTitle: "A deleted photo", reactions: 1,
                bytes: 900),
        ]
        let letter = Letter(
            week: draft.week, status: .sent, intro: "", excluded: [], draft: draft, draftedAt: community.clock.now,
            openedAt: nil, sentAt: nil, deliveries: [])
        let message = try await services.letterMail.message(
            letter, to: LetterRecipient(address: "boss@example.org", language: .english))
        #expect(message.inline == nil)
        let html = try #require(message.htmlBody)
        #expect(html.contains("src=\"http://hearth.test/uploads/\(big)\""))
        #expect(!html.contains(gone))
    }

    /// Reads a message with Python's e-mail package, as a mail client would.
    static let reader = #"""
        import base64, email, json, sys
        from email import policy
        message = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=policy.default)
        result = {"subject": str(message["subject"]), "structure": []}
        for part in message.walk():
            kind = part.get_content_type()
            result["structure"].append(kind)
            if kind == "text/plain":
                result["text"] = part.get_content()
            elif kind == "text/html":
                result["html"] = part.get_content()
            elif kind.startswith("image/"):
                result["cid"] = part["Content-ID"].strip("<>")
                result["image"] = base64.b64encode(part.get_content()).decode()
        print(json.dumps(result))
        """#
}
