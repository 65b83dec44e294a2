import Foundation
import HearthCore
import HearthViews

/// Brings a Stack Exchange site into Hearth:
///
/// - each site becomes one category (its questions span many tags, and a tag-per-category forum of
///   hundreds of categories would be unusable);
/// - each question becomes a topic, its answers and comments replies in time order; a comment quotes the
///   post it comments on; the body comes from the newest Markdown in PostHistory when the dump has it,
///   otherwise from the rendered HTML, converted; earlier versions become the post's revisions;
/// - users become members who cannot log in (their address ends in .invalid); deleted users become one
///   "former member" per site;
/// - an accepted answer gets a "thanks" reaction from the question's author; favourites with a user, a
///   "heart". Up- and down-votes are anonymous in the public dumps, so they cannot become anyone's reaction;
/// - a question closed or locked and not reopened is a closed topic.
///
/// Every imported post links back to its source, as CC BY-SA asks.
///
/// Threads are written in batches of about `batchSize` posts, one transaction each, while the next batches are
/// read and converted to Markdown and HTML on the other cores (`readAhead` batches at most, so memory stays
/// bounded whatever the size of the dump).
struct StackExchangeImporter: Sendable {
    let repository: any ImportRepository
    let cooker: SafeMarkdown
    /// Called after each batch with (posts done, posts in the dump).
    var progress: @Sendable (Int, Int) -> Void = { _, _ in }
    /// Posts per transaction. A commit costs a log write (an fsync on PostgreSQL) and each statement a round trip
    /// to PostgreSQL; a few thousand posts make both negligible while a batch stays a few megabytes.
    var batchSize = 2_000
    /// Batches converted ahead of the one being written: one per core keeps both busy on the two-core machines
    /// Hearth is sized for, and bounds what waits in memory.
    var readAhead = max(2, ProcessInfo.processInfo.activeProcessorCount)

    struct Summary: Sendable {
        let site: String
        let counts: ImportCounts
    }

    /// Imports the dump in `directory`; `site` is the site's host (by default the folder's name followed by
    /// ".stackexchange.com").
    func run(directory: URL, site explicitSite: String? = nil) async throws -> Summary {
        let dump = try StackExchangeDump.read(directory)
        let name = directory.standardizedFileURL.lastPathComponent
        let site = explicitSite ?? "\(name).stackexchange.com"
        let source = "stackexchange:\(site)"
        var counts = ImportCounts()

        let (categoryID, newCategory) = try await repository.category(
            externalID: "site",
            NewCategory(
                slug: Slug.make(name, fallback: "imported"), name: Self.title(forSite: name),
                description: "Imported from \(site) (CC BY-SA).", startPolicy: .everyone, kind: .forum),
            source: source)
        if newCategory { counts.categories += 1 }

        let threads = StackExchangeThreads(dump: dump, site: site, categoryID: categoryID, cooker: cooker)
        let batches = Self.batches(dump.threadSizes, size: batchSize)
        let total = dump.postCount
        // Members are created on first use, so that people who never posted are not imported; each batch brings
        // the ones no earlier batch named.
        var named: Set<String> = []
        var done = 0
        progress(0, total)
        do {
            try await withThrowingTaskGroup(of: (Int, StackExchangeThreads.Batch).self) { group in
                var started = 0
                var ready: [Int: StackExchangeThreads.Batch] = [:]
                for index in batches.indices {
                    while started < min(batches.count, index + 1 + readAhead) {
                        let (number, range) = (started, batches[started])
                        group.addTask { (number, try threads.convert(range)) }
                        started += 1
                    }
                    while ready[index] == nil, let (number, batch) = try await group.next() {
                        ready[number] = batch
                    }
                    guard let batch = ready.removeValue(forKey: index) else { break }
                    let members = try batch.members.filter { named.insert($0).inserted }.map(threads.member)
                    counts =
                        counts
                        + (try await repository.write(
                            ImportBatch(members: members, threads: batch.threads), source: source))
                    done += batch.posts
                    progress(done, total)
                }
            }
        } catch {
            // Each batch is written whole or not at all, and the ledger skips what is there: say how far it got
            // and that running it again finishes the job.
            let reason = (error as? HearthError)?.userMessage ?? "the database refused a write (\(type(of: error)))"
            throw HearthError.unavailable(
                "The import of \(site) stopped after \(done) of \(total) posts: \(reason) What was imported is kept; run the same command again to import the rest (nothing is added twice)."
            )
        }
        return Summary(site: site, counts: counts)
    }

    /// Consecutive runs of threads holding about `size` posts each (a thread is never split).
    static func batches(_ sizes: [Int], size: Int) -> [Range<Int>] {
        var batches: [Range<Int>] = []
        var start = 0
        var posts = 0
        for (index, count) in sizes.enumerated() {
            posts += count
            if posts >= size {
                batches.append(start..<(index + 1))
                start = index + 1
                posts = 0
            }
        }
        if start < sizes.count { batches.append(start..<sizes.count) }
        return batches
    }

    /// "bicycles.meta" → "Bicycles Meta".
    static func title(forSite name: String) -> String {
        name.split(whereSeparator: { $0 == "." || $0 == "-" || $0 == "_" })
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }
}
