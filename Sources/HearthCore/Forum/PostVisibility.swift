/// What a viewer sees of a post: the one rule that topic pages, the API, search, feeds, notifications,
/// profiles and the digest all ask, so that they cannot drift apart.
public enum PostVisibility: Sendable, Equatable {
    /// The post: its text and its reactions.
    case shown
    /// A placeholder where the post stands, saying why, without its text or reactions.
    case placeholder(Reason)
    /// Nothing: the viewer is not told the post exists.
    case absent

    public enum Reason: String, Sendable, Equatable {
        case deleted
        case hidden
    }

    /// Who is looking, as far as visibility goes: their id, and whether they may see removed posts here.
    public struct Viewer: Sendable, Equatable {
        public let memberID: MemberID?
        public let seesRemoved: Bool

        public init(memberID: MemberID?, seesRemoved: Bool) {
            self.memberID = memberID
            self.seesRemoved = seesRemoved
        }

        public static let anonymous = Viewer(memberID: nil, seesRemoved: false)
    }

    /// The rule. Staff (anyone who may see removed posts in the category) see everything. The author sees their
    /// own post whatever moderation did, so they can read why and edit it. Everyone else sees a live post; a
    /// placeholder for a deleted or hidden one, so that the numbering and replies still make sense; and nothing of
    /// a post held for approval, nor of anything in a removed topic.
    public static func of(_ post: Post, in topic: Topic, for viewer: Viewer) -> PostVisibility {
        if viewer.seesRemoved { return .shown }
        let own = viewer.memberID != nil && viewer.memberID == post.author.id
        if topic.deletedAt != nil { return .absent }
        if topic.heldAt != nil, viewer.memberID != topic.author.id { return .absent }
        switch post.moderation {
        case .pending: return own ? .shown : .absent
        case .hidden where !own: return .placeholder(post.isDeleted ? .deleted : .hidden)
        case .hidden, .visible: break
        }
        if post.isDeleted { return own ? .shown : .placeholder(.deleted) }
        return .shown
    }

    /// Whether everyone sees the post: what surfaces without a viewer (feeds, the search index, visitors' cached
    /// pages) may show. The store's queries for those surfaces filter with the same condition.
    public static func isPublic(_ post: Post, in topic: Topic) -> Bool {
        of(post, in: topic, for: .anonymous) == .shown
    }

    public var isShown: Bool { self == .shown }

    /// Who may read a post's earlier versions: its author, and whoever may see removed posts in its category
    /// (an edit may have taken out what moderation had to see). `seesRemoved` comes from `AccessPolicy`.
    public static func mayReadRevisions(of post: Post, memberID: MemberID?, seesRemoved: Bool) -> Bool {
        seesRemoved || (memberID != nil && memberID == post.author.id)
    }
}
