/// Sentiment in English with the VADER lexicon and its rules, in French with the Pattern lexicon and French
/// negation and intensifiers. The rules follow Hutto & Gilbert (ICWSM 2014): a valence per word, raised by
/// boosters and capitals, flipped and damped by negation, re-weighted around "but", emphasised by "!".
struct SentimentAnalyzer: Sendable {
    let lexicon: Lexicon

    struct Result {
        /// VADER's normalised compound score, -1 ... 1.
        var compound: Double
        /// The words that moved it most, as written, with their valence.
        var drivers: [(word: String, valence: Double)]
    }

    // Constants from the VADER paper's empirically derived rules.
    private static let boost = 0.293
    private static let capitalEmphasis = 0.733
    private static let negationScale = -0.74
    private static let exclamationEmphasis = 0.292

    func analyze(_ reading: Reading) -> Result {
        let tokens = reading.tokens
        let french = reading.language == .fr
        let hasMixedCase = tokens.contains { $0.kind == .word && !$0.isShouted && $0.keyLength > 1 }
        // Sized once: growing these arrays word by word cost more than filling them.
        var sentiments: [Double] = []
        sentiments.reserveCapacity(tokens.count)
        var drivers: [(index: Int, valence: Double)] = []
        drivers.reserveCapacity(tokens.count)
        var butIndex: Int? = nil
        var lexicalPositions: [Int] = []
        lexicalPositions.reserveCapacity(tokens.count)
        var exclamations = 0
        for index in tokens.indices {
            if tokens[index].marks.contains(.exclamation) {
                exclamations += tokens.text(index).count { $0 == UInt8(ascii: "!") }
            }
            guard tokens[index].isLexical else { continue }
            lexicalPositions.append(index)
            let facts = lexicon.facts(tokens[index].word)
            if facts?.roles.contains(.contrast) == true { butIndex = sentiments.count }
            var valence =
                tokens[index].kind == .word
                ? Self.valence(of: facts, french: french)
                : symbolValence(tokens[index].kind, tokens.key(index), tokens.original(index))
            guard valence != 0 else {
                sentiments.append(0)
                continue
            }
            if tokens[index].isShouted && hasMixedCase {
                valence += valence > 0 ? Self.capitalEmphasis : -Self.capitalEmphasis
            }
            let window = lexicalPositions.suffix(4).dropLast()
            var negated = false
            for (distance, position) in window.reversed().enumerated() {
                guard let previous = lexicon.facts(tokens[position].word) else { continue }
                if !previous.roles.isDisjoint(with: [.negator, .frenchNe]) { negated = true }
                guard previous.booster != 0 else { continue }
                var amount = previous.booster * Self.boosterDecay[distance]
                if tokens[position].isShouted && hasMixedCase {
                    amount += previous.booster > 0 ? Self.capitalEmphasis : -Self.capitalEmphasis
                }
                valence += valence > 0 ? amount : -amount
            }
            if negated { valence *= Self.negationScale }
            sentiments.append(valence)
            drivers.append((index, valence))
        }
        if let butIndex {
            for index in sentiments.indices {
                sentiments[index] *= index < butIndex ? 0.5 : 1.5
            }
        }
        var total = sentiments.reduce(0, +)
        if total != 0 {
            let emphasis = Double(min(exclamations, 4)) * Self.exclamationEmphasis
            total += total > 0 ? emphasis : -emphasis
        }
        let compound = max(-1, min(1, total / (total * total + 15).squareRoot()))
        drivers.sort { abs($0.valence) > abs($1.valence) }
        return Result(
            compound: compound, drivers: drivers.prefix(3).map { (tokens.original($0.index), $0.valence) })
    }

    private static func valence(of facts: WordFacts?, french: Bool) -> Double {
        guard let facts else { return 0 }
        if french { return facts.pattern.map { $0 * 4 } ?? facts.frenchValence }
        return facts.vader
    }

    /// Valence of an emoji (from the words describing it) or an emoticon.
    private func symbolValence(_ kind: Token.Kind, _ key: String, _ original: String) -> Double {
        if kind == .emoji { return lexicon.emojiValence[key] ?? 0 }
        return lexicon.vader[key.lowercased()] ?? lexicon.vader[original.lowercased()] ?? 0
    }

    private static let boosterDecay = [1.0, 0.95, 0.9]

    /// Degree adverbs, English and French, with VADER's increment (or decrement for hedges).
    static let boosters: [String: Double] = {
        var table: [String: Double] = [:]
        for word in """
        absolutely amazingly awfully completely considerably decidedly deeply enormously entirely especially \
        exceptionally extremely fabulously flipping fully greatly highly hugely incredibly intensely majorly \
        more most particularly purely quite really remarkably so substantially thoroughly totally tremendously \
        uber unbelievably unusually utterly very super hyper tres trop vraiment tellement extremement \
        absolument completement totalement carrement grave vachement hyper ultra franchement
        """.split(whereSeparator: \.isWhitespace) {
            table[String(word)] = boost
        }
        for word in """
        almost barely hardly marginally occasionally partly scarcely slightly somewhat sorta kinda \
        peu assez plutot presque legerement moyennement
        """.split(whereSeparator: \.isWhitespace) {
            table[String(word)] = -boost
        }
        return table
    }()

    /// French words outside Pattern's adjectives that carry clear sentiment on forums (verbs, nouns, slang),
    /// on VADER's -4 ... 4 scale.
    static let frenchWords: [String: Double] = [
        "merci": 1.5, "bravo": 2.5, "adore": 2.5, "aime": 1.8, "aimer": 1.8, "kiffe": 2, "top": 1.8, "genial": 3,
        "super": 2.2, "cool": 1.5, "parfait": 2.8, "chapeau": 2, "felicitations": 2.8, "plaisir": 2, "merveille": 3,
        "deteste": -2.8, "hais": -3, "haine": -3, "nul": -2.5, "nulle": -2.5, "merde": -2.5, "bug": -1.2,
        "probleme": -1.3, "erreur": -1.2, "honte": -2.5, "honteux": -2.8, "marre": -2, "decu": -2, "decue": -2,
        "dommage": -1.5, "galere": -1.8, "pourri": -2.5, "catastrophe": -3, "horreur": -3, "lol": 1.5, "mdr": 1.5,
        "arnaque": -2.8, "inadmissible": -2.8, "scandale": -2.8, "chiant": -2, "relou": -1.8, "naze": -2,
    ]
}
