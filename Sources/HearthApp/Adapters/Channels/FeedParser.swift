import Foundation
import HearthCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// One entry of an RSS or Atom feed, as the outside sources read it.
public struct FeedEntry: Sendable, Equatable {
    /// The entry's guid or id, else its link: what makes it the same entry on the next poll.
    public let id: String
    public let title: String
    public let link: String?
    public let author: String?
    public let published: Date?
    /// The summary or content as plain text, at most 2,000 characters.
    public let text: String
}

/// Reads RSS 2.0 and Atom 1.0 feeds, refusing what a hostile feed may try before the XML parser sees it: any
/// entity declaration or internal DTD subset anywhere in the document (the billion laughs, external entities
/// reading files or addresses), and any encoding other than UTF-8, ASCII and the ISO-8859 family (UTF-16, UTF-7 or
/// EBCDIC could hide a declaration from that scan). External entities are never resolved. A document that is not
/// well-formed is refused with its line, in words.
public enum FeedParser {
    static let textLimit = 2_000

    public static func parse(_ bytes: [UInt8]) throws -> (title: String, entries: [FeedEntry]) {
        let data = Data(bytes)
        try screen(bytes)
        let reader = Reader()
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.delegate = reader
        guard parser.parse(), reader.failure == nil else {
            let line = reader.failure?.line ?? parser.lineNumber
            throw HearthError.invalid("feed", "The feed is not valid XML at line \(line).")
        }
        guard reader.isFeed else {
            throw HearthError.invalid("feed", "This is not an RSS or Atom feed.")
        }
        return (reader.feedTitle, reader.entries)
    }

    /// The checks made on the bytes themselves, whole: an encoding the scan can read, and no DTD to expand.
    static func screen(_ bytes: [UInt8]) throws {
        let wide: [[UInt8]] = [[0xFE, 0xFF], [0xFF, 0xFE], [0x00, 0x00, 0xFE, 0xFF], [0x00, 0x3C], [0x3C, 0x00]]
        if wide.contains(where: { bytes.starts(with: $0) }) {
            throw HearthError.invalid(
                "feed", "The feed is in UTF-16 or UTF-32, which Hearth does not read: ask for UTF-8.")
        }
        // ISO-8859-1 maps every byte to one character, so nothing is hidden from the search.
        let text = String(data: Data(bytes), encoding: .isoLatin1) ?? ""
        if let declaration = text.prefix(300).range(
            of: #"encoding\s*=\s*["']([^"']+)["']"#, options: .regularExpression)
        {
            let name =
                text[declaration].split(whereSeparator: { $0 == "\"" || $0 == "'" }).dropFirst().first
                .map { $0.lowercased() } ?? ""
            guard ["utf-8", "utf8", "us-ascii", "ascii", "windows-1252"].contains(name) || name.hasPrefix("iso-8859-")
            else {
                throw HearthError.invalid(
                    "feed", "The feed's encoding (\(name)) is not one Hearth reads: UTF-8 or ISO-8859.")
            }
        }
        let upper = text.uppercased()
        if upper.contains("<!ENTITY") {
            throw HearthError.invalid(
                "feed", "The feed declares entities, which Hearth refuses to expand (they can hide an attack).")
        }
        if let doctype = upper.range(of: "<!DOCTYPE"), let end = upper[doctype.upperBound...].firstIndex(of: ">"),
            upper[doctype.upperBound..<end].contains("[")
        {
            throw HearthError.invalid(
                "feed", "The feed carries its own document type definition, which Hearth refuses to read.")
        }
    }

    /// Markup and entities out, spaces folded, cut to the limit.
    static func plain(_ html: String) -> String {
        // The importer's entity decoding: named ones and numeric ones (&#8217;) alike.
        let text = HTMLToMarkdown.Converter.decode(
            html.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression))
        let folded = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return String(folded.prefix(textLimit))
    }

    /// RSS's dates (RFC 822, as feeds write them) and Atom's (RFC 3339).
    static func date(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let iso = ISO8601DateFormatter()
        if let date = iso.date(from: trimmed) { return date }
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = iso.date(from: trimmed) { return date }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        for format in ["EEE, dd MMM yyyy HH:mm:ss Z", "dd MMM yyyy HH:mm:ss Z", "EEE, dd MMM yyyy HH:mm Z"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return date }
        }
        return nil
    }

    /// Collects the feed's title and entries as the parser walks the document.
    final class Reader: NSObject, XMLParserDelegate {
        var feedTitle = ""
        var entries: [FeedEntry] = []
        var isFeed = false
        var failure: (line: Int, message: String)?
        private var path: [String] = []
        private var fields: [String: String] = [:]
        private var link: String?
        private var inEntry = false
        private var characters = ""

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if path.isEmpty { isFeed = name == "rss" || name == "feed" || name == "rdf:RDF" }
            path.append(name)
            characters = ""
            if name == "item" || name == "entry" {
                inEntry = true
                fields = [:]
                link = nil
            }
            // Atom's link is an attribute; the entry's own page is the alternate one (or the only one).
            if inEntry, name == "link", let href = attributes["href"],
                attributes["rel"] == nil || attributes["rel"] == "alternate"
            {
                link = href
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            characters += string
        }

        func parser(_ parser: XMLParser, foundCDATA block: Data) {
            characters += String(decoding: block, as: UTF8.self)
        }

        func parser(
            _ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?
        ) {
            defer {
                path.removeLast()
                characters = ""
            }
            let value = characters.trimmingCharacters(in: .whitespacesAndNewlines)
            if inEntry {
                if name == "item" || name == "entry" {
                    inEntry = false
                    let title = FeedParser.plain(fields["title"] ?? "")
                    let id = fields["guid"] ?? fields["id"] ?? link ?? fields["link"] ?? title
                    guard !id.isEmpty else { return }
                    entries.append(
                        FeedEntry(
                            id: id, title: title, link: link ?? fields["link"],
                            author: fields["dc:creator"] ?? fields["name"] ?? fields["author"],
                            published: (fields["pubDate"] ?? fields["published"] ?? fields["updated"]
                                ?? fields["dc:date"]).flatMap(FeedParser.date),
                            text: FeedParser.plain(
                                fields["content:encoded"] ?? fields["content"] ?? fields["description"]
                                    ?? fields["summary"] ?? "")))
                } else if !value.isEmpty, fields[name] == nil {
                    fields[name] = value
                }
            } else if name == "title", feedTitle.isEmpty, path.count <= 3 {
                feedTitle = FeedParser.plain(value)
            }
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            if failure == nil { failure = (parser.lineNumber, parseError.localizedDescription) }
        }
    }
}
