import Hummingbird

/// `/healthz` for load balancers and `/metrics` for Prometheus.
struct OperationsController: Sendable {
    typealias Context = HearthRequestContext
    let services: WebServices
    /// Who may read `/metrics`: the numbers say how busy the community is and where it fails.
    let metricsAllowed: [AddressRange]

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
        guard !context.viaUntrustedProxy, metricsAllowed.contains(where: { $0.contains(context.clientAddress) }) else {
            context.logger.notice("Metrics refused", metadata: ["client": .string(context.clientAddress)])
            return Self.text(
                "Metrics are served only to the addresses in HEARTH_METRICS_ALLOW.\n", status: .forbidden)
        }
        return Self.text(services.metricsText(), status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8")
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
