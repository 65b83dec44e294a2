import Foundation
import HearthCore
import Hummingbird
import MultipartKit

/// A `multipart/form-data` body: its text fields and its files. Forms with an image use it, and so does
/// the API's upload route.
struct MultipartForm: Sendable {
    struct File: Sendable {
        let fileName: String
        let bytes: [UInt8]
    }

    var fields: [String: String] = [:]
    var files: [String: File] = [:]

    func text(_ name: String) -> String { fields[name] ?? "" }

    /// The boundary of a multipart/form-data request, or nil for any other body.
    static func boundary(of request: Request) -> String? {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data") else {
            return nil
        }
        for parameter in type.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// Parses a body already collected; a malformed one is a validation error, not a crash.
    init(_ body: ByteBuffer, boundary: String) throws {
        let parser = MultipartParser(boundary: boundary)
        var headers: [String: String] = [:]
        var current = ByteBuffer()
        var parts: [([String: String], ByteBuffer)] = []
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { chunk in current.writeBuffer(&chunk) }
        parser.onPartComplete = {
            parts.append((headers, current))
            headers = [:]
            current = ByteBuffer()
        }
        guard Self.headerNamesAreASCII(body, boundary: boundary) else {
            throw HearthError.invalid("file", "The upload was cut short or is not a valid form; please try again.")
        }
        do {
            try parser.execute(body)
        } catch {
            throw HearthError.invalid("file", "The upload was cut short or is not a valid form; please try again.")
        }
        for (headers, content) in parts {
            guard let disposition = headers["content-disposition"], let name = Self.parameter("name", in: disposition)
            else { continue }
            if let fileName = Self.parameter("filename", in: disposition) {
                if content.readableBytes > 0 {
                    files[name] = File(fileName: fileName, bytes: Array(content.readableBytesView))
                }
            } else {
                fields[name] = String(buffer: content).withoutXMLForbiddenCharacters
            }
        }
    }

    /// Whether the header names of every part are ASCII. multipart-kit 4.7.1 looks each byte of a header name
    /// up in a 128-entry table, so one byte above 0x7F there stopped the whole server, and anyone can send one:
    /// the CSRF check reads the form of every POST. Header values (a file's name) may hold any byte.
    static func headerNamesAreASCII(_ body: ByteBuffer, boundary: String) -> Bool {
        let bytes = body.readableBytesView
        let delimiter = Array(("--" + boundary).utf8)
        var start = bytes.startIndex
        while let found = bytes[start...].firstRange(of: delimiter) {
            // The rest of the delimiter's line, then header lines up to the first empty one; a name ends at ":".
            var line = 0
            var length = 0
            var inName = true
            var index = found.upperBound
            scan: while index < bytes.endIndex {
                switch bytes[index] {
                case UInt8(ascii: "\n"):
                    if line > 0, length <= 1 { break scan }
                    (line, length, inName) = (line + 1, 0, true)
                case UInt8(ascii: ":"):
                    (length, inName) = (length + 1, false)
                case 0x80...:
                    if inName { return false }
                    length += 1
                default:
                    length += 1
                }
                index += 1
            }
            // On from the end of the headers: each byte is looked at once, however the body is built.
            start = index
        }
        return true
    }

    private static func parameter(_ name: String, in disposition: String) -> String? {
        for part in disposition.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == name {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}

extension Request {
    /// The multipart form of this request, its body collected up to `limit` bytes.
    mutating func multipartForm(limit: Int) async throws -> MultipartForm? {
        guard let boundary = MultipartForm.boundary(of: self) else { return nil }
        return try MultipartForm(try await collectBody(within: limit), boundary: boundary)
    }
}
