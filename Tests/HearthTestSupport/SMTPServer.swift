import Foundation
import Testing

/// A real SMTP server for the tests: Python's aiosmtpd on a loopback port, with AUTH (user `hearth`,
/// password `secret`), optional STARTTLS or implicit TLS using a self-signed certificate made with
/// openssl. Every received message is saved as a file the test reads back.
public final class SMTPTestServer: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        case plain, startTLS = "starttls", implicitTLS = "implicit"
    }

    public let port: Int
    public let certificatePath: String
    private let mailFolder: String
    private let process: GuardedProcess

    /// What the server needs, said in the skip a test reports when it is missing.
    public static let requirement = "python3 with aiosmtpd and openssl (pip install aiosmtpd)"

    /// python3 (with aiosmtpd) and openssl, when both are here; looked up once per test run.
    private static let tools: (python: String, openssl: String)? = {
        guard let python = TestEnvironment.executable("python3"),
            let openssl = TestEnvironment.executable("openssl"),
            (try? TestEnvironment.run([python, "-c", "import aiosmtpd"])) != nil
        else { return nil }
        return (python, openssl)
    }()

    /// For a test's `.enabled(if: SMTPTestServer.canRun, …)` trait, so that a machine without the server reports
    /// the test as skipped, with the reason, before it starts (cancelling each case of a parameterized test from
    /// inside left the test itself counted as passed). With `HEARTH_TEST_REQUIRE_SMTP=1` the test runs and fails.
    public static var canRun: Bool { tools != nil || TestEnvironment.requireSMTP }

    /// Starts a server; throws when it cannot (a test guarded by `canRun` only gets here without the tools when
    /// `HEARTH_TEST_REQUIRE_SMTP=1` asks for a failure).
    public static func start(mode: Mode) throws -> SMTPTestServer {
        guard let tools else {
            throw HarnessError("the SMTP test server cannot start: it needs \(requirement)")
        }
        return try SMTPTestServer(python: tools.python, openssl: tools.openssl, mode: mode)
    }

    private init(python: String, openssl: String, mode: Mode) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-smtp-\(UUID().uuidString)")
            .path
        mailFolder = root + "/mail"
        try FileManager.default.createDirectory(atPath: mailFolder, withIntermediateDirectories: true)
        certificatePath = root + "/cert.pem"
        try TestEnvironment.run([
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", root + "/key.pem", "-out", certificatePath,
        ])
        let script = root + "/smtpd.py"
        try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
        port = try TestEnvironment.freePort()
        process = try GuardedProcess(
            arguments: [python, script, String(port), mailFolder, certificatePath, root + "/key.pem", mode.rawValue],
            cleanUp: root)
        try TestEnvironment.waitForPort(port, seconds: 20)
    }

    /// The raw messages received so far, oldest first.
    public func receivedMessages() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: mailFolder))?.sorted() ?? []
        return files.compactMap { try? String(contentsOfFile: mailFolder + "/" + $0, encoding: .utf8) }
    }

    /// Waits up to `seconds` for at least `count` messages.
    public func waitForMessages(_ count: Int, seconds: Double = 10) async throws -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let messages = receivedMessages()
            if messages.count >= count { return messages }
            try await Task.sleep(for: .milliseconds(100))
        }
        return receivedMessages()
    }

    private static let script = #"""
        import asyncio, os, ssl, sys, time
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        port, folder, cert, key, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)

        class Saver:
            async def handle_DATA(self, server, session, envelope):
                name = os.path.join(folder, "%f.eml" % time.time())
                header = "X-Envelope-From: %s\r\nX-Envelope-To: %s\r\nX-Authenticated: %s\r\nX-TLS: %s\r\n" % (
                    envelope.mail_from, ",".join(envelope.rcpt_tos),
                    session.authenticated, server.transport.get_extra_info("ssl_object") is not None)
                with open(name + ".tmp", "wb") as out:
                    out.write(header.encode() + envelope.original_content)
                os.rename(name + ".tmp", name)
                return "250 Message accepted"

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"hearth" and auth_data.password == b"secret"
            return AuthResult(success=ok, handled=False)

        kwargs = dict(hostname="127.0.0.1", port=port, authenticator=authenticator, auth_require_tls=False)
        if mode == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        elif mode == "implicit":
            kwargs.update(ssl_context=context)
        controller = Controller(Saver(), **kwargs)
        controller.start()
        try:
            while True:
                time.sleep(3600)
        finally:
            controller.stop()
        """#
}
