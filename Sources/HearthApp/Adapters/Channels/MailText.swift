import Foundation
import HearthCore

/// An e-mail as the inbox reads it: its Message-ID, sender, subject and date, and its words as plain text (the
/// first text/plain part, else the HTML's text), decoded from base64 or quoted-printable and from its charset,
/// with the quoted lines of earlier messages left out.
enum MailText {
    /// What an answer needs: the Message-ID it answers, the address to write to, the subject, the thread.
    struct Reply: Equatable {
        let messageID: String
        let address: String
        let subject: String
        let references: [String]

        /// Fields one per line: no header holds a line break once unfolded (and the stored text keeps it).
        static let separator: Character = "\n"

        var encoded: String {
            // An encoded word may still hide a line break: it becomes a space.
            ([messageID, address, subject] + references).map {
                $0.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            }.joined(separator: String(Self.separator))
        }

        init(messageID: String, address: String, subject: String, references: [String]) {
            self.messageID = messageID
            self.address = address
            self.subject = subject
            self.references = references
        }

        init?(encoded: String) {
            let parts = encoded.split(separator: Self.separator, omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 3, !parts[1].isEmpty else { return nil }
            self.init(messageID: parts[0], address: parts[1], subject: parts[2], references: Array(parts.dropFirst(3)))
        }
    }

    static func entry(_ bytes: [UInt8], fallbackID: String) -> OutsideEntry {
        let (headers, body) = split(bytes)
        let messageID = headers["message-id"].map(angleless) ?? ""
        let (name, from) = sender(headers["from"] ?? "")
        // A contact form sends from its own address and names the person in Reply-To.
        let address = headers["reply-to"].map { sender($0).address }.flatMap { $0.isEmpty ? nil : $0 } ?? from
        let subject = decodeWords(headers["subject"] ?? "")
        let text = String(quotedLinesRemoved(plain(headers, body)).prefix(10_000))
        let references = (headers["references"] ?? "").split(whereSeparator: \.isWhitespace).map {
            angleless(String($0))
        }
        let reply =
            address.isEmpty
            ? nil
            : Reply(messageID: messageID, address: address, subject: subject, references: references).encoded
        return OutsideEntry(
            externalID: messageID.isEmpty ? fallbackID : messageID, url: nil, title: subject,
            author: name.isEmpty ? (from.isEmpty ? nil : from) : name, text: text,
            publishedAt: headers["date"].flatMap(date), replyTo: reply, direct: true)
    }

    /// The headers (names lowercased, folded lines joined, the first of each kept) and the body's bytes.
    static func split(_ bytes: [UInt8]) -> (headers: [String: String], body: [UInt8]) {
        // A part with no headers starts with its blank line.
        if bytes.starts(with: [0x0D, 0x0A]) { return ([:], Array(bytes.dropFirst(2))) }
        if bytes.first == 0x0A { return ([:], Array(bytes.dropFirst())) }
        var end = bytes.count
        var bodyStart = bytes.count
        for index in bytes.indices where bytes[index] == 0x0A {
            let next = index + 1
            if next < bytes.count, bytes[next] == 0x0A {
                (end, bodyStart) = (index, next + 1)
                break
            }
            if next + 1 < bytes.count, bytes[next] == 0x0D, bytes[next + 1] == 0x0A {
                (end, bodyStart) = (index, next + 2)
                break
            }
        }
        let text = String(decoding: bytes[..<end], as: UTF8.self).replacingOccurrences(of: "\r", with: "")
        var headers: [String: String] = [:]
        var current: (String, String)?
        func keep() {
            if let (name, value) = current, headers[name] == nil { headers[name] = value }
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first == " " || first == "\t", current != nil {
                current?.1 += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            keep()
            guard let colon = line.firstIndex(of: ":") else {
                current = nil
                continue
            }
            current = (
                line[..<colon].lowercased().trimmingCharacters(in: .whitespaces),
                line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            )
        }
        keep()
        return (headers, Array(bytes[min(bodyStart, bytes.count)...]))
    }

    /// The words of a part: a multipart's first text/plain part (else its first text/html), decoded.
    static func plain(_ headers: [String: String], _ body: [UInt8], depth: Int = 0) -> String {
        let type = headers["content-type"] ?? "text/plain"
        let lowered = type.lowercased()
        if lowered.hasPrefix("multipart/"), depth < 5, let boundary = parameter("boundary", in: type) {
            let parts = self.parts(body, boundary: boundary).map { split($0) }
            let chosen =
                parts.first { ($0.headers["content-type"] ?? "text/plain").lowercased().hasPrefix("text/plain") }
                ?? parts.first { ($0.headers["content-type"] ?? "").lowercased().hasPrefix("text/html") }
                ?? parts.first { ($0.headers["content-type"] ?? "").lowercased().hasPrefix("multipart/") }
            return chosen.map { plain($0.headers, $0.body, depth: depth + 1) } ?? ""
        }
        let decoded = transferDecoded(body, encoding: headers["content-transfer-encoding"] ?? "")
        let text = charsetDecoded(decoded, charset: parameter("charset", in: type) ?? "utf-8")
        return lowered.hasPrefix("text/html") ? FeedParser.plain(text) : text
    }

    /// The parts between the boundary's lines, found in the bytes (an 8-bit part stays as it was sent); a message
    /// cut before its closing boundary keeps its last part.
    static func parts(_ body: [UInt8], boundary: String) -> [[UInt8]] {
        let marker = Array(("--" + boundary).utf8)
        var starts: [Int] = []
        var closed = false
        var index = 0
        while index + marker.count <= body.count {
            let atLineStart = index == 0 || body[index - 1] == 0x0A
            if atLineStart, body[index..<index + marker.count].elementsEqual(marker) {
                let after = index + marker.count
                if after + 1 < body.count, body[after] == UInt8(ascii: "-"), body[after + 1] == UInt8(ascii: "-") {
                    starts.append(index)
                    closed = true
                    break
                }
                starts.append(index)
            }
            index += 1
        }
        if !closed { starts.append(body.count) }
        var parts: [[UInt8]] = []
        for (start, end) in zip(starts, starts.dropFirst()) {
            var from = start + marker.count
            while from < end, body[from] != 0x0A { from += 1 }
            from += 1
            // The line break before the next boundary belongs to it.
            var to = end
            if to > from, body[to - 1] == 0x0A { to -= 1 }
            if to > from, body[to - 1] == 0x0D { to -= 1 }
            if from < to { parts.append(Array(body[from..<to])) }
        }
        return parts
    }

    static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            return pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }

    static func transferDecoded(_ body: [UInt8], encoding: String) -> [UInt8] {
        switch encoding.lowercased().trimmingCharacters(in: .whitespaces) {
        case "base64":
            let text = String(decoding: body, as: UTF8.self).filter { !$0.isWhitespace }
            return Data(base64Encoded: text, options: .ignoreUnknownCharacters).map(Array.init) ?? body
        case "quoted-printable":
            return quotedPrintable(body, underscores: false)
        default:
            return body
        }
    }

    static func quotedPrintable(_ bytes: [UInt8], underscores: Bool) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x37
            case 0x61...0x66: byte - 0x57
            default: nil
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "="), index + 1 < bytes.count {
                if bytes[index + 1] == 0x0A {
                    index += 2
                    continue
                }
                if bytes[index + 1] == 0x0D, index + 2 < bytes.count, bytes[index + 2] == 0x0A {
                    index += 3
                    continue
                }
                if index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                    output.append(high << 4 | low)
                    index += 3
                    continue
                }
            }
            output.append(underscores && byte == UInt8(ascii: "_") ? 0x20 : byte)
            index += 1
        }
        return output
    }

    static func charsetDecoded(_ bytes: [UInt8], charset: String) -> String {
        switch charset.lowercased() {
        case "iso-8859-1", "latin1", "iso-8859-15":
            return String(data: Data(bytes), encoding: .isoLatin1) ?? String(decoding: bytes, as: UTF8.self)
        case "windows-1252", "cp1252":
            return String(data: Data(bytes), encoding: .windowsCP1252) ?? String(decoding: bytes, as: UTF8.self)
        default:
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// RFC 2047 encoded words ("=?UTF-8?Q?Probl=C3=A8me?=") in a header, decoded.
    static func decodeWords(_ header: String) -> String {
        var output = ""
        var rest = Substring(header)
        var afterWord = false
        while let start = rest.range(of: "=?") {
            let before = rest[..<start.lowerBound]
            let after = rest[start.upperBound...]
            let fields = after.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard fields.count == 4, fields[3].hasPrefix("="), fields[1].count == 1 else {
                output += rest[..<start.upperBound]
                rest = after
                afterWord = false
                continue
            }
            // Whitespace between two encoded words is not text.
            if !(afterWord && before.allSatisfy(\.isWhitespace)) { output += before }
            let text = Array(fields[2].utf8)
            let bytes =
                fields[1].uppercased() == "B"
                ? Data(base64Encoded: String(fields[2]), options: .ignoreUnknownCharacters).map(Array.init) ?? text
                : quotedPrintable(text, underscores: true)
            output += charsetDecoded(bytes, charset: String(fields[0]))
            afterWord = true
            rest = fields[3].dropFirst()
        }
        return (output + rest).trimmingCharacters(in: .whitespaces)
    }

    /// "Noor <noor@example.net>" → ("Noor", "noor@example.net").
    static func sender(_ header: String) -> (name: String, address: String) {
        let decoded = decodeWords(header)
        guard let open = decoded.lastIndex(of: "<"), let close = decoded.lastIndex(of: ">"), open < close else {
            return ("", decoded.trimmingCharacters(in: .whitespaces))
        }
        let name = decoded[..<open].trimmingCharacters(in: CharacterSet(charactersIn: " \""))
        return (name, String(decoded[decoded.index(after: open)..<close]))
    }

    static func angleless(_ id: String) -> String {
        id.trimmingCharacters(in: CharacterSet(charactersIn: " <>"))
    }

    /// Leaves out the lines quoting an earlier message ("> …") and the "On … wrote:" line before them.
    static func quotedLinesRemoved(_ text: String) -> String {
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(
            separator: "\n", omittingEmptySubsequences: false)
        lines.removeAll { $0.hasPrefix(">") }
        while let last = lines.last,
            last.trimmingCharacters(in: .whitespaces).isEmpty || last.hasSuffix("wrote:")
                || last.hasSuffix("a écrit :")
        {
            lines.removeLast()
        }
        return lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A Date header, its trailing comment ("(UTC)") left out.
    static func date(_ text: String) -> Date? {
        FeedParser.date(text.replacingOccurrences(of: #"\s*\(.*\)$"#, with: "", options: .regularExpression))
    }
}
