import AsyncHTTPClient
import Foundation
import HearthCore
import HearthWeb
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Fetches what an outside source publishes (a feed, an API's JSON) as a careful guest: http and https only,
/// never an address on this machine or a private network unless the configuration allows it (no request forged
/// through Hearth to the inside: SSRF), the connection made to the very address that was checked (a name that
/// resolves elsewhere the second time, DNS rebinding, gains nothing), each redirect checked the same way and never
/// from https down to http, credentials kept for the address they were given for, at most `maximumBytes` read
/// and `timeout` waited for the whole fetch, and a conditional GET so that an unchanged source costs one small
/// answer. Every refusal says why in words a community manager can act on.
public struct OutsideFetcher: Sendable {
    public enum Answer: Sendable, Equatable {
        case fresh(body: [UInt8], etag: String?, lastModified: String?)
        case notModified
    }

    /// Addresses no source may reach by default: this machine, private networks, link-local, CGNAT, multicast,
    /// and the IPv6 forms that carry an IPv4 address inside (NAT64, 6to4, IPv4-compatible).
    static let inside: [AddressRange] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4", "::/96", "::1/128",
        "64:ff9b::/96", "2002::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    ].compactMap(AddressRange.init)

    let allowPrivate: Bool
    let maximumBytes: Int
    let timeout: TimeAmount
    let redirects = 3

    public init(allowPrivate: Bool, maximumBytes: Int = 5_000_000, timeout: TimeAmount = .seconds(15)) {
        self.allowPrivate = allowPrivate
        self.maximumBytes = maximumBytes
        self.timeout = timeout
    }

    /// `headers` (a token, say) go only to the address's own origin: a redirect elsewhere loses them, and the
    /// conditional headers with them.
    public func fetch(
        _ address: String, etag: String? = nil, lastModified: String? = nil, headers extra: [(String, String)] = []
    ) async throws -> Answer {
        let deadline = NIODeadline.now() + timeout
        var url = address
        let origin = URL(string: address).map(Self.origin)
        for _ in 0...redirects {
            let pinned = try await check(url)
            let sameOrigin = URL(string: url).map(Self.origin) == origin
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "User-Agent", value: "Hearth (community listening)")
            if sameOrigin {
                if let etag { request.headers.add(name: "If-None-Match", value: etag) }
                if let lastModified { request.headers.add(name: "If-Modified-Since", value: lastModified) }
                for (name, value) in extra { request.headers.add(name: name, value: value) }
            }
            let outcome = try await exchange(request, pinned: pinned, deadline: deadline)
            switch outcome {
            case .redirect(let location):
                let next = URL(string: location, relativeTo: URL(string: url))?.absoluteString ?? location
                if url.lowercased().hasPrefix("https:"), next.lowercased().hasPrefix("http:") {
                    throw HearthError.unavailable("The address redirects from https to plain http: Hearth stops there.")
                }
                url = next
            case .answer(let answer):
                return answer
            }
        }
        throw HearthError.unavailable("The address redirects more than \(redirects) times.")
    }

    /// Posts `body` (JSON unless `contentType` says otherwise) to the address with the same care as a fetch: an
    /// answer or a boost. A redirect is refused (a post is not repeated elsewhere); the answer's body is returned.
    public func post(
        _ address: String, body: [UInt8], contentType: String = "application/json",
        headers extra: [(String, String)] = []
    ) async throws -> [UInt8] {
        let pinned = try await check(address)
        var request = HTTPClientRequest(url: address)
        request.method = .POST
        request.headers.add(name: "User-Agent", value: "Hearth (community listening)")
        request.headers.add(name: "Content-Type", value: contentType)
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        switch try await exchange(request, pinned: pinned, deadline: NIODeadline.now() + timeout) {
        case .redirect:
            throw HearthError.unavailable("The server redirects the answer elsewhere: Hearth did not follow.")
        case .answer(.fresh(let body, _, _)):
            return body
        case .answer(.notModified):
            return []
        }
    }

    enum Exchange {
        case redirect(String)
        case answer(Answer)
    }

    /// One request on a client of its own: redirects not followed, the checked address pinned, nothing read past
    /// the limit or the deadline.
    private func exchange(_ request: HTTPClientRequest, pinned: (host: String, address: String)?, deadline: NIODeadline)
        async throws -> Exchange
    {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(10), read: timeout)
        if let pinned { configuration.dnsOverride = [pinned.host: pinned.address] }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let outcome = try await read(request, with: client, deadline: deadline)
            try await client.shutdown()
            return outcome
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func read(_ request: HTTPClientRequest, with client: HTTPClient, deadline: NIODeadline) async throws
        -> Exchange
    {
        let seconds = timeout.nanoseconds / 1_000_000_000
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, deadline: deadline)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw HearthError.unavailable("No answer within \(seconds) s.")
        } catch let error as HTTPClientError where error == .connectTimeout {
            throw HearthError.unavailable("The server did not accept a connection.")
        } catch {
            throw HearthError.unavailable("The server could not be reached.")
        }
        let status = response.status.code
        if (300..<400).contains(status), status != 304, let location = response.headers.first(name: "Location") {
            return .redirect(location)
        }
        if status == 304 { return .answer(.notModified) }
        guard (200..<300).contains(status) else { throw HearthError.unavailable(Self.words(status)) }
        var body: [UInt8] = []
        do {
            for try await chunk in response.body {
                guard NIODeadline.now() < deadline else {
                    throw HearthError.unavailable(
                        "The answer took longer than \(seconds) s: Hearth stopped reading it.")
                }
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
        return .answer(
            .fresh(
                body: body, etag: response.headers.first(name: "ETag"),
                lastModified: response.headers.first(name: "Last-Modified")))
    }

    /// http or https with a host; unless allowed, a host whose every address is public, and the address to
    /// connect to (nil when allowed: the client resolves).
    func check(_ address: String) async throws -> (host: String, address: String)? {
        guard let url = URL(string: address), let scheme = url.scheme?.lowercased(),
            ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else {
            throw HearthError.invalid("url", "Give an http:// or https:// address.")
        }
        return try await checkHost(host).map { (host, $0) }
    }

    /// Unless allowed, refuses a host with any address inside (in words), and gives the address to connect to
    /// (nil when allowed: the client resolves). For the sources that are not http (a mailbox).
    func checkHost(_ host: String) async throws -> String? {
        guard !allowPrivate else { return nil }
        // The look-up may wait on a slow name server: off the tasks' threads.
        let addresses = try await NIOThreadPool.singleton.runIfActive { Self.resolve(host) }
        guard let first = addresses.first else {
            throw HearthError.invalid("url", "The host \(host) could not be found.")
        }
        if addresses.contains(where: Self.isInside) {
            throw HearthError.invalid(
                "url",
                "\(host) is on this machine or a private network: sources may reach only public addresses (HEARTH_SOURCES_ALLOW_PRIVATE=true allows them)."
            )
        }
        return first
    }

    /// Whether an address is inside; one that cannot be read counts as inside.
    static func isInside(_ address: String) -> Bool {
        let bare = String(address.split(separator: "%", maxSplits: 1).first ?? "")
        guard AddressRange(bare) != nil else { return true }
        return inside.contains { $0.contains(bare) }
    }

    static func origin(_ url: URL) -> String {
        "\(url.scheme?.lowercased() ?? "")://\(url.host?.lowercased() ?? ""):\(url.port ?? -1)"
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
        default: "\(status): the server refused the request."
        }
    }
}
