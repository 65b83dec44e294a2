import Foundation
import HearthCore
import HearthStore
import HearthViews

extension HearthServices {
    /// What one import brought in.
    public struct ImportSummary: Sendable {
        public let site: String
        public let counts: ImportCounts
    }

    /// Imports a Stack Exchange dump folder (see `StackExchangeImporter` for how it maps). Safe to run again.
    public func importStackExchange(
        directory: URL, site: String? = nil, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> ImportSummary {
        var importer = StackExchangeImporter(
            repository: SQLImportRepository(database: database), cooker: SafeMarkdown())
        importer.progress = progress
        let summary = try await importer.run(directory: directory, site: site)
        try await search.catchUp()
        logger.info(
            "Imported a Stack Exchange dump",
            metadata: [
                "site": "\(summary.site)", "topics": "\(summary.counts.topics)", "posts": "\(summary.counts.posts)",
            ])
        return ImportSummary(site: summary.site, counts: summary.counts)
    }

    /// The small, attributed sample community `hearth serve --demo` starts with: threads cut from
    /// french.meta.stackexchange.com (CC BY-SA; see Demo/french.meta/LICENSE-note.txt).
    public static var demoDump: URL? {
        Bundle.module.resourceURL?.appendingPathComponent("Demo/french.meta")
    }

    /// Loads the demo community (once; later runs find it already there).
    public func loadDemo() async throws -> ImportSummary {
        guard let dump = Self.demoDump else {
            throw HearthError.unavailable("The demo community is missing from this build.")
        }
        return try await importStackExchange(directory: dump, site: "french.meta.stackexchange.com")
    }
}
