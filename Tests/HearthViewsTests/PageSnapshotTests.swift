import Foundation
import HearthCore
import HearthTestSupport
import Testing

@testable import HearthViews

/// Pages and e-mails rendered from fixed view models and compared with committed snapshots, so that a renamed
/// field or a lost string cannot silently render empty. `HEARTH_RECORD_SNAPSHOTS=1 swift test` rewrites them.
@Suite("Page snapshots")
struct PageSnapshotTests {
    static let date = Date(timeIntervalSince1970: 1_790_000_000)
    let ana = MemberSummary(id: MemberID(2), handle: "ana", displayName: "Ana <Lopez>", role: .member)
    let cm = MemberSummary(
        id: MemberID(1), handle: "camille", displayName: "Camille", role: .communityManager,
        avatarPath: "/uploads/0a1b2c.png")
    let general = HearthCore.Category(
        id: CategoryID(1), slug: "general", name: "Général", description: "Anything", position: 1,
        startPolicy: .everyone, kind: .forum)

    func chrome(_ renderer: Renderer, _ language: Language, title: String) -> PageChrome {
        let viewer = Member(
            id: MemberID(2), email: "ana@example.org", handle: "ana", displayName: "Ana <Lopez>", role: .member,
            language: language, createdAt: Self.date)
        return PageChrome(
            title: title, communityName: "Café Hearth", viewer: viewer, csrf: "CSRF", signupOpen: true,
            language: language, strings: renderer.localization.table(language), unreadNotifications: 2)
    }

    func topic(_ id: Int64, _ title: String) -> Topic {
        Topic(
            id: TopicID(id), categoryID: general.id, author: ana, title: title, createdAt: Self.date,
            lastPostedAt: Self.date, lastPoster: cm, postCount: 3, highestNumber: 3,
            pinnedAt: id == 1 ? Self.date : nil,
            closedAt: nil, deletedAt: nil,
            timer: id == 1
                ? TopicTimer(
                    topicID: TopicID(id), action: .closeAfterQuiet, at: Self.date.addingTimeInterval(3 * 86_400),
                    quietDays: 3) : nil)
    }

    func post(_ number: Int, _ author: MemberSummary, _ body: String, quote: PostID? = nil, deleted: Bool = false)
        -> Post
    {
        Post(
            id: PostID(Int64(number)), topicID: TopicID(1), number: number, author: author, body: body,
            html: SafeMarkdown().cook(body, mentions: ["ana"]), quotePostID: quote, createdAt: Self.date,
            editedAt: number == 1 ? Self.date : nil, editCount: number == 1 ? 1 : 0,
            deletedAt: deleted ? Self.date : nil)
    }

    /// The page's `<main>`: the frame around it is the same on every page and has its own snapshot.
    func main(_ html: String) -> String {
        guard let start = html.range(of: "<main"), let end = html.range(of: "</main>") else { return html }
        return String(html[start.lowerBound..<end.upperBound]) + "\n"
    }

    func check(_ html: String, _ name: String) throws {
        // The stylesheet's address changes with every edit of the CSS; the snapshot keeps a fixed one.
        let html = html.replacingOccurrences(of: Asset.stylesheet.path, with: "/assets/hearth.css")
        try Snapshot.check(
            html, name,
            in: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots"))
    }

    @Test("home, topic, search and notifications, in English and French", arguments: Language.allCases)
    func forumPages(language: Language) async throws {
        let renderer = try await Renderer.load()
        let localization = renderer.localization
        let topics = [topic(1, "Welcome & rules"), topic(2, "Où est l'école ?")]
        let items = TopicListItem.make(
            topics, unread: [TopicID(2): 2], categories: [general], viewerKnown: true, language: language)
        let home = HomePage(
            page: chrome(renderer, language, title: "Home"), announcements: [items[0]], latest: items,
            categories: [CategoryItem(general)], moreURL: "/latest?after=0.1.2")
        let homeHTML = try renderer.render(home, template: HomePage.template)
        try check(homeHTML, "layout-\(language.rawValue)")
        try check(main(homeHTML), "home-\(language.rawValue)")

        let posts = [
            post(1, ana, "Hello **all**, see https://example.org and @ana"),
            post(2, cm, "> earlier\n\nWelcome!", quote: PostID(1)), post(3, ana, "gone", deleted: true),
        ]
        let page = TopicPage(
            topic: topics[0], category: general, posts: posts,
            quotes: [
                PostID(1): QuotedPost(
                    postID: PostID(1), topicID: TopicID(1), number: 1, author: ana, excerpt: "Hello all, see")
            ],
            reactions: [PostID(1): ReactionTally(counts: [.like: 2, .heart: 1], mine: [.like])], page: 1, pageCount: 2,
            viewerID: ana.id, canReply: true)
        let view = TopicPageView.make(
            page, chrome: chrome(renderer, language, title: topics[0].title), localization: localization,
            language: language, quoting: nil)
        try check(main(try renderer.render(view, template: TopicPageView.template)), "topic-\(language.rawValue)")

        let search = SearchPage(
            page: chrome(renderer, language, title: "Search"), query: "ecole", author: "", from: "", to: "",
            categories: [general], selected: nil,
            hits: [
                SearchHit(
                    post: post(1, ana, "L'école <b>ouvre</b> lundi."), topicTitle: "Rentrée", categoryID: general.id)
            ],
            searched: true, nextURL: nil, language: language)
        try check(main(try renderer.render(search, template: SearchPage.template)), "search-\(language.rawValue)")

        let notifications = NotificationsPage(
            page: chrome(renderer, language, title: "Notifications"),
            notifications: [
                MemberNotification(
                    id: NotificationID(1), kind: .quote, actor: cm, topicID: TopicID(1), topicTitle: "Welcome & rules",
                    postID: PostID(2), postNumber: 2, createdAt: Self.date, readAt: nil)
            ], localization: localization, language: language)
        try check(
            main(try renderer.render(notifications, template: NotificationsPage.template)),
            "notifications-\(language.rawValue)")
    }

    @Test("the inbox, its reasons in the reader's language", arguments: Language.allCases)
    func inbox(language: Language) async throws {
        let renderer = try await Renderer.load()
        let now = Self.date.addingTimeInterval(6 * 3_600)
        func entry(_ id: Int64, _ kind: InboxItem.Kind, _ facts: InboxFacts, post: Post?) -> InboxEntry {
            let rank = InboxRanking.rank(facts, kind: kind)
            let item = InboxItem(
                id: InboxItemID(id), kind: kind, postID: post?.id, topicID: TopicID(1), categoryID: general.id,
                author: post?.author, facts: facts, score: rank.score, reasons: rank.reasons, createdAt: Self.date,
                assignedTo: id == 2 ? cm : nil)
            return InboxEntry(
                item: item, topic: topic(1, "Export & rules"), post: post, before: self.post(1, cm, "Say hello."),
                after: nil)
        }
        let question = InboxFacts(
            feedbackKind: "question", toxicity: 0.05, words: 24, newcomer: true, firstPost: true, opensTopic: false)
        let bug = InboxFacts(
            feedbackKind: "bug", cues: ["plante", "mise à jour"], toxicity: 0.1, words: 40, answeredBy: "Bo",
            mentions: ["@camille"])
        var heat = InboxFacts()
        heat.heat = ["back and forth between two members (7 replies)"]
        let troll = InboxFacts(feedbackKind: "question", toxicity: 0.92, words: 12, authorTrolls: 2)
        let page = InboxPage(
            page: chrome(renderer, language, title: "Inbox"),
            entries: [
                entry(1, .post, question, post: post(2, ana, "How do I export my list?")),
                entry(2, .post, bug, post: post(3, ana, "L'export **plante** depuis la mise à jour.")),
                entry(3, .heated, heat, post: nil),
                entry(4, .post, troll, post: post(4, ana, "Why are you all so <dumb>?")),
            ],
            next: InboxCursor(score: 1.5, id: InboxItemID(4)), mine: false, draft: (4, "A kept reply"),
            assignees: [cm], morning: Self.date.addingTimeInterval(86_400), localization: renderer.localization,
            language: language, now: now)
        try check(main(try renderer.render(page, template: InboxPage.template)), "inbox-\(language.rawValue)")
    }

    @Test("the review queue, the morning view, watched words and the public log", arguments: Language.allCases)
    func moderationPages(language: Language) async throws {
        let renderer = try await Renderer.load()
        let localization = renderer.localization
        let now = Self.date.addingTimeInterval(3_600)
        let reply = post(2, ana, "You are all <wrong>, **again**.")
        func item(_ id: Int64, _ kind: ReviewItem.Kind, _ reasons: [String], post: Post?, member: MemberID? = nil)
            -> ReviewCase
        {
            ReviewCase(
                item: ReviewItem(
                    id: ReviewItemID(id), kind: kind, postID: post?.id, memberID: member, reasons: reasons,
                    score: 1, createdAt: Self.date, updatedAt: Self.date),
                post: post, topic: post.map { _ in topic(1, "Welcome & rules") },
                context: post.map { _ in [self.post(1, cm, "Say hello.")] } ?? [], flags: [], author: ana,
                authorHistory: AuthorHistory(joinedAt: Self.date, posts: 4, penalties: []))
        }
        let cases = [
            item(1, .heatedTopic, ["back and forth between two members (7 replies)"], post: reply),
            item(2, .heldPost, ["watched word “crapware”"], post: reply),
            item(3, .flaggedProfile, ["spam ×2"], post: nil, member: ana.id),
        ]
        let queue = ReviewQueuePage(
            page: chrome(renderer, language, title: "Review"), cases: cases, next: nil, localization: localization,
            language: language, now: now)
        try check(main(try renderer.render(queue, template: ReviewQueuePage.template)), "review-\(language.rawValue)")

        var heat = HeatState()
        heat.reasons = ["sharp tone in recent replies (toxicity 62 %)"]
        let night = Overnight(
            since: Self.date, items: cases, heated: [HeatedTopic(topic: topic(1, "Welcome & rules"), heat: heat)],
            delegateActs: [
                ModerationLogEntry(
                    id: 9, actor: cm, action: "hide", target: .post, targetID: 2, reason: "Insults", textBefore: nil,
                    textAfter: nil, createdAt: Self.date)
            ])
        let morning = OvernightPage(
            page: chrome(renderer, language, title: "Morning"), night: night, localization: localization,
            language: language, now: now)
        try check(
            main(try renderer.render(morning, template: OvernightPage.template)), "overnight-\(language.rawValue)")

        let words = WatchedWordsPage(
            page: chrome(renderer, language, title: "Words"),
            words: [
                WatchedWord(
                    id: WatchedWordID(1), language: "fr", pattern: "arnaque", isRegex: false, action: .requireApproval,
                    replacement: nil, createdAt: Self.date),
                WatchedWord(
                    id: WatchedWordID(2), language: nil, pattern: #"\bpromo\d+\b"#, isRegex: true, action: .replace,
                    replacement: "[code]", createdAt: Self.date),
            ],
            draft: nil, localization: localization, language: language)
        try check(
            main(try renderer.render(words, template: WatchedWordsPage.template)), "watched-words-\(language.rawValue)")

        let log = PublicLogPage(
            page: chrome(renderer, language, title: "Log"),
            entries: [
                PublicLogEntry(id: 3, action: "hold", target: .post, reason: "held for approval", createdAt: Self.date)
            ],
            localization: localization, language: language)
        try check(main(try renderer.render(log, template: PublicLogPage.template)), "modlog-\(language.rawValue)")
    }

    @Test("the password-reset e-mail")
    func mail() async throws {
        let renderer = try await Renderer.load()
        let mail = PasswordResetMail(
            name: "Ana", communityName: "Café Hearth", link: "https://hearth.test/password/reset/TOKEN")
        try check(try renderer.render(mail, template: PasswordResetMail.template), "mail-password-reset")
    }
}

extension PageSnapshotTests {
    @Test("the console: settings, first steps and categories, in English and French", arguments: Language.allCases)
    func consolePages(language: Language) async throws {
        let renderer = try await Renderer.load()
        let localization = renderer.localization
        // The time zones offered come from the system's database, which differs between machines.
        func withoutZones(_ html: String) -> String {
            html.replacing(#/<datalist id="zones">.*?</datalist>/#, with: #"<datalist id="zones">…</datalist>"#)
        }
        let settings = CommunitySettings(
            name: "Café Hearth", description: "Bakers & friends", logoPath: "/uploads/0a1b2c.png", language: .french,
            timeZone: TimeZone(identifier: "Europe/Paris")!, workingHours: "mon-fri 10:00-19:00",
            signupMode: .inviteOnly, confirmEmail: true)
        let settingsPage = SettingsPage(
            page: chrome(renderer, language, title: "Settings"), draft: SettingsDraft(settings),
            localization: localization, language: language)
        try check(
            withoutZones(main(try renderer.render(settingsPage, template: SettingsPage.template))),
            "admin-settings-\(language.rawValue)")
        let steps = FirstStepsPage(
            page: chrome(renderer, language, title: "First steps"), draft: SettingsDraft(settings),
            localization: localization, language: language)
        try check(
            withoutZones(main(try renderer.render(steps, template: FirstStepsPage.template))),
            "admin-first-steps-\(language.rawValue)")
        var archived = HearthCore.Category(
            id: CategoryID(3), slug: "old", name: "Old <news>", description: "", position: 3, startPolicy: .staff,
            kind: .forum)
        archived.archivedAt = Self.date
        let recipes = HearthCore.Category(
            id: CategoryID(2), slug: "recipes", name: "Recipes", description: "Share them", position: 2,
            startPolicy: .staff, kind: .forum)
        let categories = CategoriesPage(
            page: chrome(renderer, language, title: "Categories"), categories: [general, recipes, archived],
            draftName: "Événements", localization: localization, language: language)
        try check(
            main(try renderer.render(categories, template: CategoriesPage.template)),
            "admin-categories-\(language.rawValue)")
    }
}
