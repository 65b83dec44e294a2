import Foundation
import HTTPTypes
import Hummingbird

#if canImport(Glibc)
    import Glibc
#endif

/// An IP address or a CIDR block ("10.0.0.0/8", "::1", "fd00::/8"), for the trusted proxies and the addresses
/// allowed to read `/metrics`. IPv4 addresses are kept as IPv4-mapped IPv6, so one comparison serves both.
public struct AddressRange: Sendable, Equatable, CustomStringConvertible {
    let bytes: [UInt8]
    let prefixLength: Int
    public let description: String

    /// Reads "ADDRESS" or "ADDRESS/BITS"; nil when it is neither.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
        guard let first = parts.first, let (bytes, isIPv4) = Self.parse(first) else { return nil }
        let maximum = isIPv4 ? 32 : 128
        var length = maximum
        if parts.count == 2 {
            guard let bits = Int(parts[1]), (0...maximum).contains(bits) else { return nil }
            length = bits
        }
        self.bytes = bytes
        self.prefixLength = isIPv4 ? 96 + length : length
        self.description = text.trimmingCharacters(in: .whitespaces)
    }

    /// Reads a comma-separated list; returns the entries that are not addresses as the second value.
    public static func list(_ text: String) -> ([AddressRange], [String]) {
        var ranges: [AddressRange] = []
        var bad: [String] = []
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            if let range = AddressRange(item) { ranges.append(range) } else { bad.append(item) }
        }
        return (ranges, bad)
    }

    public func contains(_ address: String) -> Bool {
        guard let (other, _) = Self.parse(address) else { return false }
        var remaining = prefixLength
        for index in 0..<16 where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if bytes[index] & mask != other[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// 16 bytes (IPv4 mapped into IPv6) and whether the text was IPv4.
    static func parse(_ text: String) -> ([UInt8], Bool)? {
        var address = text
        if address.hasPrefix("["), address.hasSuffix("]") { address = String(address.dropFirst().dropLast()) }
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            let value = UInt32(bigEndian: v4.s_addr)
            return (
                [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF]
                    + [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)],
                true
            )
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, address, &v6) == 1 else { return nil }
        return (withUnsafeBytes(of: &v6) { Array($0) }, false)
    }
}

/// Works out who is asking: the peer's address, or, when the peer is a trusted reverse proxy, the address that
/// proxy names in `X-Forwarded-For` (read from the right, skipping the other trusted proxies, since anything
/// further left was written by the client and can be forged). Rate limits and `/metrics` use it.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = HearthRequestContext
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    let trustedProxies: [AddressRange]

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        let peer = context.remoteAddress?.ipAddress ?? "unknown"
        context.clientAddress = Self.client(
            peer: peer, forwardedFor: request.headers[values: Self.forwardedFor], trusted: trustedProxies)
        let forwarded =
            request.headers[Self.forwardedFor] != nil || request.headers[HTTPField.Name("Forwarded")!] != nil
        context.viaUntrustedProxy = forwarded && !trustedProxies.contains { $0.contains(peer) }
        return try await next(request, context)
    }

    static func client(peer: String, forwardedFor: [String], trusted: [AddressRange]) -> String {
        func isTrusted(_ address: String) -> Bool { trusted.contains { $0.contains(address) } }
        guard isTrusted(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var client = peer
        for hop in hops.reversed() {
            guard AddressRange.parse(hop) != nil else { break }
            client = hop
            if !isTrusted(hop) { break }
        }
        return client
    }
}
