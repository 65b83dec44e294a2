/// Words and shapes that say what kind of feedback a post is, in English and French. They are features, not
/// rules: the feedback model learns how much each one counts.
enum FeedbackCues {
    static let kinds = ["question", "suggestion", "bug", "complaint", "praise", "discussion"]

    static let phrases: [String: String] = [
        "question": """
        how do i|how can i|how to|is there a way|is it possible|any idea|does anyone|anyone know|can i|can someone|\
        what is|where is|why is|why does|why do|help|need help|est ce que|comment faire|comment on|quelqu'un sait|\
        y a t il|peut on|puis je|savez vous|besoin d'aide|aide|comment|pourquoi|how|why|where|which|\
        what does|what are|is it normal|am i|should i|do i need|question|how come|comment puis je|\
        comment fait on|est il possible|qu'est ce que|ou trouver|c'est normal|faut il|quelle|quel
        """,
        "suggestion": """
        would be nice|would be great|it would be|should|could we|can we|please add|feature request|suggest|\
        suggestion|proposal|propose|why not|allow|option to|add a|add an|we need|ce serait bien|il faudrait|\
        on pourrait|serait il possible|je propose|proposition|ajouter|pourquoi pas|faudrait|devrait|permettre|\
        i wish|wish|would love|would like|i'd like|could you add|please make|please bring|feature|support for|\
        ability to|it would help|lacks|needs a|enhancement|improve|improvement|\
        j'aimerais|j'aimerai|aimerais|souhaiterais|il manque|manque|serait top|serait super|serait bien|\
        ajoutez|rajouter|rajoutez|possibilite de|dommage que|dommage|si possible|amelioration|ameliorer
        """,
        "bug": """
        bug|bugs|error|errors|broken|doesnt work|does not work|not working|crash|crashes|fails|failed|failing|\
        unable to|cannot|cant|glitch|wrong|fix|fixed|displayed|display|link is|500|404|bogue|beug|erreur|\
        marche pas|fonctionne pas|ne fonctionne|plante|affichage|impossible de|probleme|lien mort|casse|\
        keeps crashing|crashed|freezes|freeze|frozen|stuck|hangs|won't open|wont open|won't load|doesn't load|\
        stopped working|stops working|not loading|not syncing|doesn't sync|since the update|after the update|\
        after updating|exception|traceback|stack trace|reproduce|steps to reproduce|expected behavior|\
        actual behavior|regression|bugue|plantage|se ferme|bloque|bloquee|ne s'ouvre|\
        ne synchronise|synchronise plus|ne charge|marche plus|fonctionne plus|depuis la mise a jour|\
        apres la mise a jour|depuis la derniere mise a jour|ecran noir|message d'erreur|ne s'affiche
        """,
        "complaint": """
        disappointed|unacceptable|frustrating|annoying|terrible|worst|ridiculous|awful|fed up|sick of|unfair|\
        decu|decue|inadmissible|honteux|lamentable|ras le bol|marre|scandale|inacceptable|agacant|injuste|\
        waste|useless|garbage|trash|horrible|hate|uninstall|uninstalled|uninstalling|rip off|scam|sucks|\
        pathetic|joke|disgrace|never again|poor|bad|worse|nul|nulle|inutile|desinstalle|desinstaller|\
        arnaque|pire|decevant|decevante|catastrophique|catastrophe|honte|deception|mauvais|mauvaise|zero|a fuir
        """,
        "praise": """
        thank you|thanks|thank|thx|great job|love it|awesome|excellent|well done|kudos|amazing|\
        merci|bravo|genial|chapeau|felicitations|top|super boulot|trop bien|j'adore|\
        love|great app|easy to use|useful|perfect|fantastic|wonderful|brilliant|helpful|recommend|\
        love this|good app|nice app|works great|works well|five stars|\
        parfait|parfaite|excellente|tres bien|pratique|utile|facile|super appli|super application|\
        tres bonne|bonne appli|je recommande|recommande|nickel|impeccable|au top|magnifique|formidable
        """,
        "discussion": """
        what do you think|opinion|opinions|discuss|discussion|policy|should we|thoughts|consensus|vote|\
        qu'en pensez vous|avis|debat|votre avis|regle|regles|politique
        """,
    ]

    static let names: [String] =
        kinds.flatMap { ["cue|" + $0, "cue|" + $0 + "|opening"] } + [
            "cue|question-mark", "cue|question-mark|end", "cue|exclamation", "cue|long", "cue|short",
            "tone|positive", "tone|negative",
        ]

    /// `names`' hashes; the shape cues start at `shapes`.
    private static let hashes = names.map(FeatureHash.named)
    private static let shapes = kinds.count * 2

    static func add(_ reading: Reading, tone: Double, to vector: inout FeatureVector) {
        let tokens = reading.tokens
        var counts = [Int](repeating: 0, count: kinds.count)
        var opening = [Bool](repeating: false, count: kinds.count)
        var cues = reading.cues[...]
        var wordsSeen = 0
        var questionMarks = 0
        var exclamation = false
        for index in tokens.indices {
            if tokens[index].kind == .word { wordsSeen += 1 }
            if tokens[index].isQuestion { questionMarks += 1 }
            if tokens[index].isExclamation { exclamation = true }
            while let cue = cues.first, cue.index == index {
                counts[Int(cue.kind)] += 1
                if wordsSeen <= 3 { opening[Int(cue.kind)] = true }
                cues = cues.dropFirst()
            }
        }
        for (kind, count) in counts.enumerated() where count > 0 {
            vector.add(hashes[kind * 2], Float(min(count, 4)) / 2, origin: -1)
        }
        for (kind, opens) in opening.enumerated() where opens { vector.add(hashes[kind * 2 + 1], 1, origin: -1) }
        if questionMarks > 0 { vector.add(hashes[shapes], Float(min(questionMarks, 3)), origin: -1) }
        if let last = tokens.last(where: { $0.kind != .emoji && $0.kind != .emoticon }), last.isQuestion {
            vector.add(hashes[shapes + 1], 1, origin: -1)
        }
        if exclamation { vector.add(hashes[shapes + 2], 1, origin: -1) }
        if wordsSeen > 150 { vector.add(hashes[shapes + 3], 1, origin: -1) }
        if wordsSeen < 12 { vector.add(hashes[shapes + 4], 1, origin: -1) }
        // The post's tone, in both languages (VADER, Pattern): praise and complaint are told apart by it more
        // than by any word.
        if tone > 0.05 { vector.add(hashes[shapes + 5], Float(tone), origin: -1) }
        if tone < -0.05 { vector.add(hashes[shapes + 6], Float(-tone), origin: -1) }
    }
}
