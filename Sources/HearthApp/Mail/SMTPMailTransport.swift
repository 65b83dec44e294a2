import Foundation
import HearthCore
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Sends e-mail over SMTP with SwiftNIO: plain, STARTTLS or implicit TLS, with AUTH PLAIN or LOGIN.
/// One connection per message: Hearth sends little mail (resets, a weekly digest), so simplicity wins
/// over keeping connections open.
public struct SMTPMailTransport: MailTransport {
    private let settings: SMTPSettings
    private let tlsConfiguration: TLSConfiguration
    private let logger: Logger
    /// The name we give in EHLO.
    private let clientName: String

    public init(
        settings: SMTPSettings, tlsConfiguration: TLSConfiguration = .makeClientConfiguration(),
        clientName: String = "hearth.localdomain", logger: Logger
    ) {
        self.settings = settings
        self.tlsConfiguration = tlsConfiguration
        self.clientName = clientName
        self.logger = logger
    }

    public func send(_ message: MailMessage) async throws {
        do {
            try await deliver(message)
            logger.info("E-mail sent", metadata: ["mail.subject": .string(message.subject)])
        } catch let error as SMTPFailure {
            logger.error("E-mail not sent", metadata: ["smtp.error": .string(error.detail)])
            throw HearthError.unavailable("The e-mail could not be sent: \(error.detail)")
        } catch let error as HearthError {
            throw error
        } catch {
            logger.error("E-mail not sent", metadata: ["smtp.error": .string(String(describing: error))])
            throw HearthError.unavailable(
                "The e-mail could not be sent: the mail server at \(settings.host):\(settings.port) could not be reached."
            )
        }
    }

    private func deliver(_ message: MailMessage) async throws {
        let sslContext = try NIOSSLContext(configuration: tlsConfiguration)
        let settings = self.settings
        let replyTimeout = Self.replyTimeout
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if settings.security == .implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: sslContext, serverHostname: Self.sniName(settings.host)))
                    }
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: replyTimeout))
                    try channel.pipeline.syncOperations.addHandler(CloseOnIdleHandler())
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var conversation = SMTPConversation(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            try await conversation.expect(220)
            var capabilities = try await conversation.command("EHLO \(clientName)", expect: 250)
            if settings.security == .startTLS {
                guard capabilities.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                    throw SMTPFailure(detail: "the server does not offer STARTTLS, which the configuration requires.")
                }
                _ = try await conversation.command("STARTTLS", expect: 220)
                try await channel.channel.pipeline.addHandler(
                    NIOSSLClientHandler(context: sslContext, serverHostname: Self.sniName(settings.host)),
                    position: .first
                ).get()
                capabilities = try await conversation.command("EHLO \(clientName)", expect: 250)
            }
            if let username = settings.username {
                try await conversation.authenticate(
                    username: username, password: settings.password ?? "", capabilities: capabilities)
            }
            _ = try await conversation.command("MAIL FROM:<\(Self.address(message.from))>", expect: 250)
            for recipient in message.to {
                _ = try await conversation.command("RCPT TO:<\(Self.address(recipient))>", expect: 250, 251)
            }
            _ = try await conversation.command("DATA", expect: 354)
            _ = try await conversation.command(
                MIMEMessage.render(message, clientName: clientName) + "\r\n.", expect: 250)
            _ = try? await conversation.command("QUIT", expect: 221)
        }
    }

    /// How long to wait for any reply before giving up on the server. RFC 5321 suggests minutes for some
    /// replies; a community's mail server that is silent for 30 seconds is not going to answer.
    static let replyTimeout: TimeAmount = .seconds(30)

    /// Refuses addresses that could smuggle SMTP commands.
    private static func address(_ raw: String) throws -> String {
        let address = raw.trimmingCharacters(in: .whitespaces)
        guard !address.isEmpty, !address.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "<" || $0 == ">" }) else {
            throw SMTPFailure(detail: "the address \"\(raw)\" is not valid.")
        }
        return address
    }

    /// TLS server names must be host names, not IP literals.
    static func sniName(_ host: String) -> String? {
        host.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" }) ? nil : host
    }
}

/// What went wrong talking to the SMTP server, in words for the log and the CM.
struct SMTPFailure: Error {
    let detail: String
}

/// Reads replies and sends commands on one SMTP connection.
struct SMTPConversation {
    var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    /// Sends a line and reads the reply, which must have one of the expected codes. Returns the reply's lines.
    mutating func command(_ line: String, expect codes: Int...) async throws -> [String] {
        try await outbound.write(ByteBuffer(string: line + "\r\n"))
        return try await expect(codes, after: line)
    }

    mutating func expect(_ codes: Int...) async throws {
        _ = try await expect(codes, after: nil)
    }

    private mutating func expect(_ codes: [Int], after command: String?) async throws -> [String] {
        var lines: [String] = []
        while true {
            guard let buffer = try await inbound.next() else {
                throw SMTPFailure(detail: "the server closed the connection.")
            }
            let line = String(buffer: buffer).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            guard line.count >= 3, let code = Int(line.prefix(3)) else {
                throw SMTPFailure(detail: "the server sent an unreadable reply.")
            }
            lines.append(String(line.dropFirst(4)))
            if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " {
                guard codes.contains(code) else {
                    let verb =
                        command.map { String($0.prefix(while: { $0 != " " && $0 != "\r" }).prefix(10)) } ?? "greeting"
                    throw SMTPFailure(detail: "the server answered \(code) to \(verb): \(lines.last ?? "")")
                }
                return lines
            }
        }
    }

    mutating func authenticate(username: String, password: String, capabilities: [String]) async throws {
        let mechanisms =
            capabilities.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased()
            .split(separator: " ").dropFirst().map(String.init) ?? []
        if mechanisms.contains("PLAIN") || !mechanisms.contains("LOGIN") {
            let token = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
            _ = try await command("AUTH PLAIN \(token)", expect: 235)
        } else {
            _ = try await command("AUTH LOGIN", expect: 334)
            _ = try await command(Data(username.utf8).base64EncodedString(), expect: 334)
            _ = try await command(Data(password.utf8).base64EncodedString(), expect: 235)
        }
    }
}

/// Closes the connection when the server has been silent too long, which ends the conversation with
/// "the server closed the connection" instead of a hang.
final class CloseOnIdleHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// Splits the server's byte stream into reply lines (without the CRLF).
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer
    /// RFC 5321 caps reply lines at 512 octets; allow slack, refuse a server that never ends a line.
    static let maximumLineLength = 4_096

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLineLength {
                throw SMTPFailure(detail: "the server sent a line too long.")
            }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        let line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }
}
