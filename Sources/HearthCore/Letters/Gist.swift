import Foundation

/// Picks the sentences that carry a thread, as they were written: never a word invented. A sentence scores by
/// how many of the thread's recurring words it holds, against its length; quotes, code and bare links are left
/// out, and the chosen sentences keep the thread's order.
public enum Gist {
    static let shortest = 6
    static let longest = 40

    public static func sentences(from texts: [String], count: Int = 3) -> [String] {
        let candidates = texts.flatMap { split(clean($0)) }
        var frequency: [String: Int] = [:]
        for sentence in candidates {
            for word in Set(words(sentence)) { frequency[word, default: 0] += 1 }
        }
        var scored: [(index: Int, score: Double, sentence: String)] = []
        var seen = Set<String>()
        for (index, sentence) in candidates.enumerated() {
            let all = words(sentence)
            let length = sentence.split(whereSeparator: \.isWhitespace).count
            guard (shortest...longest).contains(length), seen.insert(sentence.lowercased()).inserted else { continue }
            let recurring = Set(all).reduce(0) { $0 + max(0, (frequency[$1] ?? 0) - 1) }
            scored.append((index, Double(recurring) / Double(length).squareRoot(), sentence))
        }
        return scored.sorted { ($0.score, -$0.index) > ($1.score, -$1.index) }.prefix(count)
            .sorted { $0.index < $1.index }.map(\.sentence)
    }

    /// The Markdown as prose: no quotes, code, images or link targets, one paragraph per line.
    static func clean(_ markdown: String) -> String {
        var lines: [String] = []
        var inCode = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                inCode.toggle()
                continue
            }
            // Quotes are someone else's words, code is not prose, and a heading is a title, not a sentence.
            if inCode || trimmed.hasPrefix(">") || trimmed.hasPrefix("#") || line.hasPrefix("    ") { continue }
            lines.append(trimmed)
        }
        var text = lines.joined(separator: "\n")
        text = text.replacingOccurrences(of: #"!\[[^\]]*\]\([^)]*\)"#, with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: #"\[([^\]]*)\]\([^)]*\)"#, with: "$1", options: .regularExpression)
        text = text.replacingOccurrences(of: #"https?://\S+"#, with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: #"(^|\n)([-*+]|[0-9]+[.)])\s+"#, with: "$1", options: .regularExpression)
        text = text.replacingOccurrences(of: #"[*_`]+"#, with: "", options: .regularExpression)
        return text
    }

    /// Sentences: ended by . ! ? or …, or by a line's end.
    static func split(_ text: String) -> [String] {
        var sentences: [String] = []
        for line in text.split(separator: "\n") {
            var current = ""
            let characters = Array(line)
            for (index, character) in characters.enumerated() {
                current.append(character)
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                // An initial ("E. B. White") does not end a sentence.
                let initial =
                    character == "." && index >= 1 && characters[index - 1].isUppercase
                    && (index == 1 || !characters[index - 2].isLetter)
                if ".!?…".contains(character), next.isWhitespace, !initial {
                    sentences.append(current.trimmingCharacters(in: .whitespaces))
                    current = ""
                }
            }
            let rest = current.trimmingCharacters(in: .whitespaces)
            if !rest.isEmpty { sentences.append(rest) }
        }
        return sentences
    }

    /// The words that can recur meaningfully: letters only, four or more, folded.
    static func words(_ sentence: String) -> [String] {
        sentence.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .split { !$0.isLetter }.filter { $0.count >= 4 }.map(String.init)
    }
}
