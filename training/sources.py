#!/usr/bin/env python3
"""Builds labelled CSVs from public GitHub repositories, each read at a fixed commit.

Usage: python3 training/sources.py [--mirrors DIR] [--out training/sources]

A repository is read with `git show COMMIT:PATH`, from DIR/OWNER+NAME/repo when --mirrors names a folder of
local copies, otherwise from a bare clone made once in training/cache/. Every file has the columns
text,label,language,source (HateCheck keeps its functionality as source). Which file trains a shipped model and
which only measures one is decided in prepare.py (TRAIN and DEV there), by licence: a set without an open licence
is only ever a development set.
"""
import argparse, csv, html, io, os, re, sqlite3, subprocess, sys, tempfile, zipfile
import xml.etree.ElementTree as ET

csv.field_size_limit(10**9)

# name: (repository, commit, licence)
REPOS = {
    "ticket-tagger": ("ChristianBirchler/ticket-tagger-analysis", "5ec53eedcb7e654f00ac6976f277bfc865f5e9bd", "GPL-3.0"),
    "nlbse24": ("nlbse2024/issue-report-classification", "2927bc67eb42db8affd16eaf3e5a6d74f3063961", "none stated"),
    "tizard": ("RESubmission17/RE_Submission_17", "f75ffe7b0743aa22f7e48ccc656886deef7f7ee3", "CC BY"),
    "clap": ("Peter-Devine/user_feedback_machine_learning_cls_experiments",
             "4bb6cbb38e4e6c4a1f6e1948b354d6ac7192715d", "none stated"),
    "urr": ("panichella/UserReviewReference-Replication-Package", "5cfdbf5d769946974d8aeeae0d417545017fe353", "MIT"),
    "minibar": ("Jl-wei/mini-bar", "bb6a7cfa064ebb4afbdd3853e7dbe6e31e0d3649", "MIT"),
    "ftr": ("NataliaVanetik/FTR-dataset", "324f4e877f9df3a24c7eb3d1e0577544020ddeb6", "MIT"),
    "ud-parisstories": ("UniversalDependencies/UD_French-ParisStories",
                        "c549ab63a3ac2af92ad9e87fff2b4f45742f2d42", "CC BY-SA 4.0"),
    "ud-rhapsodie": ("UniversalDependencies/UD_French-Rhapsodie", "e638b8136977e5ddd9c49ac0b99cc56b7216db33",
                     "CC BY-SA 4.0"),
    "ud-fqb": ("UniversalDependencies/UD_French-FQB", "d585d0fadefbc063f460278be862adf6bad4b0a4", "LGPL-LR"),
    "cyberagression": ("aollagnier/CyberAgression-Large", "6e1ae57270ba2a131b91261ee5e0c541fe7263d0", "CC BY-NC 4.0"),
    "sexism-fr": ("aollagnier/Sexism_Twitter_French", "77ae319b5c1b79636ac65fa75e16b4203b76d442", "none stated"),
    "conan": ("marcoguerini/CONAN", "627faf12d73ee75291d0c99a1dffd54c811a93cb", "research only"),
    "mhc-fr": ("rewire-online/multilingual-hatecheck", "a03f2caf2023a402d85064bda243e46d280408f0", "CC BY 4.0"),
}


class Repo:
    def __init__(self, name, mirrors, cache):
        self.slug, self.commit, self.licence = REPOS[name]
        local = os.path.join(mirrors, self.slug.replace("/", "+"), "repo") if mirrors else None
        if local and os.path.isdir(local):
            self.git = local
        else:
            self.git = os.path.join(cache, self.slug.replace("/", "+") + ".git")
            if not os.path.isdir(self.git):
                url = f"https://github.com/{self.slug}"
                if subprocess.run(["git", "clone", "--bare", "--quiet", url, self.git]).returncode != 0:
                    sys.exit(f"sources.py: cannot clone {url}; without a network, pass --mirrors DIR with copies "
                             "of the repositories as DIR/OWNER+NAME/repo")

    def git_output(self, *arguments):
        """What a git command prints, or one clear line and exit."""
        try:
            done = subprocess.run(["git", "-C", self.git, *arguments], capture_output=True)
        except FileNotFoundError:
            sys.exit("sources.py: git is not installed")
        if done.returncode != 0:
            sys.exit(f"sources.py: {self.slug} at {self.commit[:12]} cannot be read in {self.git} "
                     f"({done.stderr.decode(errors='replace').strip()}); delete that copy to clone it again")
        return done.stdout

    def show(self, path):
        return self.git_output("show", f"{self.commit}:{path}")

    def text(self, path, encoding="utf-8"):
        return self.show(path).decode(encoding, errors="replace")

    def rows(self, path, encoding="utf-8"):
        return csv.DictReader(io.StringIO(self.text(path, encoding)))

    def paths(self, folder):
        out = self.git_output("ls-tree", "-r", "--name-only", "-z", self.commit, folder).decode()
        return [p for p in out.split("\0") if p]


def stars(value, praise=4, complaint=2):
    """Praise for a happy rating, complaint for an unhappy one, nothing for the middle."""
    try:
        n = int(float(value))
    except (TypeError, ValueError):
        return None
    return "praise" if n >= praise else "complaint" if n <= complaint else None


def ticket_tagger(repo):
    kinds = {"bug": "bug", "enhancement": "suggestion", "question": "question"}
    for line in repo.text("datasets/preprocessing/balancing/rafaels-rebalanced-dataset-only-english.txt").split("\n"):
        label, _, text = line.partition(" ")
        if label.startswith("__label__") and label[9:] in kinds:
            text = text.strip()
            if text.startswith('"'):
                text = text[1:-1] if text.endswith('"') else text[1:]
            yield text.replace('""', '"'), kinds[label[9:]], "en", "ticket-tagger"


def nlbse24(repo):
    kinds = {"bug": "bug", "feature": "suggestion", "enhancement": "suggestion", "question": "question"}
    for path in ("data/issues_train.csv", "data/issues_test.csv"):
        for r in repo.rows(path):
            yield r["title"].strip() + "\n\n" + (r["body"] or ""), kinds[r["label"]], "en", "nlbse24:" + r["repo"]


def tizard(repo):
    """Sentences of VLC and Mozilla support-forum posts (Tizard et al., RE 2019), by what each sentence does."""
    def kind(raw):
        label = raw.lower().strip()
        for words, result in (
            (("apparent bug", "bug confirmation"), "bug"),
            (("feature request", "agreeing with the request"), "suggestion"),
            (("question on application", "help seek", "information seeking"), "question"),
            (("dispraise", "negative sentiment", "unsatisfactory behaviour"), "complaint"),
            (("praise application",), "praise"),
            (("application guidance", "information giving", "usage", "user setup", "attempted solution",
              "problem resolution", "acknowledgement", "agreeing with the problem", "limitation confirmation"),
             "discussion"),
        ):
            if any(w in label for w in words):
                return result
        return None
    with tempfile.NamedTemporaryFile(suffix=".sqlite") as f:
        f.write(repo.show("VLC_labelled_sentences_4RE.sqlite"))
        f.flush()
        for sentence, label in sqlite3.connect(f.name).execute("select sentence, label from labelled_sentences"):
            if kind(label):
                yield sentence, kind(label), "en", "tizard"


def clap(repo):
    folder = "data_utils/dataset_downloaders/"
    for path, column in (("rq1-raw-data.csv", "review"), ("rq3-manually-classified-implemented-reviews.csv", "body")):
        for r in repo.rows(folder + path):
            label = {"BUG": "bug", "FEATURE": "suggestion"}.get(r["category"])
            if r["category"] == "OTHER":
                label = stars(r["rating"])
            if label:
                yield re.sub(r"^\? ", "", r[column]), label, "en", "clap"


def urr(repo):
    for r in repo.rows("data/reviews/golden_set.csv", encoding="latin-1"):
        tags = {r[k] for k in ("class1", "class2", "class3", "class4", "class5") if r[k]}
        label = "bug" if "ERROR" in tags else stars(r["ratingStars"]) if tags == {"OTHER"} else None
        if label:
            yield html.unescape(r["reviewText"]), label, "en", "urr"


def minibar(repo):
    """Google Play reviews of three health apps, labelled by hand, each kept in the language it was written in."""
    for app in ("Garmin Connect", "Huawei Health", "Samsung Health"):
        for language in ("en", "fr"):
            for r in repo.rows(f"dataset/for_classification/{app}.{language}.csv"):
                if r["ori_lang"] != language:
                    continue
                problem, feature, irrelevant = int(r["problem_report"]), int(r["feature_request"]), int(r["irrelevant"])
                label = ("bug" if problem and not feature else "suggestion" if feature and not problem
                         else stars(r["score"]) if irrelevant and not problem and not feature else None)
                if label:
                    yield r["data"], label, language, "minibar:" + app


def ftr(repo):
    for r in repo.rows("FTR_new_labels.csv"):
        yield r["tweet"], int(r["label"]), "fr", "ftr"


def ud(file_prefix, label=0, parts=("train", "dev", "test")):
    """The sentences of a Universal Dependencies treebank, all with one label."""
    def sentences(repo):
        for part in parts:
            for line in repo.text(f"{file_prefix}-ud-{part}.conllu").split("\n"):
                if line.startswith("# text = ") and len(line) >= 24:
                    yield line[9:].strip(), label, "fr", file_prefix.split("_")[1]
    return sentences


def xlsx_rows(data):
    """The first sheet of an .xlsx file as dictionaries keyed by its header row."""
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    book = zipfile.ZipFile(io.BytesIO(data))
    shared = []
    if "xl/sharedStrings.xml" in book.namelist():
        shared = ["".join(t.text or "" for t in si.iter(ns + "t"))
                  for si in ET.fromstring(book.read("xl/sharedStrings.xml")).findall(ns + "si")]
    table = []
    for row in ET.fromstring(book.read("xl/worksheets/sheet1.xml")).iter(ns + "row"):
        cells = {}
        for c in row.findall(ns + "c"):
            v = c.find(ns + "v")
            value = "".join(x.text or "" for x in c.iter(ns + "t")) if c.get("t") == "inlineStr" else (
                v.text if v is not None else "")
            cells[re.match(r"[A-Z]+", c.get("r")).group()] = shared[int(value)] if c.get("t") == "s" else value
        table.append(cells)
    header = {k: (v or "").strip() for k, v in table[0].items()}
    return [{header[k]: v for k, v in row.items() if k in header} for row in table[1:]]


def cyberagression(repo):
    """Role-played teenagers' chats (Ollagnier et al.): aggressive (overt or covert) or not, by majority vote."""
    for path in repo.paths("majority_vote/"):
        if path.endswith(".xlsx"):
            for r in xlsx_rows(repo.show(path)):
                hate = (r.get("HATE") or "").strip()
                if hate in ("OAG", "CAG", "NAG"):
                    yield r.get("TEXT") or "", int(hate != "NAG"), "fr", "cyberagression"


def sexism_fr(repo):
    for r in repo.rows("gathered_tweets_labeled.csv"):
        category = (r["Category"] or "").strip()
        if category in ("0", "1", "2"):
            yield r["Tweet"], int(category != "0"), "fr", "sexism-fr"


def conan(repo):
    """French hate speech and the counter-narratives NGO operators wrote to answer it (label 0)."""
    for r in repo.rows("CONAN/CONAN.csv"):
        if r["cn_id"].startswith("FR") and not re.search(r"T\d*$", r["cn_id"]):
            yield r["hateSpeech"], 1, "fr", "conan-hate"
            yield r["counterSpeech"], 0, "fr", "conan-counter"


def mhc_fr(repo):
    for r in repo.rows("MHC Final Cases/hatecheck_cases_final_french.csv"):
        yield r["test_case"], int(r["label_gold"] == "hateful"), "fr", r["functionality"]


EXTRACTORS = {
    "ticket-tagger": ticket_tagger, "nlbse24": nlbse24, "tizard": tizard, "clap": clap, "urr": urr,
    "minibar": minibar, "ftr": ftr, "ud-parisstories": ud("fr_parisstories"), "ud-rhapsodie": ud("fr_rhapsodie"),
    "ud-fqb": ud("fr_fqb", label="question", parts=("test",)),
    "cyberagression": cyberagression, "sexism-fr": sexism_fr, "conan": conan, "mhc-fr": mhc_fr,
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirrors", help="a folder of local copies, OWNER+NAME/repo")
    ap.add_argument("--out", default=os.path.join(here, "sources"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    cache = os.path.join(here, "cache")
    os.makedirs(cache, exist_ok=True)
    for name, extract in EXTRACTORS.items():
        repo = Repo(name, args.mirrors, cache)
        seen, rows = set(), []
        for text, label, language, source in extract(repo):
            text = re.sub(r"\n{3,}", "\n\n", (text or "").replace("\r\n", "\n")).strip()[:10000]
            if len(text) >= 3 and text.lower() != "nan" and text not in seen:
                seen.add(text)
                rows.append((text, label, language, source))
        path = os.path.join(args.out, name + ".csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["text", "label", "language", "source"])
            w.writerows(rows)
        print(f"{path}: {len(rows)} rows ({repo.slug} @ {repo.commit[:12]}, {repo.licence})")


if __name__ == "__main__":
    sys.exit(main())
