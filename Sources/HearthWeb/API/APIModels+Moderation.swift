import Foundation
import HearthCore
import Hummingbird

/// The JSON shapes of moderation: flags, the review queue, penalties, slow mode, topic timers, the log and the
/// guidelines.
extension APIModel {
    struct NewFlag: Decodable {
        let reason: String
        let message: String?
    }

    struct FlagResult: ResponseEncodable, Codable {
        let id: Int64
        /// Whether this flag, with the others, hid the post pending review.
        let hidden: Bool
    }

    struct PostModeration: Decodable {
        let action: String
        let reason: String?
        let message: String?
    }

    struct ReviewItem: ResponseEncodable, Codable {
        let id: Int64
        let kind: String
        let postId: Int64?
        let memberId: Int64?
        let reasons: [String]
        let score: Double
        let createdAt: Date
        let sleepsUntil: Date?
        let claimedBy: MemberRef?
        let handledBy: MemberRef?
        let outcome: String?

        init(_ item: HearthCore.ReviewItem) {
            id = item.id.rawValue
            kind = item.kind.rawValue
            postId = item.postID?.rawValue
            memberId = item.memberID?.rawValue
            reasons = item.reasons
            score = item.score
            createdAt = item.createdAt
            sleepsUntil = item.sleepsUntil
            claimedBy = item.claimedBy.map(MemberRef.init)
            handledBy = item.handledBy.map(MemberRef.init)
            outcome = item.outcome?.rawValue
        }
    }

    struct ReviewActionInput: Decodable {
        let action: String
        let reason: String?
        let message: String?
    }

    struct SlowModeInput: Decodable {
        let seconds: Int
        let until: String
    }

    struct SlowMode: ResponseEncodable, Codable {
        let seconds: Int
        let until: Date
    }

    struct TopicTimerInput: Decodable {
        let action: String
        let hours: Int?
        let at: String?
        let days: Int?
    }

    struct TopicTimer: ResponseEncodable, Codable {
        let action: String
        /// When the timer acts, as things stand: a reply pushes a close_after_quiet back.
        let at: Date
        /// The quiet days of a close_after_quiet.
        let days: Int?

        init(_ timer: HearthCore.TopicTimer, lastPostedAt: Date? = nil) {
            action = timer.action.rawValue
            at = lastPostedAt.map { timer.actsAt(lastPostedAt: $0) } ?? timer.at
            days = timer.quietDays
        }
    }

    struct NewPenalty: Decodable {
        let kind: String
        let until: String?
        let reason: String
    }

    struct Penalty: ResponseEncodable, Codable {
        let id: Int64
        let memberId: Int64
        let kind: String
        let reason: String
        let until: Date?
        let createdAt: Date

        init(_ penalty: HearthCore.Penalty) {
            id = penalty.id.rawValue
            memberId = penalty.memberID.rawValue
            kind = penalty.kind.rawValue
            reason = penalty.reason
            until = penalty.endsAt
            createdAt = penalty.createdAt
        }
    }

    struct LogEntry: ResponseEncodable, Codable {
        let id: Int64
        let actor: MemberRef?
        let action: String
        let target: String
        let reason: String
        let textBefore: String?
        let textAfter: String?
        /// The delegated role the act was done under.
        let underRole: String?
        let createdAt: Date

        init(_ entry: ModerationLogEntry) {
            id = entry.id
            actor = entry.actor.map(MemberRef.init)
            action = entry.action
            target = "\(entry.target.rawValue):\(entry.targetID)"
            reason = entry.reason
            textBefore = entry.textBefore
            textAfter = entry.textAfter
            underRole = entry.roleName
            createdAt = entry.createdAt
        }
    }

    struct Guidelines: ResponseEncodable, Codable {
        let en: String
        let fr: String
    }

    struct GuidelinesInput: Decodable {
        let language: String
        let body: String
    }
}
