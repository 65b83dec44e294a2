import Foundation

/// Which segments a member falls in, and why: the rules of `/people`, in one place. Staff are in none.
public struct Segmenter: Sendable {
    static let day: TimeInterval = 86_400
    /// Points a power user needs: a reply to someone else counts 2, a thanks 3, another reaction 1.
    public var powerThreshold = 10
    /// Days in the last 30 a member who never writes must have come back on to count as a shy reader.
    public var shyReaderDays = 3
    /// Posts in the 90 days before the last 30 that make a member "was active".
    public var slippingPosts = 5
    /// Posts of theirs flagged rightly in 90 days that make a member "often flagged".
    public var oftenFlagged = 3

    public init() {}

    public func rows(for member: PersonActivity, at date: Date) -> [SegmentRow] {
        guard member.role == .member else { return [] }
        var rows: [SegmentRow] = []
        func add(_ segment: PeopleSegment, _ rank: Double, _ reasons: [PersonReason], topic: TopicID? = nil) {
            rows.append(
                SegmentRow(segment: segment, memberID: member.memberID, rank: rank, reasons: reasons, topicID: topic))
        }
        let quarter = member.weeks.filter { $0.key < 13 }.values
        let replies = quarter.reduce(0) { $0 + $1.repliesToOthers }
        let thanks = quarter.reduce(0) { $0 + $1.thanksReceived }
        let reactions = quarter.reduce(0) { $0 + $1.reactionsReceived }
        let help = 2 * replies + 3 * thanks + reactions
        let isPower = help >= powerThreshold
        if isPower {
            let reasons: [PersonReason] = [
                replies > 0 ? .repliesToOthers(replies) : nil, thanks > 0 ? .thanksReceived(thanks) : nil,
                reactions > 0 ? .reactionsReceived(reactions) : nil,
            ].compactMap { $0 }
            add(.power, Double(help), reasons)
        }

        if date.timeIntervalSince(member.joinedAt) < TimeInterval(InboxRules.newcomerDays) * Self.day {
            let first: PersonReason =
                member.firstPostAt == nil
                ? .noPostYet
                : member.firstPostAnsweredAt.map {
                    .firstPostAnswered(seconds: Int($0.timeIntervalSince(member.firstPostAt ?? $0)))
                } ?? .firstPostUnanswered
            add(
                .newcomers, member.joinedAt.timeIntervalSince1970, [.joined(member.joinedAt), first],
                topic: member.firstTopicID)
        }

        if !isPower {
            var shy: [PersonReason] = []
            var rank = 0.0
            var topic = member.unansweredTopicID
            if member.unansweredQuestions > 0 {
                shy.append(.unansweredQuestions(member.unansweredQuestions))
                rank += 20 + Double(member.unansweredQuestions)
            }
            // Once, over a week ago and within half a year: a departed account of long ago is no one to invite.
            if member.totalPosts == 1, let first = member.firstPostAt, date.timeIntervalSince(first) > 7 * Self.day,
                date.timeIntervalSince(first) < 182 * Self.day
            {
                let answered = member.firstPostAnsweredAt != nil
                shy.append(.postedOnce(first, answered: answered))
                topic = topic ?? member.firstTopicID
                rank += answered ? 5 : 15
            }
            let quarterPosts = quarter.reduce(0) { $0 + $1.topicsStarted + $1.repliesToOthers + $1.otherReplies }
            if quarterPosts == 0, member.recentDaysVisited >= shyReaderDays {
                shy.append(
                    .readsWithoutPosting(
                        daysVisited: member.recentDaysVisited, postsRead: member.trustActivity.postsRead))
                rank += Double(member.recentDaysVisited)
            }
            if !shy.isEmpty { add(.shy, rank, shy, topic: topic) }
        }

        if member.recentPosts == 0, member.earlierPosts >= slippingPosts, let last = member.lastPostAt {
            add(.slipping, Double(member.earlierPosts), [.silentSince(last, postsBefore: member.earlierPosts)])
        }

        var penalised: [PersonReason] = []
        var rank = 0.0
        if let penalty = member.penalty {
            penalised.append(.penalty(penalty.kind, until: penalty.until))
            rank += 1000
        }
        if member.flagsAgreed >= oftenFlagged {
            penalised.append(.flaggedRightly(member.flagsAgreed))
            rank += Double(member.flagsAgreed)
        }
        if !penalised.isEmpty { add(.penalised, rank, penalised) }
        return rows
    }
}
