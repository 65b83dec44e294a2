import Foundation
import Logging

/// An e-mail ready to send.
public struct MailMessage: Sendable, Equatable, Codable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var textBody: String
    public var htmlBody: String?
    /// Images the HTML shows as `cid:` addresses, sent with it (multipart/related).
    public var inline: [InlineImage]?
    /// The Message-ID this one answers (without angle brackets), and the thread's earlier ids: an answer stays in
    /// its thread in the reader's mail program.
    public var inReplyTo: String?
    public var references: [String]?

    public init(
        from: String, to: [String], subject: String, textBody: String, htmlBody: String? = nil,
        inline: [InlineImage]? = nil, inReplyTo: String? = nil, references: [String]? = nil
    ) {
        self.inReplyTo = inReplyTo
        self.references = references
        self.from = from
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.inline = inline
    }
}

/// An image carried in an e-mail and shown by its HTML part (`<img src="cid:…">`).
public struct InlineImage: Sendable, Equatable, Codable {
    /// The Content-ID, without angle brackets.
    public let contentID: String
    public let contentType: String
    public let fileName: String
    public let bytes: Data

    public init(contentID: String, contentType: String, fileName: String, bytes: Data) {
        self.contentID = contentID
        self.contentType = contentType
        self.fileName = fileName
        self.bytes = bytes
    }
}

/// Delivers e-mail: over SMTP in production, to the log when no SMTP server is configured.
public protocol MailTransport: Sendable {
    func send(_ message: MailMessage) async throws
}

/// Writes each message to the log instead of sending it, so that a community without an SMTP server can
/// still follow a password-reset link from the console.
public struct LogMailTransport: MailTransport {
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func send(_ message: MailMessage) async throws {
        logger.notice(
            "E-mail not sent (no SMTP server configured); its text follows",
            metadata: [
                "mail.to": .string(message.to.joined(separator: ", ")),
                "mail.subject": .string(message.subject),
                "mail.text": .string(message.textBody),
            ])
    }
}

/// Composes the e-mails account flows send; implemented where templates live (HearthViews + HearthApp). Sending
/// is the job runner's: the message is queued with the change that sends it.
public protocol AccountMailer: Sendable {
    func passwordReset(to member: Member, link: String) throws -> MailMessage
    func emailConfirmation(to member: Member, link: String) throws -> MailMessage
    /// An invitation to sign up, from `inviter` (a member's name).
    func invitation(to email: String, link: String, inviter: String) throws -> MailMessage
}
