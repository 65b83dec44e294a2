import Testing

@testable import HearthInsight

@Suite("Reading text as forums write it")
struct TokenizerTests {
    let tokenizer = Tokenizer(spelledWords: ["con", "fuck"])

    func keys(_ text: String) -> [String] {
        tokenizer.tokens(text).keys
    }

    @Test func foldsCaseAndAccentsButKeepsTheOriginal() {
        let tokens = tokenizer.tokens("École ÉLÈVE Œuvre Straße")
        #expect(tokens.keys == ["ecole", "eleve", "oeuvre", "strasse"])
        #expect(tokens.originals == ["École", "ÉLÈVE", "Œuvre", "Straße"])
        #expect(tokens[1].isShouted)
        #expect(!tokens[0].isShouted)
    }

    @Test func foldsDecomposedAndCompatibilityForms() {
        // "e" + combining acute; full-width letters; mathematical bold letters used to dodge filters.
        #expect(keys("e\u{301}cole") == ["ecole"])
        #expect(keys("ｃｏｎ") == ["con"])
        #expect(keys("𝐢𝐝𝐢𝐨𝐭") == ["idiot"])
    }

    @Test func splitsFrenchElisionsAndHyphens() {
        #expect(keys("l'école d'été qu'il") == ["le", "ecole", "de", "ete", "que", "il"])
        #expect(keys("t'es nul, t'as vu") == ["tu", "es", "nul", ",", "tu", "as", "vu"])
        #expect(keys("peut-être") == ["peut", "etre"])
        #expect(keys("aujourd’hui") == ["aujourdhui"])
    }

    @Test func joinsEnglishContractions() {
        #expect(keys("don't you're") == ["dont", "youre"])
    }

    @Test func latinFastPathsAgreeWithUnicodeProperties() {
        for value in UInt32(0)..<0x250 {
            let scalar = Unicode.Scalar(value)!
            let properties = scalar.properties
            let word = properties.isAlphabetic || properties.numericType != nil || Folding.isCombiningMark(value)
            #expect(Tokenizer.isWordScalar(scalar) == word || value < 0x80, "U+\(String(value, radix: 16))")
            #expect(Tokenizer.isSpace(scalar) == properties.isWhitespace, "U+\(String(value, radix: 16))")
            if value >= 0x80 {
                #expect(Tokenizer.isAlphabetic(scalar) == properties.isAlphabetic, "U+\(String(value, radix: 16))")
                #expect(Tokenizer.isUppercase(scalar) == properties.isUppercase, "U+\(String(value, radix: 16))")
            }
        }
    }

    @Test func undoesElongationLeetspeakAndSpacedLetters() {
        let stretched = tokenizer.tokens("nuuuul")
        #expect(stretched.keys == ["nul"])
        #expect(stretched[0].isElongated)
        #expect(keys("c0nn4rd") == ["connard"])
        #expect(keys("a$$hole") == ["asshole"])
        #expect(keys("c.o.n") == ["con"])
        #expect(keys("f u c k off") == ["fuck", "off"])
        // Ordinary single letters and numbers stay as they are.
        #expect(keys("a b c") == ["a", "b", "c"])
        #expect(keys("mp3 covid19 2024") == ["mp3", "covid19", "<num>"])
    }

    @Test func squeezesElongationOutsideASCIIAndKeepsDoubleLetters() {
        let cyrillic = tokenizer.tokens("нуууль")
        #expect(cyrillic.keys == ["нуль"])
        #expect(cyrillic[0].isElongated)
        let doubled = tokenizer.tokens("connard")
        #expect(doubled.keys == ["connard"])
        #expect(!doubled[0].isElongated)
        // Latin-1 capitals count as shouting, lower-case accents do not.
        #expect(tokenizer.tokens("DÉGÂTS").first?.isShouted == true)
        #expect(tokenizer.tokens("dégâts").first?.isShouted == false)
    }

    @Test func keepsURLsMentionsEmojiAndEmoticonsAsTokens() {
        let tokens = tokenizer.tokens("@marie regarde https://hearth.example/t/1, top 👍🏽 :) <3")
        #expect(tokens.map(\.kind) == [.mention, .word, .url, .punctuation, .word, .emoji, .emoticon, .emoticon])
        #expect(tokens.original(2) == "https://hearth.example/t/1")
        #expect(tokens.original(5) == "👍🏽")
    }

    @Test func marksNegatedQuotedAndReportedWords() throws {
        let reader = Reader(lexicon: try .bundled())
        let negated = reader.read("Tu n'es pas un idiot")
        let idiot = try #require(negated.tokens.keys.firstIndex(of: "idiot"))
        #expect(negated.scopes[idiot].contains(.negated))
        let quoted = reader.read("He wrote \"you are scum\" under my post")
        let scum = try #require(quoted.tokens.keys.firstIndex(of: "scum"))
        #expect(quoted.scopes[scum].contains(.quoted))
        let said = reader.read("you are scum")
        let unscoped = said.scopes.allSatisfy { $0.isEmpty }
        #expect(unscoped)
        #expect(said.hits.contains { $0.kind == .insult && !$0.isMentioned })
    }
}

@Suite("Language identification")
struct LanguageTests {
    let reader: Reader

    init() throws {
        reader = Reader(lexicon: try .bundled())
    }

    @Test(arguments: [
        ("Bonjour, je n'arrive pas à changer mon mot de passe.", TextLanguage.fr),
        ("mdr t'es sérieux là ?", .fr),
        ("Ce forum est vraiment top", .fr),
        ("tkt jsp ouais grave", .fr),
        ("I can't change my password, what am I doing wrong?", .en),
        ("this is the best update so far", .en),
        ("Das ist nicht mein Problem und ich will es nicht", .other),
        ("Esto es muy bueno para los usuarios", .other),
        ("Привет всем, как дела?", .other),
    ])
    func identifies(text: String, language: TextLanguage) {
        #expect(reader.read(text).language == language)
    }
}

@Suite("The vocabulary of the word lists")
struct VocabularyTests {
    @Test func findsEveryInternedWordAndNothingElse() {
        let words = (0..<500).map { "mot\($0)" } + ["école", "idiot", ""]
        let vocabulary = Vocabulary(words)
        for (id, word) in words.enumerated() { #expect(vocabulary.id(of: word) == Int32(id)) }
        #expect(vocabulary.id(of: "mot500") == -1)
        #expect(vocabulary.id(of: "ecole") == -1)
    }

    @Test func readingResolvesWordsToWhatTheListsSay() throws {
        let lexicon = try Lexicon.bundled()
        let reading = Reader(lexicon: lexicon).read("Ce n'est pas génial, mais merci quand même")
        let pas = try #require(reading.tokens.keys.firstIndex(of: "pas").map { reading.tokens[$0] })
        #expect(lexicon.facts(pas.word)?.roles.contains(.negator) == true)
        let mais = try #require(reading.tokens.keys.firstIndex(of: "mais").map { reading.tokens[$0] })
        #expect(lexicon.facts(mais.word)?.roles.contains(.contrast) == true)
        let genial = try #require(reading.tokens.keys.firstIndex(of: "genial").map { reading.tokens[$0] })
        #expect(lexicon.facts(genial.word)?.pattern != nil)
        let unknown = Reader(lexicon: lexicon).read("zzqxv").tokens[0]
        #expect(unknown.word == -1)
    }
}
