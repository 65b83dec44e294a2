import Foundation
import HearthCore
import NIOCore
import NIOPosix
import NIOSSL

/// The community's contact mailbox over IMAP (`imaps://host` with TLS from the first byte, or `imap://host` in the
/// clear): the INBOX opened read-only (nothing is marked read), the messages since the last one seen (by UID, under
/// the mailbox's UIDVALIDITY), each read as plain text. Answers go out by SMTP from the mailbox's address, threaded
/// under the message they answer (`In-Reply-To`, `References`).
struct IMAPSource: SourceAdapter {
    let mail: any MailTransport
    /// Whether a mail server is configured: without one an answer would only reach the log, so none is offered.
    let sendsMail: Bool
    /// The From of answers when the mailbox's user name is not an address.
    let from: String
    let allowPrivate: Bool
    /// Messages read per poll, newest first when more wait.
    static let batch = 50
    /// Bytes of one message read; the rest is cut.
    static let messageLimit = 262_144

    func read(_ source: Source, credentials: [String: String], cursor: SourceCursor) async throws
        -> (entries: [OutsideEntry], cursor: SourceCursor)
    {
        guard let raw = source.url, let url = URLComponents(string: raw), let host = url.host,
            let user = credentials["username"], let password = credentials["password"]
        else { throw HearthError.invalid("url", "A mailbox needs its server, user name and password.") }
        let secure = url.scheme?.lowercased() == "imaps"
        let address = try await OutsideFetcher(allowPrivate: allowPrivate).checkHost(host) ?? host
        let login = "LOGIN \(try IMAPSession.quoted(user)) \(try IMAPSession.quoted(password))"
        let channel = try await IMAPSession.connect(
            host: host, address: address, port: url.port ?? (secure ? 993 : 143), tls: secure)
        let plainAllowed = allowPrivate
        let (entries, next) = try await channel.executeThenClose { inbound, outbound in
            var session = IMAPSession(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            try await session.greeting()
            if !secure {
                // imap://: encrypted with STARTTLS when the server offers it; in the clear only where sources may
                // reach private addresses (a test, an intranet), never a password over the Internet.
                let capabilities = try await session.command("CAPABILITY").map(\.text).joined(separator: " ")
                if capabilities.uppercased().contains("STARTTLS") {
                    _ = try await session.command("STARTTLS")
                    try await channel.channel.pipeline.addHandler(
                        try IMAPSession.tlsHandler(host: host), position: .first
                    ).get()
                } else if !plainAllowed {
                    throw HearthError.unavailable(
                        "The mail server offers no encryption (STARTTLS): use its imaps:// address.")
                }
            }
            _ = try await session.command(login)
            return try await Self.read(&session, cursor: cursor)
        }
        return (
            sendsMail
                ? entries
                : entries.map {
                    var entry = $0; entry.replyTo = nil; return entry
                }, next
        )
    }

    private static func read(_ session: inout IMAPSession, cursor: SourceCursor)
        async throws -> (entries: [OutsideEntry], cursor: SourceCursor)
    {
        let opened = try await session.command("EXAMINE INBOX")
        let validity = opened.lazy.compactMap { IMAPSession.number(after: "UIDVALIDITY ", in: $0.text) }.first ?? 0
        // "validity:last UID"; another validity means the mailbox was rebuilt: its UIDs start again.
        let parts = (cursor.position ?? "").split(separator: ":").compactMap { Int64($0) }
        let last = parts.count == 2 && parts[0] == validity ? parts[1] : 0
        let found = try await session.command("UID SEARCH UID \(last + 1):*")
        let uids = found.filter { $0.text.hasPrefix("* SEARCH") }
            .flatMap { $0.text.split(separator: " ").dropFirst(2).compactMap { Int64($0) } }
            .filter { $0 > last }.sorted().prefix(batch)
        var entries: [OutsideEntry] = []
        if !uids.isEmpty {
            let list = uids.map(String.init).joined(separator: ",")
            for response in try await session.command("UID FETCH \(list) (UID BODY.PEEK[]<0.\(messageLimit)>)") {
                guard let uid = IMAPSession.number(after: "UID ", in: response.text),
                    let bytes = response.literals.first
                else { continue }
                entries.append(MailText.entry(bytes, fallbackID: "imap:\(validity):\(uid)"))
            }
        }
        _ = try? await session.command("LOGOUT")
        // The oldest first: more than a batch waiting are read over the next polls, none skipped.
        let newest = uids.last ?? last
        return (entries, SourceCursor(position: "\(validity):\(newest)"))
    }

    func answer(_ answer: OutsideAnswer, source: Source, credentials: [String: String]) async throws -> String? {
        guard let reply = answer.entry.replyTo.flatMap(MailText.Reply.init(encoded:)) else {
            throw HearthError.invalid("body", "This message has no address to answer.")
        }
        let user = credentials["username"] ?? ""
        let subject = reply.subject.lowercased().hasPrefix("re:") ? reply.subject : "Re: " + reply.subject
        try await mail.send(
            MailMessage(
                from: user.contains("@") ? user : from, to: [reply.address], subject: subject, textBody: answer.body,
                inReplyTo: reply.messageID, references: reply.references))
        return nil
    }
}

/// One IMAP conversation: tagged commands, untagged answers with their literals, read from a byte buffer of its
/// own (a literal may hold any byte, line breaks included).
struct IMAPSession {
    struct Response {
        /// The response's text, its literals replaced by their `{n}` markers.
        var text: String
        var literals: [[UInt8]]
    }

    var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    var buffer: [UInt8] = []
    var tag = 0
    /// Most a server may send unread: a message is cut at `IMAPSource.messageLimit`, a batch is 50 of them.
    static let bufferLimit = 20_000_000

    init(
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) {
        self.inbound = inbound
        self.outbound = outbound
    }

    /// A connection to the server (to `address`, the one checked), TLS from the first byte when asked, closed when
    /// it stays silent 30 s.
    static func connect(host: String, address: String, port: Int, tls: Bool) async throws
        -> NIOAsyncChannel<ByteBuffer, ByteBuffer>
    {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .connect(host: address, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if tls { try channel.pipeline.syncOperations.addHandler(try tlsHandler(host: host)) }
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: .seconds(30)))
                        try channel.pipeline.syncOperations.addHandler(CloseOnIdleHandler())
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw HearthError.unavailable("The mail server at \(host):\(port) could not be reached.")
        }
        return channel
    }

    mutating func greeting() async throws {
        let line = try await self.line()
        guard line.hasPrefix("* OK") || line.hasPrefix("* PREAUTH") else {
            throw HearthError.unavailable("The mail server refused the connection: \(line.prefix(120))")
        }
    }

    /// Sends a command and reads until its tagged answer; a NO or BAD is thrown in words.
    mutating func command(_ text: String) async throws -> [Response] {
        tag += 1
        let tag = "h\(tag)"
        try await outbound.write(ByteBuffer(string: "\(tag) \(text)\r\n"))
        var responses: [Response] = []
        while true {
            let response = try await self.response()
            if response.text.hasPrefix(tag + " ") {
                let status = response.text.dropFirst(tag.count + 1)
                guard status.hasPrefix("OK") else {
                    let verb = text.prefix { $0 != " " }
                    if verb == "LOGIN" {
                        throw HearthError.unavailable("The mail server refused the user name or password.")
                    }
                    throw HearthError.unavailable("The mail server answered \(verb): \(status.prefix(120))")
                }
                return responses
            }
            responses.append(response)
        }
    }

    /// One response: a line, and while it ends with a literal's `{n}`, the n bytes and the line that follows.
    mutating func response() async throws -> Response {
        var response = Response(text: "", literals: [])
        while true {
            let line = try await self.line()
            response.text += line
            guard line.hasSuffix("}"), let open = line.lastIndex(of: "{"),
                let count = Int(line[line.index(after: open)..<line.index(before: line.endIndex)]), count >= 0
            else { return response }
            response.literals.append(try await bytes(count))
        }
    }

    private mutating func line() async throws -> String {
        while true {
            if let end = buffer.firstIndex(of: 0x0A) {
                let line = buffer[..<end]
                buffer.removeSubrange(...end)
                return String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
            }
            try await fill()
        }
    }

    private mutating func bytes(_ count: Int) async throws -> [UInt8] {
        while buffer.count < count { try await fill() }
        let taken = Array(buffer[..<count])
        buffer.removeSubrange(..<count)
        return taken
    }

    private mutating func fill() async throws {
        guard let chunk = try await inbound.next() else {
            throw HearthError.unavailable("The mail server closed the connection.")
        }
        buffer += chunk.readableBytesView
        guard buffer.count <= Self.bufferLimit else {
            throw HearthError.tooLarge("The mail server sent more than Hearth reads at once.")
        }
    }

    /// TLS for the server's name (none for an address), with the system's trusted roots.
    static func tlsHandler(host: String) throws -> NIOSSLClientHandler {
        try NIOSSLClientHandler(
            context: NIOSSLContext(configuration: .makeClientConfiguration()),
            serverHostname: SMTPMailTransport.sniName(host))
    }

    /// A string as IMAP quotes it; one a quoted string cannot carry (a line break, a NUL, a letter outside ASCII)
    /// is refused rather than sent.
    static func quoted(_ text: String) throws -> String {
        guard text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw HearthError.invalid(
                "credentials", "The mailbox's user name and password must be plain ASCII letters, digits and signs.")
        }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            + "\""
    }

    /// The number written after `label` in `text` ("UIDVALIDITY 3857529045").
    static func number(after label: String, in text: String) -> Int64? {
        guard let range = text.range(of: label) else { return nil }
        return Int64(text[range.upperBound...].prefix { $0.isNumber })
    }
}
