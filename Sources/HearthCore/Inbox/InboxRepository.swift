import Foundation

/// A post's inbox facts as the forum writes the post: stored with the post, in its transaction, when its rank
/// says it belongs in the inbox.
public struct InboxDraft: Sendable, Equatable {
    public var facts: InboxFacts
    public var categoryID: CategoryID

    public init(facts: InboxFacts, categoryID: CategoryID) {
        self.facts = facts
        self.categoryID = categoryID
    }
}

/// What became of a decision.
public enum InboxOutcome: Sendable, Equatable {
    case applied(InboxItem)
    /// Someone else closed the item first: it is returned as they left it.
    case alreadyDecided(InboxItem)
}

/// The inbox, as stored. The forum's and moderation's writes keep it current in their own transactions (a new
/// post, a reply that answers a question, a flag, a heated topic, a deleted post); these are the inbox's own
/// reads and writes.
public protocol InboxRepository: Sendable {
    /// Open items awake at `date` in `scope`, best first, after `cursor`.
    func items(_ scope: InboxScope, after cursor: InboxCursor?, limit: Int, awakeAt date: Date) async throws
        -> [InboxItem]
    func item(_ id: InboxItemID) async throws -> InboxItem?
    /// The items of these posts, whatever their state.
    func items(forPosts postIDs: [PostID]) async throws -> [PostID: InboxItem]
    /// Open items awake at `date` in `scope` that arrived after `since`, counted up to `cap`.
    func count(_ scope: InboxScope, arrivedAfter since: Date?, awakeAt date: Date, cap: Int) async throws -> Int
    func lastSeen(by memberID: MemberID) async throws -> Date?
    func markSeen(by memberID: MemberID, at date: Date) async throws
    /// Applies a decision to an open item, with its label and the author's marks, in one transaction.
    func decide(_ decision: InboxDecision, at date: Date) async throws -> InboxOutcome
    /// Open, unanswered questions written at or before `cutoff` that have not been marked as waiting yet.
    func waitingSince(_ cutoff: Date, limit: Int) async throws -> [InboxItem]
    /// The open post items, best first, with their posts' text (the topic's title before an opening post), for
    /// ranking them again with what the engine learned.
    func openPosts(limit: Int) async throws -> [(InboxItem, String)]
    /// Closes up to `limit` open items that arrived before `cutoff` and that nobody kept up, assigned or snoozed
    /// past `date`; returns how many.
    func closeUntouched(arrivedBefore cutoff: Date, awakeAt date: Date, limit: Int) async throws -> Int
    /// Moderators and community managers, for assigning items.
    func staff() async throws -> [MemberSummary]
    /// Changes the facts of these open items as they stand now, in one transaction, and ranks them again; an item
    /// whose rank says it no longer belongs is closed.
    func rerank(_ ids: [InboxItemID], at date: Date, _ change: @escaping @Sendable (inout InboxFacts) -> Void)
        async throws
}
