import Foundation

/// How many different members were active over any run of days, without keeping who: a HyperLogLog sketch
/// (Flajolet et al., 2007) of 4,096 registers per day, merged by taking each register's largest value. The
/// estimate is within about 1.6 % (one standard error) and exact in practice for the few dozen members a small
/// community has, where it falls back to counting empty registers (linear counting).
public struct DistinctSketch: Sendable, Equatable, Codable {
    static let bits = 12
    static let size = 1 << bits

    private var registers: [UInt8]

    public init() {
        registers = Array(repeating: 0, count: Self.size)
    }

    public mutating func insert(_ id: Int64) {
        let hash = Self.mix(UInt64(bitPattern: id))
        let index = Int(hash >> UInt64(64 - Self.bits))
        let rest = hash << UInt64(Self.bits)
        let rank = UInt8(min(rest.leadingZeroBitCount, 64 - Self.bits) + 1)
        if rank > registers[index] { registers[index] = rank }
    }

    public mutating func merge(_ other: DistinctSketch) {
        for index in 0..<Self.size where other.registers[index] > registers[index] {
            registers[index] = other.registers[index]
        }
    }

    /// The estimated number of different ids inserted.
    public var estimate: Int {
        let m = Double(Self.size)
        var sum = 0.0
        var empty = 0
        for value in registers {
            sum += 1 / Double(UInt64(1) << UInt64(value))
            if value == 0 { empty += 1 }
        }
        let raw = 0.7213 / (1 + 1.079 / m) * m * m / sum
        if raw <= 2.5 * m, empty > 0 { return Int((m * log(m / Double(empty))).rounded()) }
        return Int(raw.rounded())
    }

    /// splitmix64's finaliser: ids that follow each other land far apart.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    // Stored as base64 text inside the day's JSON.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let data = Data(base64Encoded: text), data.count == Self.size else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "not a sketch"))
        }
        registers = [UInt8](data)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Data(registers).base64EncodedString())
    }
}
