import Foundation
import HearthCore
import HearthViews

/// Turns a dump's questions into the threads the importer writes: reads their rows, converts their text to
/// Hearth's Markdown and cooks it. Pure work on the dump, safe to run on several batches at once.
struct StackExchangeThreads: Sendable {
    let dump: StackExchangeDump
    let site: String
    let categoryID: CategoryID
    let cooker: SafeMarkdown

    /// Threads ready to write.
    struct Batch: Sendable {
        let threads: [ImportedThread]
        /// The people the threads name, by id at the source, each once, in order of first appearance.
        let members: [String]
        /// Posts of the dump this batch covers, written or not (empty comments are left out).
        let posts: Int
    }

    /// Converts the threads of `dump.questions[range]`.
    func convert(_ range: Range<Int>) throws -> Batch {
        var threads: [ImportedThread] = []
        var members: [String] = []
        var seen: Set<String> = []
        for index in range {
            try Task.checkCancellation()
            let (thread, named) = try self.thread(index)
            threads.append(thread)
            for key in named where seen.insert(key).inserted { members.append(key) }
        }
        return Batch(threads: threads, members: members, posts: dump.threadSizes[range].reduce(0, +))
    }

    /// The member a user id of the dump stands for: the user, or the site's "former member" for ids that
    /// Users.xml does not have (deleted accounts) and for posts without one.
    func memberKey(_ userID: String?) -> String {
        guard let userID, let id = Int(userID), dump.hasUser(id) else { return "deleted" }
        return String(id)
    }

    /// The member behind a key from `memberKey`.
    func member(_ key: String) throws -> ImportedMember {
        let user = try Int(key).flatMap { try dump.user($0) }
        return ImportedMember(
            externalID: key, displayName: user?.displayName ?? "Former member",
            bio: user.map { HTMLToMarkdown.convert($0.aboutMe) } ?? "",
            createdAt: user?.createdAt ?? Date(timeIntervalSince1970: 0))
    }

    /// One question's thread, and the members it names in order of appearance (with repeats).
    func thread(_ index: Int) throws -> (ImportedThread, [String]) {
        let rows = try dump.thread(index)
        let question = rows.question
        var named: [String] = []
        func member(_ userID: String?) -> String {
            let key = memberKey(userID)
            named.append(key)
            return key
        }
        let answers = rows.answers.sorted { $0.createdAt < $1.createdAt }
        let acceptedBy = member(question.ownerID)
        var entries: [(Date, ImportedPost)] = []
        for post in [question] + answers {
            var imported = self.post(post, history: rows.history[post.id] ?? [], member: member)
            if post.id == question.acceptedAnswerID {
                imported.reactions.append(
                    ImportedReaction(memberExternalID: acceptedBy, kind: .thanks, createdAt: post.createdAt))
            }
            for vote in rows.favourites[post.id] ?? [] {
                imported.reactions.append(
                    ImportedReaction(
                        memberExternalID: member(String(vote.userID)), kind: .heart,
                        createdAt: Date(millisecondsSince1970: vote.createdAtMilliseconds)))
            }
            entries.append((post.createdAt, imported))
            for comment in rows.comments[post.id] ?? [] {
                let body = StackExchangeMarkdown.convert(comment.text, site: site).trimmed()
                guard !body.isEmpty else { continue }
                entries.append(
                    (
                        comment.createdAt,
                        ImportedPost(
                            externalID: "comment-\(comment.id)", authorExternalID: member(comment.userID),
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
            posts: [entries[0].1] + replies, closedAt: Self.closedAt(rows.history[question.id] ?? []))
        return (thread, named)
    }

    /// A post's Markdown, its earlier versions, and a link back to the source.
    private func post(
        _ post: StackExchangeDump.Post, history: [StackExchangeDump.History], member: (String?) -> String
    ) -> ImportedPost {
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
                    editorExternalID: member(later.userID), replacedAt: later.createdAt))
        }
        let kind = post.typeID == 1 ? "q" : "a"
        body += "\n\n*Imported from [\(site)/\(kind)/\(post.id)](https://\(site)/\(kind)/\(post.id)) (CC BY-SA).*"
        let checked = (try? PostRules.body(body)) ?? String(body.prefix(PostRules.bodyLength.upperBound))
        return ImportedPost(
            externalID: post.id, authorExternalID: member(post.ownerID), body: checked,
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
}
