/// A scripted quarrel between two members, written for these tests: sharper at each turn, the kind of thread heat
/// should mark for staff.
public enum Quarrel {
    /// The replies, alternating: the first member answers the opening post, the second answers back, and so on.
    public static let replies = [
        "No it is not, you clearly did not test it.",
        "I did. You are wrong, as usual.",
        "Stop talking nonsense, you have no clue.",
        "You are the one with no clue, idiot.",
        "Shut up, nobody cares about your stupid benchmarks.",
        "You are pathetic and dumb.",
        "Get lost, you clown.",
        "You are a moron.",
        "Shut up, idiot.",
        "Pathetic loser.",
    ]
}
