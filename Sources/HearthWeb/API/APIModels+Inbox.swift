import Foundation
import HearthCore
import Hummingbird

/// The JSON shapes of the priority inbox.
extension APIModel {
    struct InboxItem: ResponseEncodable, Codable {
        struct Reason: Codable {
            let code: String
            let text: String
            /// Whether it raises the item (a question, a bug) or lowers it (a hostile tone, a troll's history).
            let raises: Bool
        }

        struct Author: Codable {
            let id: Int64
            let handle: String
            let newcomer: Bool
        }

        let id: Int64
        let kind: String
        let postId: Int64?
        let topicId: Int64?
        let categoryId: Int64?
        let score: Double
        let reasons: [Reason]
        let createdAt: Date
        let author: Author?
        let state: String
        let snoozedUntil: Date?
        let assignedTo: MemberRef?
        let decidedBy: MemberRef?
        let decision: String?
        /// Where an outside item came from, what it says, and whether it can be answered from here.
        let outside: Outside?

        init(_ item: HearthCore.InboxItem, now: Date) {
            id = item.id.rawValue
            kind = item.kind.rawValue
            postId = item.postID?.rawValue
            topicId = item.topicID?.rawValue
            categoryId = item.categoryID?.rawValue
            score = item.score
            reasons = item.explained(at: now).map { Reason(code: $0.code.rawValue, text: $0.text, raises: $0.raises) }
            createdAt = item.createdAt
            author = item.author.map { Author(id: $0.id.rawValue, handle: $0.handle, newcomer: item.facts.newcomer) }
            state = item.state.rawValue
            snoozedUntil = item.snoozedUntil
            assignedTo = item.assignedTo.map(MemberRef.init)
            decidedBy = item.decidedBy.map(MemberRef.init)
            decision = item.decision?.rawValue
            outside = item.facts.outside.map(Outside.init)
        }
    }

    struct InboxActionInput: Decodable {
        let action: String
        /// An ISO 8601 date and time ("2026-12-03T09:00:00Z"), or "morning" for the next working day's start.
        let until: String?
        let memberId: Int64?
    }
}
