import HTTPTypes
import Hummingbird

/// Answers a method that an API address does not have with 405 and an `Allow` header naming the ones it has,
/// as HTTP asks; Hummingbird's router says 404 for any method it has no route for. Added after every route
/// (`buildRouter` passes them in), so it runs only for requests that no route matched.
struct UndeclaredMethodMiddleware: RouterMiddleware {
    typealias Context = HearthRequestContext
    static let prefix = "/api/v1"

    /// Each API path as segments (nil for a `:parameter`) with its methods, the most specific paths first.
    private let paths: [(segments: [String?], methods: [String])]

    init(routes: [Router<Context>.RouteDescription]) {
        var methods: [String: Set<String>] = [:]
        for route in routes where route.path.description.hasPrefix(Self.prefix + "/") {
            methods[String(route.path.description.dropFirst(Self.prefix.count)), default: []].insert(
                route.method.rawValue)
        }
        paths = methods.map { path, methods in
            (path.split(separator: "/").map { $0.hasPrefix(":") ? nil : String($0) }, methods.sorted())
        }.sorted { $0.segments.count(where: { $0 == nil }) < $1.segments.count(where: { $0 == nil }) }
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix(Self.prefix + "/"), let methods = methods(at: path.dropFirst(Self.prefix.count)),
            !methods.contains(request.method.rawValue)
        else { return try await next(request, context) }
        let allowed = methods.joined(separator: ", ")
        var response = APIError.response(
            status: .methodNotAllowed, code: "method_not_allowed", message: "This address answers \(allowed).")
        response.headers[.allow] = allowed
        return response
    }

    /// The methods of the API path that `path` (under the prefix) names, or nil when it names none.
    private func methods(at path: Substring) -> [String]? {
        let sent = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        return paths.first { entry in
            entry.segments.count == sent.count
                && zip(entry.segments, sent).allSatisfy { expected, segment in
                    expected.map { $0 == segment } ?? !segment.isEmpty
                }
        }?.methods
    }
}
