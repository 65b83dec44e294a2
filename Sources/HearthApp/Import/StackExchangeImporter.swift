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
struct StackExchangeImporter {
    let repository: any ImportRepository
    let cooker: SafeMarkdown
    /// Called after each thread with (done, total).
    var progress: @Sendable (Int, Int) -> Void = { _, _ in }

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

        // Members, created on first use so that people who never posted are not imported.
        let users = Dictionary(dump.users.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var members: [String: MemberID] = [:]
        func member(_ userID: String?) async throws -> MemberID {
            let key = userID.flatMap { users[$0] == nil ? nil : $0 } ?? "deleted"
            if let known = members[key] { return known }
            let user = users[key]
            let imported = ImportedMember(
                externalID: key, displayName: user?.displayName ?? "Former member",
                bio: user.map { HTMLToMarkdown.convert($0.aboutMe) } ?? "",
                createdAt: user?.createdAt ?? Date(timeIntervalSince1970: 0))
            let (id, created) = try await repository.member(imported, source: source)
            if created { counts.members += 1 }
            members[key] = id
            return id
        }

        let history = Dictionary(grouping: dump.history, by: \.postID)
        let commentsByPost = Dictionary(grouping: dump.comments, by: \.postID)
        let answersByQuestion = Dictionary(grouping: dump.posts.filter { $0.typeID == 2 }, by: { $0.parentID ?? "" })
        let favourites = Dictionary(grouping: dump.votes.filter { $0.typeID == 5 && $0.userID != nil }, by: \.postID)
        let questions = dump.posts.filter { $0.typeID == 1 }.sorted { $0.createdAt < $1.createdAt }

        func importThread(_ question: StackExchangeDump.Post) async throws -> ImportCounts {
            let answers = (answersByQuestion[question.id] ?? []).sorted { $0.createdAt < $1.createdAt }
            let acceptedBy = try await member(question.ownerID)
            var entries: [(Date, ImportedPost)] = []
            for post in [question] + answers {
                var imported = try await self.post(post, history: history[post.id] ?? [], site: site, member: member)
                if post.id == question.acceptedAnswerID {
                    imported.reactions.append(
                        ImportedReaction(memberID: acceptedBy, kind: .thanks, createdAt: post.createdAt))
                }
                for vote in favourites[post.id] ?? [] {
                    imported.reactions.append(
                        ImportedReaction(
                            memberID: try await member(vote.userID), kind: .heart, createdAt: vote.createdAt))
                }
                entries.append((post.createdAt, imported))
                for comment in commentsByPost[post.id] ?? [] {
                    let body = StackExchangeMarkdown.convert(comment.text, site: site)
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                    guard !body.isEmpty else { continue }
                    entries.append(
                        (
                            comment.createdAt,
                            ImportedPost(
                                externalID: "comment-\(comment.id)", authorID: try await member(comment.userID),
                                body: body, html: cooker.render(body), createdAt: comment.createdAt,
                                quotesExternalID: post.id)
                        ))
                }
            }
            // The question opens the topic whatever the clocks say; the rest follow in time order.
            let replies = entries.dropFirst().sorted { $0.0 < $1.0 }.map(\.1)
            let thread = ImportedThread(
                externalID: question.id, categoryID: categoryID,
                title: question.title.isEmpty ? "Question \(question.id)" : question.title,
                posts: [entries[0].1] + replies, closedAt: Self.closedAt(history[question.id] ?? []))
            return try await repository.thread(thread, source: source)
        }

        var finished = 0
        do {
            for question in questions {
                // Two steps: importing a thread also counts the members it creates.
                let thread = try await importThread(question)
                counts = counts + thread
                finished += 1
                progress(finished, questions.count)
            }
        } catch {
            // Each thread is written whole or not at all, and the ledger skips what is there: say how far it got
            // and that running it again finishes the job.
            let reason = (error as? HearthError)?.userMessage ?? "the database refused a write (\(type(of: error)))"
            throw HearthError.unavailable(
                "The import of \(site) stopped after \(finished) of \(questions.count) questions: \(reason) What was imported is kept; run the same command again to import the rest (nothing is added twice)."
            )
        }
        return Summary(site: site, counts: counts)
    }

    /// A post's Markdown, its earlier versions, and a link back to the source.
    private func post(
        _ post: StackExchangeDump.Post, history: [StackExchangeDump.History], site: String,
        member: (String?) async throws -> MemberID
    ) async throws -> ImportedPost {
        // PostHistory 2 is the initial body, 5 an edited body, 8 a rollback: Markdown as its author typed it.
        let versions = history.filter { [2, 5, 8].contains($0.typeID) && !$0.text.isEmpty }
            .sorted { $0.createdAt < $1.createdAt }
        // Stack Exchange's reference links and tags become plain Markdown once, here: what is stored is what
        // members read and edit, and the demo community, imported the same way, reads well too.
        var body = StackExchangeMarkdown.convert(
            versions.last?.text ?? HTMLToMarkdown.convert(post.body), site: site)
        var revisions: [ImportedRevision] = []
        for (earlier, later) in zip(versions, versions.dropFirst()) where earlier.text != later.text {
            revisions.append(
                ImportedRevision(
                    body: StackExchangeMarkdown.convert(earlier.text, site: site),
                    editorID: try await member(later.userID), replacedAt: later.createdAt))
        }
        let kind = post.typeID == 1 ? "q" : "a"
        body += "\n\n*Imported from [\(site)/\(kind)/\(post.id)](https://\(site)/\(kind)/\(post.id)) (CC BY-SA).*"
        let checked = (try? PostRules.body(body)) ?? String(body.prefix(PostRules.bodyLength.upperBound))
        return ImportedPost(
            externalID: post.id, authorID: try await member(post.ownerID), body: checked,
            html: cooker.render(checked), createdAt: post.createdAt, revisions: revisions)
    }

    /// When the question was last closed (10) or locked (14), unless reopened (11) or unlocked (15) after.
    static func closedAt(_ history: [StackExchangeDump.History]) -> Date? {
        var closed: Date?
        for event in history.sorted(by: { $0.createdAt < $1.createdAt }) {
            switch event.typeID {
            case 10, 14: closed = event.createdAt
            case 11, 15: closed = nil
            default: break
            }
        }
        return closed
    }

    /// "bicycles.meta" → "Bicycles Meta".
    static func title(forSite name: String) -> String {
        name.split(whereSeparator: { $0 == "." || $0 == "-" || $0 == "_" })
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }
}
