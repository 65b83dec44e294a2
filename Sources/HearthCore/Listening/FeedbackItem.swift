import Foundation

/// Marker for `Identifier<FeedbackItem>`.
public typealias FeedbackItemID = Identifier<FeedbackItem>

/// One thing members asked for, reported or complained about, on the feedback board: the posts that raised it
/// (near-duplicates grouped), the votes and followers it gathered, and where it stands.
public struct FeedbackItem: Sendable, Equatable, Identifiable {
    /// What kind of feedback an item is; the triage engine's kinds that make a candidate.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case suggestion
        case bug
        case complaint

        /// The kind of a post the engine read as `feedbackKind`, when it is one that makes a candidate.
        public init?(reading feedbackKind: String) {
            self.init(rawValue: feedbackKind)
        }
    }

    /// Where an item stands. `duplicate` is set by a merge, never by hand.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case open
        case underReview = "under_review"
        case planned
        case started
        case done
        case declined
        case duplicate

        /// The statuses staff choose from (a merge makes the duplicate).
        public static let chosen: [Status] = [.open, .underReview, .planned, .started, .done, .declined]
    }

    public let id: FeedbackItemID
    public var title: String
    /// What the item is about: the first post's text, or what staff wrote.
    public var body: String
    public var kind: Kind
    public var status: Status
    /// "en", "fr" or "unknown": the language the item was raised in.
    public var language: String
    public var votes: Int
    /// How many posts are linked to the item.
    public var postCount: Int
    /// Staff tags: the product areas.
    public var tags: [String]
    /// The posts linked to it, oldest link first.
    public var postIDs: [PostID] = []
    /// The public note of the last status change.
    public var statusNote: String
    /// Who wrote it by hand, or accepted the post that started it.
    public var createdBy: MemberID?
    public var createdAt: Date
    public var updatedAt: Date
    /// The item this one was merged into.
    public var mergedInto: FeedbackItemID?
    /// When the loop was last closed: a notice posted in the linked threads.
    public var answeredAt: Date?

    public init(
        id: FeedbackItemID, title: String, body: String, kind: Kind, status: Status, language: String, votes: Int,
        postCount: Int, tags: [String], statusNote: String, createdBy: MemberID?, createdAt: Date, updatedAt: Date,
        mergedInto: FeedbackItemID?, answeredAt: Date?
    ) {
        self.id = id
        self.title = title
        self.body = body
        self.kind = kind
        self.status = status
        self.language = language
        self.votes = votes
        self.postCount = postCount
        self.tags = tags
        self.statusNote = statusNote
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.mergedInto = mergedInto
        self.answeredAt = answeredAt
    }

    /// The text the board groups by: the title and the body read as one.
    public var text: String { title + "\n\n" + body }
}

/// An item about to be stored.
public struct NewFeedbackItem: Sendable, Equatable {
    public var title: String
    public var body: String
    public var kind: FeedbackItem.Kind
    public var language: String
    public var createdBy: MemberID?
    /// The post that raised it, when it came from one.
    public var postID: PostID?

    public init(
        title: String, body: String, kind: FeedbackItem.Kind, language: String, createdBy: MemberID?,
        postID: PostID?
    ) {
        self.title = title
        self.body = body
        self.kind = kind
        self.language = language
        self.createdBy = createdBy
        self.postID = postID
    }
}

/// A post linked to an item: where the item was raised.
public struct FeedbackLink: Sendable, Equatable {
    public var postID: PostID
    public var topicID: TopicID
    public var topicTitle: String
    public var postNumber: Int
    public var author: MemberSummary
    /// The start of the post's text.
    public var excerpt: String
    public var language: String
    public var addedAt: Date

    public init(
        postID: PostID, topicID: TopicID, topicTitle: String, postNumber: Int, author: MemberSummary,
        excerpt: String, language: String, addedAt: Date
    ) {
        self.postID = postID
        self.topicID = topicID
        self.topicTitle = topicTitle
        self.postNumber = postNumber
        self.author = author
        self.excerpt = excerpt
        self.language = language
        self.addedAt = addedAt
    }
}

/// A status change, with its public note.
public struct FeedbackChange: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var status: FeedbackItem.Status
    public var note: String
    public var by: MemberSummary?
    public var at: Date
    /// Where the change was carried back: the notices posted in the linked threads.
    public var answers: [FeedbackAnswer]
    /// On the item merged into: the item that was merged here (the change is that item's "duplicate").
    public var merged: Merged?

    public struct Merged: Sendable, Equatable {
        public var id: FeedbackItemID
        public var title: String

        public init(id: FeedbackItemID, title: String) {
            self.id = id
            self.title = title
        }
    }

    public init(
        id: Int64, status: FeedbackItem.Status, note: String, by: MemberSummary?, at: Date,
        answers: [FeedbackAnswer] = [], merged: Merged? = nil
    ) {
        self.merged = merged
        self.id = id
        self.status = status
        self.note = note
        self.by = by
        self.at = at
        self.answers = answers
    }
}

/// A notice posted in a linked thread when the item's status changed.
public struct FeedbackAnswer: Sendable, Equatable {
    public var changeID: Int64
    public var topicID: TopicID
    public var topicTitle: String
    public var postID: PostID
    public var postNumber: Int
    public var at: Date

    public init(changeID: Int64, topicID: TopicID, topicTitle: String, postID: PostID, postNumber: Int, at: Date) {
        self.postNumber = postNumber
        self.changeID = changeID
        self.topicID = topicID
        self.topicTitle = topicTitle
        self.postID = postID
        self.at = at
    }
}

/// A comment staff and colleagues leave on an item; members never see it.
public struct FeedbackComment: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var author: MemberSummary
    public var body: String
    public var at: Date

    public init(id: Int64, author: MemberSummary, body: String, at: Date) {
        self.id = id
        self.author = author
        self.body = body
        self.at = at
    }
}

/// A post the engine read as a suggestion, a bug report or a complaint, waiting for staff's yes or no.
public struct FeedbackCandidate: Sendable, Equatable {
    public var postID: PostID
    public var topicID: TopicID
    public var topicTitle: String
    public var postNumber: Int
    public var author: MemberSummary
    public var excerpt: String
    public var kind: FeedbackItem.Kind
    public var explanation: String
    public var language: String
    public var createdAt: Date

    public init(
        postID: PostID, topicID: TopicID, topicTitle: String, postNumber: Int, author: MemberSummary, excerpt: String,
        kind: FeedbackItem.Kind, explanation: String, language: String, createdAt: Date
    ) {
        self.postID = postID
        self.topicID = topicID
        self.topicTitle = topicTitle
        self.postNumber = postNumber
        self.author = author
        self.excerpt = excerpt
        self.kind = kind
        self.explanation = explanation
        self.language = language
        self.createdAt = createdAt
    }
}

/// A page of the board.
public struct FeedbackQuery: Sendable, Equatable {
    public enum Sort: String, Sendable, CaseIterable {
        case votes
        case new
    }

    /// nil: every status but `duplicate`.
    public var status: FeedbackItem.Status?
    public var tag: String?
    public var sort: Sort
    /// Where the previous page stopped.
    public var after: FeedbackCursor?
    public var limit: Int

    public init(
        status: FeedbackItem.Status? = nil, tag: String? = nil, sort: Sort = .votes, after: FeedbackCursor? = nil,
        limit: Int = 30
    ) {
        self.status = status
        self.tag = tag
        self.sort = sort
        self.after = after
        self.limit = limit
    }
}

/// Where a page of the board stopped: the last item's votes (for the "most voted" order) and id.
public struct FeedbackCursor: Sendable, Equatable, LosslessStringConvertible {
    public var votes: Int
    public var id: FeedbackItemID

    public init(votes: Int, id: FeedbackItemID) {
        self.votes = votes
        self.id = id
    }

    public init?(_ description: String) {
        let parts = description.split(separator: ".")
        guard parts.count == 2, let votes = Int(parts[0]), votes >= 0, let id = Int64(parts[1]), id > 0 else {
            return nil
        }
        self.init(votes: votes, id: FeedbackItemID(id))
    }

    public var description: String { "\(votes).\(id.rawValue)" }
}

/// One item as a page shows it: with its posts, history and, for staff and colleagues, internal comments.
public struct FeedbackDetail: Sendable, Equatable {
    public var item: FeedbackItem
    public var links: [FeedbackLink]
    public var changes: [FeedbackChange]
    /// Empty for who may not read them.
    public var comments: [FeedbackComment]
    public var voted: Bool
    public var follows: Bool

    public init(
        item: FeedbackItem, links: [FeedbackLink], changes: [FeedbackChange], comments: [FeedbackComment],
        voted: Bool, follows: Bool
    ) {
        self.item = item
        self.links = links
        self.changes = changes
        self.comments = comments
        self.voted = voted
        self.follows = follows
    }
}

/// What a member is told when an item they raised, voted for or follow changes status.
public struct FeedbackNotice: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var itemID: FeedbackItemID
    public var title: String
    public var status: FeedbackItem.Status
    public var note: String
    public var createdAt: Date
    public var readAt: Date?

    public init(
        id: Int64, itemID: FeedbackItemID, title: String, status: FeedbackItem.Status, note: String, createdAt: Date,
        readAt: Date?
    ) {
        self.id = id
        self.itemID = itemID
        self.title = title
        self.status = status
        self.note = note
        self.createdAt = createdAt
        self.readAt = readAt
    }
}
