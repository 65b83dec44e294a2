/// The language of a post, as far as triage cares: French, English, or something else.
public enum TextLanguage: String, Sendable, Codable, CaseIterable {
    case en, fr, other
}

/// Identifies French and English by their function words, which every sentence has and which forum spelling
/// rarely mangles, with accented letters as a tie-breaker. Other European languages are recognised the same way
/// so that they come out as `other` instead of being forced into French or English; so is non-Latin script.
public struct LanguageIdentifier: Sendable {
    public init() {}

    func identify(_ tokens: TokenList, lexicon: Lexicon) -> TextLanguage {
        var scores: [Int] = Array(repeating: 0, count: Self.profiles.count)
        var latinLetters = 0
        var otherLetters = 0
        var accents = 0
        for index in tokens.indices where tokens[index].kind == .word {
            if let languages = lexicon.facts(tokens[index].word)?.languages, languages != 0 {
                for profile in scores.indices where languages & 1 << profile != 0 { scores[profile] += 1 }
            }
            let text = tokens.text(index)
            if text.allSatisfy({ $0 < 0x80 }) {
                latinLetters += text.count
                continue
            }
            for scalar in String(decoding: text, as: UTF8.self).unicodeScalars {
                let value = scalar.value
                if value < 0x250 {
                    latinLetters += 1
                    if Self.frenchAccents.contains(value) { accents += 1 }
                } else if scalar.properties.isAlphabetic {
                    otherLetters += 1
                }
            }
        }
        if otherLetters > latinLetters { return .other }
        let en = scores[0]
        let fr = scores[1]
        let best = scores.indices.max { scores[$0] < scores[$1] } ?? 0
        if scores[best] >= 2 && scores[best] > max(en, fr) { return .other }
        if fr > en { return .fr }
        if en > fr { return .en }
        if accents > 0 { return .fr }
        return latinLetters > 0 ? .en : .other
    }

    private static let frenchAccents: [UInt32] = [
        0xE9, 0xE8, 0xEA, 0xE0, 0xE7, 0xF9, 0xFB, 0xF4, 0xEE, 0xEF, 0xEB, 0xE2,
    ]

    /// Function words per language (folded). Words shared by several languages are left out.
    static let profiles: [[String]] = [
        // English
        """
        the is are was were be been of and to in that it for with this you not have has had on but what which
        who they them their there we our i my me he she his her its from at by or an as if would could should will
        can do does did dont doesnt didnt isnt im ive youre thats just about how why when where than then so very
        all any some no yes because also only into out up get got like
        """.split(whereSeparator: \.isWhitespace).map(String.init),
        // French
        """
        le la les des est une du au aux et que qui quoi pas ne je tu il elle nous vous ils elles sont suis es etre
        avoir ai as avait ce cette ces cet mon ma mes ton ta tes son sa ses notre votre leur leurs dans sur avec
        pour par mais ou donc car ni sans chez tres plus moins aussi comme quand parce deja encore toujours jamais
        rien tout tous toute toutes meme fait faire oui non merci bien ca cela ceci y en lui se
        jsp jsuis chui jpp jai jte jme tkt mdr ptdr stp svp bcp pq pcq psk tte qd ouais ouai hein wesh frr frero
        mec meuf trop voila alors salut coucou
        """.split(whereSeparator: \.isWhitespace).map(String.init),
        // Spanish
        "el los las del por para con una es esta estan pero muy como que y lo su sus mas".split(separator: " ")
            .map(String.init),
        // German
        "der die das und ist nicht ich du er sie wir ihr ein eine mit auf fur von zu den dem sich auch".split(
            separator: " "
        ).map(String.init),
        // Italian
        "il lo gli della che non sono per con una di del al questo anche molto come ma".split(separator: " ")
            .map(String.init),
        // Portuguese
        "os as do da dos das em um uma nao com para por mais como mas voce ele ela".split(separator: " ")
            .map(String.init),
    ]
}
