import HearthCore
import HearthInsight

/// Core's `WordNormaliser` behind the engine's tokenizer: watched words see through case, accents, stretched
/// letters, leetspeak and spaced-out spelling as the engine does.
public struct EngineNormaliser: WordNormaliser {
    public init() {}

    public func words(_ text: String, spelling: Set<String>) -> [NormalWord] {
        let tokens = Tokenizer(spelledWords: spelling).tokens(text)
        var words: [NormalWord] = []
        words.reserveCapacity(tokens.count)
        for index in tokens.indices {
            let token = tokens[index]
            guard token.kind == .word || token.kind == .number || token.kind == .emoji else { continue }
            // Numbers keep what was written: their key is a placeholder shared by every number.
            let key = token.kind == .number ? tokens.original(index) : tokens.key(index)
            words.append(
                NormalWord(
                    key: key, squeezed: token.isElongated ? WatchedWordList.squeeze(key) : nil,
                    utf8: tokens.utf8Range(index)))
        }
        return words
    }
}
