import Foundation
import HearthCore
import HearthViews
import Hummingbird

/// Moderation in the browser: the review queue (`/review`), the audit log, the guidelines and a member's
/// penalties. Every page works without JavaScript; the queue also works from the keyboard.
struct ModerationController: Sendable {
    typealias Context = HearthRequestContext
    let shared: ForumPages

    var services: WebServices { shared.services }
    var pages: PageRenderer { shared.pages }

    func addRoutes(to router: Router<Context>) {
        router.get("/review", use: queue)
        router.post("/review", use: bulk)
        router.post("/review/:id", use: act)
        router.get("/moderation-log", use: log)
        router.get("/guidelines", use: guidelines)
        router.post("/guidelines", use: editGuidelines)
        router.get("/u/:handle/penalties", use: penalties)
        router.post("/u/:handle/penalties", use: penalize)
        router.post("/u/:handle/penalties/:id/lift", use: lift)
        router.get("/review/overnight", use: overnight)
        router.get("/watched-words", use: watchedWords)
        router.post("/watched-words", use: addWatchedWord)
        router.post("/watched-words/:id/delete", use: removeWatchedWord)
        router.get("/modlog", use: publicLog)
    }

    // MARK: The queue

    @Sendable func queue(_ request: Request, context: Context) async throws -> Response {
        let cursor = try request.uri.queryParameters.get("cursor").map { try ReviewCursor(token: $0) }
        return try await queuePage(cursor: cursor, errors: [], notice: done(request, context), context: context)
    }

    /// What the last action did, from the address it redirected to: an item that vanished says where it went.
    private func done(_ request: Request, _ context: Context) -> String? {
        let query = request.uri.queryParameters
        guard let action = query.get("done").flatMap(ReviewAction.init(rawValue:)),
            let id = query.get("item").flatMap(Int64.init)
        else { return nil }
        var values = ["id": "\(id)"]
        if let until = query.get("until").flatMap(Int64.init) {
            // The next working morning is the community's: said in its time zone.
            values["until"] = Localization.date(
                Date(millisecondsSince1970: until), context.language, in: services.delegation.communityTimeZone)
        }
        return pages.text("review_done_\(action.rawValue)", context, values)
    }

    private func queuePage(
        cursor: ReviewCursor?, errors: [String], notice: String? = nil, status: HTTPResponse.Status = .ok,
        context: Context
    ) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login") }
        let moderation = services.moderation
        let page = try await moderation.queue(context.identity, after: cursor)
        let cases = try await moderation.reviewCases(context.identity, items: page.items)
        let frame = try await shared.frame(
            pages.text("review_heading", context), context, errors: errors, notice: notice)
        let view = ReviewQueuePage(
            page: frame, cases: cases,
            next: page.next, localization: pages.renderer.localization, language: context.language, now: services.now())
        return pages.html(view, template: ReviewQueuePage.template, status: status)
    }

    @Sendable func act(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = ReviewItemID(try ForumPages.id(context))
        let form = try await request.form(context: context)
        guard let action = ReviewAction(rawValue: form.text("action")) else {
            throw HearthError.invalid("action", "Choose what to do with this item.")
        }
        let item: ReviewItem
        do {
            item = try await services.moderation.act(
                context.identity, item: id, action: action, reason: form.text("reason"))
        } catch let error as HearthError {
            guard case .conflict = error else { throw error }
            // Someone else got there first: the queue as it is now, saying who and how.
            return try await queuePage(cursor: nil, errors: [error.userMessage], status: .conflict, context: context)
        }
        let until = item.sleepsUntil.map { "&until=\($0.millisecondsSince1970)" } ?? ""
        return SessionCookies.redirect(to: "/review?done=\(action.rawValue)&item=\(id.rawValue)" + until)
    }

    /// Several items at once: each is decided alone, and those that could not be are listed.
    @Sendable func bulk(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        guard let action = ReviewAction(rawValue: form.text("action")) else {
            throw HearthError.invalid("action", "Choose what to do with these items.")
        }
        let ids = form.all("items").compactMap { Int64($0) }.map(ReviewItemID.init(rawValue:))
        guard !ids.isEmpty else { throw HearthError.invalid("items", "Tick the items to act on first.") }
        let results = try await services.moderation.act(
            context.identity, items: ids, action: action, reason: form.text("reason"))
        // The page frame puts each message in the reader's language.
        let failures = results.compactMap { _, result -> String? in
            if case .failure(let error) = result { return error.userMessage }
            return nil
        }
        guard failures.isEmpty else {
            // Say what was done before what was not: a moderator must not think nothing happened.
            let done = results.count - failures.count
            let summary = "Done for \(done) of \(results.count) ticked; these were left as they were:"
            return try await queuePage(cursor: nil, errors: [summary] + failures, status: .conflict, context: context)
        }
        return SessionCookies.redirect(to: "/review")
    }

    // MARK: The log

    /// The log, filtered by action, by who acted, by whom it was about and up to a day (the community's).
    @Sendable func log(_ request: Request, context: Context) async throws -> Response {
        let query = request.formQuery
        let before = query.get("cursor").flatMap { Int64($0) }
        let filter = ModerationLogPage.Filter(
            action: query.get("action") ?? "", by: query.get("by") ?? "", about: query.get("about") ?? "",
            until: query.get("until") ?? "")
        var entries: [ModerationLogEntry] = []
        var errors: [String] = []
        do {
            // A form's field left empty filters nothing.
            entries = try await services.moderation.log(
                context.identity, before: before, action: filter.action, by: filter.by, about: filter.about,
                until: filter.until.isEmpty ? nil : filter.until)
        } catch HearthError.validation(let fields) {
            // A filter that names no day, or no one, is said above the form it was typed in.
            errors = fields.map(\.message)
        } catch HearthError.notFound(let message), HearthError.conflict(let message) {
            errors = [message]
        }
        let view = ModerationLogPage(
            page: try await shared.frame(pages.text("log_heading", context), context, errors: errors),
            entries: entries, filter: filter, system: pages.text("log_system", context), language: context.language)
        return pages.html(
            view, template: ModerationLogPage.template, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    // MARK: Guidelines

    @Sendable func guidelines(_ request: Request, context: Context) async throws -> Response {
        let markdown = try await services.texts.text(.guidelines, language: context.language)
        let canEdit = services.policy.decide(context.identity, .editGuidelines, at: services.now()).isAllowed
        let view = GuidelinesPage(
            page: try await shared.frame(pages.text("guidelines_heading", context), context), markdown: markdown,
            canEdit: canEdit, language: context.language)
        return pages.html(view, template: GuidelinesPage.template)
    }

    @Sendable func editGuidelines(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        let language = Language(rawValue: form.text("language")) ?? context.language
        try await services.texts.setText(context.identity, .guidelines, language: language, body: form.text("body"))
        return SessionCookies.redirect(to: "/guidelines")
    }

    // MARK: Penalties

    @Sendable func penalties(_ request: Request, context: Context) async throws -> Response {
        let member = try await services.profiles.member(handle: context.parameters.get("handle") ?? "")
        return try await penaltyPage(
            member, errors: [], done: request.uri.queryParameters.get("done"), context: context)
    }

    /// The page, with what was just `done` ("given", "lifted") said from the history it reads.
    private func penaltyPage(
        _ member: Member, errors: [String], done: String? = nil, draft: PenaltyPage.Draft? = nil,
        status: HTTPResponse.Status = .ok, context: Context
    ) async throws -> Response {
        let history = try await services.penalties.history(context.identity, of: member.id)
        let notice = PenaltyPage.notice(
            done: done, history: history, name: member.displayName, now: services.now(),
            localization: pages.renderer.localization, language: context.language)
        let view = PenaltyPage(
            page: try await shared.frame(member.displayName, context, errors: errors, notice: notice), member: member,
            history: history, localization: pages.renderer.localization, language: context.language,
            now: services.now(), canGive: await services.penalties.mayGive(context.identity, to: member),
            draft: draft)
        return pages.html(view, template: PenaltyPage.template, status: status)
    }

    @Sendable func penalize(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let member = try await services.profiles.member(handle: context.parameters.get("handle") ?? "")
        let form = try await request.form(context: context)
        guard let kind = Penalty.Kind(rawValue: form.text("kind")) else {
            throw HearthError.invalid("kind", "Choose a warning, a silence or a suspension.")
        }
        do {
            var until: Date?
            if !form.text("until").isEmpty {
                // A day typed wins over the length the form suggests: until that day's last minute, the
                // community's.
                guard let day = CalendarDay(form.text("until")) else { throw CalendarDay.invalid("until") }
                until = day.end(in: services.delegation.communityTimeZone).addingTimeInterval(-60)
            } else if let seconds = Int(form.text("seconds")), seconds > 0 {
                until = services.now().addingTimeInterval(TimeInterval(seconds))
            }
            try await services.penalties.give(
                context.identity, to: member.id, kind: kind, until: until, reason: form.text("reason"))
        } catch HearthError.validation(let fields) {
            let draft = PenaltyPage.Draft(
                kind: kind, seconds: Int(form.text("seconds")) ?? 0, reason: form.text("reason"))
            return try await penaltyPage(
                member, errors: fields.map(\.message), draft: draft, status: .unprocessableContent, context: context)
        }
        return SessionCookies.redirect(to: "/u/\(member.handle)/penalties?done=given")
    }

    /// Ends a silence or a suspension early, from its line on the member's penalties.
    @Sendable func lift(_ request: Request, context: Context) async throws -> Response {
        let member = try await services.profiles.member(handle: context.parameters.get("handle") ?? "")
        guard let id = context.parameters.get("id").flatMap(Int64.init) else {
            throw HearthError.notFound("There is no such penalty, or it was already lifted.")
        }
        do {
            try await services.penalties.lift(context.identity, PenaltyID(id))
        } catch HearthError.notFound(let message), HearthError.forbidden(let message) {
            // Lifted already (by someone else, or a second click), or beyond a delegate's hand: said on the page.
            return try await penaltyPage(member, errors: [message], status: .conflict, context: context)
        }
        return SessionCookies.redirect(to: "/u/\(member.handle)/penalties?done=lifted")
    }

    // MARK: The morning, watched words and the public log

    @Sendable func overnight(_ request: Request, context: Context) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login") }
        let night = try await services.moderation.overnight(context.identity)
        let view = OvernightPage(
            page: try await shared.frame(pages.text("overnight_heading", context), context), night: night,
            localization: pages.renderer.localization, language: context.language, now: services.now())
        return pages.html(view, template: OvernightPage.template)
    }

    @Sendable func watchedWords(_ request: Request, context: Context) async throws -> Response {
        try await wordsPage(draft: nil, errors: [], context: context)
    }

    private func wordsPage(
        draft: NewWatchedWord?, errors: [String], status: HTTPResponse.Status = .ok, context: Context
    ) async throws -> Response {
        guard context.identity != nil else { return SessionCookies.redirect(to: "/login") }
        let words = try await services.watchedWords.list(context.identity)
        let view = WatchedWordsPage(
            page: try await shared.frame(pages.text("words_heading", context), context, errors: errors), words: words,
            draft: draft, localization: pages.renderer.localization, language: context.language)
        return pages.html(view, template: WatchedWordsPage.template, status: status)
    }

    @Sendable func addWatchedWord(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        guard let action = WatchedWord.Action(rawValue: form.text("action")) else {
            throw HearthError.invalid("action", "Choose what happens to a post with this word.")
        }
        let word = NewWatchedWord(
            language: form.text("language"), pattern: form.text("pattern"), isRegex: !form.text("regex").isEmpty,
            action: action, replacement: form.text("replacement"))
        do {
            _ = try await services.watchedWords.add(context.identity, word)
        } catch let error as HearthError {
            // A refused word comes back in the form with the reason, so nothing typed is lost.
            switch error {
            case .validation, .conflict:
                return try await wordsPage(
                    draft: word, errors: [error.userMessage], status: .unprocessableContent, context: context)
            default: throw error
            }
        }
        return SessionCookies.redirect(to: "/watched-words")
    }

    @Sendable func removeWatchedWord(_ request: Request, context: Context) async throws -> Response {
        var request = request
        _ = try await request.form(context: context)
        try await services.watchedWords.remove(context.identity, WatchedWordID(try ForumPages.id(context)))
        return SessionCookies.redirect(to: "/watched-words")
    }

    @Sendable func publicLog(_ request: Request, context: Context) async throws -> Response {
        let before = request.uri.queryParameters.get("cursor").flatMap { Int64($0) }
        let entries = try await services.moderation.publicLog(before: before)
        let view = PublicLogPage(
            page: try await shared.frame(pages.text("modlog_heading", context), context), entries: entries,
            localization: pages.renderer.localization, language: context.language)
        return pages.html(view, template: PublicLogPage.template)
    }
}
