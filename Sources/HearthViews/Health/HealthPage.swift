import Foundation
import HearthCore

/// The health dashboard (`/health`): the period's figures beside the period before, charts with their tables,
/// people by week and month, cohorts, and the topics still waiting. No follower, fan or page-view count.
public struct HealthPage: Sendable {
    public static let template = "health"

    public struct Link: Sendable {
        public let label: String
        public let url: String
        public let current: Bool
    }

    public struct Row: Sendable {
        public let label: String
        public let now: String
        public let before: String
    }

    public struct Group: Sendable {
        public let heading: String
        public let rows: [Row]
    }

    public struct TableRow: Sendable {
        public let cells: [String]
        public let head: String
    }

    public struct Chart: Sendable {
        public let id: String
        public let title: String
        public let svg: String
        public let legend: [SVGChart.Series]
        public let columns: [String]
        public let rows: [TableRow]
    }

    public struct Topic: Sendable {
        public let title: String
        public let url: String
        public let started: String
    }

    public let page: PageChrome
    public let ranges: [Link]
    public let from: String
    public let to: String
    public let csvURL: String
    public let period: String
    public let previousPeriod: String
    public let groups: [Group]
    public let charts: [Chart]
    public let spans: [TableRow]
    public let hasSpans: Bool
    public let cohorts: [TableRow]
    public let unanswered: [Topic]
    public let hasUnanswered: Bool
    public let countedAt: String?

    public init(
        page: PageChrome, report: HealthReport, range: String?, localization: Localization, language: Language,
        timeZone: TimeZone
    ) {
        self.page = page
        func t(_ key: String, _ values: [String: String] = [:]) -> String {
            localization.text("health_\(key)", language, values)
        }
        let (now, before) = (report.current, report.previous)
        let names: [String] = ["week", "month", "quarter"]
        ranges = names.map {
            Link(label: t("range_\($0)"), url: "/health?range=\($0)", current: range == $0)
        }
        from = now.from
        to = now.to
        csvURL = "/health.csv?from=\(now.from)&to=\(now.to)"
        period = "\(now.from) – \(now.to)"
        previousPeriod = "\(before.from) – \(before.to)"
        func wait(_ seconds: Int?) -> String { seconds.map { Localization.duration($0, language) } ?? "–" }
        func share(_ value: Double?) -> String { value.map { "\(Int(($0 * 100).rounded())) %" } ?? "–" }
        func signed(_ value: Double?) -> String { value.map { String(format: "%+.2f", $0) } ?? "–" }
        func row(_ key: String, _ current: String, _ earlier: String) -> Row {
            Row(label: t("figure_\(key)"), now: current, before: earlier)
        }
        var groups = [
            Group(
                heading: t("replies"),
                rows: [
                    row("p50", wait(now.replies.overall.p50), wait(before.replies.overall.p50)),
                    row("p90", wait(now.replies.overall.p90), wait(before.replies.overall.p90)),
                    row("newcomersP50", wait(now.replies.newcomers.p50), wait(before.replies.newcomers.p50)),
                    row("regularsP50", wait(now.replies.regulars.p50), wait(before.replies.regulars.p50)),
                ]),
            Group(
                heading: t("answers"),
                rows: [
                    row("topics", String(now.answers.topics), String(before.answers.topics)),
                    row("unanswered", String(now.answers.unanswered), String(before.answers.unanswered)),
                    row("questions", String(now.answers.questions), String(before.answers.questions)),
                    row("answered", share(now.answers.answeredShare), share(before.answers.answeredShare)),
                ]),
            Group(
                heading: t("activity"),
                rows: [
                    row("posters", String(now.activity.posters), String(before.activity.posters)),
                    row("readers", String(now.activity.readers), String(before.activity.readers)),
                    row("newMembers", String(now.activity.newMembers), String(before.activity.newMembers)),
                    row("replyCount", String(now.activity.replies), String(before.activity.replies)),
                ]),
            Group(
                heading: t("tone"),
                rows: [
                    row("sentiment", signed(now.tone.sentiment), signed(before.tone.sentiment)),
                    row("toxic", share(now.tone.toxicShare), share(before.tone.toxicShare)),
                    row("readings", String(now.tone.readings), String(before.tone.readings)),
                ]),
            Group(
                heading: t("moderation"),
                rows: [
                    row("flags", String(now.moderation.flags), String(before.moderation.flags)),
                    row("held", String(now.moderation.held), String(before.moderation.held)),
                    row("reviewItems", String(now.moderation.reviewItems), String(before.moderation.reviewItems)),
                    row("handledP50", wait(now.moderation.handled.p50), wait(before.moderation.handled.p50)),
                    row("handledP90", wait(now.moderation.handled.p90), wait(before.moderation.handled.p90)),
                ]),
        ]
        let earlierActs = Dictionary(before.delegates.map { ($0.role, $0.acts) }, uniquingKeysWith: +)
        groups.append(
            Group(
                heading: t("delegates"),
                rows: now.delegates.isEmpty
                    ? [Row(label: t("noDelegates"), now: "0", before: String(earlierActs.values.reduce(0, +)))]
                    : now.delegates.map {
                        Row(label: $0.role, now: String($0.acts), before: String(earlierActs[$0.role] ?? 0))
                    }))
        self.groups = groups
        charts = Self.charts(report, t: t)
        spans = (report.weekly.map { ($0, t("week")) } + report.monthly.map { ($0, t("month")) }).map { span, kind in
            TableRow(cells: [String(span.posters), String(span.readers)], head: "\(kind) \(span.label)")
        }
        hasSpans = !spans.isEmpty
        cohorts = report.retention.map { cohort in
            func kept(_ value: Int?) -> String {
                guard let value else { return t("notYet") }
                guard cohort.members > 0 else { return "–" }
                return "\(value) (\(Int((Double(value) / Double(cohort.members) * 100).rounded())) %)"
            }
            return TableRow(
                cells: [String(cohort.members), kept(cohort.after4Weeks), kept(cohort.after12Weeks)], head: cohort.week)
        }
        unanswered = report.unansweredTopics.map {
            Topic(
                title: $0.title, url: "/t/\($0.id.rawValue)",
                started: Localization.date($0.startedAt, language, unnamed: timeZone))
        }
        hasUnanswered = !unanswered.isEmpty
        countedAt = report.countedAt.map { Localization.date($0, language, unnamed: timeZone) }
    }

    static func charts(_ report: HealthReport, t: (String, [String: String]) -> String) -> [Chart] {
        let days = report.daily
        let labels = days.map { String($0.date.suffix(5)) }
        func chart(
            _ id: String, _ kind: SVGChart.Kind, _ series: [(String, (HealthReport.Point) -> Double?)],
            format: @escaping @Sendable (Double) -> String = { String(Int($0.rounded())) }
        ) -> Chart {
            let drawn = series.enumerated().map { index, entry in
                SVGChart.Series(name: t(entry.0, [:]), values: days.map(entry.1), style: "series-\(index + 1)")
            }
            let svg = SVGChart(title: t("chart_\(id)", [:]), labels: labels, series: drawn, kind: kind, format: format)
            return Chart(
                id: id, title: t("chart_\(id)", [:]), svg: svg.svg, legend: drawn,
                columns: drawn.map(\.name),
                rows: days.map { day in
                    TableRow(cells: series.map { $0.1(day).map(format) ?? "–" }, head: day.date)
                })
        }
        guard !days.isEmpty else { return [] }
        return [
            chart(
                "conversation", .bars,
                [("series_topics", { Double($0.topics) }), ("series_replies", { Double($0.replies) })]),
            chart(
                "people", .bars,
                [("series_posters", { Double($0.posters) }), ("series_readers", { Double($0.readers) })]),
            chart("tone", .lines, [("series_sentiment", { $0.sentiment })], format: { String(format: "%+.2f", $0) }),
            chart(
                "toxic", .lines, [("series_toxic", { $0.toxicShare.map { $0 * 100 } })],
                format: { "\(Int($0.rounded())) %" }),
            chart("moderation", .bars, [("series_flags", { Double($0.flags) }), ("series_held", { Double($0.held) })]),
        ]
    }
}
