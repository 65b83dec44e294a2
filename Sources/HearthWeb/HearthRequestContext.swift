import Foundation
import HearthCore
import Hummingbird
import HummingbirdAuth
import NIOCore

/// Per-request state: who is asking (set by the authenticators), their browser session and the CSRF
/// token their forms must carry.
public struct HearthRequestContext: AuthRequestContext, RemoteAddressRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Viewer?
    public var session: Session?
    /// The token forms must echo; set by `CSRFMiddleware`.
    public var csrfToken: String = ""
    /// The language to answer in; set by `LanguageMiddleware`.
    public var language: Language = .english
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.clientAddress = remoteAddress?.ipAddress ?? "unknown"
    }

    /// API dates are ISO 8601 strings, the way OpenAPI's `date-time` reads them.
    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Forms are small; uploads will get their own limit.
    public var maxUploadSize: Int { 1024 * 1024 }

    /// The client's address for rate limiting (the IP without the port); set by `ClientAddressMiddleware`, which
    /// reads `X-Forwarded-For` from trusted proxies only.
    public var clientAddress: String = "unknown"
    /// Whether the request names a forwarding proxy (`X-Forwarded-For` or `Forwarded`) that is not one of the
    /// trusted proxies: its real client is unknown, so it may not read what only some addresses may.
    public var viaUntrustedProxy = false
}
