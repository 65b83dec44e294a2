import HearthViews
import Hummingbird

/// The stylesheet and scripts, at addresses that change with their content, so they can be cached for a year.
struct AssetController: Sendable {
    typealias Context = HearthRequestContext

    func addRoutes(to router: Router<Context>) {
        router.get("/assets/:name", use: asset)
    }

    @Sendable func asset(_ request: Request, context: Context) async throws -> Response {
        guard let asset = Asset.at("/assets/" + (context.parameters.get("name") ?? "")) else {
            throw HTTPError(.notFound)
        }
        return Response(
            status: .ok,
            headers: [.contentType: asset.contentType, .cacheControl: "public, max-age=31536000, immutable"],
            body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}
