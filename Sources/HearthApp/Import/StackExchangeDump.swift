import Foundation
import HearthCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The files of a Stack Exchange data dump that Hearth reads, each a list of `<row …/>` elements. Only
/// Posts.xml and Users.xml are required; Comments, Votes and PostHistory are used when present.
struct StackExchangeDump {
    struct User {
        let id: String
        let displayName: String
        let aboutMe: String
        let createdAt: Date
    }

    struct Post {
        let id: String
        let typeID: Int
        let parentID: String?
        let acceptedAnswerID: String?
        let createdAt: Date
        let ownerID: String?
        let title: String
        let body: String
    }

    struct Comment {
        let id: String
        let postID: String
        let text: String
        let createdAt: Date
        let userID: String?
    }

    struct History {
        let typeID: Int
        let postID: String
        let createdAt: Date
        let userID: String?
        let text: String
    }

    struct Vote {
        let postID: String
        let typeID: Int
        let userID: String?
        let createdAt: Date
    }

    var users: [User] = []
    var posts: [Post] = []
    var comments: [Comment] = []
    var history: [History] = []
    var votes: [Vote] = []

    /// Reads the dump in `directory`; a missing required file or a malformed one is a clear error.
    static func read(_ directory: URL) throws -> StackExchangeDump {
        var dump = StackExchangeDump()
        dump.users = try rows(directory, "Users", required: true).map {
            User(
                id: $0["Id"] ?? "", displayName: $0["DisplayName"] ?? "", aboutMe: $0["AboutMe"] ?? "",
                createdAt: date($0["CreationDate"]))
        }
        dump.posts = try rows(directory, "Posts", required: true).map {
            Post(
                id: $0["Id"] ?? "", typeID: Int($0["PostTypeId"] ?? "") ?? 0, parentID: $0["ParentId"],
                acceptedAnswerID: $0["AcceptedAnswerId"], createdAt: date($0["CreationDate"]),
                ownerID: $0["OwnerUserId"],
                title: $0["Title"] ?? "", body: $0["Body"] ?? "")
        }
        dump.comments = try rows(directory, "Comments", required: false).map {
            Comment(
                id: $0["Id"] ?? "", postID: $0["PostId"] ?? "", text: $0["Text"] ?? "",
                createdAt: date($0["CreationDate"]), userID: $0["UserId"])
        }
        dump.history = try rows(directory, "PostHistory", required: false).map {
            History(
                typeID: Int($0["PostHistoryTypeId"] ?? "") ?? 0, postID: $0["PostId"] ?? "",
                createdAt: date($0["CreationDate"]), userID: $0["UserId"], text: $0["Text"] ?? "")
        }
        dump.votes = try rows(directory, "Votes", required: false).map {
            Vote(
                postID: $0["PostId"] ?? "", typeID: Int($0["VoteTypeId"] ?? "") ?? 0, userID: $0["UserId"],
                createdAt: date($0["CreationDate"]))
        }
        return dump
    }

    /// Dates in dumps are UTC without a zone: "2010-08-25T19:50:51.187".
    static func date(_ text: String?) -> Date {
        guard let text else { return Date(timeIntervalSince1970: 0) }
        let withZone = text.hasSuffix("Z") ? text : text + "Z"
        if let date = try? Date(
            withZone, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
        {
            return date
        }
        return (try? Date(withZone, strategy: .iso8601)) ?? Date(timeIntervalSince1970: 0)
    }

    private static func rows(_ directory: URL, _ name: String, required: Bool) throws -> [[String: String]] {
        let url = directory.appendingPathComponent("\(name).xml")
        guard FileManager.default.fileExists(atPath: url.path) else {
            if required {
                throw HearthError.invalid(
                    "directory", "\(directory.path) has no \(name).xml; is it a Stack Exchange dump?")
            }
            return []
        }
        guard let parser = XMLParser(contentsOf: url) else {
            throw HearthError.invalid("directory", "\(url.path) cannot be read.")
        }
        let collector = RowCollector()
        parser.delegate = collector
        parser.shouldResolveExternalEntities = false
        guard parser.parse() else {
            let line = parser.lineNumber
            throw HearthError.invalid(
                "directory",
                "\(url.lastPathComponent) is not well-formed XML (line \(line)); nothing was imported from \(directory.path)."
            )
        }
        // The parser may stop at the end of a cut-short file without an error; a complete dump closes its root
        // element. A half-read file must not become half a community.
        guard collector.closedRoot else {
            throw HearthError.invalid(
                "directory",
                "\(url.lastPathComponent) ends before its last element is closed (\(collector.rows.count) rows read): the file looks cut short. Nothing was imported from \(directory.path)."
            )
        }
        return collector.rows
    }

    private final class RowCollector: NSObject, XMLParserDelegate {
        var rows: [[String: String]] = []
        var depth = 0
        /// Set when the root element's end tag is read.
        var closedRoot = false

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            depth += 1
            if name == "row" { rows.append(attributes) }
        }

        func parser(
            _ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?
        ) {
            depth -= 1
            if depth == 0 { closedRoot = true }
        }
    }
}
