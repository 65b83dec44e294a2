import Foundation
import HearthCore
import Testing

@testable import HearthApp

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("Dump row reader")
struct XMLRowFileTests {
    /// The rows as Foundation's XMLParser reads them: what the importer read before it had its own reader.
    final class ParserRows: NSObject, XMLParserDelegate {
        var rows: [[String: String]] = []

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if name == "row" { rows.append(attributes) }
        }
    }

    static func parsed(_ url: URL) throws -> [[String: String]] {
        let parser = try #require(XMLParser(contentsOf: url))
        let rows = ParserRows()
        parser.delegate = rows
        parser.shouldResolveExternalEntities = false
        #expect(parser.parse())
        return rows.rows
    }

    /// Every attribute of every row, read with the reader's `string`.
    static func read(_ url: URL, names: [StaticString]) throws -> [[String: String]] {
        let file = try #require(try XMLRowFile(url))
        var rows: [[String: String]] = []
        _ = try file.scan { row in
            var values: [String: String] = [:]
            for name in names { values["\(name)"] = row.string(name) }
            rows.append(values)
        }
        return rows
    }

    static func write(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rows-\(UUID().uuidString).xml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test("rows read the same as with XMLParser: references, line breaks, tabs, quotes and non-ASCII text")
    func sameAsXMLParser() throws {
        let text = """
            \u{FEFF}<?xml version="1.0" encoding="utf-8"?>
            <!DOCTYPE posts SYSTEM 'posts.dtd'>
            <!-- a comment -->
            <posts>
              <![CDATA[ignored <row Id="0"/> text]]>
              <row Id="1" Body="&lt;p&gt;Is 3 &lt; 4 &amp;&amp; &quot;x&quot; &apos;y&apos;?&lt;/p&gt;&#xA;&#xD;&#xA;next&#10;line&#9;tab" />
              <row Id='2' Title='single "quoted"' Body="literal
            line break	and tab" />
              <row   Id = "3"   Title="é à ü 日本 &#233;&#x1F600;"/>
              <row Id="4" Title=""></row>
            </posts>

            """
        let url = try Self.write(text)
        let names: [StaticString] = ["Id", "Title", "Body"]
        let ours = try Self.read(url, names: names)
        let foundation = try Self.parsed(url)
        #expect(ours.count == 4)
        #expect(ours == foundation)
    }

    @Test("the demo dump reads the same as with XMLParser, and its rows read again by their place")
    func demoDump() throws {
        let dump = try #require(HearthServices.demoDump)
        let names: [StaticString] = [
            "Id", "PostTypeId", "ParentId", "AcceptedAnswerId", "CreationDate", "OwnerUserId", "Title", "Body",
            "PostId", "Text", "UserId", "PostHistoryTypeId", "DisplayName", "AboutMe", "VoteTypeId",
        ]
        for name in ["Posts", "Users", "Comments", "PostHistory"] {
            let url = dump.appendingPathComponent("\(name).xml")
            let ours = try Self.read(url, names: names)
            let wanted = Set(names.map { "\($0)" })
            let foundation = try Self.parsed(url).map { $0.filter { wanted.contains($0.key) } }
            #expect(ours.count == foundation.count, "\(name).xml")
            for (mine, theirs) in zip(ours, foundation) where mine != theirs {
                Issue.record(
                    "\(name).xml: \(mine.filter { theirs[$0.key] != $0.value }) against \(theirs.filter { mine[$0.key] != $0.value })"
                )
                break
            }
            let file = try #require(try XMLRowFile(url))
            var places: [(RowLocation, String?)] = []
            _ = try file.scan { row in places.append((row.location, row.string("Id"))) }
            for (location, id) in places {
                #expect(try file.row(at: location) { $0.string("Id") } == id)
            }
        }
    }

    @Test("dates are read from their bytes as Foundation reads them")
    func dates() throws {
        let url = try Self.write(
            """
            <rows><row A="2010-08-25T19:50:51.187" /><row A="2010-08-25T19:50:51" /><row A="1999-12-31T23:59:59.9Z" />\
            <row A="2024-02-29T00:00:00.000" /><row A="1970-01-01T00:00:00.001" /><row A="not a date" /></rows>
            """)
        let file = try #require(try XMLRowFile(url))
        var pairs: [(Int64?, String?)] = []
        _ = try file.scan { row in pairs.append((row.milliseconds("A"), row.string("A"))) }
        #expect(pairs.count == 6)
        for (milliseconds, text) in pairs {
            #expect(milliseconds == StackExchangeDump.date(text).millisecondsSince1970, "\(text ?? "")")
        }
    }

    @Test("a damaged file is refused at the line of the damage, a cut-short one as cut short")
    func refusals() throws {
        let cases: [(String, XMLRowFile.Failure)] = [
            (#"<posts><row Id="1" Title="x" </posts>"#, .malformed(offset: 29)),
            ("<posts>\n<row Id=\"1\"/>\n<row Id=\"2\" Body=\"a < b\"/>\n</posts>", .malformed(offset: 42)),
            ("<posts>\n<row Id=\"1\" Body=\"&nbsp;\"/>\n</posts>", .malformed(offset: 26)),
            ("<posts>\n<row Id=\"1\" Body=\"&#1;\"/>\n</posts>", .malformed(offset: 26)),
            ("<posts>\n<other Id=\"1\"/>\n</posts>", .malformed(offset: 8)),
            ("<posts>\n<row Id=\"1\"/>\n</users>", .malformed(offset: 22)),
            ("<posts>\n<row Id=\"1\"/>\n</posts>\n<posts/>", .malformed(offset: 31)),
            ("<posts>\n<row Id=\"1\"/>\n<row Id=\"2\" Bo", .cutShort(rows: 1)),
            ("<posts>\n<row Id=\"1\"/>\n", .cutShort(rows: 1)),
            ("", .cutShort(rows: 0)),
        ]
        for (text, failure) in cases {
            let file = try #require(try XMLRowFile(try Self.write(text)))
            #expect(throws: failure, "\(text)") { _ = try file.scan { _ in } }
        }
        let file = try #require(
            try XMLRowFile(try Self.write("<posts>\n<row Id=\"1\"/>\n<row Id=\"2\" Body=\"a < b\"/>")))
        #expect(file.line(at: 42) == 3)
    }

    @Test("a row longer than the reading buffer is read whole")
    func longRow() throws {
        let body = String(repeating: "abc &amp; ", count: 300_000)
        let url = try Self.write("<posts><row Id=\"1\" Body=\"\(body)\"/><row Id=\"2\"/></posts>")
        let rows = try Self.read(url, names: ["Id", "Body"])
        #expect(rows.count == 2)
        #expect(rows.first?["Body"] == String(repeating: "abc & ", count: 300_000))
    }
}
