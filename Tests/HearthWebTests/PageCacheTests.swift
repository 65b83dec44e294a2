import NIOCore
import Testing

@testable import HearthWeb

@Suite("Visitors' page cache")
struct PageCacheTests {
    private func page(_ byte: UInt8, size: Int) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        buffer.writeRepeatingByte(byte, count: size)
        return buffer
    }

    @Test("pages are held within the byte budget, and a changed topic is a miss")
    func budget() {
        let cache = AnonymousPageCache(budgetBytes: 10_000)
        for index in 0..<25 {
            cache.store(page(UInt8(index), size: 1_000), for: "/t/\(index)", version: 1)
            #expect(cache.heldBytes <= 10_000)
        }
        #expect(cache.page("/t/24", version: 1) == page(24, size: 1_000))
        #expect(cache.page("/t/24", version: 2) == nil)
        cache.store(page(9, size: 2_000), for: "/t/24", version: 2)
        #expect(cache.page("/t/24", version: 2)?.readableBytes == 2_000)
        cache.store(page(1, size: 20_000), for: "/t/huge", version: 1)
        #expect(cache.page("/t/huge", version: 1) == nil)
        #expect(cache.heldBytes <= 10_000)
    }
}
