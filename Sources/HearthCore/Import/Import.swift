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

/// One post of an imported thread, its text already Markdown. People are named by their id at the source (the
/// `externalID` of an `ImportedMember`); the repository finds or creates the member each stands for.
public struct ImportedPost: Sendable, Equatable {
    public var externalID: String
    public var authorExternalID: String
    public var body: String
    public var html: String
    public var createdAt: Date
    /// Earlier texts, oldest first, each with who replaced it and when.
    public var revisions: [ImportedRevision]
    /// The source id of the post this one answers or comments on, shown as a quote.
    public var quotesExternalID: String?
    public var reactions: [ImportedReaction]

    public init(
        externalID: String, authorExternalID: String, body: String, html: String, createdAt: Date,
        revisions: [ImportedRevision] = [], quotesExternalID: String? = nil, reactions: [ImportedReaction] = []
    ) {
        self.externalID = externalID
        self.authorExternalID = authorExternalID
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
    public var editorExternalID: String
    public var replacedAt: Date

    public init(body: String, editorExternalID: String, replacedAt: Date) {
        self.body = body
        self.editorExternalID = editorExternalID
        self.replacedAt = replacedAt
    }
}

public struct ImportedReaction: Sendable, Equatable {
    public var memberExternalID: String
    public var kind: ReactionKind
    public var createdAt: Date

    public init(memberExternalID: String, kind: ReactionKind, createdAt: Date) {
        self.memberExternalID = memberExternalID
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

/// Threads written together, in one transaction, with the members they name for the first time in this import.
public struct ImportBatch: Sendable, Equatable {
    /// Members that the threads may name and that earlier batches of this import did not bring: each is created
    /// unless the ledger knows it. Anyone else the threads name must be in the ledger already.
    public var members: [ImportedMember]
    public var threads: [ImportedThread]

    public init(members: [ImportedMember], threads: [ImportedThread]) {
        self.members = members
        self.threads = threads
    }
}

/// Writes imported data, each call atomic, consulting the ledger under `source` (for example
/// "stackexchange:bicycles.meta").
public protocol ImportRepository: Sendable {
    func category(externalID: String, _ category: NewCategory, source: String) async throws
        -> (CategoryID, created: Bool)
    /// Writes a batch in one transaction: its new members, each thread's topic (created unless the ledger knows it)
    /// and the posts the ledger does not know, with their revisions, reactions and search entries.
    func write(_ batch: ImportBatch, source: String) async throws -> ImportCounts
}
