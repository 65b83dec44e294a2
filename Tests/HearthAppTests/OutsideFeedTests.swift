import AsyncHTTPClient
import Foundation
import HearthCore
import HearthTestSupport
import Testing

@testable import HearthApp

/// Reading the outside safely (issue 22's ground): feeds parsed from a real server (Python's http.server, and
/// Hearth's own feeds as a second community), conditional GET, and hostile feeds refused in words: the billion
/// laughs, an external entity reading a file, a 50 MB body, bytes that are not what they claim, an address inside.
@Suite("Outside feeds", .serialized)
struct OutsideFeedTests {
    static let rss = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Le forum d'à côté</title>
        <item><title>Hearth &amp; the export</title><link>https://example.org/t/1</link><guid>t-1</guid>
        <dc:creator>Léa</dc:creator><pubDate>Tue, 01 Dec 2026 10:00:00 +0000</pubDate>
        <description><![CDATA[<p>The <b>export</b> of Hearth crashes.</p>]]></description></item>
        <item><title>Second</title><link>https://example.org/t/2</link></item>
        </channel></rss>
        """
    static let atom = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom"><title>A blog</title>
        <entry><title>Dark mode at last</title><id>urn:1</id><link rel="alternate" href="https://blog.example/1"/>
        <link rel="edit" href="https://blog.example/1/edit"/><updated>2026-12-01T10:00:00Z</updated>
        <author><name>Paul</name></author><summary>We love the new dark mode.</summary></entry></feed>
        """
    static let billionLaughs = """
        <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">
        <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><rss><channel><title>&lol3;</title></channel></rss>
        """
    static let externalEntity = """
        <?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
        <rss><channel><title>&secret;</title></channel></rss>
        """

    @Test("RSS and Atom entries are read: ids, links, authors, dates and plain text")
    func parse() throws {
        let (title, entries) = try FeedParser.parse(Array(Self.rss.utf8))
        #expect(title == "Le forum d'à côté")
        #expect(entries.count == 2)
        #expect(entries[0].id == "t-1" && entries[0].title == "Hearth & the export" && entries[0].author == "Léa")
        #expect(entries[0].text == "The export of Hearth crashes.")
        #expect(entries[0].published == Date(timeIntervalSince1970: 1_796_119_200))
        #expect(entries[1].id == "https://example.org/t/2")
        #expect(FeedParser.date("2026-12-01T10:00:00.250Z") != nil, "fractional seconds, as some blogs write them")
        let atom = try FeedParser.parse(Array(Self.atom.utf8)).entries
        #expect(
            atom == [
                FeedEntry(
                    id: "urn:1", title: "Dark mode at last", link: "https://blog.example/1", author: "Paul",
                    published: Date(timeIntervalSince1970: 1_796_119_200), text: "We love the new dark mode.")
            ])
    }

    @Test("hostile and broken feeds are refused in words")
    func hostile() throws {
        func refusal(_ text: String) -> String? {
            do {
                _ = try FeedParser.parse(Array(text.utf8))
                return nil
            } catch let error as HearthError {
                return error.userMessage
            } catch {
                return "\(error)"
            }
        }
        let entities = "The feed declares entities, which Hearth refuses to expand (they can hide an attack)."
        #expect(refusal(Self.billionLaughs) == entities)
        #expect(refusal(Self.externalEntity) == entities)
        // Pushed far down by padding, the declaration is still found: the whole document is searched.
        let padded = Self.billionLaughs.replacingOccurrences(
            of: "<!DOCTYPE lolz [", with: "<!DOCTYPE lolz [<!--" + String(repeating: " ", count: 2_000_000) + "-->")
        #expect(refusal(padded) == entities)
        #expect(
            refusal("<?xml version=\"1.0\"?><!DOCTYPE rss [<!ATTLIST rss a CDATA 'b'>]><rss/>")
                == "The feed carries its own document type definition, which Hearth refuses to read.")
        #expect(
            refusal("<?xml version=\"1.0\" encoding=\"UTF-7\"?><rss/>")
                == "The feed's encoding (utf-7) is not one Hearth reads: UTF-8 or ISO-8859.")
        let utf16 = [UInt8]([0xFF, 0xFE]) + Array("<rss/>".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        #expect(throws: HearthError.self) { try FeedParser.parse(utf16) }
        #expect(refusal("<rss><channel><title>cut") == "The feed is not valid XML at line 1.")
        #expect(refusal("<html><body>Not a feed</body></html>") == "This is not an RSS or Atom feed.")
        // Bytes that are not the UTF-8 they claim to be.
        let wrong =
            Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss><channel><title>caf".utf8) + [0xE9]
            + Array("</title></channel></rss>".utf8)
        #expect(refusal(String(decoding: wrong, as: UTF8.self)) == nil, "replacement characters are text")
        #expect(throws: HearthError.self) { try FeedParser.parse(wrong) }
        // A declared Latin-1 feed reads as itself.
        let latin1 =
            Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<rss><channel><title>caf".utf8) + [0xE9]
            + Array("</title></channel></rss>".utf8)
        #expect(try FeedParser.parse(latin1).title == "café")
    }

    @Test("a real server: conditional GET, a 50 MB body stopped at the limit, inside addresses refused")
    func server() async throws {
        let python = try #require(TestEnvironment.executable("python3"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-feeds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.rss.write(to: folder.appendingPathComponent("feed.xml"), atomically: true, encoding: .utf8)
        try Data(count: 50_000_000).write(to: folder.appendingPathComponent("huge.xml"))
        let port = try TestEnvironment.freePort()
        let server = try ChildProcess([
            python, "-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", folder.path,
        ])
        defer { server.stop() }
        try TestEnvironment.waitForPort(port, seconds: 20)
        let fetcher = OutsideFetcher(allowPrivate: true)
        let base = "http://127.0.0.1:\(port)"
        guard case .fresh(let body, _, let lastModified) = try await fetcher.fetch(base + "/feed.xml") else {
            Issue.record("the first fetch brought nothing")
            return
        }
        #expect(try FeedParser.parse(body).entries.count == 2)
        #expect(lastModified != nil)
        #expect(try await fetcher.fetch(base + "/feed.xml", lastModified: lastModified) == .notModified)
        await #expect(throws: HearthError.tooLarge("The answer is larger than 5 MB: Hearth stopped reading it.")) {
            try await fetcher.fetch(base + "/huge.xml")
        }
        await #expect(throws: HearthError.unavailable("404: there is nothing at that address.")) {
            try await fetcher.fetch(base + "/missing.xml")
        }
        // Without the configuration's permission, this machine is out of reach, and so is any other scheme.
        let careful = OutsideFetcher(allowPrivate: false)
        await #expect(throws: HearthError.self) { try await careful.fetch(base + "/feed.xml") }
        await #expect(throws: HearthError.self) { try await careful.check("http://10.1.2.3/feed") }
        await #expect(throws: HearthError.self) { try await careful.check("http://[::1]:8080/feed") }
        await #expect(throws: HearthError.self) { try await careful.check("file:///etc/passwd") }
        await #expect(throws: HearthError.self) { try await careful.check("gopher://example.org/") }
        await #expect(throws: HearthError.self) { try await careful.check("http://[::ffff:127.0.0.1]/feed") }
        await #expect(throws: HearthError.self) { try await careful.check("http://2130706433/feed") }
        #expect(OutsideFetcher.isInside("fe80::1%eth0") && OutsideFetcher.isInside("not an address"))
        #expect(!OutsideFetcher.isInside("93.184.216.34") && !OutsideFetcher.isInside("2606:4700::1111"))
    }
}
