import Foundation

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
        byStaff
            || (InboxFacts.wordCount(body) >= InboxRanking.substantiveWords
                && !body.utf8.contains(UInt8(ascii: "?")))
    }

    public static func isNewcomer(joinedAt joined: Date, at date: Date) -> Bool {
        date.timeIntervalSince(joined) < TimeInterval(newcomerDays) * 86_400
    }

    /// The brand words a text says, matched as whole words, ignoring case.
    public func brandMentions(in text: String) -> [String] {
        // Most posts and brand words are plain ASCII: then a byte search says the same as Foundation's, at a
        // fraction of its cost; a text or a word with accents goes through Foundation (diacritics ignored).
        let lowered = brandWords.isEmpty ? nil : ASCIISearch.lowercaseBytes(text)
        return brandWords.filter { word in
            guard !word.isEmpty else { return false }
            if let lowered, let key = ASCIISearch.lowercaseBytes(word) {
                return Self.wholeWord(key, in: lowered)
            }
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

    /// Whether `word` occurs in `text` (both lowercase ASCII) with no letter either side.
    private static func wholeWord(_ word: [UInt8], in text: [UInt8]) -> Bool {
        func isLetter(_ at: Int) -> Bool {
            guard at >= 0, at < text.count else { return false }
            return (text[at] >= 0x61 && text[at] <= 0x7A)
        }
        var start = 0
        while let found = ASCIISearch.firstIndex(of: word, in: text, from: start) {
            if !isLetter(found - 1), !isLetter(found + word.count) { return true }
            start = found + 1
        }
        return false
    }
}
