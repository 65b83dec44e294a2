import Foundation

/// A real webhook receiver for the tests: Python's http.server on a loopback port, checking each request with
/// the Standard Webhooks specification's own library (`standardwebhooks` from PyPI). It answers as `answer(_:)`
/// says (200, 500, or 200 after 60 s, far longer than Hearth waits), and keeps every request as a JSON file: its
/// headers, its body and whether the signature verified.
public final class WebhookReceiver: Sendable {
    public enum Answer: String, Sendable {
        case ok, fail, slow
    }

    public struct Received: Sendable, Decodable {
        public let verified: Bool
        public let error: String?
        public let id: String
        public let timestamp: String
        public let body: String
    }

    public let port: Int
    public var url: String { "http://127.0.0.1:\(port)/hook" }
    private let folder: String
    private let process: GuardedProcess

    public static let requirement = "python3 with standardwebhooks (pip install standardwebhooks)"

    private static let python: String? = {
        guard let python = TestEnvironment.executable("python3"),
            (try? TestEnvironment.run([python, "-c", "import standardwebhooks"])) != nil
        else { return nil }
        return python
    }()

    /// For `.enabled(if:)`: without the library the test is reported skipped, unless
    /// `HEARTH_TEST_REQUIRE_WEBHOOKS=1` asks for a failure.
    public static var canRun: Bool { python != nil || TestEnvironment.requireWebhooks }

    /// Starts a receiver; it verifies with the secret given to `trust(_:)`.
    public static func start() throws -> WebhookReceiver {
        guard let python else { throw HarnessError("the webhook receiver cannot start: it needs \(requirement)") }
        return try WebhookReceiver(python: python)
    }

    private init(python: String) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-hook-\(UUID().uuidString)")
            .path
        folder = root + "/received"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "ok".write(toFile: root + "/answer", atomically: true, encoding: .utf8)
        try "whsec_AAAA".write(toFile: root + "/secret", atomically: true, encoding: .utf8)
        let script = root + "/receiver.py"
        try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
        port = try TestEnvironment.freePort()
        process = try GuardedProcess(arguments: [python, script, String(port), root], cleanUp: root)
        try TestEnvironment.waitForPort(port, seconds: 20)
    }

    /// The secret ("whsec_…") the receiver verifies signatures with, from now on: the one Hearth made for the
    /// endpoint.
    public func trust(_ secret: String) throws {
        try secret.write(toFile: folder + "/../secret", atomically: true, encoding: .utf8)
    }

    /// How the receiver answers from now on.
    public func answer(_ answer: Answer) throws {
        try answer.rawValue.write(toFile: folder + "/../answer", atomically: true, encoding: .utf8)
    }

    /// The requests received so far, oldest first.
    public func received() -> [Received] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.sorted() ?? []
        return files.compactMap { name in
            guard let data = FileManager.default.contents(atPath: folder + "/" + name) else { return nil }
            return try? JSONDecoder().decode(Received.self, from: data)
        }
    }

    private static let script = #"""
        import json, sys, time, os
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from standardwebhooks.webhooks import Webhook

        port, root = int(sys.argv[1]), sys.argv[2]
        count = 0

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                global count
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with open(os.path.join(root, "secret")) as f:
                    hook = Webhook(f.read().strip())
                try:
                    hook.verify(body, headers)
                    verified, error = True, None
                except Exception as e:
                    verified, error = False, str(e)
                count += 1
                record = {"verified": verified, "error": error, "id": headers.get("webhook-id", ""),
                          "timestamp": headers.get("webhook-timestamp", ""), "body": body.decode("utf-8")}
                with open(os.path.join(root, "received", "%05d.json" % count), "w") as f:
                    json.dump(record, f)
                with open(os.path.join(root, "answer")) as f:
                    answer = f.read().strip()
                if answer == "slow":
                    time.sleep(60)
                code = 500 if answer == "fail" else 200
                self.send_response(code)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
        """#
}
