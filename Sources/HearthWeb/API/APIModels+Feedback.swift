import Foundation
import HearthCore
import Hummingbird

/// The JSON shapes of the feedback board and its webhooks.
extension APIModel {
    struct FeedbackItem: ResponseEncodable, Codable {
        let id: Int64
        let title: String
        let body: String
        let kind: String
        let status: String
        /// The public note of the last status change.
        let note: String
        let language: String
        let votes: Int
        let postIds: [Int64]
        let tags: [String]
        let createdAt: Date
        let updatedAt: Date
        let mergedInto: Int64?
        /// When the last change was carried back to the item's threads.
        let answeredAt: Date?

        init(_ item: HearthCore.FeedbackItem) {
            id = item.id.rawValue
            title = item.title
            body = item.body
            kind = item.kind.rawValue
            status = item.status.rawValue
            note = item.statusNote
            language = item.language
            votes = item.votes
            postIds = item.postIDs.map(\.rawValue)
            tags = item.tags
            createdAt = item.createdAt
            updatedAt = item.updatedAt
            mergedInto = item.mergedInto?.rawValue
            answeredAt = item.answeredAt
        }
    }

    struct FeedbackDetail: ResponseEncodable, Codable {
        struct Post: Codable {
            let postId: Int64
            let topicId: Int64
            let topicTitle: String
            let number: Int
            let author: MemberRef
            let excerpt: String
            let language: String
        }

        struct Answer: Codable {
            let topicId: Int64
            let topicTitle: String
            let postId: Int64
            let at: Date
        }

        struct Change: Codable {
            let status: String
            let note: String
            let by: MemberRef?
            let at: Date
            /// Where this change was carried back.
            let answers: [Answer]
        }

        struct Comment: Codable {
            let author: MemberRef
            let body: String
            let at: Date
        }

        let item: FeedbackItem
        let posts: [Post]
        let changes: [Change]
        /// Internal: present for staff and the team only.
        let comments: [Comment]?
        let voted: Bool
        let follows: Bool

        init(_ detail: HearthCore.FeedbackDetail, internals: Bool) {
            item = FeedbackItem(detail.item)
            posts = detail.links.map {
                Post(
                    postId: $0.postID.rawValue, topicId: $0.topicID.rawValue, topicTitle: $0.topicTitle,
                    number: $0.postNumber, author: MemberRef($0.author), excerpt: $0.excerpt, language: $0.language)
            }
            changes = detail.changes.map { change in
                Change(
                    status: change.status.rawValue, note: change.note, by: change.by.map(MemberRef.init), at: change.at,
                    answers: change.answers.map {
                        Answer(
                            topicId: $0.topicID.rawValue, topicTitle: $0.topicTitle, postId: $0.postID.rawValue,
                            at: $0.at)
                    })
            }
            comments =
                internals
                ? detail.comments.map { Comment(author: MemberRef($0.author), body: $0.body, at: $0.at) } : nil
            voted = detail.voted
            follows = detail.follows
        }
    }

    struct FeedbackCandidate: Codable, Sendable {
        let postId: Int64
        let topicId: Int64
        let topicTitle: String
        let number: Int
        let author: MemberRef
        let excerpt: String
        let kind: String
        /// Why the engine proposes it: the words and cues that moved the kind.
        let explanation: String
        let language: String
        let createdAt: Date

        init(_ candidate: HearthCore.FeedbackCandidate) {
            postId = candidate.postID.rawValue
            topicId = candidate.topicID.rawValue
            topicTitle = candidate.topicTitle
            number = candidate.postNumber
            author = MemberRef(candidate.author)
            excerpt = candidate.excerpt
            kind = candidate.kind.rawValue
            explanation = candidate.explanation
            language = candidate.language
            createdAt = candidate.createdAt
        }
    }

    struct NewFeedback: Codable {
        /// A post to put on the board.
        let postId: Int64?
        /// Or an item written by hand.
        let title: String?
        let body: String?
        let kind: String?
        let language: String?
    }

    struct FeedbackChangeInput: Codable {
        let status: String?
        let note: String?
        let mergeInto: Int64?
        let tags: [String]?
    }

    struct FeedbackPostInput: Codable {
        let postId: Int64
    }

    struct FeedbackCommentInput: Codable {
        let body: String
    }

    struct WebhookEndpoint: ResponseEncodable, Codable {
        let id: Int64
        let url: String
        let events: [String]
        let createdAt: Date
        /// The signing secret, given when the webhook is made and only then.
        let secret: String?

        init(_ endpoint: HearthCore.WebhookEndpoint, showingSecret: Bool) {
            id = endpoint.id.rawValue
            url = endpoint.url
            events = endpoint.events.map(\.rawValue)
            createdAt = endpoint.createdAt
            secret = showingSecret ? endpoint.secret : nil
        }
    }

    struct NewWebhook: Codable {
        let url: String
        let events: [String]?
    }

    struct WebhookDelivery: Codable, Sendable {
        let id: Int64
        let webhookId: Int64
        let url: String
        let event: String
        let messageId: String
        let createdAt: Date
        let attempts: Int
        let lastResult: String?
        let lastAttemptAt: Date?
        let deliveredAt: Date?

        init(_ delivery: HearthCore.WebhookDelivery) {
            id = delivery.id.rawValue
            webhookId = delivery.endpointID.rawValue
            url = delivery.url
            event = delivery.event.rawValue
            messageId = delivery.messageID
            createdAt = delivery.createdAt
            attempts = delivery.attempts
            lastResult = delivery.lastResult
            lastAttemptAt = delivery.lastAttemptAt
            deliveredAt = delivery.deliveredAt
        }
    }
}
