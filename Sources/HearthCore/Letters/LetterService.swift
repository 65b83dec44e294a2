import Foundation

/// When the letter is drafted and whether it leaves by itself, who receives it, and how its images travel.
public struct LetterSchedule: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// The draft waits for the manager to send it.
        case review
        /// The draft leaves by itself `sendAfterHours` after it was drafted, unless someone opened it first.
        case automatic
    }

    /// 1 = Monday … 7 = Sunday, in the community's time zone, of the week after the one told.
    public var weekday: Int
    public var hour: Int
    public var mode: Mode
    public var sendAfterHours: Int
    /// Addresses from the configuration; colleagues with the team role are added.
    public var recipients: [LetterRecipient]
    /// Images attached to the mail (true) or linked to the community (false).
    public var inlineImages: Bool

    public init(
        weekday: Int = 1, hour: Int = 9, mode: Mode = .review, sendAfterHours: Int = 24,
        recipients: [LetterRecipient] = [], inlineImages: Bool = true
    ) {
        self.weekday = weekday
        self.hour = hour
        self.mode = mode
        self.sendAfterHours = sendAfterHours
        self.recipients = recipients
        self.inlineImages = inlineImages
    }

    /// When the letter about `week` is drafted: the hour on the day of the week after, on the community's clock
    /// (a day when the clocks change included).
    public func draftTime(for week: ISOWeek, in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        let day =
            calendar.date(byAdding: .day, value: weekday - 1, to: week.end(in: timeZone)) ?? week.end(in: timeZone)
        return calendar.date(bySettingHour: hour, minute: 0, second: 0, of: day) ?? day
    }

    /// Whether a draft nobody opened leaves before the next week's letter is drafted (else it would never leave).
    public var sendsInTime: Bool {
        (weekday - 1) * 24 + hour + sendAfterHours < 7 * 24
    }
}

/// The weekly letter to colleagues (`/letters`, `GET /api/v1/letters`, `hearth letter preview`): drafted from the
/// week's facts, previewed and edited by the manager, sent through the outbox to every recipient in their
/// language, and archived.
public struct LetterService: Sendable {
    static let introLimit = 10_000

    let letters: any LetterRepository
    let health: HealthService
    let schedule: LetterSchedule
    let timeZone: @Sendable () -> TimeZone
    let defaultLanguage: @Sendable () -> Language
    let policy: AccessPolicy
    let now: Now

    public init(
        letters: any LetterRepository, health: HealthService, schedule: LetterSchedule,
        timeZone: @escaping @Sendable () -> TimeZone, defaultLanguage: @escaping @Sendable () -> Language,
        policy: AccessPolicy, now: @escaping Now
    ) {
        self.letters = letters
        self.health = health
        self.schedule = schedule
        self.timeZone = timeZone
        self.defaultLanguage = defaultLanguage
        self.policy = policy
        self.now = now
    }

    /// Reads "2026-W48", refusing a week that does not exist or is not over: a letter tells a whole week.
    public func week(_ text: String) throws -> ISOWeek {
        guard let week = ISOWeek(text) else {
            throw HearthError.invalid("week", "Give the week as YYYY-Www, such as 2026-W48.")
        }
        guard week.end(in: timeZone()) <= now() else {
            throw HearthError.invalid(
                "week", "The week \(week) is not over yet: a letter tells a week once it has ended.")
        }
        return week
    }

    /// The last week that is over.
    public var lastWeek: ISOWeek { ISOWeek(containing: now(), in: timeZone()).previous }

    /// The letter for `week` as it would be drafted now, stored nowhere (the command line's preview).
    public func preview(week: ISOWeek) async throws -> LetterDraft {
        let range = week.start(in: timeZone())..<week.end(in: timeZone())
        var draft = try await letters.gather(week: week, range: range)
        for index in draft.topics.indices {
            draft.topics[index].sentences = Gist.sentences(
                from: try await letters.texts(topic: draft.topics[index].id, range: range, limit: 200))
        }
        // The week's seven UTC days, as the figures count days.
        let first = HealthDay.number(week.start(in: .gmt))
        let days = first...(first + 6)
        try await health.ensureCounted(HealthRange.previous(days).lowerBound...days.upperBound)
        let report = try await health.report(days: days)
        draft.health = LetterDraft.Health(current: report.current, previous: report.previous, daily: report.daily)
        return draft
    }

    /// Drafts (or drafts again) the letter for `week`, for the community manager; a sent letter keeps what it said.
    @discardableResult
    public func draft(_ viewer: Viewer?, week: ISOWeek) async throws -> Letter {
        try policy.authorize(viewer, .writeLetters, at: now())
        return try await draft(week: week)
    }

    /// Drafting with nobody asking: the clock's, and the demo community's.
    @discardableResult
    public func draft(week: ISOWeek) async throws -> Letter {
        if let existing = try await letters.letter(week: week.description), existing.status == .sent {
            return existing
        }
        try await letters.save(try await preview(week: week), at: now())
        return try await stored(week.description)
    }

    /// A letter for staff and the team; opening it as someone who may send it stops it leaving by itself. Reading
    /// drafts nothing: `draft` does.
    public func letter(_ viewer: Viewer?, week: ISOWeek) async throws -> Letter {
        try policy.authorize(viewer, .seeHealth, at: now())
        guard var letter = try await letters.letter(week: week.description) else {
            throw HearthError.notFound("There is no letter for \(week) yet.")
        }
        if letter.openedAt == nil, letter.status == .draft, may(viewer, .writeLetters) {
            try await letters.markOpened(week: letter.week, at: now())
            letter.openedAt = now()
        }
        return letter
    }

    public func letters(_ viewer: Viewer?) async throws -> [LetterSummary] {
        try policy.authorize(viewer, .seeHealth, at: now())
        return try await letters.letters(limit: 104)
    }

    /// Saves the introduction (Markdown) and what is left out, while the letter is a draft: a sent one is kept as
    /// it went out (and sent again as it is).
    public func edit(_ viewer: Viewer?, week: ISOWeek, intro: String, excluded: [String]) async throws -> Letter {
        try policy.authorize(viewer, .writeLetters, at: now())
        let letter = try await self.letter(viewer, week: week)
        guard letter.status == .draft else {
            throw HearthError.conflict("This letter was sent: it is kept as it went out, and can only be sent again.")
        }
        return try await save(letter, intro: intro, excluded: excluded)
    }

    /// The letter page's form: the introduction and what is left out are saved while the letter is a draft (a
    /// sent one is kept as it went out), then the letter is sent when asked.
    @discardableResult
    public func submit(_ viewer: Viewer?, week: ISOWeek, intro: String, excluded: [String], send: Bool)
        async throws -> Letter
    {
        try policy.authorize(viewer, .writeLetters, at: now())
        var letter = try await self.letter(viewer, week: week)
        if letter.status == .draft { letter = try await save(letter, intro: intro, excluded: excluded) }
        return send ? try await self.send(week: week, by: viewer?.member.id) : letter
    }

    private func save(_ letter: Letter, intro: String, excluded: [String]) async throws -> Letter {
        let intro = intro.trimmingCharacters(in: .whitespacesAndNewlines)
        guard intro.count <= Self.introLimit else {
            throw HearthError.invalid("intro", "Keep the introduction under \(Self.introLimit) characters.")
        }
        try await letters.edit(week: letter.week, intro: intro, excluded: Array(Set(excluded)).sorted())
        return try await stored(letter.week)
    }

    /// Sends the letter to every recipient, for the community manager; a sent letter goes again to everyone who
    /// has no copy on its way already (a second click queues nothing twice).
    @discardableResult
    public func send(_ viewer: Viewer?, week: ISOWeek) async throws -> Letter {
        try policy.authorize(viewer, .writeLetters, at: now())
        return try await send(week: week, by: viewer?.member.id)
    }

    /// Sends `week`'s letter; `sender` nil is the letter leaving by itself.
    @discardableResult
    func send(week: ISOWeek, by sender: MemberID?) async throws -> Letter {
        var letter = try await letters.letter(week: week.description)
        if letter == nil { letter = try await draft(week: week) }
        guard let letter else { throw HearthError.notFound("There is no letter for \(week).") }
        let recipients = try await self.recipients()
        guard !recipients.isEmpty else {
            throw HearthError.conflict(
                "The letter has nobody to go to: list addresses in HEARTH_LETTER_RECIPIENTS, or give colleagues the team role."
            )
        }
        if letter.status == .sent {
            try await letters.resend(week: letter.week, to: recipients, at: now())
        } else if try await !letters.send(week: letter.week, to: recipients, by: sender, at: now()) {
            throw HearthError.conflict("The letter for \(week) has just been sent.")
        }
        return try await stored(letter.week)
    }

    /// The configured addresses and the team, each once.
    public func recipients() async throws -> [LetterRecipient] {
        var seen = Set<String>()
        return (schedule.recipients + (try await letters.teamRecipients(fallback: defaultLanguage()))).filter {
            seen.insert($0.address.lowercased()).inserted
        }
    }

    /// What the clock asks for: last week's draft once its hour has come, and, when so configured, sending a
    /// draft nobody opened. Safe to run from several processes: a draft is written once, and the send is one
    /// transaction that only a draft passes.
    public func dueWork() async throws {
        let week = lastWeek
        let drafted = schedule.draftTime(for: week, in: timeZone())
        guard now() >= drafted else { return }
        guard let letter = try await letters.letter(week: week.description) else {
            try await draft(week: week)
            return
        }
        if schedule.mode == .automatic, letter.status == .draft, letter.openedAt == nil,
            now() >= drafted.addingTimeInterval(TimeInterval(schedule.sendAfterHours * 3_600))
        {
            do {
                try await send(week: week, by: nil)
            } catch HearthError.conflict {
                // Another process sent it a moment ago, or nobody is there to receive it (said on /letters).
            }
        }
    }

    /// The community manager sees each copy's address and what the mail server answered; readers do not.
    public func showsCopies(_ viewer: Viewer?) -> Bool { may(viewer, .writeLetters) }

    /// The letter and the delivery a mail job sends.
    public func delivery(_ id: Int64) async throws -> (LetterDelivery, Letter)? {
        guard let (delivery, week) = try await letters.delivery(id), delivery.status != .sent,
            let letter = try await letters.letter(week: week)
        else { return nil }
        return (delivery, letter)
    }

    public func recordAttempt(_ id: Int64, error: String?) async throws {
        try await letters.recordAttempt(id, error: error, at: now())
    }

    public func may(_ viewer: Viewer?, _ action: Action) -> Bool {
        policy.decide(viewer, action, at: now()).isAllowed
    }

    private func stored(_ week: String) async throws -> Letter {
        guard let letter = try await letters.letter(week: week) else {
            throw HearthError.notFound("There is no letter for \(week).")
        }
        return letter
    }
}
