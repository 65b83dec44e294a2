import Foundation
import HearthCore
import HearthViews
import Hummingbird
import Logging
import NIOCore

extension HearthError {
    /// The one mapping from domain errors to HTTP statuses.
    var status: HTTPResponse.Status {
        switch self {
        case .notFound: .notFound
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .validation: .unprocessableContent
        case .conflict: .conflict
        case .rateLimited: .tooManyRequests
        case .unavailable: .serviceUnavailable
        case .tooLarge: .contentTooLarge
        }
    }
}

/// Turns every error into a response a person can read: JSON `{"error":{"code","message"}}` under
/// `/api/`, an HTML page elsewhere. Unknown errors are logged with the request id and shown as a plain 500;
/// their text never reaches the client.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = HearthRequestContext
    let pages: PageRenderer

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let (status, code, message, retryAfter) = Self.describe(error, context: context)
            var response: Response
            if request.uri.path.hasPrefix("/api/") {
                response = APIError.response(status: status, code: code, message: message)
            } else {
                let heading = pages.text(Self.headingKey(for: status), context)
                let page = MessagePage(
                    page: pages.chrome(title: heading, context: context), heading: heading,
                    message: pages.renderer.localization.message(message, context.language),
                    linkURL: "/", linkLabel: pages.text("error_home", context))
                response = pages.html(page, template: MessagePage.template, status: status)
            }
            if let retryAfter {
                response.headers[.retryAfter] = String(retryAfter)
            }
            return response
        }
    }

    static func describe(_ error: any Error, context: Context)
        -> (HTTPResponse.Status, String, String, Int?)
    {
        switch error {
        case let error as HearthError:
            if case .unavailable = error {
                context.logger.error("Dependency unavailable", metadata: ["error": .string(String(describing: error))])
            }
            var retryAfter: Int?
            if case .rateLimited(_, let seconds) = error { retryAfter = seconds }
            return (error.status, error.code, error.userMessage, retryAfter)
        case is NIOTooManyBytesError:
            // A body over a limit read without `collectBody(within:)`, which names the limit.
            return (.contentTooLarge, "too_large", HearthError.bodyTooLarge(limit: nil).userMessage, nil)
        case let error as HTTPError where error.status == .notFound:
            return (.notFound, "not_found", "There is nothing at this address.", nil)
        case let error as HTTPError where (400..<500).contains(error.status.code):
            return (error.status, "bad_request", "The request could not be understood.", nil)
        default:
            context.logger.error("Request failed", metadata: ["error": .string(String(reflecting: error))])
            return (
                .internalServerError, "internal_error",
                "Something went wrong on our side. It has been logged (request \(context.id)).", nil
            )
        }
    }

    /// The interface string naming a status on the error page.
    private static func headingKey(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "error_notFound"
        case .unauthorized: "error_unauthorized"
        case .forbidden: "error_forbidden"
        case .tooManyRequests: "error_tooMany"
        case .contentTooLarge: "error_tooLarge"
        case .serviceUnavailable: "error_unavailable"
        default: "error_generic"
        }
    }
}

/// The JSON error body of the API.
enum APIError {
    struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
        }
        let error: Detail
    }

    static func response(status: HTTPResponse.Status, code: String, message: String) -> Response {
        let data = (try? JSONEncoder().encode(Body(error: .init(code: code, message: message)))) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Request {
    /// The body, up to `limit` bytes; a longer one is a 413 that names the limit (NIO's own error reports how
    /// much room was left in its last buffer, not the limit).
    mutating func collectBody(within limit: Int) async throws -> ByteBuffer {
        do {
            return try await collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw HearthError.bodyTooLarge(limit: limit)
        }
    }
}

extension HearthError {
    /// A request body over `limit` bytes.
    static func bodyTooLarge(limit: Int?) -> HearthError {
        guard let limit else { return .tooLarge("This request is larger than the server accepts.") }
        let size = limit >= 1_000_000 ? "\(limit / 1_000_000) MB" : "\(limit / 1_000) kB"
        return .tooLarge("This request is larger than the \(size) (\(limit) bytes) the server accepts here.")
    }
}
