import Foundation
import HearthCore

/// Where and how to send e-mail, parsed from `HEARTH_SMTP_URL`.
public struct SMTPSettings: Sendable, Equatable {
    public enum Security: String, Sendable {
        /// No encryption (a relay on the same machine or network).
        case plain
        /// Connect in the clear, then require `STARTTLS` before anything else.
        case startTLS
        /// TLS from the first byte (usually port 465).
        case implicitTLS
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?

    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
    }

    /// `smtp://host:25`, `smtp+starttls://user:pass@host:587`, `smtps://user:pass@host:465`.
    public init(url: String) throws {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw HearthError.invalid("smtp_url", "expected smtp://host:port, smtp+starttls://… or smtps://…")
        }
        switch components.scheme {
        case "smtp": security = .plain
        case "smtp+starttls": security = .startTLS
        case "smtps": security = .implicitTLS
        default:
            throw HearthError.invalid(
                "smtp_url", "the scheme must be smtp, smtp+starttls or smtps, not \(components.scheme ?? "nothing").")
        }
        self.host = host
        self.port = components.port ?? (security == .implicitTLS ? 465 : security == .startTLS ? 587 : 25)
        self.username = components.user?.removingPercentEncoding
        self.password = components.password?.removingPercentEncoding
    }
}
