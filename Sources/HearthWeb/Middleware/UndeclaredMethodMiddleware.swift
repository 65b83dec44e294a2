import HTTPTypes
import Hummingbird

/// Answers a method that an address does not have, where Hummingbird's router says 404 for any method it has no
/// route for. Added after every route (`buildRouter` passes them in), so it runs only for requests that no route
/// matched.
///
/// - An API address answers 405 with an `Allow` header naming the methods it has, as HTTP asks.
/// - A page's form address (one that only takes POST) sends a GET to the page the form is on: its nearest parent
///   address that has a page. A refused form is shown again at the address it was sent to; going back to that
///   address later (the address bar, a reload after the language changed) then opens the page, not "not found".
struct UndeclaredMethodMiddleware: RouterMiddleware {
    typealias Context = HearthRequestContext
    static let prefix = "/api/v1"

    /// Each path as segments (nil for a parameter) with its methods, the most specific paths first.
    private typealias Paths = [(segments: [String?], methods: [String])]
    private let api: Paths
    private let pages: Paths

    init(routes: [Router<Context>.RouteDescription]) {
        var api: [String: Set<String>] = [:]
        var pages: [String: Set<String>] = [:]
        for route in routes {
            let path = route.path.description
            if path.hasPrefix(Self.prefix + "/") {
                api[String(path.dropFirst(Self.prefix.count)), default: []].insert(route.method.rawValue)
            } else {
                pages[path, default: []].insert(route.method.rawValue)
            }
        }
        func sorted(_ methods: [String: Set<String>]) -> Paths {
            methods.map { path, methods in
                // The router describes a parameter as `{name}`.
                (path.split(separator: "/").map { $0.hasPrefix("{") ? nil : String($0) }, methods.sorted())
            }.sorted { $0.segments.count(where: { $0 == nil }) < $1.segments.count(where: { $0 == nil }) }
        }
        self.api = sorted(api)
        self.pages = sorted(pages)
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        if path.hasPrefix(Self.prefix + "/") {
            guard let methods = Self.methods(at: Self.segments(path.dropFirst(Self.prefix.count)), in: api),
                !methods.contains(request.method.rawValue)
            else { return try await next(request, context) }
            let allowed = methods.joined(separator: ", ")
            var response = APIError.response(
                status: .methodNotAllowed, code: "method_not_allowed", message: "This address answers \(allowed).")
            response.headers[.allow] = allowed
            return response
        }
        let sent = Self.segments(Substring(path))
        guard request.method == .get || request.method == .head,
            Self.methods(at: sent, in: pages) == ["POST"],
            let page = (0..<sent.count).reversed().lazy.map({ Array(sent.prefix($0)) }).first(where: {
                Self.methods(at: $0, in: pages)?.contains("GET") ?? $0.isEmpty
            })
        else { return try await next(request, context) }
        // Every page address starts with a word of its own, so this stays on this site; were one to start with a
        // parameter, a path written "/\\host" would not.
        let location = "/" + page.joined(separator: "/")
        guard !location.hasPrefix("//"), !location.hasPrefix("/\\") else { return try await next(request, context) }
        return Response(status: .seeOther, headers: [.location: location])
    }

    /// The path's segments, after its leading slash.
    private static func segments(_ path: Substring) -> [Substring] {
        Array(path.split(separator: "/", omittingEmptySubsequences: false).dropFirst())
    }

    /// The methods of the path that `sent` names, or nil when it names none.
    private static func methods(at sent: [Substring], in paths: Paths) -> [String]? {
        paths.first { entry in
            entry.segments.count == sent.count
                && zip(entry.segments, sent).allSatisfy { expected, segment in
                    expected.map { $0 == segment } ?? !segment.isEmpty
                }
        }?.methods
    }
}
