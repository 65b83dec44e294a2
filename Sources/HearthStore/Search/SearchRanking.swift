import VaporCSQLite

/// `hearth_rank(search_posts)`: how well a post matches, for SQLite's FTS5, from that post's entry alone.
///
/// FTS5's own `bm25` first counts, for each word of the query, every post that holds it (its idf): for "the" at
/// 10^6 posts that count alone took 0.27 s, whatever the LIMIT. This rank skips it. It sums, for each query word
/// (each ending of a term counts as a word), a title hit (2) and a body hit weighed by the body's length as bm25
/// weighs one occurrence (k1 = 1.2, b = 0.75, average length 120 words): a short post that holds the word says more
/// of it than a long one. The index keeps which columns hold a word, not how often (`detail = column`, half its
/// size), so a word counts once per column. Scope words (column 2) count for nothing: every candidate has them.
/// Without idf a rare word of the query weighs as much as a common one; the candidates are the newest matches of
/// every word, so that is the price of a search that does not grow.
enum SearchRanking {
    static let functionName = "hearth_rank"

    /// Registers the function on one connection. FTS5 hands out its API through `SELECT fts5(?)` with a pointer.
    static func register(on database: OpaquePointer) throws {
        var statement: OpaquePointer?
        var code = sqlite_nio_sqlite3_prepare_v2(database, "SELECT fts5(?1)", -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw SQLiteFailure(code: code, message: "FTS5 is missing from this SQLite")
        }
        defer { sqlite_nio_sqlite3_finalize(statement) }
        var api: UnsafeMutablePointer<fts5_api>?
        code = withUnsafeMutablePointer(to: &api) { pointer in
            pointerType.withUnsafeBufferPointer { type in
                _ = sqlite_nio_sqlite3_bind_pointer(statement, 1, pointer, type.baseAddress, nil)
                return sqlite_nio_sqlite3_step(statement)
            }
        }
        guard code == SQLITE_ROW || code == SQLITE_DONE, let api, let create = api.pointee.xCreateFunction else {
            throw SQLiteFailure(code: code, message: "FTS5 did not hand out its API")
        }
        code = create(api, functionName, nil, rank, nil)
        guard code == SQLITE_OK else { throw SQLiteFailure(code: code, message: "could not add \(functionName)") }
    }

    /// The type name FTS5 checks the pointer against, NUL-terminated and alive for the process.
    private static let pointerType: [CChar] = Array("fts5_api_ptr".utf8CString)

    static let titleHit = 2.0
    static let k1 = 1.2
    static let b = 0.75
    static let averageLength = 120.0

    /// One word's part of the score, from whether the title and the body hold it.
    static func score(inTitle: Bool, inBody: Bool, bodyLength: Int) -> Double {
        let title = inTitle ? titleHit : 0
        guard inBody else { return title }
        let norm = k1 * (1 - b + b * Double(bodyLength) / averageLength)
        return title + (k1 + 1) / (1 + norm)
    }
}

/// The function FTS5 calls per candidate row; it reads the row's hits through the extension API.
private func rank(
    _ api: UnsafePointer<Fts5ExtensionApi>?, _ context: OpaquePointer?, _ result: OpaquePointer?, _ count: Int32,
    _ values: UnsafeMutablePointer<OpaquePointer?>?
) {
    guard let api = api?.pointee, let phrases = api.xPhraseCount, let first = api.xPhraseFirstColumn,
        let next = api.xPhraseNextColumn, let size = api.xColumnSize
    else {
        sqlite_nio_sqlite3_result_double(result, 0)
        return
    }
    var bodyLength: Int32 = 0
    _ = size(context, 1, &bodyLength)
    var total = 0.0
    for phrase in 0..<phrases(context) {
        var iterator = Fts5PhraseIter()
        var column: Int32 = 0
        var hits = (title: false, body: false)
        _ = first(context, phrase, &iterator, &column)
        while column >= 0 {
            if column == 0 { hits.title = true } else if column == 1 { hits.body = true }
            next(context, &iterator, &column)
        }
        total += SearchRanking.score(inTitle: hits.title, inBody: hits.body, bodyLength: Int(bodyLength))
    }
    sqlite_nio_sqlite3_result_double(result, total)
}
