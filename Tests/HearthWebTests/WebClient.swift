import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthStore
import HearthTestSupport
import Hummingbird
import HummingbirdTesting
import Logging

/// A browser for router tests: keeps cookies between requests and finds the CSRF token in pages.
struct WebClient {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var csrf: String = ""

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    struct Page {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: String
    }

    @discardableResult
    mutating func get(_ path: String, headers extra: HTTPFields = [:]) async throws -> Page {
        try await send(path, method: .get, body: nil, headers: extra)
    }

    /// Posts a form, adding the CSRF token the last page gave unless told otherwise.
    @discardableResult
    mutating func post(_ path: String, form: [String: String], withCSRF: Bool = true) async throws -> Page {
        var fields = form
        if withCSRF { fields["csrf"] = csrf }
        let body = fields.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        return try await send(
            path, method: .post, body: body, headers: [.contentType: "application/x-www-form-urlencoded"])
    }

    /// Posts a form whose fields may repeat (ticked checkboxes), in order, with the CSRF token.
    @discardableResult
    mutating func post(_ path: String, fields: [(String, String)]) async throws -> Page {
        let body = ([("csrf", csrf)] + fields).map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }
            .joined(separator: "&")
        return try await send(
            path, method: .post, body: body, headers: [.contentType: "application/x-www-form-urlencoded"])
    }

    private mutating func send(_ path: String, method: HTTPRequest.Method, body: String?, headers extra: HTTPFields)
        async throws -> Page
    {
        try await send(path, method: method, bytes: body.map { ByteBuffer(string: $0) }, headers: extra)
    }

    /// Sends any body (a multipart form, say) with the cookies kept so far.
    mutating func send(_ path: String, method: HTTPRequest.Method, bytes body: ByteBuffer?, headers extra: HTTPFields)
        async throws -> Page
    {
        var headers = extra
        if !cookies.isEmpty {
            headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        let response = try await client.execute(
            uri: path, method: method, headers: headers, body: body)
        for field in response.headers[values: .setCookie] {
            let pair = field.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0])
            let value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || field.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        let text = String(buffer: response.body)
        if let range = text.range(of: #"name="csrf" value=""#) {
            csrf = String(text[range.upperBound...].prefix { $0 != "\"" })
        }
        return Page(status: response.status, headers: response.headers, body: text)
    }

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}

/// A test community: services over a fresh database, the clock and the mail they use.
struct TestCommunity {
    let services: HearthServices
    let clock: TestClock
    let mail: RecordingMailTransport

    static func make(engine: TestEngine = .sqlite, environment: [String: String] = [:]) async throws -> TestCommunity {
        let database = try await TestDatabase.make(engine)
        let clock = TestClock()
        let mail = RecordingMailTransport()
        let services = try await HearthServices.forTesting(
            database: database, clock: clock, mail: mail, environment: environment)
        return TestCommunity(services: services, clock: clock, mail: mail)
    }

    /// A community for the real server (`testLive`): a free port, and a data folder of its own named after `name`.
    static func live(_ name: String, environment extra: [String: String] = [:]) async throws -> (TestCommunity, Int) {
        let port = try TestEnvironment.freePort()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-\(name)-\(UUID().uuidString)")
        let community = try await make(
            environment: [
                "HEARTH_PORT": String(port), "HEARTH_PUBLIC_URL": "http://127.0.0.1:\(port)",
                "HEARTH_DATA_DIR": data.path,
            ].merging(extra) { $1 })
        return (community, port)
    }

    /// Closes the database once the test is done (a SQLite connection must be closed before it is freed).
    func close() {
        Task { await services.shutdown() }
    }

    /// Runs the router in-process.
    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = HearthServer.makeApplication(services: services, logger: Logger(label: "test.web"))
        try await app.test(.router, body)
    }

    /// Runs the real server on its configured port (set HEARTH_PORT to a free one), for the browser.
    func testLive(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = HearthServer.makeApplication(services: services, logger: Logger(label: "test.live"))
        try await app.test(.live, body)
    }

    /// Creates a member directly, bypassing the web.
    @discardableResult
    func member(_ email: String, password: String = "a long enough password", role: Role = .member) async throws
        -> Member
    {
        let form = try AccountForm(email: email, displayName: "Member \(email.prefix(3))", password: password)
        return role == .communityManager
            ? try await services.accounts.createCommunityManager(form)
            : try await services.accounts.signUp(form, inviteToken: nil)
    }
}
