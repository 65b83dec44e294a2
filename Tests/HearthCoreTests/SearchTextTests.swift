import Foundation
import HearthCore
import Testing

@Suite("Search text")
struct SearchTextTests {
    /// Folding as it was written before it skipped the replacements of letters the text does not hold.
    static func reference(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        return text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .replacingOccurrences(of: "œ", with: "oe").replacingOccurrences(of: "æ", with: "ae")
            .replacingOccurrences(of: "ß", with: "ss")
    }

    @Test("text folds to lower case without accents, ligatures or wide forms, as it did")
    func folding() {
        #expect(SearchText.fold("Œuvre, Ægir, Straße, École, ＡＢＣ") == "oeuvre, aegir, strasse, ecole, abc")
        let alphabet: [Character] = ["a", "É", "œ", "Œ", "æ", "ß", "ẞ", "e\u{301}", "ﬁ", "Ａ", " ", "日", "ǆ", "İ"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let text = String(
                (0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            #expect(SearchText.fold(text) == Self.reference(text), "\(text)")
        }
    }
}
