import HearthViews
import Hummingbird

/// The stylesheet, at an address that changes with its content, so it can be cached for a year.
struct AssetController: Sendable {
    typealias Context = HearthRequestContext

    func addRoutes(to router: Router<Context>) {
        router.get("/assets/:name", use: asset)
    }

    @Sendable func asset(_ request: Request, context: Context) async throws -> Response {
        guard "/assets/" + (context.parameters.get("name") ?? "") == Stylesheet.path, !Stylesheet.bytes.isEmpty else {
            throw HTTPError(.notFound)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=31536000, immutable",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: Stylesheet.bytes)))
    }
}
