import Foundation
import HearthCore
import HearthViews
import Hummingbird

/// The JSON shapes of `/people` and of a member's standing (`PeopleAPI`).
extension APIModel {
    struct PersonReason: Codable {
        /// `repliesToOthers`, `joined`, `readsWithoutPosting`…
        let code: String
        /// The reason in English words, with its figures.
        let text: String
        let count: Int?
        let date: Date?
        let seconds: Int?
        let penalty: String?

        init(_ reason: HearthCore.PersonReason, words: PeopleWords) {
            code = reason.code
            text = words.reason(reason)
            var count: Int?
            var date: Date?
            var seconds: Int?
            var penalty: String?
            switch reason {
            case .repliesToOthers(let n), .thanksReceived(let n), .reactionsReceived(let n),
                .unansweredQuestions(let n), .flaggedRightly(let n):
                count = n
            case .joined(let at): date = at
            case .firstPostAnswered(let after): seconds = after
            case .firstPostUnanswered, .noPostYet: break
            case .readsWithoutPosting(let days, _): count = days
            case .postedOnce(let at, _): date = at
            case .silentSince(let at, let posts):
                date = at
                count = posts
            case .penalty(let kind, let until):
                penalty = kind.rawValue
                date = until
            }
            (self.count, self.date, self.seconds, self.penalty) = (count, date, seconds, penalty)
        }
    }

    struct Person: Codable, Sendable {
        let member: MemberRef
        let joinedAt: Date
        let reasons: [PersonReason]
        /// 1 (advocate) to 4 (explorer).
        let level: Int
        let trust: String
        /// The topic the gesture is about: a newcomer's first, a shy member's unanswered question or lone post.
        let topicId: Int64?

        init(_ entry: PersonEntry, words: PeopleWords) {
            topicId = entry.topicID?.rawValue
            member = MemberRef(entry.member)
            joinedAt = entry.joinedAt
            reasons = entry.reasons.map { PersonReason($0, words: words) }
            level = entry.level.rawValue
            trust = entry.trust.rawValue
        }
    }

    struct People: ResponseEncodable, Codable {
        let segment: String
        /// The suggested gesture: `thank_or_offer_role`, `welcome`, `invite_to_speak`, `check_in`, `review`.
        let gesture: String
        let items: [Person]
        let nextCursor: String?
        /// When the people pass that made the lists ran; null before the first.
        let computedAt: Date?
    }

    struct Group: Codable {
        let topics: Int
        let firstReplyP50Seconds: Int?
        let firstReplyP90Seconds: Int?
        let questions: Int
        let questionsAnswered: Int
        let answeredShare: Double?

        init(_ group: GroupAttention) {
            topics = group.topics
            firstReplyP50Seconds = group.firstReplyP50
            firstReplyP90Seconds = group.firstReplyP90
            questions = group.questions
            questionsAnswered = group.questionsAnswered
            answeredShare = group.answeredShare
        }
    }

    struct AttendedMember: Codable {
        let memberId: Int64
        let handle: String
        let staffReplies: Int
    }

    struct Attention: ResponseEncodable, Codable {
        let days: Int
        let newcomers: Group
        let regulars: Group
        let staffReplies: Int
        let membersReached: Int
        let topFifthShare: Double?
        let mostAttended: [AttendedMember]
        let computedAt: Date

        init(_ equity: AttentionEquity, at date: Date) {
            days = equity.days
            newcomers = Group(equity.newcomers)
            regulars = Group(equity.regulars)
            staffReplies = equity.staffReplies
            membersReached = equity.membersReached
            topFifthShare = equity.topFifthShare
            mostAttended = equity.mostAttended.map {
                AttendedMember(memberId: $0.memberID.rawValue, handle: $0.handle, staffReplies: $0.replies)
            }
            computedAt = date
        }
    }

    struct WeekLevel: Codable {
        let week: String
        let level: Int
        let score: Double
    }

    struct Standing: ResponseEncodable, Codable {
        let trust: String
        let trustLocked: Bool
        let level: Int?
        /// `up`, `held`, `down`, or `new` for a first week.
        let move: String?
        let history: [WeekLevel]

        init(_ standing: MemberStanding) {
            trust = standing.trust.rawValue
            trustLocked = standing.trustLocked
            level = standing.level?.rawValue
            move = standing.move?.rawValue
            history = standing.history.map {
                WeekLevel(week: $0.week.description, level: $0.level.rawValue, score: $0.score)
            }
        }
    }

    /// A level to lock the member at, or null to let the ladder move them again. `level` must be there, null or
    /// not: an empty object is a mistake, not an unlock.
    struct TrustChange: Codable {
        let level: String?

        enum CodingKeys: String, CodingKey {
            case level
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            guard container.contains(.level) else {
                throw DecodingError.keyNotFound(
                    CodingKeys.level, .init(codingPath: [], debugDescription: "level is required (null unlocks)."))
            }
            level = try container.decode(String?.self, forKey: .level)
        }
    }
}
