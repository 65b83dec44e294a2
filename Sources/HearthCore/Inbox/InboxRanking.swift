import Foundation

/// What the inbox knows about one post (or heated topic, or flagged profile) when it ranks it: what the engine
/// read, and the plain facts around it. Kept with the item, so that a reply, a flag or a decision moves its rank
/// without reading the text again.
public struct InboxFacts: Sendable, Equatable, Codable {
    /// question, suggestion, bug, complaint, praise or discussion, as the engine read it.
    public var feedbackKind: String
    /// The words that made the engine read that kind ("plante", "depuis la mise à jour").
    public var cues: [String]
    public var toxicity: Double
    /// 0 … 1, 0.5 neutral.
    public var sentiment: Double
    public var noise: Double
    public var counterSpeech: Bool
    public var words: Int
    /// What the community's decisions taught the engine about texts like this one, as evidence for (> 0) or
    /// against (< 0) its pertinence, and the words that moved it.
    public var learned: Double
    public var learnedWords: [String]
    /// The author joined recently.
    public var newcomer: Bool
    /// The author's first post in the community.
    public var firstPost: Bool
    /// The post opens its topic.
    public var opensTopic: Bool
    /// Someone else replied after it; who first.
    public var answeredBy: String?
    /// Staff members (or the brand's name) it mentions.
    public var mentions: [String]
    /// Why the review queue holds it ("flagged by 3 members"), empty when it does not.
    public var review: [String]
    /// Why its topic is heated (heated-topic items only).
    public var heat: [String]
    /// How many of the author's posts the community manager marked "troll: let it be", and "pertinent".
    public var authorTrolls: Int
    public var authorPertinent: Int
    /// Marked pertinent from the inbox, by whom.
    public var keptBy: String?
    /// Still unanswered after `InboxRules.waitHours` (set by the job that watches the clock).
    public var waited: Bool

    public init(
        feedbackKind: String = "discussion", cues: [String] = [], toxicity: Double = 0, sentiment: Double = 0.5,
        noise: Double = 0,
        counterSpeech: Bool = false, words: Int = 0, learned: Double = 0, learnedWords: [String] = [],
        newcomer: Bool = false, firstPost: Bool = false, opensTopic: Bool = false, answeredBy: String? = nil,
        mentions: [String] = [], review: [String] = [], heat: [String] = [], authorTrolls: Int = 0,
        authorPertinent: Int = 0, keptBy: String? = nil, waited: Bool = false
    ) {
        self.feedbackKind = feedbackKind
        self.cues = cues
        self.toxicity = toxicity
        self.sentiment = sentiment
        self.noise = noise
        self.counterSpeech = counterSpeech
        self.words = words
        self.learned = learned
        self.learnedWords = learnedWords
        self.newcomer = newcomer
        self.firstPost = firstPost
        self.opensTopic = opensTopic
        self.answeredBy = answeredBy
        self.mentions = mentions
        self.review = review
        self.heat = heat
        self.authorTrolls = authorTrolls
        self.authorPertinent = authorPertinent
        self.keptBy = keptBy
        self.waited = waited
    }

    /// The facts of a post as written, from the engine's reading (and what it had learned then).
    public init(reading: PostReading, text: String, newcomer: Bool, opensTopic: Bool) {
        let learned = reading.learnedPertinence
        self.init(
            feedbackKind: reading.feedbackKind, cues: reading.cues(of: reading.feedbackKind),
            toxicity: reading.toxicity, sentiment: reading.sentiment, noise: reading.noise,
            counterSpeech: reading.counterSpeech,
            words: Self.wordCount(text), learned: learned.evidence, learnedWords: learned.words, newcomer: newcomer,
            opensTopic: opensTopic)
    }

    /// Enough words for the engine's reading of its kind to mean something: "Lovely picture!" reads as a
    /// suggestion to a model trained on meta-site questions.
    public var isSubstantive: Bool { words >= InboxRanking.substantiveWords }

    /// A complaint is fair when it is not abusive: unhappy words, no attack.
    public var isFairComplaint: Bool { feedbackKind == "complaint" && toxicity < InboxRanking.hostile }

    static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            let letter = CharacterSet.alphanumerics.contains(scalar)
            if letter && !inWord { count += 1 }
            inWord = letter
        }
        return count
    }
}

/// What the community's own layer of the engine says about a text's pertinence.
public struct LearnedPertinence: Sendable, Equatable, Codable {
    /// Log-odds evidence: 0 when nothing was learned.
    public var evidence: Double
    public var words: [String]

    public init(evidence: Double, words: [String]) {
        self.evidence = evidence
        self.words = words
    }

    public static let none = LearnedPertinence(evidence: 0, words: [])
}

/// Why an item is in the inbox, or why it sits low: a code for programs and the words for the reader.
public struct InboxReason: Sendable, Equatable, Codable {
    public enum Code: String, Sendable, Codable, CaseIterable {
        case newcomerQuestion = "newcomer_question"
        case question
        case answered
        case bug
        case suggestion
        case complaint
        case newcomer
        case mention
        case review
        case heated
        case waiting
        case unanswered
        case keptPertinent = "kept_pertinent"
        case learnedPertinent = "learned_pertinent"
        case learnedNoise = "learned_noise"
        case trollMarks = "troll_marks"
        case hostile
        case noisy
        case short
        case length
    }

    public var code: Code
    /// Pushes the item up (true) or down.
    public var raises: Bool
    /// The words, for an item written at `createdAt` and read at `now` ("unanswered for 6 h").
    public var text: String

    public init(_ code: Code, raises: Bool, _ text: String) {
        self.code = code
        self.raises = raises
        self.text = text
    }
}

/// How an item ranks: its score (higher first) and why.
public struct InboxRank: Sendable, Equatable {
    public var score: Double
    public var reasons: [InboxReason]
    /// Whether it belongs in the inbox at all: something in it asks for attention. Chatter and trolls with
    /// nothing to answer stay out (they stay in the forum); a question answered by someone else leaves.
    public var listed: Bool
}

/// The inbox's settings.
public struct InboxRules: Sendable, Equatable {
    /// A member who joined less than this many days ago is a newcomer.
    public static let newcomerDays = 30
    /// An unanswered question rises after this many hours.
    public var waitHours: Int
    /// Words naming the brand: a post that says one is worth a look ("Hearth", "Acme").
    public var brandWords: [String]
    /// Days an item stays in the inbox without anyone acting on it; then it leaves by itself (not one kept up,
    /// assigned or snoozed past then): the inbox is about now, and its count must not only grow.
    public var keepDays: Int

    public init(waitHours: Int = 6, brandWords: [String] = [], keepDays: Int = 14) {
        self.keepDays = keepDays
        self.waitHours = waitHours
        self.brandWords = brandWords
    }

    /// Whether a reply answers the questions waiting in its topic: staff's always; a member's when it says
    /// something ("+1" and "me too" do not) and asks nothing itself (a "?": the engine's reading of a kind is
    /// too loose to tell an answer that explains from a question).
    public static func answers(_ body: String, byStaff: Bool) -> Bool {
        byStaff || (InboxFacts.wordCount(body) >= InboxRanking.substantiveWords && !body.contains("?"))
    }

    public static func isNewcomer(joinedAt joined: Date, at date: Date) -> Bool {
        date.timeIntervalSince(joined) < TimeInterval(newcomerDays) * 86_400
    }

    /// The brand words a text says, matched as whole words, ignoring case.
    public func brandMentions(in text: String) -> [String] {
        brandWords.filter { word in
            guard !word.isEmpty else { return false }
            var searchRange = text.startIndex..<text.endIndex
            while let found = text.range(
                of: word, options: [.caseInsensitive, .diacriticInsensitive], range: searchRange)
            {
                let before = found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
                let after = found.upperBound == text.endIndex ? nil : text[found.upperBound]
                if !(before?.isLetter ?? false), !(after?.isLetter ?? false) { return true }
                searchRange = found.upperBound..<text.endIndex
            }
            return false
        }
    }
}

/// The inbox's ranking: one pure function of an item's facts, so that every change (a reply, a flag, a decision,
/// the clock) ranks it again the same way. Scores are sums of evidence, in log-odds: the engine's reading first
/// (what kind of post, how hostile, how loud), then the facts a community manager weighs (a newcomer, an
/// unanswered question, a mention, a flag, a fire), then what the community manager taught it.
public enum InboxRanking {
    /// The weights of the reading. Measured with `hearth inbox eval` on the Stack Exchange meta stream: the
    /// engine's toxicity separates pertinent posts from trolls almost alone (AUC 0.999 there), while its reading
    /// of the kind of post, trained on meta questions, often calls an insult a "bug" or a "question": the kind
    /// moves a post half as much as it says why, and length a little.
    enum Weights {
        static let toxicity = 8.0
        static let length = 0.6
        static let question = 0.6
        static let newcomerQuestion = 1.4
        static let bug = 0.9
        static let suggestion = 0.75
        static let complaint = 0.65
        static let praise = -0.3
    }

    /// The score from which a post comes into the inbox without a reason of its own: about ten words that read
    /// clean (toxicity under 0.35).
    static let listingFloor = -1.5

    /// Toxicity from which a post reads hostile: it sinks, and its complaint is not "fair".
    static let hostile = 0.7
    /// Words from which the engine's reading of a post's kind counts.
    static let substantiveWords = 6

    public static func rank(_ facts: InboxFacts, kind: InboxItem.Kind = .post) -> InboxRank {
        var score = 0.0
        var reasons: [InboxReason] = []
        // A weight with no words (a slightly sharp tone, a little learned evidence) moves the score without a
        // line to read.
        func add(_ code: InboxReason.Code, _ weight: Double, _ text: String) {
            score += weight
            if !text.isEmpty { reasons.append(InboxReason(code, raises: weight >= 0, text)) }
        }
        var asksAttention = false
        switch kind {
        case .heated:
            add(
                .heated, 3,
                "Heated: " + (facts.heat.isEmpty ? "replies coming fast" : facts.heat.joined(separator: ", ")))
            asksAttention = true
        case .profile:
            add(.review, 2, "Profile flagged: " + facts.review.joined(separator: ", "))
            asksAttention = true
        case .post:
            asksAttention = rankText(facts, add: add)
        }
        if !facts.review.isEmpty, kind == .post {
            add(.review, 0.5, "In the review queue: " + facts.review.joined(separator: ", "))
            asksAttention = true
        }
        if let keptBy = facts.keptBy {
            add(.keptPertinent, 4, "Kept up: marked pertinent by \(keptBy)")
            asksAttention = true
        }
        if facts.authorTrolls > 0 {
            let marks = min(facts.authorTrolls, 3)
            add(
                .trollMarks, -1.5 * Double(marks),
                facts.authorTrolls == 1
                    ? "One of this member's posts was marked \u{201C}troll: let it be\u{201D}"
                    : "\(facts.authorTrolls) of this member's posts were marked \u{201C}troll: let it be\u{201D}")
        } else if facts.authorPertinent > 0 {
            score += 0.3 * Double(min(facts.authorPertinent, 3))
        }
        // The engine's reading of a post's kind misses many a real question or report, so a post that reads clean
        // and says something comes in on its score alone: missing a pertinent remark costs more than a line of
        // chatter low in the list.
        let listed = asksAttention || (kind == .post && facts.answeredBy == nil && score >= listingFloor)
        if listed, !reasons.contains(where: \.raises) {
            // In on its score alone: what it has for it is that it says something, calmly, and waits.
            reasons.insert(InboxReason(.unanswered, raises: true, "Nobody has replied"), at: 0)
        }
        return InboxRank(score: (score * 1_000).rounded() / 1_000, reasons: reasons, listed: listed)
    }

    /// The post's own part: its kind, tone, noise, length, what was learned, and the facts around it. Returns
    /// whether anything in it asks for attention.
    private static func rankText(_ facts: InboxFacts, add: (InboxReason.Code, Double, String) -> Void) -> Bool {
        var asks = false
        let hostile = facts.toxicity >= hostile && !facts.counterSpeech
        let cues = facts.cues.isEmpty ? "" : ": " + facts.cues.prefix(3).joined(separator: ", ")
        let unanswered = facts.answeredBy == nil
        switch facts.isSubstantive ? facts.feedbackKind : "discussion" {
        case "question" where unanswered:
            if facts.newcomer {
                add(
                    .newcomerQuestion, Weights.question + Weights.newcomerQuestion,
                    facts.firstPost ? "A newcomer's first question, unanswered" : "A newcomer's question, unanswered")
            } else {
                add(.question, Weights.question, "A question nobody has answered")
            }
            asks = true
        case "bug":
            add(.bug, Weights.bug, "Bug report" + cues)
            asks = true
        case "suggestion":
            add(.suggestion, Weights.suggestion, "Suggestion" + cues)
            asks = true
        case "complaint" where facts.isFairComplaint:
            add(.complaint, Weights.complaint, "A complaint, unhappy but not abusive" + cues)
            asks = true
        case "praise":
            add(.short, Weights.praise, "Praise: nothing to answer")
        default:
            break
        }
        if facts.newcomer, facts.feedbackKind != "question" || !unanswered {
            add(
                .newcomer, facts.firstPost ? 0.6 : 0.3,
                facts.firstPost ? "A newcomer's first post" : "Written by a newcomer")
            if facts.firstPost, unanswered { asks = true }
        }
        if unanswered, facts.waited, asks {
            add(.waiting, 1.2, "Still unanswered")
        }
        if let answeredBy = facts.answeredBy {
            // Someone took up a report or a suggestion; it still waits to be carried back, lower.
            add(.answered, facts.feedbackKind == "question" ? -3 : -1.5, "Answered by \(answeredBy)")
            // An answered question has what it asked for; a bug report or a suggestion still waits to be carried.
            if facts.feedbackKind == "question" && facts.mentions.isEmpty { asks = false }
        }
        if !facts.mentions.isEmpty {
            add(.mention, 1, "Mentions " + facts.mentions.joined(separator: ", "))
            asks = true
        }
        // The engine's toxicity is the strongest evidence against a post: it weighs on every post, and names
        // itself when the post reads hostile.
        add(
            .hostile, -Weights.toxicity * facts.toxicity,
            hostile ? "Reads hostile (toxicity \(Int((facts.toxicity * 100).rounded())) %)" : "")
        if facts.noise >= 0.3 {
            add(
                .noisy, -2 * facts.noise, "Loud rather than informative (noise \(Int((facts.noise * 100).rounded())) %)"
            )
        }
        // A post that says more usually has more to answer; the gain flattens with length.
        add(.length, Weights.length * log(1 + Double(min(facts.words, 300))), "")
        if facts.words < 4 { add(.short, -0.3, "A few words") }
        // A few warm words ("great app, love it") thank; they rarely ask for anything.
        if facts.sentiment >= 0.85, facts.words < 25, facts.feedbackKind != "bug" {
            add(.short, -0.8, "Warm words: nothing to answer")
        }
        let learned = max(-4, min(4, facts.learned))
        if learned >= 0.3 {
            add(.learnedPertinent, learned, "Like posts you found pertinent" + quoted(facts.learnedWords))
        } else if learned <= -0.3 {
            add(.learnedNoise, learned, "Like posts you let be" + quoted(facts.learnedWords))
        } else {
            add(.learnedPertinent, learned, "")
        }
        return asks
    }

    private static func quoted(_ words: [String]) -> String {
        words.isEmpty ? "" : ": " + words.prefix(3).map { "\u{201C}\($0)\u{201D}" }.joined(separator: ", ")
    }
}
