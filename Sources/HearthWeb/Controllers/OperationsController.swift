import Hummingbird

/// `/healthz` for load balancers and `/metrics` for Prometheus.
struct OperationsController: Sendable {
    typealias Context = HearthRequestContext
    let services: WebServices

    func addRoutes(to router: Router<Context>) {
        router.get("/healthz", use: health)
        router.get("/metrics", use: metrics)
    }

    @Sendable func health(_ request: Request, context: Context) async throws -> Response {
        do {
            try await services.checkHealth()
            return Self.text("ok\n", status: .ok)
        } catch {
            context.logger.warning("Health check failed", metadata: ["error": .string(String(describing: error))])
            return Self.text("database unavailable\n", status: .serviceUnavailable)
        }
    }

    @Sendable func metrics(_ request: Request, context: Context) async throws -> Response {
        Self.text(services.metricsText(), status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8")
    }

    private static func text(
        _ body: String, status: HTTPResponse.Status, contentType: String = "text/plain; charset=utf-8"
    )
        -> Response
    {
        Response(
            status: status, headers: [.contentType: contentType, .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
