import VaporCSQLite

/// `hearth_rank(search_posts)`: how well a post matches, for SQLite's FTS5, from that post's entry alone.
///
/// FTS5's own `bm25` first counts, for each word of the query, every post that holds it (its idf): for "the" at
/// 10^6 posts that count alone took 0.27 s, whatever the LIMIT. This rank skips it. It sums, for each query word
/// (each ending of a term counts as a word), a title hit (2) and the word's frequency in the body, saturated and
/// weighed by the body's length as bm25 does (k1 = 1.2, b = 0.75, average length 120 words). Scope words (column 2)
/// count for nothing: every candidate has them. Without idf a rare word of the query weighs as much as a common
/// one; the candidates are the newest matches of every word, so that is the price of a search that does not grow.
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

    /// One word's part of the score from its hits in the title (0 or more) and the body.
    static func score(titleHits: Int, bodyHits: Int, bodyLength: Int) -> Double {
        let title = titleHits > 0 ? titleHit : 0
        guard bodyHits > 0 else { return title }
        let frequency = Double(bodyHits)
        let norm = k1 * (1 - b + b * Double(bodyLength) / averageLength)
        return title + frequency * (k1 + 1) / (frequency + norm)
    }
}

/// The function FTS5 calls per candidate row; it reads the row's hits through the extension API.
private func rank(
    _ api: UnsafePointer<Fts5ExtensionApi>?, _ context: OpaquePointer?, _ result: OpaquePointer?, _ count: Int32,
    _ values: UnsafeMutablePointer<OpaquePointer?>?
) {
    guard let api = api?.pointee, let phrases = api.xPhraseCount, let first = api.xPhraseFirst,
        let next = api.xPhraseNext, let size = api.xColumnSize
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
        var offset: Int32 = 0
        var hits = (title: 0, body: 0)
        _ = first(context, phrase, &iterator, &column, &offset)
        while column >= 0 {
            if column == 0 { hits.title += 1 } else if column == 1 { hits.body += 1 }
            next(context, &iterator, &column, &offset)
        }
        total += SearchRanking.score(titleHits: hits.title, bodyHits: hits.body, bodyLength: Int(bodyLength))
    }
    sqlite_nio_sqlite3_result_double(result, total)
}
