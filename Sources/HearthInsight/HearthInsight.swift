/// Text analysis for Hearth: normalisation, language, toxicity, feedback kind, sentiment, noise.
///
/// The triage engine lands here (issue 4); the target exists now so that the dependency graph is in place.
public enum HearthInsight {}
