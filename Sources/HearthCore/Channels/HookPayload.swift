import Crypto
import Foundation

/// What a webhook source accepts: one entry, or several under `items`. Each needs an `id` (what makes it the
/// same entry when posted again) and a `text`; `title`, `url` and `author` are optional.
enum HookPayload {
    struct Entry: Decodable {
        let id: String?
        let text: String?
        let title: String?
        let url: String?
        let author: String?
    }

    struct Many: Decodable {
        let items: [Entry]?
    }

    static let maximumItems = 100

    static func entries(_ body: [UInt8]) throws -> [OutsideEntry] {
        let data = Data(body)
        let decoder = JSONDecoder()
        let raw: [Entry]
        if let many = try? decoder.decode(Many.self, from: data), let items = many.items {
            raw = items
        } else if let one = try? decoder.decode(Entry.self, from: data) {
            raw = [one]
        } else {
            throw HearthError.invalid(
                "body", "The body is not the JSON a webhook source reads: an object with id and text, or with items.")
        }
        guard raw.count <= maximumItems else {
            throw HearthError.invalid("items", "Send at most \(maximumItems) items at once.")
        }
        return try raw.enumerated().map { index, entry in
            let at = raw.count > 1 ? "items[\(index)]." : ""
            guard let id = entry.id?.trimmingCharacters(in: .whitespaces), !id.isEmpty, id.count <= 500 else {
                throw HearthError.invalid(at + "id", "Each item needs an id (at most 500 characters).")
            }
            guard let text = entry.text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
                throw HearthError.invalid(at + "text", "Each item needs a text.")
            }
            if let url = entry.url, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                throw HearthError.invalid(at + "url", "An item's url starts with http:// or https://.")
            }
            return OutsideEntry(
                externalID: id, url: entry.url, title: String((entry.title ?? "").prefix(300)),
                author: entry.author.map { String($0.prefix(120)) }, text: String(text.prefix(10_000)),
                publishedAt: nil, direct: true)
        }
    }
}

extension WebhookSignature {
    /// How far a signed timestamp may be from the clock, either way.
    public static let tolerance: TimeInterval = 300

    /// Checks a Standard Webhooks signature: the three headers present, the timestamp within five minutes, and
    /// one of the `v1,` signatures the HMAC of "id.timestamp.body" (compared in constant time). Throws
    /// `unauthorized` in words otherwise.
    public static func verify(
        secret: String, messageID: String?, timestamp: String?, signature: String?, body: [UInt8], at date: Date
    ) throws {
        guard let messageID, let timestamp, let signature else {
            throw HearthError.unauthorized(
                "The webhook-id, webhook-timestamp and webhook-signature headers are required.")
        }
        guard let seconds = Int(timestamp), abs(Double(seconds) - date.timeIntervalSince1970) <= tolerance else {
            throw HearthError.unauthorized("The webhook-timestamp is more than five minutes from now.")
        }
        guard let key = key(secret) else { throw HearthError.unauthorized("The signature could not be checked.") }
        var signed = Data("\(messageID).\(timestamp).".utf8)
        signed.append(contentsOf: body)
        let valid = signature.split(separator: " ").contains { part in
            guard part.hasPrefix("v1,"), let mac = Data(base64Encoded: String(part.dropFirst(3))) else { return false }
            return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: signed, using: key)
        }
        guard valid else { throw HearthError.unauthorized("The webhook signature does not match.") }
    }
}
