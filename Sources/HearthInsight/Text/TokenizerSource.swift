extension Tokenizer {
    /// A post's scalars, with where each starts in its UTF-8, so originals are sliced from the bytes without
    /// re-encoding.
    struct Source {
        let utf8: [UInt8]
        let scalars: [Unicode.Scalar]
        /// `offsets[i]` is where scalar `i` starts in `utf8`; one more entry marks the end.
        let offsets: [Int]

        init(_ text: String) {
            let utf8 = Array(text.utf8)
            // At most one scalar per byte; both arrays are filled in one pass and then told their length.
            var count = 0
            var scalars: [Unicode.Scalar] = []
            let offsets = [Int](unsafeUninitializedCapacity: utf8.count + 1) { offsets, offsetsCount in
                scalars = [Unicode.Scalar](unsafeUninitializedCapacity: utf8.count) { scalars, scalarsCount in
                    utf8.withUnsafeBufferPointer { bytes in
                        var position = 0
                        while position < bytes.count {
                            offsets[count] = position
                            let lead = UInt32(bytes[position])
                            // A Swift string always holds valid UTF-8, so the lead byte tells the length.
                            let (length, initial): (Int, UInt32) =
                                lead < 0x80
                                ? (1, lead)
                                : lead < 0xE0 ? (2, lead & 0x1F) : lead < 0xF0 ? (3, lead & 0x0F) : (4, lead & 0x07)
                            var value = initial
                            for continuation in 1..<length {
                                value = value << 6 | UInt32(bytes[position + continuation] & 0x3F)
                            }
                            scalars[count] = Unicode.Scalar(value) ?? "\u{FFFD}"
                            count += 1
                            position += length
                        }
                    }
                    scalarsCount = count
                }
                offsets[count] = utf8.count
                offsetsCount = count + 1
            }
            self.utf8 = utf8
            self.scalars = scalars
            self.offsets = offsets
        }

    }

    /// The tokens being read, and their keys' bytes.
    struct Output {
        let source: Source
        var tokens: [Token] = []
        var keys: [UInt8] = []

        init(_ source: Source) {
            self.source = source
            tokens.reserveCapacity(source.scalars.count / 3 + 8)
            keys.reserveCapacity(source.utf8.count)
        }

        /// Appends a token of `kind` with `key`, written as the source's scalars `range`.
        mutating func append(_ kind: Token.Kind, key: some Sequence<UInt8>, _ range: Range<Int>) {
            let start = keys.count
            keys.append(contentsOf: key)
            appendToken(kind, keyFrom: start, range)
        }

        /// Appends a token of `kind` whose key is what `keys` holds from `start` on, written as the source's
        /// scalars `range`.
        mutating func appendToken(_ kind: Token.Kind, keyFrom start: Int, _ range: Range<Int>) {
            let text = source.offsets[range.lowerBound]..<source.offsets[range.upperBound]
            let token = keys.withUnsafeBufferPointer { all in
                Token(kind: kind, key: UnsafeBufferPointer(rebasing: all[start...]), keyStart: start, text: text)
            }
            tokens.append(token)
        }
    }
}
