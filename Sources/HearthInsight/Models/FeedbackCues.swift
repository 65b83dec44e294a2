/// Words and shapes that say what kind of feedback a post is, in English and French. They are features, not
/// rules: the feedback model learns how much each one counts.
enum FeedbackCues {
    static let kinds = ["question", "suggestion", "bug", "complaint", "praise", "discussion"]

    private static let phrases: [String: String] = [
        "question": """
        how do i|how can i|how to|is there a way|is it possible|any idea|does anyone|anyone know|can i|can someone|\
        what is|where is|why is|why does|why do|help|need help|est ce que|comment faire|comment on|quelqu'un sait|\
        y a t il|peut on|puis je|savez vous|besoin d'aide|aide|comment|pourquoi|how|why|where|which
        """,
        "suggestion": """
        would be nice|would be great|it would be|should|could we|can we|please add|feature request|suggest|\
        suggestion|proposal|propose|why not|allow|option to|add a|add an|we need|ce serait bien|il faudrait|\
        on pourrait|serait il possible|je propose|proposition|ajouter|pourquoi pas|faudrait|devrait|permettre
        """,
        "bug": """
        bug|bugs|error|errors|broken|doesnt work|does not work|not working|crash|crashes|fails|failed|failing|\
        unable to|cannot|cant|glitch|wrong|fix|fixed|displayed|display|link is|500|404|bogue|beug|erreur|\
        marche pas|fonctionne pas|ne fonctionne|plante|affichage|impossible de|probleme|lien mort|casse
        """,
        "complaint": """
        disappointed|unacceptable|frustrating|annoying|terrible|worst|ridiculous|awful|fed up|sick of|unfair|\
        decu|decue|inadmissible|honteux|lamentable|ras le bol|marre|scandale|inacceptable|agacant|injuste
        """,
        "praise": """
        thank you|thanks|thank|thx|great job|love it|awesome|excellent|well done|kudos|amazing|\
        merci|bravo|genial|chapeau|felicitations|top|super boulot|trop bien|j'adore
        """,
        "discussion": """
        what do you think|opinion|opinions|discuss|discussion|policy|should we|thoughts|consensus|vote|\
        qu'en pensez vous|avis|debat|votre avis|regle|regles|politique
        """,
    ]

    /// Phrase keys by first key: (kind, keys).
    private static let phraseIndex: [String: [(String, [String])]] = {
        let tokenizer = Tokenizer()
        var index: [String: [(String, [String])]] = [:]
        for (kind, list) in phrases {
            for phrase in list.split(separator: "|") {
                let keys = tokenizer.tokens(String(phrase)).filter { $0.kind != .punctuation }.map(\.key)
                guard let first = keys.first else { continue }
                index[first, default: []].append((kind, keys))
            }
        }
        return index
    }()

    static var names: [String] {
        kinds.flatMap { ["cue|" + $0, "cue|" + $0 + "|opening"] } + [
            "cue|question-mark", "cue|question-mark|end", "cue|exclamation", "cue|long", "cue|short",
        ]
    }

    static func add(_ reading: Reading, to vector: inout FeatureVector) {
        let tokens = reading.tokens
        var counts: [String: Int] = [:]
        var opening: Set<String> = []
        var wordsSeen = 0
        for (index, token) in tokens.enumerated() where token.kind == .word {
            wordsSeen += 1
            guard let candidates = phraseIndex[token.key] else { continue }
            for (kind, keys) in candidates where Self.matches(keys, tokens, at: index) {
                counts[kind, default: 0] += 1
                if wordsSeen <= 3 { opening.insert(kind) }
            }
        }
        for (kind, count) in counts { vector.add(named: "cue|" + kind, Float(min(count, 4)) / 2) }
        for kind in opening { vector.add(named: "cue|" + kind + "|opening") }
        let questionMarks = tokens.filter { $0.kind == .punctuation && $0.key.contains("?") }.count
        if questionMarks > 0 { vector.add(named: "cue|question-mark", Float(min(questionMarks, 3))) }
        if let last = tokens.last(where: { $0.kind != .emoji && $0.kind != .emoticon }), last.key.contains("?") {
            vector.add(named: "cue|question-mark|end")
        }
        if tokens.contains(where: { $0.kind == .punctuation && $0.key == "!" }) { vector.add(named: "cue|exclamation") }
        if wordsSeen > 150 { vector.add(named: "cue|long") }
        if wordsSeen < 12 { vector.add(named: "cue|short") }
    }

    private static func matches(_ keys: [String], _ tokens: [Token], at start: Int) -> Bool {
        var position = start
        for key in keys {
            while position < tokens.count, tokens[position].kind == .punctuation, tokens[position].key == "'" {
                position += 1
            }
            guard position < tokens.count, tokens[position].key == key else { return false }
            position += 1
        }
        return true
    }
}
