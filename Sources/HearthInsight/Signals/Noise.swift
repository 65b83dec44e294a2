/// Noise: what makes a post loud rather than informative. Shouting, repeated punctuation, link density and
/// repetition each give a part in [0, 1]; the score is the chance that at least one of them holds.
struct NoiseAnalyzer: Sendable {
    func analyze(_ reading: Reading) -> Signal {
        var words = 0
        var shouted = 0
        var links = 0
        var loudPunctuation = 0
        var counts: [String: Int] = [:]
        var longestRun = 1
        var run = 1
        var previousKey: String? = nil
        for token in reading.tokens {
            switch token.kind {
            case .word:
                words += 1
                if token.isShouted { shouted += 1 }
                if token.key.count > 2 { counts[token.key, default: 0] += 1 }
            case .url:
                links += 1
            case .punctuation where token.original.count >= 2 && (token.key.contains("!") || token.key.contains("?")):
                loudPunctuation += token.original.count - 1
            default:
                break
            }
            if token.kind != .punctuation {
                run = token.key == previousKey ? run + 1 : 1
                longestRun = max(longestRun, run)
                previousKey = token.key
            }
        }
        var parts: [(String, Double)] = []
        if words >= 3 { parts.append(("shouting", Double(shouted) / Double(words))) }
        parts.append(("repeated punctuation", min(1, Double(loudPunctuation) / 6)))
        let units = Double(max(1, words + links))
        parts.append(("links", links == 0 ? 0 : min(1, Double(links) / units * 3)))
        let repeated = counts.values.filter { $0 >= 3 }.reduce(0, +)
        let repetition = words >= 6 ? Double(repeated) / Double(words) : 0
        parts.append(("repetition", min(1, max(repetition, Double(longestRun - 2) / 4))))
        let score = 1 - parts.reduce(1.0) { $0 * (1 - max(0, min(1, $1.1))) }
        let reasons = parts.filter { $0.1 >= 0.25 }.sorted { $0.1 > $1.1 }.map { $0.0 }
        return Signal(score: score, reasons: reasons)
    }
}
