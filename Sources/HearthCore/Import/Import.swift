import Foundation

/// Bringing a community in from elsewhere. Every imported thing carries its id at the source, and a
/// ledger remembers what each became here, so importing the same data again adds nothing twice (and a
/// newer dump of the same site adds only what is new).

/// A person at the source.
public struct ImportedMember: Sendable, Equatable {
    public var externalID: String
    public var displayName: String
    public var bio: String
    public var createdAt: Date

    public init(externalID: String, displayName: String, bio: String, createdAt: Date) {
        self.externalID = externalID
        self.displayName = displayName
        self.bio = bio
        self.createdAt = createdAt
    }
}

/// One post of an imported thread, its text already Markdown.
public struct ImportedPost: Sendable, Equatable {
    public var externalID: String
    public var authorID: MemberID
    public var body: String
    public var html: String
    public var createdAt: Date
    /// Earlier texts, oldest first, each with who replaced it and when.
    public var revisions: [ImportedRevision]
    /// The source id of the post this one answers or comments on, shown as a quote.
    public var quotesExternalID: String?
    public var reactions: [ImportedReaction]

    public init(
        externalID: String, authorID: MemberID, body: String, html: String, createdAt: Date,
        revisions: [ImportedRevision] = [], quotesExternalID: String? = nil, reactions: [ImportedReaction] = []
    ) {
        self.externalID = externalID
        self.authorID = authorID
        self.body = body
        self.html = html
        self.createdAt = createdAt
        self.revisions = revisions
        self.quotesExternalID = quotesExternalID
        self.reactions = reactions
    }
}

public struct ImportedRevision: Sendable, Equatable {
    public var body: String
    public var editorID: MemberID
    public var replacedAt: Date

    public init(body: String, editorID: MemberID, replacedAt: Date) {
        self.body = body
        self.editorID = editorID
        self.replacedAt = replacedAt
    }
}

public struct ImportedReaction: Sendable, Equatable {
    public var memberID: MemberID
    public var kind: ReactionKind
    public var createdAt: Date

    public init(memberID: MemberID, kind: ReactionKind, createdAt: Date) {
        self.memberID = memberID
        self.kind = kind
        self.createdAt = createdAt
    }
}

/// A topic and its posts in order, the first one opening it.
public struct ImportedThread: Sendable, Equatable {
    public var externalID: String
    public var categoryID: CategoryID
    public var title: String
    public var posts: [ImportedPost]
    /// When the topic was closed or locked at the source and not reopened since.
    public var closedAt: Date?

    public init(externalID: String, categoryID: CategoryID, title: String, posts: [ImportedPost], closedAt: Date?) {
        self.externalID = externalID
        self.categoryID = categoryID
        self.title = title
        self.posts = posts
        self.closedAt = closedAt
    }
}

/// What an import created, and what it found already there.
public struct ImportCounts: Sendable, Equatable {
    public var members = 0
    public var categories = 0
    public var topics = 0
    public var posts = 0
    public var revisions = 0
    public var reactions = 0
    public var closedTopics = 0
    public var alreadyThere = 0

    public init() {}

    public static func + (lhs: ImportCounts, rhs: ImportCounts) -> ImportCounts {
        var sum = lhs
        sum.members += rhs.members
        sum.categories += rhs.categories
        sum.topics += rhs.topics
        sum.posts += rhs.posts
        sum.revisions += rhs.revisions
        sum.reactions += rhs.reactions
        sum.closedTopics += rhs.closedTopics
        sum.alreadyThere += rhs.alreadyThere
        return sum
    }
}

/// Writes imported data, each call atomic, consulting the ledger under `source` (for example
/// "stackexchange:bicycles.meta").
public protocol ImportRepository: Sendable {
    /// The member for the source's person, created (with an address no mail can reach) if new.
    func member(_ member: ImportedMember, source: String) async throws -> (MemberID, created: Bool)
    func category(externalID: String, _ category: NewCategory, source: String) async throws
        -> (CategoryID, created: Bool)
    /// Creates the thread's topic and any posts not imported before, in one transaction.
    func thread(_ thread: ImportedThread, source: String) async throws -> ImportCounts
}
