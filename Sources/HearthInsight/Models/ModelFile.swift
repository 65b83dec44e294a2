import Foundation

/// The on-disk form of models and of a community's adjustments.
///
/// A file is a 4-byte magic, a little-endian `UInt32` header length, a JSON header, then little-endian `Float32`
/// data: for a model, the biases and the dense weight table; for adjustments, the biases and their accumulators
/// then (index, weight, accumulator) triples. JSON keeps the header readable with `head -c`; the raw floats keep
/// loading to a single copy.
extension LinearModel {
    static let magic = Data("HTM1".utf8)

    /// Keys in a fixed order, so the same training gives the same bytes.
    static var headerEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    public func serialized() throws -> Data {
        var data = Self.magic
        let header = try Self.headerEncoder.encode(header)
        data.appendLittleEndian(UInt32(header.count))
        data.append(header)
        bias.withUnsafeBytes { data.append(contentsOf: $0) }
        weights.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    public init(serialized data: Data) throws(InsightError) {
        var reader = ByteReader(data)
        guard reader.take(4) == Self.magic else { throw .badModel("it is not a Hearth model file") }
        let header: Header
        do {
            let length = try reader.uint32()
            header = try JSONDecoder().decode(Header.self, from: reader.take(Int(length)))
        } catch {
            throw .badModel("its header is damaged")
        }
        guard (2...64).contains(header.labels.count), (10...26).contains(header.bits) else {
            throw .badModel("its header describes an impossible model")
        }
        self.init(header: header)
        guard let bias = reader.floats(outputs), let weights = reader.floats(weights.count), reader.isAtEnd else {
            throw .badModel("it is truncated or has trailing bytes")
        }
        self.bias = bias
        self.weights = weights
    }

    public init(contentsOf url: URL) throws(InsightError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .badModel("\(url.path) cannot be read")
        }
        try self.init(serialized: data)
    }
}

extension AdaptiveModel {
    /// The first format, without the learning rates' history: still read, never written.
    static let magicWithoutHistory = Data("HTA1".utf8)
    static let magic = Data("HTA2".utf8)

    struct AdjustmentHeader: Codable {
        var task: String
        var labels: [String]
        var bits: Int
        var decisions: Int
        var count: Int
    }

    /// The community's adjustments only; the default model ships with Hearth. With each adjusted weight comes
    /// its AdaGrad accumulator, so that learning resumed after a load takes the steps it would have taken without
    /// one: a community's decisions are learned a few at a time, saved in between, and later decisions must move
    /// the model less than the first did.
    public func serializedAdjustments() throws -> Data {
        var data = Self.magic
        let header = try LinearModel.headerEncoder.encode(
            AdjustmentHeader(
                task: base.header.task, labels: base.labels, bits: base.header.bits, decisions: decisions,
                count: delta.weights.count))
        data.appendLittleEndian(UInt32(header.count))
        data.append(header)
        for value in delta.bias { data.appendLittleEndian(value.bitPattern) }
        for value in biasAccumulators { data.appendLittleEndian(value.bitPattern) }
        for (index, weight) in delta.weights.sorted(by: { $0.key < $1.key }) {
            data.appendLittleEndian(UInt32(index))
            data.appendLittleEndian(weight.bitPattern)
            data.appendLittleEndian((accumulators[index] ?? 0).bitPattern)
        }
        return data
    }

    public init(base: LinearModel, adjustments data: Data) throws(InsightError) {
        var reader = ByteReader(data)
        let magic = reader.take(4)
        guard magic == Self.magic || magic == Self.magicWithoutHistory else {
            throw .badModel("it is not a file of Hearth model adjustments")
        }
        let hasHistory = magic == Self.magic
        let header: AdjustmentHeader
        do {
            let length = try reader.uint32()
            header = try JSONDecoder().decode(AdjustmentHeader.self, from: reader.take(Int(length)))
        } catch {
            throw .badModel("its header is damaged")
        }
        guard header.task == base.header.task, header.labels == base.labels, header.bits == base.header.bits else {
            throw .badModel("it adjusts a different model (\(header.task), \(header.labels.joined(separator: "/")))")
        }
        guard let bias = reader.floats(base.outputs) else { throw .badModel("it is truncated") }
        var biasAccumulators = Array(repeating: Float(0), count: base.outputs)
        if hasHistory {
            guard let stored = reader.floats(base.outputs) else { throw .badModel("it is truncated") }
            biasAccumulators = stored
        }
        var delta = ModelDelta(outputs: base.outputs)
        delta.bias = bias
        var accumulators: [Int: Float] = [:]
        let limit = base.weights.count
        for _ in 0..<header.count {
            guard let index = try? reader.uint32(), let bits = try? reader.uint32(), Int(index) < limit else {
                throw .badModel("it is truncated or damaged")
            }
            delta.weights[Int(index)] = Float(bitPattern: bits)
            if hasHistory {
                guard let accumulated = try? reader.uint32() else { throw .badModel("it is truncated or damaged") }
                accumulators[Int(index)] = Float(bitPattern: accumulated)
            }
        }
        guard reader.isAtEnd else { throw .badModel("it has trailing bytes") }
        self.init(
            base: base, delta: delta, decisions: header.decisions, accumulators: accumulators,
            biasAccumulators: biasAccumulators)
    }
}

struct ByteReader {
    let data: Data
    var offset: Int

    init(_ data: Data) {
        self.data = data
        self.offset = data.startIndex
    }

    var isAtEnd: Bool { offset == data.endIndex }

    mutating func take(_ count: Int) -> Data {
        let end = min(data.endIndex, offset + max(0, count))
        defer { offset = end }
        return data[offset..<end]
    }

    mutating func uint32() throws(InsightError) -> UInt32 {
        let bytes = take(4)
        guard bytes.count == 4 else { throw .badModel("it is truncated") }
        return bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func floats(_ count: Int) -> [Float]? {
        let bytes = take(count * 4)
        guard bytes.count == count * 4 else { return nil }
        var floats = [Float](repeating: 0, count: count)
        floats.withUnsafeMutableBytes { target in
            bytes.withUnsafeBytes { source in target.copyMemory(from: source) }
        }
        #if _endian(big)
            floats = floats.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
        #endif
        return floats
    }
}

extension Data {
    mutating func appendLittleEndian(_ value: UInt32) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
