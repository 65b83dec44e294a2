import Foundation
import HearthCore
import HearthViews
import Hummingbird

/// The health dashboard in the browser (`/health`, staff and the team) and its CSV (`/health.csv`). The API's twin
/// is `LettersAPI.health`.
struct HealthController: Sendable {
    typealias Context = HearthRequestContext
    let shared: ForumPages
    let settings: WebSettings
    var services: WebServices { shared.services }
    var pages: PageRenderer { shared.pages }

    func addRoutes(to router: Router<Context>) {
        router.get("/health", use: dashboard)
        router.get("/health.csv", use: csv)
    }

    /// `range` (week, month, quarter) or `from` and `to`, as the page, the CSV and the API read them.
    static func days(_ request: Request, _ health: HealthService) throws -> ClosedRange<Int64> {
        let parameters = request.uri.queryParameters
        // A parameter sent empty is a wrong value, not an absent one.
        return try HealthRange.parse(
            range: parameters.get("range"), from: parameters.get("from"), to: parameters.get("to"),
            today: health.today)
    }

    @Sendable func dashboard(_ request: Request, context: Context) async throws -> Response {
        let days: ClosedRange<Int64>
        var errors: [String] = []
        do {
            days = try Self.days(request, services.health)
        } catch let error as HearthError {
            guard let messages = PageRenderer.formErrors(error) else { throw error }
            errors = messages
            days = try HealthRange.parse(range: nil, from: nil, to: nil, today: services.health.today)
        }
        let report = try await services.health.report(context.identity, days: days)
        let parameters = request.uri.queryParameters
        let range = parameters.get("from") == nil ? parameters.get("range") ?? "week" : nil
        let view = HealthPage(
            page: try await shared.frame(pages.text("health_heading", context), context, errors: errors),
            report: report, range: range, localization: pages.renderer.localization, language: context.language,
            timeZone: settings.community.current.timeZone)
        return pages.html(view, template: HealthPage.template)
    }

    /// One row per day of the period, the figures the charts draw.
    @Sendable func csv(_ request: Request, context: Context) async throws -> Response {
        let report = try await services.health.report(context.identity, days: try Self.days(request, services.health))
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition:
                    "attachment; filename=\"health-\(report.current.from)-\(report.current.to).csv\"",
            ],
            body: .init(byteBuffer: ByteBuffer(string: Self.csv(report))))
    }

    static func csv(_ report: HealthReport) -> String {
        func decimal(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "" }
        var lines = ["date,topics,replies,posters,readers,sentiment,toxic_share,flags,held"]
        for day in report.daily {
            lines.append(
                [
                    day.date, String(day.topics), String(day.replies), String(day.posters), String(day.readers),
                    decimal(day.sentiment), decimal(day.toxicShare), String(day.flags), String(day.held),
                ].joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
