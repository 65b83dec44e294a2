import Foundation

/// What a new post brings to the priority inbox: the engine's reading and the facts around it.
extension ForumService {
    /// The post's inbox facts; none for staff's own posts, or without an engine or an inbox.
    func inboxDraft(
        _ reading: PostReading?, text: String, author: Member, mentioned: [MemberSummary], in categoryID: CategoryID,
        opensTopic: Bool, at date: Date
    ) -> InboxDraft? {
        guard let inbox, let reading, author.role == .member else { return nil }
        var facts = InboxFacts(
            reading: reading, text: text,
            newcomer: InboxRules.isNewcomer(joinedAt: author.createdAt, at: date), opensTopic: opensTopic)
        facts.mentions = mentioned.filter { $0.role != .member }.map { "@" + $0.handle } + inbox.brandMentions(in: text)
        return InboxDraft(facts: facts, categoryID: categoryID)
    }
}
