import Foundation
import HearthCore

/// One letter as a recipient reads it, in their language: the sections the HTML mail, the plain-text mail and the
/// archive page all draw from, so that the three never say different things.
public struct LetterView: Sendable {
    public struct Line: Sendable {
        /// What leaving this line out is called in the editor ("topic:42"); nil for lines that are not items.
        public let key: String?
        public let text: String
        public let url: String?
        public let detail: String?
        /// Sentences quoted from the thread.
        public let quotes: [String]
        /// A line that names the group of lines after it ("The most active members").
        public let isLabel: Bool

        init(
            key: String? = nil, _ text: String, url: String? = nil, detail: String? = nil, quotes: [String] = [],
            isLabel: Bool = false
        ) {
            self.key = key
            self.text = text
            self.url = url
            self.detail = detail
            self.quotes = quotes
            self.isLabel = isLabel
        }

        static func label(_ text: String) -> Line { Line(text, isLabel: true) }
    }

    public struct Image: Sendable {
        public let key: String
        public let src: String
        public let url: String
        public let alt: String
        public let width: Int
        public let height: Int
    }

    /// This week against the week before.
    public struct Figure: Sendable {
        public let label: String
        public let now: String
        public let before: String
    }

    /// A bar of a small chart, drawn with table cells so that every mail client shows it.
    public struct Bar: Sendable {
        public let label: String
        public let value: Int
        public let width: Int
        public let rest: Int
    }

    public struct Chart: Sendable {
        public let title: String
        public let bars: [Bar]
    }

    /// The figures table's column headings.
    public struct Headings: Sendable {
        public let figure: String
        public let now: String
        public let before: String
    }

    public struct Section: Sendable {
        public let key: String
        public let heading: String
        public let lines: [Line]
        public let images: [Image]
        public let figures: [Figure]
        public let charts: [Chart]
        public let hasImages: Bool
        public let hasFigures: Bool
        public let headings: Headings?

        init(
            _ section: LetterDraft.Section, heading: String, lines: [Line] = [], images: [Image] = [],
            figures: [Figure] = [], charts: [Chart] = [], headings: Headings? = nil
        ) {
            key = section.rawValue
            self.heading = heading
            self.lines = lines
            self.images = images
            self.figures = figures
            self.charts = charts
            hasImages = !images.isEmpty
            hasFigures = !figures.isEmpty
            self.headings = headings
        }

        var isEmpty: Bool { lines.isEmpty && images.isEmpty && figures.isEmpty }
    }

    public let lang: String
    public let subject: String
    public let community: String
    public let weekLabel: String
    public let introHTML: String?
    public let introText: String?
    /// For a week without posts: one honest sentence instead of empty sections.
    public let quiet: String?
    public let sections: [Section]
    public let archiveURL: String
    public let archiveText: String
    public let footer: String
    /// ":" in English, " :" in French, for the plain text.
    let colon: String

    /// `imageSource` gives each image's address in the mail (`cid:` when attached), or nil to leave it out.
    public init(
        letter: Letter, draft: LetterDraft, language: Language, communityName: String, publicURL: String,
        localization: Localization, timeZone: TimeZone, imageSource: (LetterDraft.Image) -> String?
    ) {
        func t(_ key: String, _ values: [String: String] = [:]) -> String {
            localization.text("letter_\(key)", language, values)
        }
        func link(_ path: String) -> String { publicURL + path }
        func count(_ number: Int, _ key: String, _ values: [String: String] = [:]) -> String {
            t(
                Localization.isSingular(number, language) ? "\(key)_one" : "\(key)_many",
                values.merging(["n": String(number)]) { $1 })
        }
        lang = language.rawValue
        colon = language == .french ? " :" : ":"
        community = communityName
        let last = draft.to.addingTimeInterval(-1)
        weekLabel = t(
            "weekOf",
            [
                "week": draft.week, "from": Localization.day(draft.from, language, in: timeZone),
                "to": Localization.day(last, language, in: timeZone),
            ])
        subject = t("subject", ["community": communityName, "week": draft.week])
        introHTML = letter.intro.isEmpty ? nil : SafeMarkdown().render(letter.intro)
        introText = letter.intro.isEmpty ? nil : letter.intro
        archiveURL = link("/letters/\(draft.week)")
        archiveText = t("archive")
        footer = t("footer", ["community": communityName])
        var sections: [Section] = []

        var staff: [Line] = []
        for reply in draft.staff.replies { staff.append(Line(count(reply.count, "replies", ["name": reply.label]))) }
        for article in draft.staff.articles {
            staff.append(Line(key: article.key, t("article", ["title": article.title]), url: link(article.path)))
        }
        if draft.staff.queueOpened > 0 || !draft.staff.queueDecided.isEmpty {
            let decided = draft.staff.queueDecided.map {
                "\(localization.text("letter_outcome_\($0.label)", language)) \($0.count)"
            }
            staff.append(
                Line(
                    count(draft.staff.queueOpened, "queue"),
                    detail: decided.isEmpty ? nil : decided.joined(separator: ", ")))
        }
        if !draft.staff.penalties.isEmpty {
            staff.append(
                Line(
                    t("penalties"),
                    detail: draft.staff.penalties.map {
                        "\(localization.text("letter_penalty_\($0.label)", language)) \($0.count)"
                    }.joined(separator: ", ")))
        }
        for moved in draft.staff.feedbackMoved {
            staff.append(
                Line(
                    key: moved.key, t("handedOver", ["title": moved.title]), url: link(moved.path),
                    detail: moved.detail.map { localization.text("feedback_status_\($0)", language) }))
        }
        sections.append(Section(.staff, heading: t("staff"), lines: staff))

        sections.append(
            Section(
                .topics, heading: t("topics"),
                lines: draft.topics.map { topic in
                    Line(
                        key: topic.key, topic.title, url: link(topic.path),
                        detail: [t("reason_\(topic.reason.rawValue)"), count(topic.posts, "posts")].joined(
                            separator: " · "), quotes: topic.sentences)
                }))

        var people: [Line] = []
        func person(_ member: LetterDraft.Person, _ detail: String?) -> Line {
            Line(key: member.key, member.name, url: member.path.map(link), detail: detail)
        }
        if !draft.mostActive.isEmpty {
            people.append(.label(t("mostActive")))
            people += draft.mostActive.map { person($0, count($0.posts, "posts")) }
        }
        if draft.newcomerCount > 0 {
            people.append(.label(count(draft.newcomerCount, "newcomers")))
            people += draft.newcomers.map { person($0, nil) }
            if draft.newcomerCount > draft.newcomers.count {
                people.append(Line(t("andMore", ["n": String(draft.newcomerCount - draft.newcomers.count)])))
            }
        }
        if !draft.spokeUp.isEmpty {
            people.append(.label(t("spokeUp")))
            people += draft.spokeUp.map { person($0, count($0.posts, "posts")) }
        }
        for delegate in draft.delegates {
            let role = language == .french ? delegate.roleFrench : delegate.role
            people.append(
                Line(
                    t("delegate", ["name": delegate.name, "role": role]),
                    detail: t(
                        "delegateDid",
                        [
                            "acts": String(delegate.acts), "topics": String(delegate.topicsHelped),
                            "newcomers": String(delegate.newcomersWelcomed),
                        ]), quotes: delegate.gist.map { [$0] } ?? []))
        }
        sections.append(Section(.people, heading: t("people"), lines: people))

        sections.append(
            Section(
                .images, heading: t("images"),
                images: draft.images.compactMap { image in
                    guard let src = imageSource(image) else { return nil }
                    let width = min(260, max(1, image.width))
                    let height = image.width > 0 ? max(1, image.height * width / image.width) : width
                    return Image(
                        key: image.key, src: src, url: link(image.topicPath), alt: image.topicTitle, width: width,
                        height: height)
                }))

        var board: [Line] = []
        for (links, key) in [
            (draft.board.new, "boardNew"), (draft.board.planned, "boardPlanned"), (draft.board.done, "boardDone"),
        ]
        where !links.isEmpty {
            board.append(.label(t(key)))
            board += links.map { Line(key: $0.key, $0.title, url: link($0.path)) }
        }
        sections.append(Section(.board, heading: t("board"), lines: board))

        if let health = draft.health {
            sections.append(
                Section(
                    .health, heading: t("health"), figures: Self.figures(health, t: t, language: language),
                    charts: Self.charts(health, t: t, language: language, timeZone: timeZone),
                    headings: Headings(figure: t("figure"), now: t("thisWeek"), before: t("weekBefore"))))
        }
        self.sections = sections.filter { !$0.isEmpty }
        quiet = draft.isQuiet ? t("quiet") : nil
    }

    static func figures(_ health: LetterDraft.Health, t: (String, [String: String]) -> String, language: Language)
        -> [Figure]
    {
        func wait(_ seconds: Int?) -> String { seconds.map { Localization.duration($0, language) } ?? "–" }
        func share(_ value: Double?) -> String { value.map { "\(Int(($0 * 100).rounded())) %" } ?? "–" }
        func tone(_ value: Double?) -> String { value.map { String(format: "%+.2f", $0) } ?? "–" }
        let (now, before) = (health.current, health.previous)
        let rows: [(String, String, String)] = [
            ("firstReply", wait(now.replies.overall.p50), wait(before.replies.overall.p50)),
            ("firstReplyNewcomers", wait(now.replies.newcomers.p50), wait(before.replies.newcomers.p50)),
            ("answered", share(now.answers.answeredShare), share(before.answers.answeredShare)),
            ("unanswered", String(now.answers.unanswered), String(before.answers.unanswered)),
            ("posters", String(now.activity.posters), String(before.activity.posters)),
            ("readers", String(now.activity.readers), String(before.activity.readers)),
            ("newMembers", String(now.activity.newMembers), String(before.activity.newMembers)),
            ("tone", tone(now.tone.sentiment), tone(before.tone.sentiment)),
            ("toxic", share(now.tone.toxicShare), share(before.tone.toxicShare)),
            ("flags", String(now.moderation.flags), String(before.moderation.flags)),
            ("handled", wait(now.moderation.handled.p50), wait(before.moderation.handled.p50)),
        ]
        return rows.map { Figure(label: t("figure_\($0.0)", [:]), now: $0.1, before: $0.2) }
    }

    static func charts(
        _ health: LetterDraft.Health, t: (String, [String: String]) -> String, language: Language, timeZone: TimeZone
    ) -> [Chart] {
        func chart(_ key: String, _ value: (HealthReport.Point) -> Int) -> Chart {
            let values = health.daily.map(value)
            let top = max(1, values.max() ?? 1)
            return Chart(
                title: t(key, [:]),
                bars: zip(health.daily, values).map { point, value in
                    let width = value * 300 / top
                    return Bar(
                        label: String(point.date.suffix(5)), value: value, width: max(1, width),
                        rest: max(1, 300 - width))
                })
        }
        guard !health.daily.isEmpty else { return [] }
        return [chart("chartReplies") { $0.replies }, chart("chartPosters") { $0.posters }]
    }

    /// The plain-text body: the same letter, read on its own.
    public var text: String {
        var out = ["\(community) — \(weekLabel)", ""]
        if let introText { out += [introText, ""] }
        if let quiet { out += [quiet, ""] }
        for section in sections {
            out += [section.heading.uppercased(), String(repeating: "-", count: section.heading.count), ""]
            for line in section.lines {
                if line.isLabel {
                    out.append(line.text + colon)
                    continue
                }
                var text = "• " + line.text
                if let detail = line.detail { text += " — " + detail }
                out.append(text)
                if let url = line.url { out.append("  " + url) }
                out += line.quotes.map { "  « \($0) »" }
            }
            for image in section.images { out += ["• \(image.alt)", "  \(image.url)"] }
            if let headings = section.headings {
                out.append("\(headings.figure)\(colon) \(headings.now) / \(headings.before)")
                out += section.figures.map { "• \($0.label)\(colon) \($0.now) / \($0.before)" }
            }
            for chart in section.charts {
                out += ["", chart.title]
                out += chart.bars.map {
                    "  \($0.label)  \(String(repeating: "#", count: max(0, $0.width / 15))) \($0.value)"
                }
            }
            out.append("")
        }
        out += ["\(archiveText)\(colon) \(archiveURL)", "", footer]
        return out.joined(separator: "\n") + "\n"
    }
}
