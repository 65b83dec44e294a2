import Foundation
import HearthInsight

/// `InsightBench board FILE [ITEMS]`: the feedback board's grouping at scale. Builds the resemblance index over
/// ITEMS item texts (100,000 by default) made from the posts in FILE (one per line: bench/out/se-posts.txt), then
/// places 1,000 posts held out of them as the board places a new post: its gist, then the index's look-up at the
/// grouping threshold. Prints the time of each step per placement (median, p99, mean) and the peak memory.
///
/// Beyond the first round through the posts, an item's text is a post followed by the start of another (chosen
/// by a fixed stride), so that no two items are the same text and the index's lists grow as a real board's do.
func boardBench(path: String, items: Int) throws {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        .filter { $0.count >= 40 }
    guard lines.count > 2_000 else {
        print("InsightBench board: \(path) holds \(lines.count) usable posts; it needs more than 2,000.")
        exit(1)
    }
    let held = Array(lines.suffix(1_000))
    let pool = Array(lines.dropLast(1_000))
    let reader = Reader(lexicon: try .bundled())
    let clock = ContinuousClock()
    var index = ResemblanceIndex<Int>()
    let built = clock.measure {
        for item in 0..<items {
            let base = pool[item % pool.count]
            let text =
                item < pool.count ? base : base + " " + pool[(item &* 7_919 &+ 13) % pool.count].prefix(200)
            index.add(item, reader.gist(text))
        }
    }
    var gists: [Double] = []
    var lookups: [Double] = []
    var found = 0
    for text in held {
        var gist = Gist(features: [])
        gists.append(seconds(clock.measure { gist = reader.gist(text) }) * 1e6)
        lookups.append(
            seconds(
                clock.measure {
                    // The board's threshold (0.5), with the margin it leaves for an item of another kind.
                    found += index.nearest(gist, threshold: 0.4, limit: 5).isEmpty ? 0 : 1
                }) * 1e6)
    }
    func line(_ name: String, _ values: [Double]) {
        let sorted = values.sorted()
        let mean = values.reduce(0, +) / Double(values.count)
        print(
            String(
                format: "%@ median %.0f µs, p99 %.0f µs, mean %.0f µs", name, sorted[sorted.count / 2],
                sorted[sorted.count * 99 / 100], mean))
    }
    print("items in the index    \(index.count) (built in \(String(format: "%.1f", seconds(built))) s)")
    print("posts placed          \(held.count), \(found) of them joining an item")
    line("gist                 ", gists)
    line("look-up              ", lookups)
    line("placement (both)     ", zip(gists, lookups).map(+))
    print(String(format: "peak resident memory  %.1f MiB", peakResidentMiB()))
}
