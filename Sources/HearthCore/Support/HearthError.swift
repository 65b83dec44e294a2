/// The one error type the domain speaks. Every case carries a message written for the person using Hearth;
/// the web layer maps each case to a status in one place (`HearthError+HTTP.swift`), and anything that is
/// not a `HearthError` is logged and shown as a plain "something went wrong".
public enum HearthError: Error, Sendable, Equatable {
    /// The thing asked for does not exist (or the asker may not know that it does).
    case notFound(String)
    /// No identity, or one that could not be verified.
    case unauthorized(String)
    /// A known identity that may not do this.
    case forbidden(String)
    /// The input was wrong; each field says what.
    case validation([FieldError])
    /// The input clashes with what exists (an e-mail already in use, a link already used).
    case conflict(String)
    /// Too many attempts; try again after the given number of seconds.
    case rateLimited(message: String, retryAfterSeconds: Int)
    /// A dependency (the database, the mail server) cannot be reached right now.
    case unavailable(String)
    /// What was sent is larger than the server accepts; the message names the limit.
    case tooLarge(String)

    /// A sentence safe to show to the person who caused the error.
    public var userMessage: String {
        switch self {
        case .notFound(let message), .unauthorized(let message), .forbidden(let message),
            .conflict(let message), .unavailable(let message), .tooLarge(let message):
            message
        case .rateLimited(let message, _):
            message
        case .validation(let fields):
            fields.map(\.message).joined(separator: " ")
        }
    }

    /// A stable, machine-readable code for API clients.
    public var code: String {
        switch self {
        case .notFound: "not_found"
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .validation: "validation_failed"
        case .conflict: "conflict"
        case .rateLimited: "rate_limited"
        case .unavailable: "unavailable"
        case .tooLarge: "too_large"
        }
    }

    /// A validation error on a single field.
    public static func invalid(_ field: String, _ message: String) -> HearthError {
        .validation([FieldError(field: field, message: message)])
    }
}

/// What is wrong with one input field, in words for the person who typed it.
public struct FieldError: Sendable, Equatable, Codable {
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
