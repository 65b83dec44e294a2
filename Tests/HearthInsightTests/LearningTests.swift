import Foundation
import Testing

@testable import HearthInsight

@Suite("Learning from the community manager")
struct LearningTests {
    func fixture() throws -> [(text: String, toxic: Bool, kind: FeedbackKind)] {
        let url = try #require(
            Bundle.module.url(forResource: "community-decisions", withExtension: "csv", subdirectory: "Fixtures"))
        let table = try CSVTable(parsing: String(contentsOf: url, encoding: .utf8))
        let text = try table.column("text")
        let decision = try table.column("decision")
        let kind = try table.column("kind")
        return try table.rows.map { row in
            (row[text], row[decision] == "1", try #require(FeedbackKind(label: row[kind])))
        }
    }

    @Test func aCommunitysOwnInsultIsLearned() {
        // "vendus" and "larbins" aimed at moderators: this community hides them as trolling.
        let post = "Les modos sont des vendus, tous des larbins du patron"
        var adapted = engine
        let before = adapted.analyze(post).toxicity.score
        for _ in 0..<3 {
            adapted.learn("Les modos sont des vendus", decision: .hiddenAsTroll)
            adapted.learn("Tous des larbins du patron ici", decision: .hiddenAsTroll)
            adapted.learn("Les modos ont bien géré ce fil, merci", decision: .approved)
        }
        let after = adapted.analyze(post).toxicity.score
        #expect(after > before + 0.1, "before \(before), after \(after)")
        // The default model is untouched, and unrelated posts barely move.
        #expect(engine.analyze(post).toxicity.score == before)
        let unrelated = "Comment on change son avatar ?"
        #expect(abs(adapted.analyze(unrelated).toxicity.score - engine.analyze(unrelated).toxicity.score) < 0.15)
    }

    @Test func adjustmentsSurviveSaveAndLoad() throws {
        var adapted = engine
        for row in try fixture() {
            adapted.learn(row.text, toxic: row.toxic)
            adapted.learn(row.text, kind: row.kind)
        }
        let (toxicity, feedback) = try adapted.adjustments()
        var restored = engine
        try restored.load(toxicity: toxicity, feedback: feedback)
        #expect(restored.toxicity.decisions == adapted.toxicity.decisions)
        for row in try fixture() {
            #expect(restored.analyze(row.text).toxicity.score == adapted.analyze(row.text).toxicity.score)
            #expect(restored.analyze(row.text).feedbackKind == adapted.analyze(row.text).feedbackKind)
        }
    }

    @Test("learning resumed from saved adjustments takes the steps it would have taken without the save")
    func learningResumesWhereItStopped() throws {
        let rows = try fixture()
        var continuous = engine
        for row in rows { continuous.learn(row.text, toxic: row.toxic) }
        // A community's decisions reach the database a few at a time, saved and loaded in between.
        var resumed = engine
        for start in stride(from: 0, to: rows.count, by: 3) {
            for row in rows[start..<min(start + 3, rows.count)] { resumed.learn(row.text, toxic: row.toxic) }
            var loaded = engine
            try loaded.load(toxicity: try resumed.adjustments().toxicity, feedback: nil)
            resumed = loaded
        }
        #expect(try resumed.adjustments().toxicity == continuous.adjustments().toxicity)
        #expect(resumed.toxicity.decisions == rows.count)
    }

    @Test func damagedOrForeignAdjustmentsAreRefused() throws {
        var adapted = engine
        adapted.learn("bande de larbins", toxic: true)
        let (toxicity, feedback) = try adapted.adjustments()
        var target = engine
        #expect(throws: InsightError.self) { try target.load(toxicity: feedback, feedback: nil) }
        #expect(throws: InsightError.self) {
            try target.load(toxicity: toxicity.prefix(toxicity.count - 3), feedback: nil)
        }
        #expect(throws: InsightError.self) { try target.load(toxicity: Data("nonsense".utf8), feedback: nil) }
    }

    @Test func modelsRoundTripThroughTheirFileFormat() throws {
        let model = engine.toxicity.base
        let copy = try LinearModel(serialized: model.serialized())
        #expect(copy.header == model.header)
        #expect(copy.weights == model.weights)
        #expect(throws: InsightError.self) { try LinearModel(serialized: model.serialized().dropLast(1)) }
    }

    @Test func trainingLearnsASeparableTask() throws {
        let rows = (0..<40).map { index in
            LabelledText(
                text: index.isMultiple(of: 2) ? "espèce de cassos \(index)" : "merci pour l'aide \(index)",
                label: index.isMultiple(of: 2) ? 1 : 0)
        }
        let model = InsightTask.toxicity.train(rows, lexicon: try .bundled(), provenance: "test")
        let trained = try TriageEngine(lexicon: .bundled(), toxicity: model, feedback: engine.feedback.base)
        #expect(trained.analyze("espèce de cassos").toxicity.score > 0.8)
        #expect(trained.analyze("merci pour l'aide").toxicity.score < 0.2)
    }

    @Test func labelsAreBalancedWithinEachLanguage() {
        // English: 3 toxic, 1 clean; French: 1 toxic, 3 clean. Each language weighs its rarer label up.
        let labels = [(0, 1), (0, 1), (0, 1), (0, 0), (1, 1), (1, 0), (1, 0), (1, 0)]
        let examples = labels.map { Example(features: FeatureVector(), label: $0.1, stratum: $0.0) }
        let weights = LinearModel.classWeights(examples, labels: 2, power: 1)
        #expect(weights[0][0] == 2 && weights[0][1] == Float(4) / 6)
        #expect(weights[1][1] == 2 && weights[1][0] == Float(4) / 6)
    }

    @Test func learningCurveStartsFromTheDefaultModel() throws {
        let rows = try fixture().map { LabelledText(text: $0.text, label: $0.toxic ? 1 : 0) }
        let curve = Evaluator.learningCurve(engine, task: .toxicity, rows: rows, decisions: [4, 8], seed: 7)
        #expect(curve.map(\.decisions) == [0, 4, 8])
        #expect(curve.allSatisfy { (0...1).contains($0.accuracy) })
        let again = Evaluator.learningCurve(engine, task: .toxicity, rows: rows, decisions: [4, 8], seed: 7)
        #expect(curve.map(\.accuracy) == again.map(\.accuracy))
    }
}

@Suite("CSV and metrics")
struct EvaluationTests {
    @Test func parsesQuotedMultiLineFields() throws {
        let table = try CSVTable(parsing: "id,text\r\n1,\"a, \"\"quoted\"\"\nline\"\n2,plain\n3\n")
        #expect(table.header == ["id", "text"])
        #expect(table.rows == [["1", "a, \"quoted\"\nline"], ["2", "plain"], ["3", ""]])
        #expect(try CSVTable(parsing: table.rendered()).rows == table.rows)
        #expect(throws: InsightError.self) { try CSVTable(parsing: "id,text\n1,\"never closed\n") }
        #expect(throws: InsightError.self) { try table.column("body") }
    }

    @Test func metrics() throws {
        let gold = [1, 1, 0, 0, 1]
        let predicted = [1, 0, 0, 1, 1]
        #expect(Metrics.accuracy(predicted, gold) == 0.6)
        let (precision, recall, f1) = Metrics.precisionRecallF1(predicted, gold, label: 1)
        let third: Double = 2.0 / 3
        #expect(abs(precision - third) < 1e-9)
        #expect(abs(recall - third) < 1e-9)
        #expect(abs(f1 - third) < 1e-9)
        #expect(Metrics.rocAUC(scores: [0.9, 0.8, 0.3, 0.1], gold: [1, 1, 0, 0]) == 1)
        #expect(Metrics.rocAUC(scores: [0.5, 0.5], gold: [1, 0]) == 0.5)
        #expect(Metrics.rocAUC(scores: [0.1, 0.9], gold: [1, 0]) == 0)
        #expect(Metrics.confusion(predicted, gold, labels: 2) == [[1, 1], [1, 2]])
        let expected: Double = (1 + 2.0 / 3) / 2
        #expect(abs(Metrics.macroF1([0, 1, 2], [0, 1, 1], labels: 3) - expected) < 1e-9)
    }

    @Test func labelsFromOtherTools() {
        #expect(InsightTask.feedback.label("feature-request") == FeedbackKind.allCases.firstIndex(of: .suggestion))
        #expect(InsightTask.feedback.label("support") == FeedbackKind.allCases.firstIndex(of: .question))
        #expect(InsightTask.toxicity.label("non-hateful") == 0)
        #expect(InsightTask.toxicity.label("maybe") == nil)
    }
}
