import Foundation
import HearthCore

/// An RSS 2.0 or Atom 1.0 feed. Every address is absolute (built from the public URL), dates are RFC 822
/// for RSS and RFC 3339 for Atom, and all text is XML-escaped; post HTML goes in escaped, as both formats
/// expect for HTML content.
public struct Feed: Sendable {
    public struct Entry: Sendable {
        public let title: String
        /// Absolute address of the entry's page, also its permanent id.
        public let link: String
        public let published: Date
        public let updated: Date
        public let authorName: String
        public let html: String

        public init(title: String, link: String, published: Date, updated: Date, authorName: String, html: String) {
            self.title = title
            self.link = link
            self.published = published
            self.updated = updated
            self.authorName = authorName
            self.html = html
        }
    }

    public let title: String
    public let description: String
    /// Absolute address of the page the feed follows.
    public let link: String
    /// Absolute address of the feed itself.
    public let selfLink: String
    public let language: String
    public let entries: [Entry]

    public init(
        title: String, description: String, link: String, selfLink: String, language: String, entries: [Entry]
    ) {
        self.title = title
        self.description = description
        self.link = link
        self.selfLink = selfLink
        self.language = language
        self.entries = entries
    }

    public var rss: String {
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
            <channel>
            <title>\(title.htmlEscaped)</title>
            <link>\(link.htmlEscaped)</link>
            <description>\(description.htmlEscaped)</description>
            <language>\(language)</language>
            <atom:link href="\(selfLink.htmlEscaped)" rel="self" type="application/rss+xml"/>

            """
        if let newest = entries.map(\.updated).max() {
            xml += "<lastBuildDate>\(Self.rfc822(newest))</lastBuildDate>\n"
        }
        for entry in entries {
            xml += """
                <item>
                <title>\(entry.title.htmlEscaped)</title>
                <link>\(entry.link.htmlEscaped)</link>
                <guid isPermaLink="true">\(entry.link.htmlEscaped)</guid>
                <pubDate>\(Self.rfc822(entry.published))</pubDate>
                <dc:creator>\(entry.authorName.htmlEscaped)</dc:creator>
                <description>\(entry.html.htmlEscaped)</description>
                </item>

                """
        }
        // Text stored before inputs were cleaned may still hold characters XML forbids; one would break the feed.
        return (xml + "</channel>\n</rss>\n").withoutXMLForbiddenCharacters
    }

    public var atom: String {
        let updated = entries.map(\.updated).max() ?? Date(timeIntervalSince1970: 0)
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="\(language)">
            <title>\(title.htmlEscaped)</title>
            <subtitle>\(description.htmlEscaped)</subtitle>
            <id>\(selfLink.htmlEscaped)</id>
            <link href="\(link.htmlEscaped)"/>
            <link href="\(selfLink.htmlEscaped)" rel="self" type="application/atom+xml"/>
            <updated>\(Self.rfc3339(updated))</updated>

            """
        for entry in entries {
            xml += """
                <entry>
                <title>\(entry.title.htmlEscaped)</title>
                <link href="\(entry.link.htmlEscaped)"/>
                <id>\(entry.link.htmlEscaped)</id>
                <published>\(Self.rfc3339(entry.published))</published>
                <updated>\(Self.rfc3339(entry.updated))</updated>
                <author><name>\(entry.authorName.htmlEscaped)</name></author>
                <content type="html">\(entry.html.htmlEscaped)</content>
                </entry>

                """
        }
        return (xml + "</feed>\n").withoutXMLForbiddenCharacters
    }

    static func rfc822(_ date: Date) -> String {
        date.formatted(
            Date.VerbatimFormatStyle(
                format: """
                    \(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .defaultDigits) \
                    \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\
                    \(second: .twoDigits) +0000
                    """,
                locale: Locale(identifier: "en_US_POSIX"), timeZone: TimeZone(identifier: "UTC")!,
                calendar: Calendar(identifier: .gregorian)))
    }

    static func rfc3339(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
