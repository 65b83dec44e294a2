import Foundation
import HearthApp
import HearthCore
import HearthTestSupport
import Logging
import NIOSSL
import Testing

@Suite("SMTP transport against a real server")
struct SMTPTransportTests {
    static let cases: [(SMTPTestServer.Mode, SMTPSettings.Security)] = [
        (.plain, .plain), (.startTLS, .startTLS), (.implicitTLS, .implicitTLS),
    ]

    func transport(_ server: SMTPTestServer, _ security: SMTPSettings.Security, password: String = "secret") throws
        -> SMTPMailTransport
    {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(server.certificatePath)
        return SMTPMailTransport(
            settings: SMTPSettings(
                host: "localhost", port: server.port, security: security, username: "hearth", password: password),
            tlsConfiguration: tls, logger: Logger(label: "test.smtp"))
    }

    @Test(
        "a message is delivered with AUTH, in each security mode, and read back",
        .enabled(if: SMTPTestServer.canRun, "needs \(SMTPTestServer.requirement)"), arguments: [0, 1, 2])
    func delivers(caseIndex: Int) async throws {
        let (mode, security) = Self.cases[caseIndex]
        let server = try SMTPTestServer.start(mode: mode)
        let message = MailMessage(
            from: "hearth@example.org", to: ["cm@example.org"], subject: "Réinitialiser le mot de passe",
            textBody: "Bonjour,\n.\nA line starting with a dot, and accents: é à ç.\n")
        try await transport(server, security).send(message)

        let received = try await server.waitForMessages(1)
        let raw = try #require(received.first)
        #expect(raw.contains("X-Envelope-To: cm@example.org"))
        #expect(raw.contains("X-Authenticated: True"))
        #expect(raw.contains("X-TLS: \(security == .plain ? "False" : "True")"))
        #expect(raw.contains("Subject: =?UTF-8?B?"))
        let body = try #require(
            raw.components(separatedBy: "\r\n\r\n").last ?? raw.components(separatedBy: "\n\n").last)
        let decoded = Data(
            base64Encoded: body.components(separatedBy: .newlines).joined(), options: .ignoreUnknownCharacters)
        #expect(decoded.map { String(decoding: $0, as: UTF8.self) } == message.textBody)
    }

    @Test(
        "a wrong password gives a clear 'unavailable' error naming the server's answer",
        .enabled(if: SMTPTestServer.canRun, "needs \(SMTPTestServer.requirement)"))
    func wrongPassword() async throws {
        let server = try SMTPTestServer.start(mode: .plain)
        await #expect {
            try await transport(server, .plain, password: "wrong").send(
                MailMessage(from: "a@example.org", to: ["b@example.org"], subject: "s", textBody: "t"))
        } throws: { error in
            guard case HearthError.unavailable(let message) = error else { return false }
            return message.contains("535") && message.contains("AUTH")
        }
        #expect(server.receivedMessages().isEmpty)
    }

    @Test("a server that is not there gives a clear error, not a hang")
    func unreachable() async throws {
        let port = try TestEnvironment.freePort()
        let transport = SMTPMailTransport(
            settings: SMTPSettings(host: "127.0.0.1", port: port, security: .plain), logger: Logger(label: "test"))
        await #expect(throws: HearthError.self) {
            try await transport.send(
                MailMessage(from: "a@example.org", to: ["b@example.org"], subject: "s", textBody: "t"))
        }
    }
}
