import Foundation
import Logging

/// The forum's use cases: who may start, reply, edit, delete, react, pin and close, and what each of those
/// does besides (numbering, rendering, notifying, read positions).
public struct ForumService: Sendable {
    /// Posts per topic page. Discourse loads about 20 at a time; a page of 20 stays light on a phone.
    public static let postsPerPage = 20
    static let excerptLength = 280

    let forum: any ForumRepository
    let notifications: any NotificationRepository
    let members: any MemberRepository
    let cooker: any PostCooker
    /// Reads every post as it is written (the triage engine); nil only where no engine is loaded.
    let reader: (any TextReader)?
    /// Decides, before a post is stored, whether it goes out, waits for approval or is refused (hold rules,
    /// watched words, the engine's reading); nil lets every post through.
    let gate: (any WriteGate)?
    /// How replies heat a topic; nil keeps no heat.
    let heat: HeatRules?
    /// What brings a new post into the priority inbox; nil keeps no inbox.
    let inbox: InboxRules?
    let policy: AccessPolicy
    let now: Now
    let logger: Logger
    /// Moved by every write to a topic, for caches of rendered pages.
    public let changes = TopicChanges()
    let readMarks = ReadMarks()
    /// Which categories are not open to everyone, kept a few seconds (see `CategoryReadRules`).
    let readRules = CategoryReadRules()

    public init(
        forum: any ForumRepository, notifications: any NotificationRepository, members: any MemberRepository,
        cooker: any PostCooker, reader: (any TextReader)? = nil, gate: (any WriteGate)? = nil,
        heat: HeatRules? = nil, inbox: InboxRules? = nil, policy: AccessPolicy, now: @escaping Now, logger: Logger
    ) {
        self.inbox = inbox
        self.reader = reader
        self.gate = gate
        self.heat = heat
        self.forum = forum
        self.notifications = notifications
        self.members = members
        self.cooker = cooker
        self.policy = policy
        self.now = now
        self.logger = logger
    }

    // MARK: Writing

    /// Starts a topic: checks who may start one in the category, renders the opening post and notifies the
    /// members it mentions.
    public func startTopic(_ viewer: Viewer?, in categoryID: CategoryID, title rawTitle: String, body rawBody: String)
        async throws -> (Topic, Post)
    {
        let date = now()
        try policy.authorize(viewer, .post, on: .category(categoryID.rawValue), at: date)
        let category = try await category(id: categoryID)
        guard category.kind != .comments else {
            throw HearthError.forbidden("Comments start from their article, not as topics.")
        }
        guard try await mayRead(viewer, in: categoryID) else {
            throw HearthError.notFound("There is no such category.")
        }
        guard category.archivedAt == nil else {
            throw HearthError.forbidden(
                "\(category.name) is archived: its topics stay readable, new ones go elsewhere.")
        }
        if category.startPolicy == .staff, !may(viewer, .startStaffTopic, in: categoryID) {
            throw HearthError.forbidden("Only staff can start topics in \(category.name).")
        }
        let author = try member(viewer)
        let title = try PostRules.title(rawTitle)
        let written = try PostRules.body(rawBody)
        let reading = reader?.read(title + "\n\n" + written)
        let admission = try await admit(
            viewer, author, title: title, body: written, reading: reading, in: categoryID, isEdit: false, at: date)
        let body = admission.body
        let mentioned = try await readers(mentionedMembers(in: body, excluding: author.id), in: categoryID)
        let draft = NewPost(
            author: MemberSummary(author), body: body, html: cook(body, mentioned), quotePostID: nil, createdAt: date,
            reading: reading, moderation: admission.moderation, reviewItems: admission.items,
            recipients: admission.moderation == .visible
                ? Self.distinct(mentioned.map { ($0.id, .mention) }, actor: author.id) : [],
            inbox: inboxDraft(
                reading, text: title + "\n\n" + body, author: author, mentioned: mentioned, in: categoryID,
                opensTopic: true, at: date), sameTextSince: date.addingTimeInterval(-Self.repeatWindow))
        let (topic, post) = try await forum.createTopic(
            categoryID: categoryID, title: admission.title ?? title, firstPost: draft)
        readMarks.record(topic.id, upTo: post.number, by: author.id)
        changes.bumpLists()
        logger.info("Topic started", metadata: ["topic.id": "\(topic.id)", "member.id": "\(author.id)"])
        return (topic, post)
    }

    /// Replies to a topic, optionally quoting a post. Closed topics take replies from staff only; in slow mode a
    /// member waits between replies (moderators' notices do not).
    public func reply(_ viewer: Viewer?, to topicID: TopicID, body rawBody: String, quoting quoteID: PostID? = nil)
        async throws -> Post
    {
        try await reply(viewer, to: topicID, body: rawBody, quoting: quoteID, asNotice: false)
    }

    func reply(
        _ viewer: Viewer?, to topicID: TopicID, body rawBody: String, quoting quoteID: PostID? = nil, asNotice: Bool
    ) async throws -> Post {
        let date = now()
        let topic = try await visibleTopic(topicID, for: viewer)
        try policy.authorize(viewer, .post, on: .category(topic.categoryID.rawValue), at: date)
        if topic.isClosed, !may(viewer, .closeTopic, in: topic.categoryID) {
            throw HearthError.forbidden("This topic is closed to new replies.")
        }
        let author = try member(viewer)
        let body = try PostRules.body(rawBody)
        var quoted: Post?
        if let quoteID {
            guard let post = try await forum.post(id: quoteID), !post.isDeleted,
                let quotedTopic = try await forum.topic(id: post.topicID), quotedTopic.deletedAt == nil
            else {
                throw HearthError.invalid("quotePostId", "The post you quoted no longer exists.")
            }
            quoted = post
        }
        let reading = reader?.read(body)
        let admission =
            asNotice
            ? Admission(title: nil, body: body)
            : try await admit(
                viewer, author, title: nil, body: body, reading: reading, in: topic.categoryID, isEdit: false, at: date)
        if let slow = topic.slowMode, slow.isActive(at: date), !asNotice,
            !may(viewer, .setSlowMode, in: topic.categoryID),
            let last = try await forum.lastPostDate(by: author.id, in: topicID),
            date.timeIntervalSince(last) < TimeInterval(slow.seconds)
        {
            // The reply sent a second time is the one already out, not one too soon (compared as the watched
            // words left it, as it was stored).
            if let repeated = try await repeated(by: author.id, body: admission.body, quoting: quoteID, at: date),
                repeated.topicID == topicID
            {
                return repeated
            }
            let wait = Int((TimeInterval(slow.seconds) - date.timeIntervalSince(last)).rounded(.up))
            throw HearthError.rateLimited(
                message:
                    "This topic is in slow mode: one reply per member every \(Self.duration(slow.seconds)). You can reply again in \(Self.duration(wait)); your text is kept below.",
                retryAfterSeconds: max(1, wait))
        }
        let mentioned = try await readers(
            mentionedMembers(in: admission.body, excluding: author.id), in: topic.categoryID)
        // One notification per person, the most specific kind winning: a quote says more than a mention,
        // a mention more than "someone replied in your topic". A held reply tells no one until it is let out.
        var recipients: [(MemberID, MemberNotification.Kind)] = []
        if let quoted, quoted.author.id != author.id { recipients.append((quoted.author.id, .quote)) }
        recipients += mentioned.map { ($0.id, .mention) }
        if topic.author.id != author.id { recipients.append((topic.author.id, .reply)) }
        let post = try await forum.addPost(
            to: topicID,
            NewPost(
                author: MemberSummary(author), body: admission.body, html: cook(admission.body, mentioned),
                quotePostID: quoted?.id, createdAt: date, reading: reading, moderation: admission.moderation,
                reviewItems: admission.items,
                recipients: admission.moderation == .visible ? Self.distinct(recipients, actor: author.id) : [],
                inbox: asNotice
                    ? nil
                    : inboxDraft(
                        reading, text: admission.body, author: author, mentioned: mentioned, in: topic.categoryID,
                        opensTopic: false, at: date),
                answers: InboxRules.answers(admission.body, byStaff: author.role != .member),
                sameTextSince: asNotice ? nil : date.addingTimeInterval(-Self.repeatWindow)),
            heat: admission.moderation == .visible ? heat : nil)
        readMarks.record(topicID, upTo: post.number, by: author.id)
        changes.bump(topicID)
        return post
    }

    /// How long the same text from the same member counts as the same form sent twice (a double click, a reload
    /// that sends again, a client retrying after a timeout), as Discourse refuses a post equal to the last one.
    public static let repeatWindow: TimeInterval = 120

    /// The post a member wrote with this very text in the last `repeatWindow`. The repository gives it back to a
    /// form sent again (`NewPost.sameTextSince`); this earlier look serves slow mode, which would otherwise refuse
    /// the second copy as too soon.
    private func repeated(by author: MemberID, body: String, quoting quoteID: PostID?, at date: Date) async throws
        -> Post?
    {
        guard let last = try await forum.latestPost(by: author, since: date.addingTimeInterval(-Self.repeatWindow)),
            last.isCopy(of: body, quoting: quoteID)
        else { return nil }
        return last
    }

    /// The post, if the viewer may edit it: its author, or staff.
    public func editablePost(_ viewer: Viewer?, id postID: PostID) async throws -> Post {
        let (post, topic) = try await visiblePost(postID, for: viewer)
        let editor = try member(viewer)
        try policy.authorize(viewer, .post, on: .category(topic.categoryID.rawValue), at: now())
        guard post.author.id == editor.id || may(viewer, .editOthersPosts, in: topic.categoryID) else {
            throw HearthError.forbidden("You can only edit your own posts.")
        }
        guard !post.isDeleted else { throw HearthError.conflict("Restore this post before editing it.") }
        return post
    }

    /// What an edit opened before someone else's is told: the text is not saved over theirs.
    public static let editedSince = HearthError.conflict(
        "This post was changed since you opened it. Its text now is shown below; yours is kept in the form: bring in what you want to keep and save again."
    )

    /// Replaces a post's text. Its author may edit it, and so may staff; the old text is kept as a revision.
    /// `basedOn` is the edit count the editor's form was opened at: a post edited since is not saved over.
    public func edit(_ viewer: Viewer?, post postID: PostID, body rawBody: String, basedOn: Int? = nil) async throws
        -> Post
    {
        let date = now()
        let post = try await editablePost(viewer, id: postID)
        if let basedOn, basedOn != post.editCount { throw Self.editedSince }
        let editor = try member(viewer)
        let written = try PostRules.body(rawBody)
        if written == post.body { return post }
        let reading = reader?.read(written)
        let topic = try await visibleTopic(post.topicID, for: viewer)
        let admission = try await admit(
            viewer, post.author.id == editor.id ? editor : try await author(of: post), title: nil, body: written,
            reading: reading, in: topic.categoryID, isEdit: true, at: date)
        let body = admission.body
        let mentioned = try await readers(
            mentionedMembers(in: body, excluding: post.author.id), in: topic.categoryID)
        let html = cook(body, mentioned)
        // Held before the new text is stored, so that words needing approval are never out, even for a moment.
        if let gate, !admission.items.isEmpty { try await gate.apply(admission, toEdited: postID, at: date) }
        try await forum.edit(postID, body: body, html: html, editorID: editor.id, basedOn: basedOn, at: date)
        if let reading { try await forum.saveReadings([(postID, reading)], replacing: true) }
        changes.bump(post.topicID)
        let held = post.moderation != .visible || admission.moderation == .pending
        let newlyMentioned =
            held ? [] : mentioned.filter { !Handle.mentions(in: post.body).contains($0.handle.lowercased()) }
        try await notify(
            newlyMentioned.map { ($0.id, .mention) }, actor: editor.id, topic: post.topicID, post: postID, at: date)
        var edited = post
        if held, post.moderation == .visible { edited.moderation = .pending }
        edited.body = body
        edited.html = html
        edited.editedAt = date
        edited.editCount += 1
        return edited
    }

    /// Soft-deletes a post (its author or staff). Deleting the opening post deletes the topic.
    public func delete(_ viewer: Viewer?, post postID: PostID) async throws {
        let (post, topic) = try await visiblePost(postID, for: viewer)
        let actor = try member(viewer)
        // Deleting is writing: a read-scoped key must be refused here as it is for edits and replies.
        try policy.authorize(viewer, .post, on: .category(topic.categoryID.rawValue), at: now())
        guard post.author.id == actor.id || may(viewer, .deleteOthersPosts, in: topic.categoryID) else {
            throw HearthError.forbidden("You can only delete your own posts.")
        }
        guard !post.isDeleted else { return }
        try await forum.setDeleted(postID, at: now(), by: actor.id)
        changes.bump(topic.id)
        logger.info("Post deleted", metadata: ["post.id": "\(postID)", "member.id": "\(actor.id)"])
    }

    /// Brings a deleted post (and, for an opening post, its topic) back. Staff only.
    public func restore(_ viewer: Viewer?, post postID: PostID) async throws {
        let (post, topic) = try await visiblePost(postID, for: viewer)
        guard may(viewer, .deleteOthersPosts, in: topic.categoryID) else {
            throw HearthError.forbidden("Only staff can restore deleted posts.")
        }
        guard post.isDeleted else { return }
        try await forum.setDeleted(postID, at: nil, by: try member(viewer).id)
        changes.bump(topic.id)
    }

    /// Gives or takes back a reaction. Returns whether the reaction is now given.
    @discardableResult
    public func react(_ viewer: Viewer?, to postID: PostID, with kind: ReactionKind) async throws -> Bool {
        let date = now()
        let (post, topic) = try await visiblePost(postID, for: viewer)
        try policy.authorize(viewer, .post, on: .category(topic.categoryID.rawValue), at: date)
        guard !post.isDeleted else { throw HearthError.conflict("You cannot react to a deleted post.") }
        defer { changes.bump(topic.id) }
        return try await forum.toggleReaction(kind, on: postID, by: try member(viewer).id, at: date)
    }

    public func setPinned(_ viewer: Viewer?, topic topicID: TopicID, _ pinned: Bool) async throws {
        let topic = try await visibleTopic(topicID, for: viewer)
        try policy.authorize(viewer, .pinTopic, on: .category(topic.categoryID.rawValue), at: now())
        try await forum.setPinned(topicID, at: pinned ? now() : nil)
        changes.bump(topicID)
    }

    public func setClosed(_ viewer: Viewer?, topic topicID: TopicID, _ closed: Bool) async throws {
        let topic = try await visibleTopic(topicID, for: viewer)
        try policy.authorize(viewer, .closeTopic, on: .category(topic.categoryID.rawValue), at: now())
        try await forum.setClosed(topicID, at: closed ? now() : nil)
        changes.bump(topicID)
    }

    // MARK: Helpers

    /// "45 seconds", "10 minutes", "2 hours".
    static func duration(_ seconds: Int) -> String {
        if seconds < 60 { return seconds == 1 ? "1 second" : "\(seconds) seconds" }
        let minutes = (seconds + 59) / 60
        if minutes < 120 { return minutes == 1 ? "1 minute" : "\(minutes) minutes" }
        return "\((minutes + 59) / 60) hours"
    }

    /// Whether the viewer may do `action` in the category (or anywhere, for nil).
    func may(_ viewer: Viewer?, _ action: Action, in categoryID: CategoryID?) -> Bool {
        let resource: Resource = categoryID.map { .category($0.rawValue) } ?? .community
        return policy.decide(viewer, action, on: resource, at: now()).isAllowed
    }

    func member(_ viewer: Viewer?) throws -> Member {
        guard let member = viewer?.member else { throw HearthError.unauthorized("Please log in first.") }
        return member
    }

    /// The topic if it exists and the viewer may see it: deleted topics are visible to staff only, and to
    /// everyone else they do not exist.
    func visibleTopic(_ topicID: TopicID, for viewer: Viewer?) async throws -> Topic {
        guard let topic = try await forum.topic(id: topicID),
            topic.deletedAt == nil && (topic.heldAt == nil || topic.author.id == viewer?.member.id)
                || may(viewer, .seeRemoved, in: topic.categoryID)
        else {
            throw HearthError.notFound("This topic does not exist or was removed.")
        }
        // A category this viewer may not read hides its topics as if they did not exist.
        guard try await mayRead(viewer, in: topic.categoryID) else {
            throw HearthError.notFound("This topic does not exist or was removed.")
        }
        return topic
    }

    /// The post, whole, when the viewer may see it whole (see `PostVisibility`): actions on a post (edit,
    /// react, quote, delete) start here, so a placeholder or an unknown post cannot be acted on.
    func visiblePost(_ postID: PostID, for viewer: Viewer?) async throws -> (Post, Topic) {
        guard let post = try await forum.post(id: postID) else {
            throw HearthError.notFound("This post does not exist.")
        }
        let topic = try await visibleTopic(post.topicID, for: viewer)
        guard PostVisibility.of(post, in: topic, for: visibilityViewer(viewer, in: topic.categoryID)).isShown else {
            throw HearthError.notFound("This post does not exist.")
        }
        return (post, topic)
    }

    func visibilityViewer(_ viewer: Viewer?, in categoryID: CategoryID) -> PostVisibility.Viewer {
        PostVisibility.Viewer(memberID: viewer?.member.id, seesRemoved: may(viewer, .seeRemoved, in: categoryID))
    }

    private func mentionedMembers(in body: String, excluding author: MemberID) async throws -> [MemberSummary] {
        let handles = Handle.mentions(in: body)
        guard !handles.isEmpty else { return [] }
        // A post that mentions fifty people is a mass ping, not a conversation; only the first ten notify.
        return try await members.summaries(handles: Array(handles.prefix(10))).filter { $0.id != author }
    }

    private func cook(_ body: String, _ mentioned: [MemberSummary]) -> String {
        cooker.cook(body, mentions: Set(mentioned.map { $0.handle.lowercased() }))
    }

    private func notify(
        _ recipients: [(MemberID, MemberNotification.Kind)], actor: MemberID, topic: TopicID, post: PostID,
        at date: Date
    ) async throws {
        let batch = Self.distinct(recipients, actor: actor).map {
            NewNotification(
                memberID: $0.memberID, kind: $0.kind, actorID: actor, topicID: topic, postID: post, createdAt: date)
        }
        if !batch.isEmpty { try await notifications.create(batch) }
    }

    /// Each person once, the first kind given for them winning, and never the one who acted.
    static func distinct(_ recipients: [(MemberID, MemberNotification.Kind)], actor: MemberID) -> [NewPost.Recipient] {
        var seen: Set<MemberID> = [actor]
        return recipients.filter { seen.insert($0.0).inserted }.map { NewPost.Recipient($0.0, $0.1) }
    }
}

/// A post shown inside another one that quotes it.
public struct QuotedPost: Sendable, Equatable {
    public let postID: PostID
    public let topicID: TopicID
    public let number: Int
    public let author: MemberSummary
    public let excerpt: String

    public init(postID: PostID, topicID: TopicID, number: Int, author: MemberSummary, excerpt: String) {
        self.postID = postID
        self.topicID = topicID
        self.number = number
        self.author = author
        self.excerpt = excerpt
    }
}
