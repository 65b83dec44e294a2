import Foundation
import HearthCore
import Synchronization
import Testing

@testable import HearthStore

@Suite("Scan gate")
struct ScanGateTests {
    @Test("no more reads run at once than the gate's width; the others wait their turn")
    func width() async throws {
        let gate = ScanGate(width: 2, patience: .seconds(30))
        let running = Running()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    try await gate.run {
                        running.start()
                        try await Task.sleep(for: .milliseconds(200))
                        running.end()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(running.most == 2)
    }

    @Test("a read that waits longer than the gate's patience is refused as the database being busy")
    func patience() async throws {
        let gate = ScanGate(width: 1, patience: .milliseconds(100))
        let (release, releaser) = AsyncStream<Void>.makeStream()
        let (started, starter) = AsyncStream<Void>.makeStream()
        // The first read holds the only place until it is told to go, however slow the machine.
        async let long: Void = gate.run {
            starter.yield()
            for await _ in release { break }
        }
        for await _ in started { break }
        await #expect(throws: HearthError.self) { try await gate.run { () } }
        releaser.yield()
        try await long
        #expect(try await gate.run { 7 } == 7, "the place is free again once the long read is done")
    }
}

/// How many reads run at the same time, and the most seen.
private final class Running: Sendable {
    private let counts = Mutex((now: 0, most: 0))

    func start() {
        counts.withLock {
            $0.now += 1
            $0.most = max($0.most, $0.now)
        }
    }

    func end() { counts.withLock { $0.now -= 1 } }

    var most: Int { counts.withLock { $0.most } }
}
