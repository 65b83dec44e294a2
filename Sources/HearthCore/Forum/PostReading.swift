import Foundation

/// What the triage engine read in a post when it was written: its language, how toxic it reads, what kind of
/// feedback it is, its sentiment and how much noise it holds, with the words that moved each. Stored with the post,
/// so the queue, the inbox and the digest never read a text twice.
public struct PostReading: Sendable, Equatable, Codable {
    /// "en", "fr" or "unknown".
    public var language: String
    /// 0 … 1.
    public var toxicity: Double
    /// question, suggestion, bug, complaint, praise or discussion.
    public var feedbackKind: String
    /// 0 … 1, 0.5 neutral.
    public var sentiment: Double
    /// 0 … 1.
    public var noise: Double
    /// Toxic words that are only quoted, negated or reported.
    public var counterSpeech: Bool
    /// Words of a threat, said (not quoted or reported).
    public var threat: Bool
    /// One line a moderator reads at a glance: "toxicity: idiot; question: how, ?".
    public var explanation: String
    /// What the community's inbox decisions taught the engine about texts like this one, when it was read: the
    /// inbox keeps it with the post's item; it is not stored with the reading, being the community's view at a
    /// moment rather than what the text says.
    public var learnedPertinence: LearnedPertinence = .none

    public init(
        language: String, toxicity: Double, feedbackKind: String, sentiment: Double, noise: Double,
        counterSpeech: Bool, threat: Bool = false, explanation: String, learnedPertinence: LearnedPertinence = .none
    ) {
        self.learnedPertinence = learnedPertinence
        self.threat = threat
        self.language = language
        self.toxicity = toxicity
        self.feedbackKind = feedbackKind
        self.sentiment = sentiment
        self.noise = noise
        self.counterSpeech = counterSpeech
        self.explanation = explanation
    }
}

/// Reads a text: the triage engine, behind a protocol so that Core does not depend on it.
public protocol TextReader: Sendable {
    func read(_ text: String) -> PostReading
    /// What the community's decisions in the inbox taught the engine about texts like this one.
    func pertinence(_ text: String) -> LearnedPertinence
}

extension TextReader {
    /// A reader that learns nothing from the inbox.
    public func pertinence(_ text: String) -> LearnedPertinence { .none }
}

/// Reads the posts written before readings were stored (or imported), in batches, in id order.
public struct ReadingBackfill: Sendable {
    let forum: any ForumRepository
    let reader: any TextReader

    public init(forum: any ForumRepository, reader: any TextReader) {
        self.forum = forum
        self.reader = reader
    }

    /// Reads up to `batch` posts that have no reading, after the post `after`; returns how many it read and the
    /// last post it looked at, to continue from (none read: nothing left).
    public func step(after: PostID? = nil, batch: Int = 2_000) async throws -> (read: Int, last: PostID?) {
        let posts = try await forum.postsWithoutReading(after: after, limit: batch)
        guard !posts.isEmpty else { return (0, after) }
        // The engine is a pure function of the text: both halves of a batch are read at once, one per core.
        let half = (posts.count + 1) / 2
        let reader = self.reader
        let readings = try await withThrowingTaskGroup(of: (Int, [(PostID, PostReading)]).self) { group in
            for (part, slice) in [posts[..<half], posts[half...]].enumerated() where !slice.isEmpty {
                let texts = Array(slice)
                group.addTask { (part, texts.map { ($0.0, reader.read($0.1)) }) }
            }
            var parts: [Int: [(PostID, PostReading)]] = [:]
            for try await (part, read) in group { parts[part] = read }
            return (parts[0] ?? []) + (parts[1] ?? [])
        }
        try await forum.saveReadings(readings, replacing: false)
        return (posts.count, posts.last?.0)
    }

    /// Reads every post that has none, calling `progress` with (done, total) after each batch.
    @discardableResult
    public func run(batch: Int = 2_000, progress: (Int, Int) -> Void = { _, _ in }) async throws -> Int {
        let total = try await remaining()
        var done = 0
        var last: PostID?
        while true {
            let (read, next) = try await step(after: last, batch: batch)
            if read == 0 { return done }
            done += read
            last = next
            progress(done, total)
        }
    }

    /// How many posts still wait for a reading.
    public func remaining() async throws -> Int {
        try await forum.postsWithoutReadingCount()
    }
}

extension PostReading {
    /// The words the engine named for a signal ("bug: “plante”, “mise à jour”" → ["plante", "mise à jour"]),
    /// from the explanation it gave.
    public func cues(of signal: String) -> [String] {
        // Plain Swift rather than Foundation's trimming and searching: this runs for every post written.
        func trimmed(_ text: Substring, _ edge: (Character) -> Bool) -> Substring {
            guard let first = text.firstIndex(where: { !edge($0) }), let last = text.lastIndex(where: { !edge($0) })
            else { return "" }
            return text[first...last]
        }
        let prefix = signal + ": "
        for part in explanation.split(separator: ";") {
            let clause = trimmed(part) { $0 == " " || $0 == "\t" }
            guard clause.hasPrefix(prefix) else { continue }
            return clause.dropFirst(prefix.count).split(separator: ",").compactMap { word in
                let cue = trimmed(word) { $0 == " " || $0 == "\u{201C}" || $0 == "\u{201D}" || $0 == "\"" }
                // Named features ("question mark") explain less than the writer's own words.
                // An address or a long token explains nothing at a glance.
                let readable = !cue.isEmpty && cue.count <= 30 && !Self.holdsAddress(cue)
                return word.contains("\u{201C}" as Character) && readable ? String(cue) : nil
            }
        }
        return []
    }

    /// Whether a text holds "://" (a generic `firstRange(of:)` cost more than the rest of `cues`).
    private static func holdsAddress(_ text: Substring) -> Bool {
        var matched = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ":") {
                matched = 1
            } else if byte == UInt8(ascii: "/") && matched > 0 {
                if matched == 2 { return true }
                matched = 2
            } else {
                matched = 0
            }
        }
        return false
    }
}
