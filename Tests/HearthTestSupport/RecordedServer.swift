import Foundation

/// A stand-in for a remote service that cannot run here (a Discourse forum, a Mastodon server): Python's
/// http.server on a loopback port answering each request from a recording of that service's API, as its
/// documentation gives it, and keeping every request it received (method, path, headers, body) for the test to
/// read. A request with no recording gets a 404.
public final class RecordedServer: Sendable {
    public struct Request: Sendable, Decodable {
        public let method: String
        public let path: String
        public let headers: [String: String]
        public let body: String
    }

    public let port: Int
    public var url: String { "http://127.0.0.1:\(port)" }
    private let root: String
    private let process: GuardedProcess

    /// `routes` maps "GET /api/v1/notifications" (the path without its query) to a file in `recordings`, or to
    /// "status:file" to answer with another status.
    public init(recordings: URL, routes: [String: String]) throws {
        guard let python = TestEnvironment.executable("python3") else {
            throw HarnessError("the recorded server needs python3")
        }
        root =
            FileManager.default.temporaryDirectory.appendingPathComponent("hearth-recorded-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: root + "/received", withIntermediateDirectories: true)
        let table = try JSONSerialization.data(withJSONObject: routes.mapValues { recordings.path + "/" + $0 })
        try table.write(to: URL(fileURLWithPath: root + "/routes.json"))
        try Self.script.write(toFile: root + "/server.py", atomically: true, encoding: .utf8)
        port = try TestEnvironment.freePort()
        process = try GuardedProcess(arguments: [python, root + "/server.py", String(port), root], cleanUp: root)
        try TestEnvironment.waitForPort(port, seconds: 20)
    }

    /// The requests received so far, oldest first.
    public func received() -> [Request] {
        let folder = root + "/received"
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.sorted() ?? []
        return files.compactMap { name in
            guard let data = FileManager.default.contents(atPath: folder + "/" + name) else { return nil }
            return try? JSONDecoder().decode(Request.self, from: data)
        }
    }

    private static let script = #"""
        import json, sys, os, threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        port, root = int(sys.argv[1]), sys.argv[2]
        routes = json.load(open(os.path.join(root, "routes.json")))
        lock = threading.Lock()
        count = [0]

        class Handler(BaseHTTPRequestHandler):
            def answer(self):
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length) if length else b""
                with lock:
                    count[0] += 1
                    number = count[0]
                record = {"method": self.command, "path": self.path,
                          "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body.decode("utf-8")}
                with open(os.path.join(root, "received", "%05d.json" % number), "w") as f:
                    json.dump(record, f)
                target = routes.get(self.command + " " + self.path.split("?")[0])
                status = 200
                if target and ":" in os.path.basename(target):
                    folder, name = os.path.split(target)
                    code, name = name.split(":", 1)
                    status, target = int(code), os.path.join(folder, name)
                if not target:
                    self.send_response(404)
                    self.send_header("content-length", "0")
                    self.end_headers()
                    return
                data = open(target, "rb").read()
                self.send_response(status)
                self.send_header("content-type", "application/json; charset=utf-8")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = answer
            do_POST = answer

            def log_message(self, *args):
                pass

        ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
        """#
}
