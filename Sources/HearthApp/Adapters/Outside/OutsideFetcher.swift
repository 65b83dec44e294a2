import AsyncHTTPClient
import Foundation
import HearthCore
import HearthWeb
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#endif

/// Fetches what an outside source publishes (a feed, an API's JSON) as a careful guest: http and https only,
/// never an address on this machine or a private network unless the configuration allows it (no request forged
/// through Hearth to the inside: SSRF), each redirect checked the same way, at most `maximumBytes` read and
/// `timeout` waited, and a conditional GET so that an unchanged source costs one small answer. Every refusal says
/// why in words a community manager can act on.
public struct OutsideFetcher: Sendable {
    public enum Answer: Sendable, Equatable {
        case fresh(body: [UInt8], etag: String?, lastModified: String?)
        case notModified
    }

    /// Addresses no source may reach by default: this machine, private networks, link-local and the like.
    static let inside: [AddressRange] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4", "::/128", "::1/128",
        "fc00::/7", "fe80::/10", "ff00::/8",
    ].compactMap(AddressRange.init)

    let client: HTTPClient
    let allowPrivate: Bool
    var maximumBytes = 5_000_000
    var timeout: TimeAmount = .seconds(15)
    var redirects = 3

    /// `client` must not follow redirects by itself (each is checked here).
    public init(
        client: HTTPClient, allowPrivate: Bool, maximumBytes: Int = 5_000_000, timeout: TimeAmount = .seconds(15)
    ) {
        self.client = client
        self.allowPrivate = allowPrivate
        self.maximumBytes = maximumBytes
        self.timeout = timeout
    }

    public func fetch(
        _ address: String, etag: String? = nil, lastModified: String? = nil, headers extra: [(String, String)] = []
    ) async throws -> Answer {
        var url = address
        for _ in 0...redirects {
            try check(url)
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "User-Agent", value: "Hearth (community listening; +https://hearth.invalid)")
            if let etag { request.headers.add(name: "If-None-Match", value: etag) }
            if let lastModified { request.headers.add(name: "If-Modified-Since", value: lastModified) }
            for (name, value) in extra { request.headers.add(name: name, value: value) }
            let response: HTTPClientResponse
            do {
                response = try await client.execute(request, timeout: timeout)
            } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
                throw HearthError.unavailable("No answer within \(timeout.nanoseconds / 1_000_000_000) s.")
            } catch let error as HTTPClientError where error == .connectTimeout {
                throw HearthError.unavailable("The server did not accept a connection.")
            } catch {
                throw HearthError.unavailable("The server could not be reached.")
            }
            let status = response.status.code
            if (300..<400).contains(status), status != 304, let next = response.headers.first(name: "Location") {
                url = URL(string: next, relativeTo: URL(string: url))?.absoluteString ?? next
                continue
            }
            if status == 304 { return .notModified }
            guard (200..<300).contains(status) else { throw HearthError.unavailable(Self.words(status)) }
            var body: [UInt8] = []
            do {
                for try await chunk in response.body {
                    guard body.count + chunk.readableBytes <= maximumBytes else {
                        throw HearthError.tooLarge(
                            "The answer is larger than \(maximumBytes / 1_000_000) MB: Hearth stopped reading it.")
                    }
                    body += chunk.readableBytesView
                }
            } catch let error as HearthError {
                throw error
            } catch {
                throw HearthError.unavailable("The answer was cut short or took too long.")
            }
            return .fresh(
                body: body, etag: response.headers.first(name: "ETag"),
                lastModified: response.headers.first(name: "Last-Modified"))
        }
        throw HearthError.unavailable("The address redirects more than \(redirects) times.")
    }

    /// http or https, a host that resolves, and (unless allowed) to public addresses only.
    func check(_ address: String) throws {
        guard let url = URL(string: address), let scheme = url.scheme?.lowercased(),
            ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else {
            throw HearthError.invalid("url", "Give an http:// or https:// address.")
        }
        guard !allowPrivate else { return }
        let addresses = Self.resolve(host)
        guard !addresses.isEmpty else {
            throw HearthError.invalid("url", "The host \(host) could not be found.")
        }
        if addresses.contains(where: { address in Self.inside.contains { $0.contains(address) } }) {
            throw HearthError.invalid(
                "url",
                "\(host) is on this machine or a private network: sources may reach only public addresses (HEARTH_SOURCES_ALLOW_PRIVATE=true allows them)."
            )
        }
    }

    /// The host's addresses, as text; an IP address is its own.
    static func resolve(_ host: String) -> [String] {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(bare, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(list) }
        var found: [String] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let entry = next {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(
                entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0,
                NI_NUMERICHOST) == 0
            {
                found.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            next = entry.pointee.ai_next
        }
        return found
    }

    /// A refusal in words.
    static func words(_ status: UInt) -> String {
        switch status {
        case 401: "401: the token or password was refused."
        case 403: "403: the server refuses Hearth access."
        case 404: "404: there is nothing at that address."
        case 410: "410: the source is gone."
        case 429: "429: the server asks Hearth to poll less often."
        case 500...599: "\(status): the server had a problem; Hearth tries again later."
        default: "\(status): the server did not give the source."
        }
    }
}
