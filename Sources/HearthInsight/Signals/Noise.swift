/// Noise: what makes a post loud rather than informative. Shouting, repeated punctuation, link density and
/// repetition each give a part in [0, 1]; the score is the chance that at least one of them holds.
struct NoiseAnalyzer: Sendable {
    func analyze(_ reading: Reading) -> Signal {
        var words = 0
        var shouted = 0
        var links = 0
        var loudPunctuation = 0
        var repeatable: [UInt32] = []
        repeatable.reserveCapacity(reading.tokens.count)
        var longestRun = 1
        var run = 1
        var previous: Int? = nil
        let tokens = reading.tokens
        for index in tokens.indices {
            switch tokens[index].kind {
            case .word:
                words += 1
                if tokens[index].isShouted { shouted += 1 }
                if tokens[index].keyLength > 2 { repeatable.append(tokens[index].hash) }
            case .url:
                links += 1
            case .punctuation where !tokens[index].marks.isDisjoint(with: [.question, .exclamation]):
                // A run of "!" and "?" is ASCII, so its bytes are its characters.
                loudPunctuation += tokens[index].textLength - 1
            default:
                break
            }
            if tokens[index].kind != .punctuation {
                let same = previous.map { tokens.sameKey($0, index) }
                run = same == true ? run + 1 : 1
                longestRun = max(longestRun, run)
                previous = index
            }
        }
        var parts: [(String, Double)] = []
        parts.reserveCapacity(4)
        if words >= 3 { parts.append(("shouting", Double(shouted) / Double(words))) }
        parts.append(("repeated punctuation", min(1, Double(loudPunctuation) / 6)))
        let units = Double(max(1, words + links))
        parts.append(("links", links == 0 ? 0 : min(1, Double(links) / units * 3)))
        let repeated = Self.wordsSeenThrice(&repeatable)
        let repetition = words >= 6 ? Double(repeated) / Double(words) : 0
        parts.append(("repetition", min(1, max(repetition, Double(longestRun - 2) / 4))))
        let score = 1 - parts.reduce(1.0) { $0 * (1 - max(0, min(1, $1.1))) }
        let reasons = parts.filter { $0.1 >= 0.25 }.sorted { $0.1 > $1.1 }.map { $0.0 }
        return Signal(score: score, reasons: reasons)
    }

    /// How many of these words (by key hash) belong to a key that occurs three times or more.
    static func wordsSeenThrice(_ hashes: inout [UInt32]) -> Int {
        hashes.sort()
        var total = 0
        var start = 0
        while start < hashes.count {
            var end = start + 1
            while end < hashes.count && hashes[end] == hashes[start] { end += 1 }
            if end - start >= 3 { total += end - start }
            start = end
        }
        return total
    }
}
