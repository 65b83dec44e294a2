import Testing

@testable import HearthInsight

@Suite("Grouping near-duplicates")
struct ResemblanceTests {
    let reader = engine.reader

    func index(_ texts: [String: String]) -> ResemblanceIndex<String> {
        var index = ResemblanceIndex<String>()
        for (id, text) in texts.sorted(by: { $0.key < $1.key }) { index.add(id, reader.gist(text)) }
        return index
    }

    @Test func theSameRequestInOtherWordsIsNearestAndTheRestIsNot() {
        var index = index([
            "dark": "Please add a dark mode to the mobile app, the white screen hurts my eyes at night.",
            "export": "Exporting my reading list to a spreadsheet would be great.",
            "login": "I cannot log in since yesterday, the password page stays blank.",
            "bikes": "Which tyre pressure do you use for gravel rides in winter?",
        ])
        let found = index.nearest(
            reader.gist("A dark theme for the mobile app please: white screens at night hurt the eyes."),
            threshold: 0.2)
        #expect(found.first?.id == "dark", "\(found)")
        #expect(!found.contains { $0.id == "bikes" })
    }

    @Test func aFrenchAndAnEnglishPostAboutOneThingMeet() {
        var index = index([
            "fr": "Synchronisation du calendrier impossible : l'application affiche une erreur.",
            "other": "Le nouveau thème sombre est très réussi, bravo à l'équipe.",
        ])
        let found = index.nearest(
            reader.gist("Calendar synchronization impossible: the application shows an error."), threshold: 0.05)
        #expect(found.first?.id == "fr", "\(found)")
    }

    @Test func aWordEveryItemHasFindsNothingByItselfButSmallBoardsFindTheirTwins() {
        var index = ResemblanceIndex<Int>()
        for id in 0..<2_000 { index.add(id, reader.gist("forum number\(id)")) }
        #expect(index.nearest(reader.gist("forum"), threshold: 0).isEmpty, "a word on every item is not looked up")
        #expect(index.nearest(reader.gist("forum number42"), threshold: 0).first?.id == 42)
        var small = ResemblanceIndex<Int>()
        for id in 0..<3 { small.add(id, reader.gist("Please add a dark mode")) }
        for id in 3..<20 { small.add(id, reader.gist("unrelated topic number\(id)")) }
        let twins = small.nearest(reader.gist("Please add a dark mode"), threshold: 0.99, excluding: 0)
        #expect(twins.map(\.id).sorted() == [1, 2], "three identical posts in a small board find each other")
        #expect(small.nearest(reader.gist("dark mode"), threshold: 0, limit: 0).isEmpty)
    }

    @Test func functionWordsAndShortWordsAreNotWhatAPostIsAbout() {
        #expect(reader.gist("the and of le la les des est").features.isEmpty)
        #expect(reader.gist("un an ok").features.isEmpty)
        #expect(reader.gist("Export") == reader.gist("export"))
    }

    @Test func postsArePlacedAsTheBoardPlacesThemAndLinksChainIntoOneItem() {
        let texts = [
            (id: "a1", community: "A", text: "Please add a dark mode to the app."),
            (id: "a2", community: "A", text: "A dark mode for the app, please."),
            (id: "a3", community: "A", text: "The login page crashes on my phone."),
            (id: "a4", community: "A", text: "Login page crash on phone again."),
            (id: "a5", community: "A", text: "Dark mode in the app, please add it."),
            (id: "b1", community: "B", text: "Please add a dark mode to the app."),
        ]
        let report = ResemblanceEvaluation.evaluate(
            reader, texts: texts, linked: [("a1", "a2"), ("a5", "a2"), ("b1", "zz")], thresholds: [0.3, 0.99],
            showGroups: 0.3)
        #expect(report.linked == 2, "a pair with an unknown id does not count")
        #expect(report.sameItemPairs == 3, "a1 and a5 are one item through a2")
        let low = report.points[0]
        #expect(low.groups?.map { $0.sorted() } == [["a1", "a2", "a5"], ["a3", "a4"]], "\(low)")
        #expect(low.found == 4 && low.correct == 3 && low.precision == 0.75 && low.recall == 1, "\(low)")
        let high = report.points[1]
        #expect(high.found == 1 && high.correct == 1, "only a5, with a1's content words, joins it; never b1: \(high)")
        #expect(high.groups == nil, "the groups are kept for the threshold asked for only")
        #expect(report.linkedScores?.count == 2 && report.linkedScores!.allSatisfy { $0.score >= 0.3 })
    }
}
