import Foundation

/// Marker for `Identifier<Job>`.
public typealias JobID = Identifier<Job>

/// Work to do later or away from a request, kept in the database so that it survives a restart: e-mail (the
/// outbox), topic timers, the reading backfill. `hearth serve` runs due jobs; on PostgreSQL several processes
/// share them and none runs one twice.
public struct Job: Sendable, Equatable, Identifiable {
    public let id: JobID
    public let kind: JobKind
    /// JSON, written by whoever queued the job and read by its handler.
    public let payload: String
    public let runAt: Date
    /// How many times the job was started, this one included.
    public let attempts: Int
    public let lastError: String?
    /// The request that queued the job, for the log.
    public let origin: String?

    public init(
        id: JobID, kind: JobKind, payload: String, runAt: Date, attempts: Int, lastError: String?, origin: String?
    ) {
        self.id = id
        self.kind = kind
        self.payload = payload
        self.runAt = runAt
        self.attempts = attempts
        self.lastError = lastError
        self.origin = origin
    }
}

/// What a job does; each kind has one handler in `hearth serve`.
public struct JobKind: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Send one e-mail (`MailMessage` as JSON).
    public static let mail = JobKind(rawValue: "mail")
    /// Close or reopen a topic at a set time (`TopicTimer` as JSON).
    public static let topicTimer = JobKind(rawValue: "topic_timer")
    /// Read a batch of posts with the triage engine and store the readings.
    public static let insightBackfill = JobKind(rawValue: "insight_backfill")
    /// Teach the engine the moderators' decisions not learned yet (no payload).
    public static let engineLearn = JobKind(rawValue: "engine_learn")

    public var description: String { rawValue }
}

/// A job about to be queued.
public struct NewJob: Sendable, Equatable {
    public var kind: JobKind
    public var payload: String
    public var runAt: Date
    /// At most one pending job per key (a topic's timer, say): queuing again replaces the pending one.
    public var key: String?
    public var origin: String?

    public init(kind: JobKind, payload: String, runAt: Date, key: String? = nil, origin: String? = nil) {
        self.kind = kind
        self.payload = payload
        self.runAt = runAt
        self.key = key
        self.origin = origin
    }

    /// A job whose payload is `value` encoded as JSON.
    public init<T: Encodable>(
        kind: JobKind, _ value: T, runAt: Date, key: String? = nil, origin: String? = nil
    ) throws {
        let data = try JSONEncoder().encode(value)
        self.init(kind: kind, payload: String(decoding: data, as: UTF8.self), runAt: runAt, key: key, origin: origin)
    }
}

/// The job table.
public protocol JobQueue: Sendable {
    func enqueue(_ job: NewJob) async throws
    /// Takes up to `limit` due jobs for `lease` seconds; another process sees them again only if the lease runs
    /// out (the process died).
    func claim(limit: Int, now: Date, lease: TimeInterval, worker: String) async throws -> [Job]
    func complete(_ id: JobID, at date: Date) async throws
    /// Records a failure; the job runs again at `retryAt`, or never when nil (given up, kept for the log).
    func fail(_ id: JobID, error: String, retryAt: Date?, at date: Date) async throws
    /// Jobs neither done nor given up.
    func pendingCount() async throws -> Int
    /// Removes a pending job by its key (a timer cancelled).
    func cancel(key: String) async throws
}

extension Job {
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(payload.utf8))
    }

    /// The wait before the next attempt: 1 minute, then 5, 30, 2 h, 12 h; after 8 attempts, none.
    public var retryDelay: TimeInterval? {
        let delays: [TimeInterval] = [60, 300, 1_800, 7_200, 43_200, 43_200, 43_200]
        return attempts <= delays.count ? delays[attempts - 1] : nil
    }
}
