import Foundation
import HearthCore
import Hummingbird

/// The JSON shapes of watched words, flagged profiles, the morning view and the public log.
extension APIModel {
    struct WatchedWord: ResponseEncodable, Codable {
        let id: Int64
        let pattern: String
        let regex: Bool
        let action: String
        /// "en" or "fr"; absent for every language.
        let language: String?
        let replacement: String?
        let createdAt: Date

        init(_ word: HearthCore.WatchedWord) {
            id = word.id.rawValue
            pattern = word.pattern
            regex = word.isRegex
            action = word.action.rawValue
            language = word.language
            replacement = word.replacement
            createdAt = word.createdAt
        }
    }

    struct NewWatchedWord: Decodable {
        let pattern: String
        let regex: Bool?
        let action: String
        let language: String?
        let replacement: String?
    }

    struct ProfileFlagResult: ResponseEncodable, Codable {
        /// Always "received": a reporter learns nothing of the queue.
        let status: String
    }

    struct HeatedTopic: Codable, Sendable {
        let topicId: Int64
        let title: String
        let score: Double
        let reasons: [String]
        let heatedAt: Date?

        init(_ heated: HearthCore.HeatedTopic) {
            topicId = heated.topic.id.rawValue
            title = heated.topic.title
            score = (heated.heat.score * 1_000).rounded() / 1_000
            reasons = heated.heat.reasons
            heatedAt = heated.heat.heatedAt
        }
    }

    struct Overnight: ResponseEncodable, Codable {
        let since: Date
        let items: [ReviewItem]
        let heatedTopics: [HeatedTopic]
        let delegateActs: [LogEntry]

        init(_ night: HearthCore.Overnight) {
            since = night.since
            items = night.items.map { ReviewItem($0.item) }
            heatedTopics = night.heated.map(HeatedTopic.init)
            delegateActs = night.delegateActs.map(LogEntry.init)
        }
    }

    struct PublicLogEntry: Codable, Sendable {
        let id: Int64
        let action: String
        /// post, topic, member, review_item or guidelines: what was acted on, not which one.
        let target: String
        let reason: String
        let createdAt: Date

        init(_ entry: HearthCore.PublicLogEntry) {
            id = entry.id
            action = entry.action
            target = entry.target.rawValue
            reason = entry.reason
            createdAt = entry.createdAt
        }
    }
}
