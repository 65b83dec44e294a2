import Foundation
import HearthCore

/// Formats a `MailMessage` as an RFC 5322 message: encoded headers, base64 bodies (safe through any relay),
/// and multipart/alternative when there is an HTML part.
enum MIMEMessage {
    static func render(_ message: MailMessage, clientName: String, date: Date = Date()) -> String {
        var headers = [
            "From: \(message.from)",
            "To: \(message.to.joined(separator: ", "))",
            "Subject: \(encodeHeader(message.subject))",
            "Date: \(rfc2822(date))",
            "Message-ID: <\(UUID().uuidString.lowercased())@\(clientName)>",
            "MIME-Version: 1.0",
        ]
        // Message-IDs as given by the mail that is answered, kept to what an id may hold: no header injection.
        func id(_ raw: String) -> String? {
            let kept = raw.filter { $0.isASCII && !$0.isWhitespace && $0 != "<" && $0 != ">" }
            return kept.isEmpty ? nil : "<\(kept)>"
        }
        if let answered = message.inReplyTo.flatMap(id) {
            headers.append("In-Reply-To: \(answered)")
            let thread = (message.references ?? []).compactMap(id) + [answered]
            headers.append("References: \(thread.joined(separator: " "))")
        }
        var body: [String]
        if let html = message.htmlBody {
            let boundary = "hearth-\(UUID().uuidString.lowercased())"
            let alternative = [
                "--\(boundary)", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "",
                base64Lines(Data(message.textBody.utf8)),
                "--\(boundary)", "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: base64", "",
                base64Lines(Data(html.utf8)),
                "--\(boundary)--",
            ]
            if let images = message.inline, !images.isEmpty {
                // multipart/related: the HTML and text first, then the images its cid: addresses name.
                let related = "hearth-related-\(UUID().uuidString.lowercased())"
                headers.append(
                    "Content-Type: multipart/related; boundary=\"\(related)\"; type=\"multipart/alternative\"")
                body =
                    ["--\(related)", "Content-Type: multipart/alternative; boundary=\"\(boundary)\"", ""] + alternative
                for image in images {
                    let name = encodeHeader(image.fileName).replacingOccurrences(of: "\"", with: "")
                    body += [
                        "--\(related)", "Content-Type: \(image.contentType); name=\"\(name)\"",
                        "Content-Transfer-Encoding: base64", "Content-ID: <\(image.contentID)>",
                        "Content-Disposition: inline; filename=\"\(name)\"", "", base64Lines(image.bytes),
                    ]
                }
                body.append("--\(related)--")
            } else {
                headers.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
                body = alternative
            }
        } else {
            headers += ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64"]
            body = [base64Lines(Data(message.textBody.utf8))]
        }
        // Base64 lines never start with ".", so no dot-stuffing is needed.
        return (headers + [""] + body).joined(separator: "\r\n")
    }

    /// RFC 2047 encoding for non-ASCII header text; header injection is impossible as newlines are dropped.
    static func encodeHeader(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        guard flat.unicodeScalars.contains(where: { !$0.isASCII }) else { return flat }
        return "=?UTF-8?B?\(Data(flat.utf8).base64EncodedString())?="
    }

    private static func base64Lines(_ data: Data) -> String {
        let encoded = data.base64EncodedString()
        return stride(from: 0, to: encoded.count, by: 76).map { start in
            let from = encoded.index(encoded.startIndex, offsetBy: start)
            let to = encoded.index(from, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            return String(encoded[from..<to])
        }.joined(separator: "\r\n")
    }

    private static func rfc2822(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Foundation.Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
