import Foundation
import HearthInsight

// Triage engine benchmark: model load time, posts per second for all signals together, peak resident memory.
// Run through bench/insight.sh (release build, pinned to one core). Posts are ~300 characters, built from a fixed
// bank of forum sentences in French and English (clean, toxic, questions, bug reports), so runs are comparable.

let sentences = [
    "Bonjour à tous, je n'arrive pas à changer mon avatar depuis la dernière mise à jour du forum.",
    "T'es vraiment qu'un gros bouffon, ferme ta gueule et retourne jouer aux billes.",
    "Merci beaucoup pour la réponse rapide, c'est exactement ce qu'il me fallait !",
    "Ce serait bien d'avoir un mode sombre, surtout pour ceux qui lisent le soir.",
    "Le bouton « répondre » ne fonctionne plus, j'ai une erreur 500 à chaque fois.",
    "How do I reset my password? The e-mail never arrives, even in the spam folder.",
    "You are a pathetic loser and nobody here wants to read your garbage posts.",
    "It would be great to get a notification when someone quotes one of my posts.",
    "I don't think you are an idiot at all, you made a fair point about the rules.",
    "THIS IS THE WORST UPDATE EVER!!! http://example.com/a look at this @moderator",
    "Franchement c'est nuuuul, les modos sont des vendus 😡 bande de larbins",
    "Great job on the new editor 👍 the preview is really fast on my phone :)",
]

func post(_ seed: Int) -> String {
    var text = ""
    var index = seed
    while text.count < 300 {
        text += sentences[index % sentences.count] + " "
        index = index &* 7 &+ 3
    }
    return String(text.prefix(300))
}

func peakResidentMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
    else { return .nan }
    let kib = Double(line.split(separator: " ").dropFirst().first ?? "") ?? .nan
    return kib / 1024
}

if CommandLine.arguments.count > 2, CommandLine.arguments[1] == "board" {
    try boardBench(
        path: CommandLine.arguments[2],
        items: CommandLine.arguments.count > 3 ? Int(CommandLine.arguments[3]) ?? 100_000 : 100_000)
    exit(0)
}

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 100_000 : 100_000
let posts = (0..<1000).map(post)

let clock = ContinuousClock()
var loaded: TriageEngine?
let loadTime = try clock.measure { loaded = try TriageEngine.bundled() }
let engine = loaded!

// Warm up, then measure in five rounds. This machine's neighbours slow some rounds down; the median round is the
// figure, and the spread is printed beside it.
var checksum = 0.0
for text in posts.prefix(200) { checksum += engine.analyze(text).toxicity.score }
let rounds = 5
let perRound = max(1, count / rounds)
var rates: [Double] = []
var cpuSeconds = 0.0

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

for round in 0..<rounds {
    let cpuBefore = processCPUSeconds()
    let elapsed = clock.measure {
        for index in 0..<perRound {
            let analysis = engine.analyze(posts[(round * perRound + index) % posts.count])
            checksum +=
                analysis.toxicity.score + analysis.sentiment.score + analysis.noise.score + analysis.feedback.score
        }
    }
    cpuSeconds += processCPUSeconds() - cpuBefore
    rates.append(Double(perRound) / seconds(elapsed))
}

let sorted = rates.sorted()
print(
    "posts scored          \(perRound * rounds) in \(rounds) rounds (300 characters each; all signals: language, "
        + "toxicity, feedback, sentiment, noise, with explanations)")
print(
    String(
        format: "posts per second      %.0f (median round; rounds %.0f to %.0f)", sorted[rounds / 2], sorted[0],
        sorted[rounds - 1]))
print(String(format: "CPU per post          %.1f µs", cpuSeconds / Double(perRound * rounds) * 1e6))
print(String(format: "model load            %.1f ms", seconds(loadTime) * 1000))
print(String(format: "peak resident memory  %.1f MiB", peakResidentMiB()))
print(String(format: "(checksum %.3f)", checksum))
