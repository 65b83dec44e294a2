import Foundation

/// What the triage engine learns from a label: how toxic a post is, or what kind of feedback it is.
public enum EngineTask: String, Sendable, Codable, CaseIterable {
    case toxicity
    case feedback
    /// Whether a post deserved the community manager's attention: 1 pertinent, 0 "troll: let it be".
    case pertinence
}

/// A moderator's decision about a post, as the engine's community layer learns it. Recorded in the same
/// transaction as the decision, learned later by the `engineLearn` job, from the post's text as it is then.
public struct EngineLabel: Sendable, Equatable {
    public var postID: PostID
    public var task: EngineTask
    /// Toxicity: 1 toxic, 0 not. Feedback: the kind's position in the engine's list of kinds.
    public var value: Int

    public init(postID: PostID, task: EngineTask, value: Int) {
        self.postID = postID
        self.task = task
        self.value = value
    }

    /// Hidden or deleted by a moderator: the post was toxic.
    public static func toxic(_ postID: PostID) -> EngineLabel {
        EngineLabel(postID: postID, task: .toxicity, value: 1)
    }

    /// Approved, kept or shown again by a moderator: the post was not toxic.
    public static func notToxic(_ postID: PostID) -> EngineLabel {
        EngineLabel(postID: postID, task: .toxicity, value: 0)
    }

    /// The job that learns the labels not learned yet.
    public static func learnJob(at date: Date) -> NewJob {
        NewJob(kind: .engineLearn, payload: "{}", runAt: date)
    }
}

/// A label waiting to be learned, with its post's text as it is now.
public struct PendingLabel: Sendable, Equatable {
    public var id: Int64
    public var postID: PostID
    public var value: Int
    /// The topic's title when the post opens it: the engine read the two together when the post was written.
    public var title: String?
    public var body: String

    public init(id: Int64, postID: PostID, value: Int, title: String?, body: String) {
        self.id = id
        self.postID = postID
        self.value = value
        self.title = title
        self.body = body
    }

    /// The text as the engine read it when the post was written.
    public var text: String {
        title.map { $0 + "\n\n" + body } ?? body
    }
}

/// A community's learned adjustments to one of the engine's models, as stored.
public struct StoredAdjustments: Sendable, Equatable {
    public var task: EngineTask
    /// The engine's own serialised form; Core does not read it.
    public var data: Data
    /// Labels learned so far, moderators' and the CLI's.
    public var decisions: Int
    /// Goes up by one with every save: processes compare it to notice another's learning, and a save that
    /// expected an older one is refused.
    public var version: Int64
    public var updatedAt: Date

    public init(task: EngineTask, data: Data, decisions: Int, version: Int64, updatedAt: Date) {
        self.task = task
        self.data = data
        self.decisions = decisions
        self.version = version
        self.updatedAt = updatedAt
    }
}

/// Labels and learned adjustments, as stored. Several processes may learn at once on one PostgreSQL: a save
/// names the version it started from, so two of them never apply the same label twice.
public protocol EngineLearningRepository: Sendable {
    /// Labels of `task` not learned yet, oldest first, with their posts' current text.
    func unlearnedLabels(_ task: EngineTask, limit: Int) async throws -> [PendingLabel]
    /// Whether any label waits to be learned.
    func hasUnlearnedLabels() async throws -> Bool
    func adjustments(_ task: EngineTask) async throws -> StoredAdjustments?
    /// The version of each task's adjustments: two small rows, read every few seconds by every process.
    func versions() async throws -> [EngineTask: Int64]
    /// Stores `data` for `task` and marks `learned` labels learned, in one transaction, when the stored version
    /// is still `expected` (nil: nothing stored yet). Returns false, changing nothing, when another save came
    /// first.
    func save(
        _ task: EngineTask, data: Data, decisions: Int, replacing expected: Int64?, learned: [Int64], at date: Date
    ) async throws -> Bool
}
