import Foundation

/// Carrying a status change back to the threads and the members who raised, voted for or follow the item.
extension FeedbackService {
    // MARK: Notices

    public func notices(_ viewer: Viewer?, limit: Int = 20) async throws -> [FeedbackNotice] {
        guard let viewer else { return [] }
        return try await board.notices(of: viewer.member.id, limit: limit)
    }

    public func markNoticesRead(_ viewer: Viewer?) async throws {
        guard let viewer else { return }
        try await board.markNoticesRead(of: viewer.member.id, at: now())
    }

    // MARK: Carrying it back

    /// Posts a change's notice in every linked thread not answered yet, as the staff member who made the change,
    /// in the thread's language, and tells every member who raised, voted for or follows the item. Safe to run
    /// again: a thread answered for this change is not answered twice.
    public func carryBack(_ job: FeedbackCarryBack) async throws {
        guard let plan = try await board.carryBack(job.changeID) else { return }
        guard let actorID = plan.change.by?.id, let actor = try await members.find(id: actorID) else { return }
        let viewer = try await viewers.viewer(actor, credential: .assessed)
        for topic in plan.topics {
            let language = Language(rawValue: topic.language) ?? .english
            let body = try await notice(plan, language: language, handles: topic.handles)
            do {
                let post = try await forum.reply(viewer, to: topic.topicID, body: body, asNotice: true)
                try await board.recordAnswer(change: job.changeID, topic: topic.topicID, post: post.id, at: now())
            } catch let error as HearthError {
                // A thread removed, or closed to its staff, since: the others are still answered.
                if case .unavailable = error { throw error }
            }
        }
        try await board.notify(plan.members.filter { $0 != actorID }, change: job.changeID, at: now())
    }

    /// The notice from the community's template: {title}, {status}, {note}, {thanks} and {link} filled in.
    func notice(_ plan: FeedbackCarryBackPlan, language: Language, handles: [String]) async throws -> String {
        let template = try await texts.text(.feedbackNotice, language: language)
        let status = FeedbackStatusWords.word(plan.change.status, language)
        let thanks = handles.prefix(10).map { "@" + $0 }.joined(separator: ", ")
        return
            template
            .replacingOccurrences(of: "{title}", with: plan.item.title)
            .replacingOccurrences(of: "{status}", with: status)
            .replacingOccurrences(of: "{note}", with: plan.change.note)
            .replacingOccurrences(of: "{thanks}", with: thanks)
            .replacingOccurrences(of: "{link}", with: "/feedback/\(plan.item.id.rawValue)")
            .trimmed()
    }
}

/// A status as the notices and pages say it.
public enum FeedbackStatusWords {
    public static func word(_ status: FeedbackItem.Status, _ language: Language) -> String {
        switch (status, language) {
        case (.open, .english): "open"
        case (.open, .french): "ouvert"
        case (.underReview, .english): "under review"
        case (.underReview, .french): "à l'étude"
        case (.planned, .english): "planned"
        case (.planned, .french): "prévu"
        case (.started, .english): "started"
        case (.started, .french): "commencé"
        case (.done, .english): "done"
        case (.done, .french): "fait"
        case (.declined, .english): "declined"
        case (.declined, .french): "refusé"
        case (.duplicate, .english): "a duplicate"
        case (.duplicate, .french): "un doublon"
        }
    }
}
