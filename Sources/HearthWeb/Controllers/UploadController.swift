import HearthCore
import Hummingbird

/// Serves uploaded images: by content hash, so they never change and can be cached for a year; with the
/// type found in their bytes and `nosniff`, so a browser never runs one as something else.
struct UploadController: Sendable {
    typealias Context = HearthRequestContext
    let uploads: UploadService

    func addRoutes(to router: Router<Context>) {
        router.get("/uploads/:name", use: file)
    }

    @Sendable func file(_ request: Request, context: Context) async throws -> Response {
        guard let name = context.parameters.get("name"), let (upload, bytes) = try await uploads.file(named: name)
        else {
            throw HearthError.notFound("There is no such image.")
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: upload.format.contentType,
                .cacheControl: "public, max-age=31536000, immutable",
                .xContentTypeOptions: "nosniff",
                .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; sandbox",
                .eTag: "\"\(upload.hash)\"",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
