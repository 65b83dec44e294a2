import Foundation

/// How heated a topic is, kept up to date as each reply arrives: never by reading the topic again.
///
/// Four things make a thread heat up: replies coming fast, a sharp tone in the latest ones, two members answering
/// each other back and forth, and flags. A crowd talking at once is a lively thread, not a fight, so many
/// different voices calm the score; two voices trading blows raise it.
public struct HeatState: Sendable, Equatable {
    /// Replies in a leaky bucket that empties one reply per `HeatRules.paceLeak` seconds.
    public var pace: Double = 0
    /// Toxicity of the recent replies, each new one counting for `HeatRules.toneWeight`.
    public var tone: Double = 0
    /// Flags in a bucket that empties one flag per `HeatRules.flagLeak` seconds.
    public var flags: Double = 0
    /// How many replies in a row went back and forth between the same two members.
    public var exchanges: Int = 0
    /// The authors of the latest replies, newest last (at most `HeatRules.recentSize`).
    public var recentAuthors: [Int64] = []
    public var updatedAt: Date = Date(timeIntervalSince1970: 0)
    /// 0 … 1.
    public var score: Double = 0
    /// Set while the topic is marked heated for staff.
    public var heatedAt: Date?
    /// Why, in words a moderator reads at a glance.
    public var reasons: [String] = []

    public init() {}

    public var isHeated: Bool { heatedAt != nil }
}

/// One reply as heat sees it.
public struct HeatEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case reply(author: MemberID, toxicity: Double?)
        case flag
    }

    public var kind: Kind
    public var at: Date

    public init(_ kind: Kind, at: Date) {
        self.kind = kind
        self.at = at
    }
}

/// The weights and thresholds of heat. The defaults mark a quarrel of a dozen sharp replies between two members
/// within half an hour, and leave a busy, friendly thread alone.
public struct HeatRules: Sendable, Equatable {
    /// Score at which a topic is marked heated.
    public var threshold: Double
    /// Score under which a heated topic is no longer marked (lower than `threshold`, so a mark does not blink).
    public var coolBelow: Double
    static let paceLeak: TimeInterval = 300
    static let flagLeak: TimeInterval = 3_600
    static let toneWeight = 0.3
    static let recentSize = 10

    public init(threshold: Double = 0.6) {
        self.threshold = threshold
        self.coolBelow = threshold * 0.6
    }

    /// The state after one more event.
    public func step(_ before: HeatState, _ event: HeatEvent) -> HeatState {
        var state = Self.leaked(before, to: event.at)
        state.updatedAt = max(event.at, before.updatedAt)
        switch event.kind {
        case .flag:
            state.flags += 1
        case .reply(let author, let toxicity):
            state.pace += 1
            if let toxicity { state.tone = before.tone * (1 - Self.toneWeight) + toxicity * Self.toneWeight }
            let recent = before.recentAuthors
            // A, B, A: the member answers the one who answered them.
            if recent.count >= 2, recent[recent.count - 2] == author.rawValue,
                recent[recent.count - 1] != author.rawValue
            {
                state.exchanges = before.exchanges + 1
            } else if recent.last != author.rawValue {
                state.exchanges = 0
            }
            state.recentAuthors = Array((recent + [author.rawValue]).suffix(Self.recentSize))
        }
        let (score, reasons) = Self.score(state)
        state.score = score
        state.reasons = reasons
        if state.heatedAt == nil, score >= threshold {
            state.heatedAt = event.at
        } else if state.heatedAt != nil, score < coolBelow {
            state.heatedAt = nil
        }
        return state
    }

    /// The state as it stands at `date` when nothing happened since: the buckets leak, and a topic that went quiet
    /// is no longer marked heated.
    public func cooled(_ before: HeatState, at date: Date) -> HeatState {
        guard date > before.updatedAt else { return before }
        var state = Self.leaked(before, to: date)
        // The tone of the last replies and the back and forth fade with the pace: an hour of silence ends a quarrel.
        if state.pace == 0 { state.exchanges = 0 }
        (state.score, state.reasons) = Self.score(state)
        if state.heatedAt != nil, state.score < coolBelow { state.heatedAt = nil }
        return state
    }

    /// The buckets as they stand at `date`, having leaked since the last event.
    static func leaked(_ before: HeatState, to date: Date) -> HeatState {
        var state = before
        let elapsed = max(0, date.timeIntervalSince(before.updatedAt))
        state.pace = max(0, before.pace - elapsed / paceLeak)
        state.flags = max(0, before.flags - elapsed / flagLeak)
        return state
    }

    /// The score, 0 … 1, and the reasons that moved it.
    static func score(_ state: HeatState) -> (Double, [String]) {
        // Four replies in the bucket (about four in the last twenty minutes, more if faster) start to count; 12 is
        // full.
        let pace = min(1, max(0, (state.pace - 4) / 8))
        let tone = min(1, max(0, (state.tone - 0.25) / 0.45))
        let duel = min(1, Double(state.exchanges) / 6)
        let flags = min(1, state.flags / 3)
        let voices = Set(state.recentAuthors).count
        // Many voices among the latest replies: a lively thread, unless their tone is sharp too (a pile-on); two or
        // three: a conversation that may be a fight.
        let crowd = state.recentAuthors.count >= 6 ? min(1, max(0, Double(voices - 3) / 5)) : 0
        let raw = 0.3 * pace + 0.35 * tone + 0.25 * duel + 0.3 * flags
        let score = min(1, max(0, raw * (1 - 0.5 * crowd * (1 - tone))))
        var reasons: [String] = []
        if pace > 0 { reasons.append("replies coming fast (\(Int(state.pace.rounded())) in the last minutes)") }
        if tone > 0 { reasons.append("sharp tone in recent replies (toxicity \(Int((state.tone * 100).rounded())) %)") }
        if duel > 0 { reasons.append("back and forth between two members (\(state.exchanges) replies)") }
        if flags > 0 { reasons.append("flags on recent replies") }
        if crowd > 0, score > 0 { reasons.append("\(voices) different people in the latest replies") }
        return (score, reasons)
    }
}

/// Topics' heat, as stored.
public protocol HeatRepository: Sendable {
    func heat(of topicID: TopicID) async throws -> HeatState?
    /// Counts a flag on `postID` in its topic's heat (a reply is counted with the reply, in its transaction), and
    /// opens the topic's review item when the flag tips it over.
    func recordFlag(on postID: PostID, in topicID: TopicID, rules: HeatRules, at date: Date) async throws
    /// Topics marked heated at or after `since`, hottest first.
    func heatedTopics(since: Date, limit: Int) async throws -> [(Topic, HeatState)]
}
