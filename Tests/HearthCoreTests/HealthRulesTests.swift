import Foundation
import Testing

@testable import HearthCore

/// The health figures' arithmetic: percentiles, ranges, and counting different people from merged sketches.
@Suite("Health rules")
struct HealthRulesTests {
    @Test("nearest-rank percentiles, and none without measures")
    func percentiles() {
        #expect(Percentiles([]) == Percentiles([]))
        #expect(Percentiles([]).p50 == nil)
        let waits = Percentiles([600, 60, 3_600, 120, 7_200])
        #expect(waits.count == 5 && waits.p50 == 600 && waits.p90 == 7_200)
    }

    @Test("a few people are counted exactly, many within a few percent, and merging counts each once")
    func sketches() {
        var small = DistinctSketch()
        for id in [3, 5, 8, 13, 21, 3, 5] as [Int64] { small.insert(id) }
        #expect(small.estimate == 5)
        var monday = DistinctSketch()
        var tuesday = DistinctSketch()
        for id in Int64(1)...60_000 { monday.insert(id) }
        for id in Int64(40_001)...100_000 { tuesday.insert(id) }
        var week = monday
        week.merge(tuesday)
        #expect(abs(Double(week.estimate) - 100_000) / 100_000 < 0.05, "\(week.estimate)")
        #expect(abs(Double(monday.estimate) - 60_000) / 60_000 < 0.05, "\(monday.estimate)")
        let decoded = try? JSONDecoder().decode(DistinctSketch.self, from: JSONEncoder().encode(week))
        #expect(decoded == week)
    }

    @Test("periods: the last week, month or quarter, chosen dates, and the days just before")
    func ranges() throws {
        let today = HealthRange.day("2026-12-04")!
        #expect(try HealthRange.parse(range: nil, from: nil, to: nil, today: today) == (today - 6)...today)
        let chosen = try HealthRange.parse(range: nil, from: "2026-11-01", to: "2026-11-30", today: today)
        #expect(HealthRange.text(chosen.lowerBound) == "2026-11-01" && chosen.count == 30)
        #expect(HealthRange.text(HealthRange.previous(chosen).lowerBound) == "2026-10-02")
        // A period running past today stops at today.
        #expect(try HealthRange.parse(range: nil, from: "2026-12-01", to: "2026-12-31", today: today).count == 4)
        #expect(throws: HearthError.self) { try HealthRange.parse(range: "", from: nil, to: nil, today: today) }
        #expect(throws: HearthError.self) {
            try HealthRange.parse(range: nil, from: "2025-01-01", to: "2026-12-01", today: today)
        }
    }

    @Test("sentences are chosen from the thread as written, in its order, never invented")
    func gist() {
        let thread = [
            "The export to CSV crashes when the list is long. I tried twice this morning.\n\n> quoted text that repeats export export export",
            "Same here: the export crashes for long lists since the update. Short lists export fine.",
            "```\nexport crash log export\n```\nThanks, we are looking at the export crash for long lists now.",
        ]
        let chosen = Gist.sentences(from: thread)
        #expect(!chosen.isEmpty && chosen.count <= 3)
        let all = thread.joined(separator: " ")
        for sentence in chosen { #expect(all.contains(sentence), "\(sentence)") }
        #expect(!chosen.contains { $0.contains("quoted") || $0.contains("log") })
        #expect(
            Gist.clean("- Filter the front page by language\n2. Then sort it")
                == "Filter the front page by language\nThen sort it")
        #expect(
            Gist.split("E. B. White revised it in 1957. Strunk wrote it first.")
                == ["E. B. White revised it in 1957.", "Strunk wrote it first."])
    }
}
