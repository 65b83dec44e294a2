import Foundation
import Testing

@testable import HearthInsight

/// The bundled engine, loaded once for the suite.
let engine: TriageEngine = {
    do {
        return try TriageEngine.bundled()
    } catch {
        fatalError("The bundled models should load: \(error)")
    }
}()

@Suite("Toxicity")
struct ToxicityTests {
    @Test("the explanation names toxic words only when the text reads as toxic")
    func explanation() {
        let attack = engine.analyze("Shut the fuck up you stupid idiot")
        #expect(attack.explanation.contains("toxicity:"), "\(attack.explanation)")
        let calm = engine.analyze("Please add a dark mode to the mobile app, the white screen is too bright at night.")
        #expect(calm.toxicity.score < Analysis.explainedToxicity)
        #expect(!calm.explanation.contains("toxicity"), "\(calm.explanation)")
    }

    @Test(arguments: [
        "T'es vraiment un gros c0nn4rd, ferme ta gueule",
        "FERME TA GUEULE ESPECE DE CASSOS",
        "You are a pathetic loser, nobody wants you here",
        "Shut the fuck up you stupid idiot",
        "Va te faire foutre, sale bouffon",
        "Relis-toi, grognasse",
        "Ta guele, pétasse",
        "Je vais te buter à la sortie",
    ])
    func flagsAttacks(text: String) {
        let analysis = engine.analyze(text)
        #expect(analysis.toxicity.score >= 0.5, "\(text) scored \(analysis.toxicity.score)")
        #expect(!analysis.toxicity.reasons.isEmpty)
        #expect(!analysis.toxicKinds.isEmpty)
    }

    @Test(arguments: [
        "Merci pour la mise à jour, le forum est beaucoup plus rapide.",
        "How do I reset my password? The e-mail never arrives.",
        "Je ne suis pas d'accord avec ta proposition, mais je comprends l'idée.",
        "I disagree with this decision, the old layout was easier to read.",
    ])
    func leavesOrdinaryPostsAlone(text: String) {
        #expect(engine.analyze(text).toxicity.score < 0.5, "\(text)")
    }

    /// Counter-speech and negation in both languages: the same words, mentioned rather than said.
    @Test(arguments: [
        ("Il m'a traité de \"connard\" et ce n'est pas acceptable.", "Espèce de connard."),
        ("Calling people \"scum\" is not okay here.", "You are scum."),
        ("I don't think you are an idiot at all.", "You are an idiot."),
        ("Non, tu n'es pas un idiot, ta question est légitime.", "Tu es un idiot."),
        ("Dire « sale arabe » est raciste et inadmissible.", "Sale arabe."),
    ])
    func scoresMentionsBelowTheSameWordsSaid(mentioned: String, said: String) {
        let counter = engine.analyze(mentioned)
        let attack = engine.analyze(said)
        #expect(counter.toxicity.score < 0.5, "\(mentioned) scored \(counter.toxicity.score)")
        #expect(attack.toxicity.score > counter.toxicity.score)
        #expect(counter.isCounterSpeech)
    }

    @Test func namingWhoPeopleAreIsNotProfanity() {
        let reading = engine.reader.read("Gay and lesbian members are welcome here, queer folks too.")
        #expect(reading.hits.isEmpty)
        #expect(engine.reader.read("sale gouine").hits.contains { !$0.isMentioned })
    }

    @Test func theOppositeOfAnInsultIsAMention() {
        let reading = engine.reader.read("It's obvious that you are the very opposite of stupid.")
        let stupid = reading.hits.first { $0.kind == .insult }
        #expect(stupid?.isMentioned == true)
    }
}

@Suite("Sentiment, feedback kind and noise")
struct OtherSignalTests {
    func compound(_ text: String) -> Double { engine.analyze(text).sentimentCompound }

    @Test func vaderRulesInEnglish() {
        #expect(compound("This update is good") > 0.3)
        #expect(compound("This update is not good") < 0)
        #expect(compound("This update is very good") > compound("This update is good"))
        #expect(compound("This update is GOOD") > compound("This update is good"))
        #expect(compound("This update is good!!!") > compound("This update is good"))
        // "but": what follows weighs more than what precedes.
        #expect(compound("The design is nice but the search is terrible") < 0)
        #expect(compound("I love it 😍") > 0.3)
    }

    @Test func frenchLexiconNegationAndIntensifiers() {
        #expect(compound("Ce forum est excellent") > 0.3)
        #expect(compound("Ce forum n'est pas excellent") < 0)
        #expect(compound("Ce forum n'est pas du tout excellent") < 0)
        #expect(compound("Ce forum est très bon") > compound("Ce forum est bon"))
        #expect(compound("C'est nul, je suis déçu") < -0.3)
        #expect(engine.analyze("C'est nul").sentiment.reasons.first?.contains("nul") == true)
    }

    @Test(arguments: [
        ("How do I change my avatar? I can't find the option anywhere.", FeedbackKind.question),
        ("It would be nice to have a dark mode, please add it as an option.", .suggestion),
        ("The reply button is broken: clicking it gives an error 500 and the page crashes.", .bug),
    ])
    func feedbackKind(text: String, kind: FeedbackKind) {
        let analysis = engine.analyze(text)
        #expect(analysis.feedbackKind == kind, "\(text) → \(analysis.feedbackKind)")
        #expect(!analysis.feedback.reasons.isEmpty)
    }

    @Test(arguments: [
        ("Thank you so much, the new editor is wonderful and I love it!", FeedbackKind.praise),
        ("Super appli, merci !", .praise),
        ("Application géniale, je la recommande à tous.", .praise),
        ("Worst update ever, a complete waste of money. Uninstalled.", .complaint),
        ("Nul, décevant, une honte. Je désinstalle.", .complaint),
        ("L'application plante à chaque ouverture depuis la mise à jour.", .bug),
        ("Ce serait bien de pouvoir exporter les données en CSV.", .suggestion),
    ])
    func praiseAndComplaintAreReadInBothLanguages(text: String, kind: FeedbackKind) {
        let analysis = engine.analyze(text)
        #expect(analysis.feedbackKind == kind, "\(text) → \(analysis.feedbackKind) \(analysis.feedback.reasons)")
    }

    @Test func toneIsAFeatureTheExplanationNames() {
        let analysis = engine.analyze("Love it, love it, love it. Wonderful and so easy to use!")
        #expect(analysis.feedbackKind == .praise)
        #expect(analysis.feedback.reasons.contains("positive tone"), "\(analysis.feedback.reasons)")
    }

    @Test func noise() {
        let loud = engine.analyze("BUY NOW BUY NOW BUY NOW!!!!!! http://spam.example http://spam.example/2")
        let calm = engine.analyze("I tried the new editor this morning and it works well on my phone.")
        #expect(loud.noise.score > 0.7)
        #expect(loud.noise.reasons.contains("shouting"))
        #expect(loud.noise.reasons.contains("links"))
        #expect(calm.noise.score < 0.2)
    }

    @Test func aWordSaidOverAndOverIsRepetition() {
        // Consecutive words with one key make a run, whatever their case or stretching: "NUL nul Nuuul" is one word.
        let stuck = engine.analyze("NUL nul Nuuul NUL nul")
        #expect(stuck.noise.reasons.contains("repetition"))
        let varied = engine.analyze("nul bof pas top")
        #expect(!varied.noise.reasons.contains("repetition"))
    }

    @Test func valencesShowOneDecimal() {
        #expect(TriageEngine.format(2.25) == "2.3")
        #expect(TriageEngine.format(-0.04) == "0.0")
        #expect(TriageEngine.format(-1.96) == "-2.0")
        #expect(TriageEngine.format(0.7) == "0.7")
        #expect(engine.analyze("This is good").sentiment.reasons == ["good (+1.9)"])
    }

    @Test func scoresStayInRangeOnOddInput() {
        for text in ["", "   ", "!!!!", "😀😀😀", String(repeating: "a", count: 10_000), "\u{0}\u{FFFF}"] {
            let analysis = engine.analyze(text)
            for score in [
                analysis.toxicity.score, analysis.sentiment.score, analysis.noise.score, analysis.feedback.score,
            ] {
                #expect((0...1).contains(score), "\(text.prefix(10)): \(score)")
            }
        }
    }
}
