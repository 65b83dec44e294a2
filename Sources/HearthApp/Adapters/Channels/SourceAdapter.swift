import Foundation
import HearthCore

/// One kind of source as Hearth speaks to it: what is new there, and how an answer goes back.
protocol SourceAdapter: Sendable {
    /// What the source has now (or since `cursor`), and where to start next time.
    func read(_ source: Source, credentials: [String: String], cursor: SourceCursor) async throws
        -> (entries: [OutsideEntry], cursor: SourceCursor)
    /// Sends an answer to its thread there; returns where it can be read, when the source says.
    func answer(_ answer: OutsideAnswer, source: Source, credentials: [String: String]) async throws -> String?
}

extension SourceAdapter {
    func answer(_ answer: OutsideAnswer, source: Source, credentials: [String: String]) async throws -> String? {
        throw HearthError.invalid("body", "\(source.name) cannot take an answer from Hearth: open it on its site.")
    }
}

/// The JSON the adapters read: dates as ISO 8601 with or without fractions of a second, a document that does not
/// have the expected shape refused in words.
enum SourceJSON {
    static func decode<T: Decodable>(_ type: T.Type, _ body: [UInt8], what: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Self.date(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "date"))
            }
            return date
        }
        do {
            return try decoder.decode(T.self, from: Data(body))
        } catch {
            throw HearthError.unavailable("The answer is not \(what) as Hearth expects it.")
        }
    }

    /// A JSON API's date (RFC 3339, with or without fractions), read as feeds' dates are.
    static func date(_ text: String) -> Date? { FeedParser.date(text) }

    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        Array(try JSONEncoder().encode(value))
    }

    /// An address with a query value escaped for it.
    static func query(_ value: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&+=#?")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

extension OutsideFetcher {
    /// The body at an address, fetched unconditionally (an API's JSON).
    func body(_ address: String, headers: [(String, String)]) async throws -> [UInt8] {
        guard case .fresh(let body, _, _) = try await fetch(address, headers: headers) else { return [] }
        return body
    }
}

/// An RSS or Atom feed: other forums, blogs, search alerts. Polled with a conditional GET.
struct FeedSource: SourceAdapter {
    let fetcher: OutsideFetcher

    func read(_ source: Source, credentials: [String: String], cursor: SourceCursor) async throws
        -> (entries: [OutsideEntry], cursor: SourceCursor)
    {
        guard let url = source.url else { throw HearthError.invalid("url", "The feed has no address.") }
        // A feed behind a password: HTTP Basic, sent to the feed's own origin only.
        let basic = credentials["username"].map { user in
            [("Authorization", "Basic " + Data("\(user):\(credentials["password"] ?? "")".utf8).base64EncodedString())]
        }
        switch try await fetcher.fetch(
            url, etag: cursor.etag, lastModified: cursor.lastModified, headers: basic ?? [])
        {
        case .notModified:
            return ([], cursor)
        case .fresh(let body, let etag, let lastModified):
            let entries = try FeedParser.parse(body).entries.map {
                OutsideEntry(
                    externalID: $0.id, url: $0.link, title: $0.title, author: $0.author, text: $0.text,
                    publishedAt: $0.published)
            }
            return (entries, SourceCursor(etag: etag, lastModified: lastModified))
        }
    }
}
