import Foundation

/// The feedback board as stored. Every change is one transaction, with its side effects queued in it: the
/// webhooks to post, the notices to carry back, the label the engine learns, the line in the moderation log.
public protocol FeedbackRepository: Sendable {
    func items(_ query: FeedbackQuery) async throws -> [FeedbackItem]
    func item(_ id: FeedbackItemID) async throws -> FeedbackItem?
    /// Items created after `after`, oldest first, for the grouping index.
    func itemsCreated(after: FeedbackItemID?, limit: Int) async throws -> [FeedbackItem]
    func links(of id: FeedbackItemID) async throws -> [FeedbackLink]
    /// The status changes, newest first, each with where it was carried back.
    func changes(of id: FeedbackItemID) async throws -> [FeedbackChange]
    func comments(of id: FeedbackItemID) async throws -> [FeedbackComment]
    /// Whether the member voted for and follows the item.
    func standing(of member: MemberID, on id: FeedbackItemID) async throws -> (voted: Bool, follows: Bool)
    /// The item a post is linked to.
    func item(linking postID: PostID) async throws -> FeedbackItemID?

    /// Live posts the engine read as a kind of feedback, neither linked to an item nor decided on, newest first,
    /// among the latest 50,000 posts.
    func candidates(before: PostID?, limit: Int) async throws -> [FeedbackCandidate]
    /// How many candidates wait, counting up to `limit`.
    func candidateCount(atMost limit: Int) async throws -> Int

    /// Stores a new item (linked to its post, when it has one); with `label`, the staff's yes is learned. A
    /// hand-written item its author sent again within `ForumService.repeatWindow` is given back, not written twice.
    func create(_ item: NewFeedbackItem, label: EngineLabel?, log: NewLogEntry, at date: Date) async throws
        -> FeedbackItemID
    /// Links a post to an item; false when the post is linked already.
    func link(_ postID: PostID, to id: FeedbackItemID, label: EngineLabel?, by: MemberID?, at date: Date)
        async throws -> Bool
    /// Records staff's no on a candidate, learned as "not feedback".
    func decline(_ postID: PostID, label: EngineLabel, by: MemberID, at date: Date) async throws
    /// Moves a post out of its item into a new one; returns the new item.
    func split(_ postID: PostID, from id: FeedbackItemID, into item: NewFeedbackItem, log: NewLogEntry, at date: Date)
        async throws -> FeedbackItemID

    /// False when the member had voted already (for `vote`) or had not (for `unvote`).
    func vote(_ id: FeedbackItemID, by member: MemberID, at date: Date) async throws -> Bool
    func unvote(_ id: FeedbackItemID, by member: MemberID) async throws -> Bool
    func follow(_ id: FeedbackItemID, by member: MemberID, _ follows: Bool, at date: Date) async throws

    /// Sets the status with its note, and queues the carrying back (`FeedbackCarryBack`) and the webhooks. The same
    /// status and note again is refused (a conflict): it was announced already.
    func changeStatus(
        _ id: FeedbackItemID, to status: FeedbackItem.Status, note: String, by: MemberID, log: NewLogEntry,
        at date: Date
    ) async throws -> Int64
    /// Moves `id`'s posts, votes, followers and tags to `target`, and marks `id` a duplicate of it.
    func merge(_ id: FeedbackItemID, into target: FeedbackItemID, by: MemberID, log: NewLogEntry, at date: Date)
        async throws
    func setTags(_ id: FeedbackItemID, _ tags: [String], at date: Date) async throws
    /// Every tag in use, for the board's filter.
    func tags() async throws -> [String]
    func comment(_ id: FeedbackItemID, by: MemberID, _ body: String, at date: Date) async throws

    /// Carrying a change back: the change, its item's linked topics not answered yet for it, and who to tell.
    func carryBack(_ changeID: Int64) async throws -> FeedbackCarryBackPlan?
    /// Records the notice posted in a topic for a change.
    func recordAnswer(change changeID: Int64, topic: TopicID, post: PostID, at date: Date) async throws
    /// Tells each member about the change, once.
    func notify(_ members: [MemberID], change changeID: Int64, at date: Date) async throws
    func notices(of member: MemberID, limit: Int) async throws -> [FeedbackNotice]
    func markNoticesRead(of member: MemberID, at date: Date) async throws

    func endpoints() async throws -> [WebhookEndpoint]
    func addEndpoint(url: String, secret: String, events: [WebhookEvent], at date: Date) async throws
        -> WebhookEndpointID
    func removeEndpoint(_ id: WebhookEndpointID) async throws -> Bool
    func deliveries(limit: Int) async throws -> [WebhookDelivery]
    /// The delivery with its receiver's secret.
    func delivery(_ id: WebhookDeliveryID) async throws -> (WebhookDelivery, secret: String)?
    func recordAttempt(_ id: WebhookDeliveryID, result: String, delivered: Bool, at date: Date) async throws
    /// Queues one more attempt now.
    func resend(_ id: WebhookDeliveryID, at date: Date) async throws -> Bool
}

/// What the carrying back of one status change has to do.
public struct FeedbackCarryBackPlan: Sendable, Equatable {
    public var change: FeedbackChange
    public var item: FeedbackItem
    /// The linked topics without a notice for this change yet, each with the language of its linked post and the
    /// handles of the members who raised the item there.
    public var topics: [(topicID: TopicID, language: String, handles: [String])]
    /// Who raised, voted for or follows the item.
    public var members: [MemberID]

    public init(
        change: FeedbackChange, item: FeedbackItem, topics: [(topicID: TopicID, language: String, handles: [String])],
        members: [MemberID]
    ) {
        self.change = change
        self.item = item
        self.topics = topics
        self.members = members
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.change == rhs.change && lhs.item == rhs.item && lhs.members == rhs.members
            && lhs.topics.map(\.topicID) == rhs.topics.map(\.topicID)
    }
}

/// The payload of a `feedbackCarryBack` job.
public struct FeedbackCarryBack: Sendable, Codable, Equatable {
    public let changeID: Int64

    public init(changeID: Int64) {
        self.changeID = changeID
    }
}

extension JobKind {
    /// Post a status change's notice in the linked threads and tell the members (`FeedbackCarryBack`).
    public static let feedbackCarryBack = JobKind(rawValue: "feedback_carry_back")
}

extension EngineLabel {
    /// The engine's feedback kinds, in the order its labels number them.
    static let feedbackKinds = ["question", "suggestion", "bug", "complaint", "praise", "discussion"]

    /// Staff said the post is this kind of feedback.
    public static func feedback(_ postID: PostID, kind: String) -> EngineLabel? {
        feedbackKinds.firstIndex(of: kind).map { EngineLabel(postID: postID, task: .feedback, value: $0) }
    }
}

extension OutgoingWebhook {
    /// The body of a delivery, as the specification shapes it: the event's type, its time and the item.
    public static func payload(
        _ event: WebhookEvent, item: FeedbackItem, into: FeedbackItemID?, postIDs: [PostID], url: String, at date: Date
    ) -> String {
        struct Body: Encodable {
            struct Item: Encodable {
                let id: Int64
                let title: String
                let kind: String
                let status: String
                let note: String
                let votes: Int
                let tags: [String]
                let postIds: [Int64]
                let url: String
                let mergedInto: Int64?
            }
            let type: String
            let timestamp: String
            let data: Item
        }
        let body = Body(
            type: event.rawValue, timestamp: date.formatted(.iso8601),
            data: .init(
                id: item.id.rawValue, title: item.title, kind: item.kind.rawValue, status: item.status.rawValue,
                note: item.statusNote, votes: item.votes, tags: item.tags, postIds: postIDs.map(\.rawValue),
                url: url, mergedInto: into?.rawValue))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(body)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
