import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthTestSupport
import HummingbirdTesting
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("Feeds")
struct FeedTests {
    /// Collects element names and texts of a well-formed XML document; fails on anything malformed.
    final class Reader: NSObject, XMLParserDelegate {
        var elements: [String] = []
        var texts: [String: [String]] = [:]
        var attributes: [[String: String]] = []
        private var current = ""
        private var path: [String] = []

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            elements.append(name)
            path.append(name)
            self.attributes.append(attributes)
            current = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            texts[name, default: []].append(current)
            path.removeLast()
            current = ""
        }

        static func read(_ text: String) throws -> Reader {
            let reader = Reader()
            let parser = XMLParser(data: Data(text.utf8))
            parser.delegate = reader
            guard parser.parse() else {
                throw HarnessError("not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
            }
            return reader
        }
    }

    @Test("RSS 2.0 and Atom 1.0 for the latest topics and a category: well-formed, absolute, dated, escaped")
    func feeds() async throws {
        let (community, manager) = try await ForumPagesTests.community()
        defer { community.close() }
        _ = try await community.services.forum.startTopic(
            manager, in: CategoryID(2), title: "<script>alert(1)</script> & news",
            body: "Read [the notes](https://example.org/notes) & ![logo](/uploads/ab.png)")
        try await community.test { client in
            let rss = try await client.execute(uri: "/latest.rss", method: .get)
            #expect(rss.headers[.contentType] == "application/rss+xml; charset=utf-8")
            let rssText = String(buffer: rss.body)
            let channel = try Reader.read(rssText)
            #expect(channel.elements.contains("channel"))
            #expect(channel.texts["title"]?.last == "<script>alert(1)</script> & news")
            #expect(channel.texts["link"]?.last == "http://hearth.test/t/1/script-alert-1-script-news")
            let date = try #require(channel.texts["pubDate"]?.first)
            #expect(
                date.range(
                    of: #"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$"#,
                    options: .regularExpression) != nil, "\(date)")
            let description = try #require(channel.texts["description"]?.last)
            #expect(description.contains(#"<a href="https://example.org/notes" rel="nofollow ugc noopener">"#))
            #expect(description.contains(#"src="http://hearth.test/uploads/ab.png""#))
            #expect(!rssText.contains("<script>"))

            let atom = try await client.execute(uri: "/c/news/feed.atom", method: .get)
            #expect(atom.headers[.contentType] == "application/atom+xml; charset=utf-8")
            let feed = try Reader.read(String(buffer: atom.body))
            #expect(feed.elements.first == "feed")
            #expect(feed.texts["id"]?.first == "http://hearth.test/c/news/feed.atom")
            let updated = try #require(feed.texts["updated"]?.first)
            #expect(updated.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"#, options: .regularExpression) != nil)
            #expect(feed.texts["name"] == ["Member cm@"])
            #expect(
                feed.attributes.contains { $0["rel"] == "self" && $0["href"] == "http://hearth.test/c/news/feed.atom" })

            let general = try Reader.read(
                String(buffer: try await client.execute(uri: "/c/general/feed.rss", method: .get).body))
            #expect(general.elements.contains("item") == false, "the general category has no topics")
            #expect(try await client.execute(uri: "/c/missing/feed.rss", method: .get).status == .notFound)
        }
    }
}
