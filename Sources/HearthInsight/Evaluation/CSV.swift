import Foundation

/// A CSV file (RFC 4180): comma-separated, fields in double quotes may hold commas, quotes ("") and line breaks.
public struct CSVTable: Sendable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// Parses CSV text. The first record is the header; short rows are padded, so a missing trailing field
    /// reads as empty rather than failing the whole file.
    public init(parsing text: String) throws(InsightError) {
        var records: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var atFieldStart = true
        var line = 1
        var quoteLine = 1
        let bytes = Array(text.utf8)
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func endField() {
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            atFieldStart = true
        }
        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") && atFieldStart {
                inQuotes = true
                quoteLine = line
                atFieldStart = false
            } else if byte == UInt8(ascii: ",") {
                endField()
            } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                if byte == UInt8(ascii: "\r") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n") {
                    index += 1
                }
                line += 1
                if !(record.isEmpty && field.isEmpty && atFieldStart) {
                    endField()
                    records.append(record)
                }
                record = []
            } else {
                field.append(byte)
                atFieldStart = false
            }
            index += 1
        }
        if inQuotes { throw .badData("The CSV has a quoted field opened on line \(quoteLine) that never closes.") }
        if !record.isEmpty || !field.isEmpty {
            endField()
            records.append(record)
        }
        guard let header = records.first else { throw .badData("The CSV is empty: it has no header row.") }
        self.header = header.map { $0.trimmingCharacters(in: .whitespaces) }
        self.rows = records.dropFirst().map { row in
            row.count >= header.count ? row : row + Array(repeating: "", count: header.count - row.count)
        }
    }

    /// The index of a column, or an error naming the columns there are.
    public func column(_ name: String) throws(InsightError) -> Int {
        guard let index = header.firstIndex(of: name) else {
            throw .badData(
                "The CSV has no column \u{201C}\(name)\u{201D}; its columns are: \(header.joined(separator: ", ")).")
        }
        return index
    }

    /// The table as CSV text, quoting fields that need it.
    public func rendered() -> String {
        var out = ""
        for record in [header] + rows {
            out += record.map(Self.quoted).joined(separator: ",")
            out += "\n"
        }
        return out
    }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
