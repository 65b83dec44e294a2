import Foundation
import HearthCore

/// The files of a Stack Exchange data dump that Hearth reads, each a list of `<row …/>` elements. Only
/// Posts.xml and Users.xml are required; Comments, Votes and PostHistory are used when present.
///
/// Reading a dump scans each file once, checking it whole before anything is imported, and keeps only an index:
/// for each row the importer will want, the id it is found by and where it lies in its file (16 to 24 bytes).
/// The rows themselves are read again, thread by thread, as the import reaches them. A dump of a million posts
/// is indexed in a few tens of megabytes.
final class StackExchangeDump: Sendable {
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

    /// A favourite (vote type 5) with its voter: the only votes the importer uses, so the only ones kept.
    struct Favourite: Sendable {
        let postID: Int
        let userID: Int
        let createdAtMilliseconds: Int64
    }

    /// A question, by the date it opens its topic on.
    struct Question: Sendable {
        let id: Int
        let createdAtMilliseconds: Int64
        let location: RowLocation
    }

    /// A row found by the id of what it belongs to: an answer by its question, a comment or history entry by its
    /// post, a user by its own id. `id` is the row's own id where the importer needs it (answers).
    struct Keyed: Sendable {
        let key: Int
        let id: Int
        let location: RowLocation
    }

    /// The rows of one question's thread, read from the files.
    struct Thread {
        let question: Post
        let answers: [Post]
        /// By post id: the comments on it, its history and its favourites.
        let comments: [String: [Comment]]
        let history: [String: [History]]
        let favourites: [String: [Favourite]]
    }

    /// Questions in the order their topics are created: by date.
    let questions: [Question]
    /// Each question's posts once imported (itself, its answers, and the comments on both), in `questions`' order:
    /// how far an import has got is counted in posts.
    let threadSizes: [Int]
    let postCount: Int

    private let posts: XMLRowFile
    private let usersFile: XMLRowFile
    private let commentsFile: XMLRowFile?
    private let historyFile: XMLRowFile?
    private let answers: [Keyed]
    private let comments: [Keyed]
    private let history: [Keyed]
    private let users: [Keyed]
    private let favourites: [Favourite]

    /// The PostHistory kinds the importer reads: bodies as typed (initial 2, edited 5, rolled back 8) and closing
    /// (10 closed, 11 reopened, 14 locked, 15 unlocked).
    static let historyKinds: Set<Int> = [2, 5, 8, 10, 11, 14, 15]

    private init(
        posts: XMLRowFile, users usersFile: XMLRowFile, comments commentsFile: XMLRowFile?,
        history historyFile: XMLRowFile?, questions: [Question], answers: [Keyed], comments: [Keyed],
        history: [Keyed], users: [Keyed], favourites: [Favourite]
    ) {
        self.posts = posts
        self.usersFile = usersFile
        self.commentsFile = commentsFile
        self.historyFile = historyFile
        self.questions = questions
        self.answers = answers
        self.comments = comments
        self.history = history
        self.users = users
        self.favourites = favourites
        let sizes = questions.map { question in
            let ids = [question.id] + Self.range(of: question.id, in: answers).map { answers[$0].id }
            return ids.reduce(0) { $0 + 1 + Self.range(of: $1, in: comments).count }
        }
        threadSizes = sizes
        postCount = sizes.reduce(0, +)
    }

    /// Reads the dump in `directory`; a missing required file or a malformed one is a clear error.
    static func read(_ directory: URL) throws -> StackExchangeDump {
        func file(_ name: String, required: Bool) throws -> XMLRowFile? {
            let url = directory.appendingPathComponent("\(name).xml")
            guard let file = try XMLRowFile(url) else {
                if required {
                    throw HearthError.invalid(
                        "directory", "\(directory.path) has no \(name).xml; is it a Stack Exchange dump?")
                }
                return nil
            }
            return file
        }
        guard let usersFile = try file("Users", required: true), let postsFile = try file("Posts", required: true)
        else { throw HearthError.invalid("directory", "\(directory.path) is not a Stack Exchange dump.") }
        let commentsFile = try file("Comments", required: false)
        let historyFile = try file("PostHistory", required: false)
        let votesFile = try file("Votes", required: false)

        var users: [Keyed] = []
        try scan(usersFile, directory) { row in
            guard let id = row.integer("Id") else { return }
            users.append(Keyed(key: id, id: id, location: row.location))
        }
        var questions: [Question] = []
        var answers: [Keyed] = []
        try scan(postsFile, directory) { row in
            guard let id = row.integer("Id") else { return }
            switch row.integer("PostTypeId") {
            case 1:
                questions.append(
                    Question(
                        id: id, createdAtMilliseconds: row.milliseconds("CreationDate") ?? 0, location: row.location))
            case 2:
                guard let parent = row.integer("ParentId") else { return }
                answers.append(Keyed(key: parent, id: id, location: row.location))
            default:
                break
            }
        }
        var comments: [Keyed] = []
        if let commentsFile {
            try scan(commentsFile, directory) { row in
                guard let post = row.integer("PostId") else { return }
                comments.append(Keyed(key: post, id: row.integer("Id") ?? 0, location: row.location))
            }
        }
        var history: [Keyed] = []
        if let historyFile {
            try scan(historyFile, directory) { row in
                guard let post = row.integer("PostId"), let kind = row.integer("PostHistoryTypeId"),
                    historyKinds.contains(kind)
                else { return }
                history.append(Keyed(key: post, id: kind, location: row.location))
            }
        }
        var favourites: [Favourite] = []
        if let votesFile {
            try scan(votesFile, directory) { row in
                guard row.integer("VoteTypeId") == 5, let post = row.integer("PostId"), let user = row.integer("UserId")
                else { return }
                favourites.append(
                    Favourite(
                        postID: post, userID: user, createdAtMilliseconds: row.milliseconds("CreationDate") ?? 0))
            }
        }
        // Sorted by key, then by place in the file, so that each group keeps the file's order.
        func sorted(_ rows: [Keyed]) -> [Keyed] {
            rows.sorted { ($0.key, $0.location.offset) < ($1.key, $1.location.offset) }
        }
        return StackExchangeDump(
            posts: postsFile, users: usersFile, comments: commentsFile, history: historyFile,
            questions: questions.enumerated().sorted {
                ($0.element.createdAtMilliseconds, $0.offset) < ($1.element.createdAtMilliseconds, $1.offset)
            }.map(\.element),
            answers: sorted(answers), comments: sorted(comments), history: sorted(history), users: sorted(users),
            favourites: favourites.enumerated().sorted {
                ($0.element.postID, $0.offset) < ($1.element.postID, $1.offset)
            }
            .map(\.element))
    }

    /// Scans one file, turning its failures into messages that name it and say nothing was imported.
    private static func scan(_ file: XMLRowFile, _ directory: URL, _ onRow: (XMLRowView) throws -> Void) throws {
        do {
            _ = try file.scan(onRow)
        } catch XMLRowFile.Failure.malformed(let offset) {
            throw HearthError.invalid(
                "directory",
                "\(file.name) is not well-formed XML (line \(file.line(at: offset))); nothing was imported from \(directory.path)."
            )
        } catch XMLRowFile.Failure.cutShort(let rows) {
            // A half-read file must not become half a community.
            throw HearthError.invalid(
                "directory",
                "\(file.name) ends before its last element is closed (\(rows) rows read): the file looks cut short. Nothing was imported from \(directory.path)."
            )
        } catch XMLRowFile.Failure.unreadable {
            throw HearthError.invalid("directory", "\(file.url.path) cannot be read.")
        }
    }

    /// Reads the rows of the thread of `questions[index]`.
    func thread(_ index: Int) throws -> Thread {
        let entry = questions[index]
        let question = try posts.row(at: entry.location, Self.post)
        let answers = try Self.range(of: entry.id, in: self.answers).map {
            try posts.row(at: self.answers[$0].location, Self.post)
        }
        var comments: [String: [Comment]] = [:]
        var history: [String: [History]] = [:]
        var favourites: [String: [Favourite]] = [:]
        for post in [question] + answers {
            guard let id = Int(post.id) else { continue }
            if let commentsFile {
                let rows = try Self.range(of: id, in: self.comments).map {
                    try commentsFile.row(at: self.comments[$0].location, Self.comment)
                }
                if !rows.isEmpty { comments[post.id] = rows }
            }
            if let historyFile {
                let rows = try Self.range(of: id, in: self.history).map {
                    try historyFile.row(at: self.history[$0].location, Self.history)
                }
                if !rows.isEmpty { history[post.id] = rows }
            }
            let given = Self.range(of: id, in: self.favourites, key: \.postID).map { self.favourites[$0] }
            if !given.isEmpty { favourites[post.id] = given }
        }
        return Thread(
            question: question, answers: answers, comments: comments, history: history, favourites: favourites)
    }

    /// Whether Users.xml has the user: posts by anyone else are the "former member"'s.
    func hasUser(_ id: Int) -> Bool {
        !Self.range(of: id, in: users).isEmpty
    }

    /// The user's row, when Users.xml has it.
    func user(_ id: Int) throws -> User? {
        guard let index = Self.range(of: id, in: users).first else { return nil }
        return try usersFile.row(at: users[index].location) { row in
            User(
                id: row.string("Id") ?? "", displayName: row.string("DisplayName") ?? "",
                aboutMe: row.string("AboutMe") ?? "", createdAt: Self.date(row, "CreationDate"))
        }
    }

    private static func post(_ row: XMLRowView) -> Post {
        Post(
            id: row.string("Id") ?? "", typeID: row.integer("PostTypeId") ?? 0, parentID: row.string("ParentId"),
            acceptedAnswerID: row.string("AcceptedAnswerId"), createdAt: date(row, "CreationDate"),
            ownerID: row.string("OwnerUserId"), title: row.string("Title") ?? "", body: row.string("Body") ?? "")
    }

    private static func comment(_ row: XMLRowView) -> Comment {
        Comment(
            id: row.string("Id") ?? "", postID: row.string("PostId") ?? "", text: row.string("Text") ?? "",
            createdAt: date(row, "CreationDate"), userID: row.string("UserId"))
    }

    private static func history(_ row: XMLRowView) -> History {
        History(
            typeID: row.integer("PostHistoryTypeId") ?? 0, postID: row.string("PostId") ?? "",
            createdAt: date(row, "CreationDate"), userID: row.string("UserId"), text: row.string("Text") ?? "")
    }

    private static func date(_ row: XMLRowView, _ name: StaticString) -> Date {
        Date(millisecondsSince1970: row.milliseconds(name) ?? 0)
    }

    /// The indices of the rows whose key is `key`, in a list sorted by key.
    private static func range(of key: Int, in rows: [Keyed]) -> Range<Int> {
        range(of: key, in: rows, key: \.key)
    }

    private static func range<Row>(of key: Int, in rows: [Row], key path: KeyPath<Row, Int>) -> Range<Int> {
        var low = 0
        var high = rows.count
        while low < high {
            let middle = (low + high) / 2
            if rows[middle][keyPath: path] < key { low = middle + 1 } else { high = middle }
        }
        var end = low
        while end < rows.count, rows[end][keyPath: path] == key { end += 1 }
        return low..<end
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
}
