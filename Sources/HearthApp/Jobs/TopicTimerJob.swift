import HearthCore

/// The job behind a topic timer: its payload is the timer as it was set. Running it twice, or after the timer was
/// changed or ended, does nothing (`TopicTimers.run` checks the timer is still the topic's in the same statement
/// that acts).
enum TopicTimerJob {
    static func handler(_ timers: TopicTimers) -> JobRunner.Handler {
        { job in try await timers.run(try job.decode(TopicTimer.self)) }
    }
}
