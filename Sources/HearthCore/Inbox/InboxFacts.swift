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
    /// Where an outside item came from and what it says (outside items only).
    public var outside: OutsideRef?

    public init(
        feedbackKind: String = "discussion", cues: [String] = [], toxicity: Double = 0, sentiment: Double = 0.5,
        noise: Double = 0,
        counterSpeech: Bool = false, words: Int = 0, learned: Double = 0, learnedWords: [String] = [],
        newcomer: Bool = false, firstPost: Bool = false, opensTopic: Bool = false, answeredBy: String? = nil,
        mentions: [String] = [], review: [String] = [], heat: [String] = [], authorTrolls: Int = 0,
        authorPertinent: Int = 0, keptBy: String? = nil, waited: Bool = false, outside: OutsideRef? = nil
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
        self.outside = outside
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

    public static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            // Letters, marks and digits, as `CharacterSet.alphanumerics` has them; that set, built again at each
            // call on Linux, was 4.5 % of the CPU of writing a reply.
            let letter =
                scalar.isASCII
                ? (scalar.value | 0x20 >= 0x61 && scalar.value | 0x20 <= 0x7A) || (0x30...0x39).contains(scalar.value)
                : Self.isAlphanumeric(scalar.properties.generalCategory)
            if letter && !inWord { count += 1 }
            inWord = letter
        }
        return count
    }

    private static func isAlphanumeric(_ category: Unicode.GeneralCategory) -> Bool {
        switch category {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .nonspacingMark,
            .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
            true
        default: false
        }
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
