#!/usr/bin/env python3
"""Builds the training and development CSVs for Hearth's triage models from ../shared/data.

Usage: python3 training/prepare.py [--shared ../shared/data] [--sources training/sources] [--out training/out]

--sources is what training/sources.py wrote (public repositories at fixed commits). Sets with an open licence
train (TRAIN below); the others, and every set the README calls a development set, only measure (DEV).

Every row gets a fixed split from a hash of its source and id, so re-running gives the same files.
Outputs (columns text,label,language,source):
  toxicity-train.csv, toxicity-dev.csv     label 1 = toxic, 0 = not
  hatecheck-dev.csv                         HateCheck, never trained on (label 1 = hateful), plus functionality
  feedback-all.csv                          what the shipped feedback model learns from: the four meta sites, GitHub
                                            issues (Ticket Tagger), support-forum sentences (Tizard), app reviews
                                            (URR, Mini-BAR in English and French), French questions (UD FQB), and
                                            everyday talk as discussion
  loso/APP-train.csv, loso/APP-test-fr.csv  feedback-all.csv without one Mini-BAR app, and its French reviews alone
  loso-meta/SITE-train.csv, SITE-test.csv   feedback-all.csv without one meta site, and that site's tagged questions
  dev-*.csv                                 development sets (see DEV), never trained on
  language-dev.csv                          label en/fr, for measuring language identification
"""
import argparse, csv, hashlib, html, os, re, shutil, sys
import xml.etree.ElementTree as ET

FEEDBACK = {"bug": "bug", "feature-request": "suggestion", "support": "question", "discussion": "discussion"}
# Sets from training/sources.py that the shipped models learn from (open licences)…
TRAIN_FEEDBACK = ("ticket-tagger", "tizard", "urr", "minibar", "ud-fqb")
TRAIN_TOXICITY = ("ftr", "ud-parisstories", "ud-rhapsodie")
# …and the ones that only measure them: no open licence, or kept unseen on purpose.
DEV = {"nlbse24": "dev-issues.csv", "clap": "dev-reviews-en-clap.csv", "cyberagression": "dev-chat-fr.csv",
       "sexism-fr": "dev-sexism-fr.csv", "mhc-fr": "dev-hatecheck-fr.csv"}
COUNTER = {"counter_quote_nh", "counter_ref_nh", "negate_neg_nh"}
HEADER = ["text", "label", "language", "source"]


def same(text):
    """A text as compared for duplicates: lower case, words only."""
    return re.sub(r"\W+", " ", text.lower()).strip()


def split_of(key, dev_share=0.2):
    h = int(hashlib.sha1(key.encode()).hexdigest()[:8], 16)
    return "dev" if h % 1000 < dev_share * 1000 else "train"


def strip_html(text):
    text = re.sub(r"<pre>.*?</pre>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


FR_HINTS = set("le la les des est une que qui pas pour dans sur avec ce cette mais je tu il nous vous sont du au aux".split())
EN_HINTS = set("the is are was of and to in that it for with this you not have be on but what".split())


def guess_language(text):
    words = re.findall(r"[a-zà-ÿ']+", text.lower())
    fr = sum(w in FR_HINTS for w in words)
    en = sum(w in EN_HINTS for w in words)
    return "fr" if fr > en else "en"


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def se_rows(site_dir, kind):
    path = os.path.join(site_dir, kind + ".xml")
    for _, el in ET.iterparse(path):
        if el.tag == "row":
            yield dict(el.attrib)
            el.clear()


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--shared", default=os.path.join(here, "..", "..", "shared", "data"))
    ap.add_argument("--sources", default=os.path.join(here, "sources"))
    ap.add_argument("--out", default=os.path.join(here, "out"))
    args = ap.parse_args()
    shared = args.shared
    if not os.path.isdir(shared):
        sys.exit(f"prepare.py: the shared data folder {shared} is not there; pass --shared DIR")
    missing = [n for n in TRAIN_FEEDBACK + TRAIN_TOXICITY + tuple(DEV) + ("conan",)
               if not os.path.exists(os.path.join(args.sources, n + ".csv"))]
    if missing:
        sys.exit(f"prepare.py: {', '.join(missing)} not in {args.sources}; run python3 training/sources.py first")

    read = {}

    def source(name):
        if name not in read:
            read[name] = list(read_csv(os.path.join(args.sources, name + ".csv")))
        return read[name]

    # No text of a development set is ever trained on, whatever source it comes from (the same review or tweet is
    # sometimes in two sets).
    unseen = {same(r["text"]) for name in DEV for r in source(name)}
    unseen |= {same(r["text"]) for r in source("conan")}
    unseen |= {same(r["text"]) for r in read_csv(os.path.join(shared, "feedback/app-reviews-en-maalej2016.csv"))}
    unseen |= {same(r["test_case"]) for r in read_csv(os.path.join(shared, "toxicity/hatecheck-en/test_suite_cases.csv"))}
    os.makedirs(args.out, exist_ok=True)
    tox = {"train": [], "dev": []}

    def add(text, label, lang, source, key):
        text = text.strip()
        if text:
            tox[split_of(source + ":" + key)].append((text, label, lang, source))

    jig = os.path.join(shared, "toxicity/jigsaw-en-fr/jigsaw_subset_en_fr.csv")
    for r in read_csv(jig):
        # Both languages of one comment share a split, so the dev set never holds a translation of a training row.
        add(r["original_text"], int(r["toxic"]), "en", "jigsaw", r["msg_id"])
        add(r["content"], int(r["toxic"]), "fr", "jigsaw", r["msg_id"])
    for lang, name in (("en", "en_dataset_with_stop_words.csv"), ("fr", "fr_dataset.csv")):
        for r in read_csv(os.path.join(shared, "toxicity/mlma-en-fr", name)):
            add(r["tweet"], 0 if r["sentiment"] == "normal" else 1, lang, "mlma-" + lang, r["HITId"])
    # Davidson is 24k offensive-heavy tweets: all of its clean tweets, and one offensive tweet in four, so that
    # Twitter's register does not drown the forum register and the French data.
    for r in read_csv(os.path.join(shared, "toxicity/davidson-en/labeled_data.csv")):
        if r["class"] == "2" or split_of("keep:" + r[""], 0.25) == "dev":
            add(r["tweet"], 0 if r["class"] == "2" else 1, "en", "davidson", r[""])
    # Clean forum register: Stack Exchange comments are moderated conversation, the negatives tweets lack.
    se = os.path.join(shared, "forums/stackexchange")
    for site in sorted(os.listdir(se)):
        site_dir = os.path.join(se, site)
        if not os.path.isdir(site_dir):
            continue
        for r in se_rows(site_dir, "Comments"):
            text = strip_html(r.get("Text", ""))
            if len(text) >= 20:
                add(text, 0, guess_language(text), "se-" + site, r["Id"])

    # More French: racism-themed tweets with their look-alikes (FTR), and spoken everyday French (two UD
    # treebanks of transcribed speech), the register the tweets lack on the clean side.
    for name in TRAIN_TOXICITY:
        for i, r in enumerate(source(name)):
            add(r["text"], int(r["label"]), r["language"], name, str(i))

    held = {same(row[0]) for row in tox["dev"]}
    tox["train"] = unique([row for row in tox["train"] if same(row[0]) not in held and same(row[0]) not in unseen])
    for part, rows in tox.items():
        write(os.path.join(args.out, f"toxicity-{part}.csv"), ["text", "label", "language", "source"], rows)

    dev = tox["dev"]
    write(os.path.join(args.out, "dev-fr.csv"), HEADER, [row for row in dev if row[2] == "fr"])
    for lang in ("en", "fr"):
        write(os.path.join(args.out, f"dev-jigsaw-{lang}.csv"), HEADER,
              [row for row in dev if row[3] == "jigsaw" and row[2] == lang])
    for name, file in DEV.items():
        rows = [(r["text"], r["label"], r["language"], r["source"]) for r in source(name)]
        write(os.path.join(args.out, file), HEADER, rows)
        if name == "mhc-fr":
            write(os.path.join(args.out, "dev-counter-fr.csv"), HEADER, [row for row in rows if row[3] in COUNTER])
    write(os.path.join(args.out, "dev-counter-fr-conan.csv"), HEADER,
          [(r["text"], r["label"], r["language"], r["source"]) for r in source("conan") if r["label"] == "0"])

    hc = [(r["test_case"].strip(), 1 if r["label_gold"] == "hateful" else 0, "en", r["functionality"])
          for r in read_csv(os.path.join(shared, "toxicity/hatecheck-en/test_suite_cases.csv"))]
    write(os.path.join(args.out, "hatecheck-dev.csv"), ["text", "label", "language", "functionality"], hc)
    write(os.path.join(args.out, "dev-counter-en.csv"), HEADER, [row for row in hc if row[3] in COUNTER])

    fb = [(r["title"] + ". " + r["body_text"], FEEDBACK[r["label"]], "en", r["site"])
          for r in read_csv(os.path.join(shared, "feedback/se_meta_feedback.csv"))]
    fb_meta = []
    # french.meta and conlang.meta are tagged the same way in their dumps.
    for site in ("french.meta", "conlang.meta"):
        for r in se_rows(os.path.join(se, site), "Posts"):
            if r.get("PostTypeId") != "1":
                continue
            tags = re.findall(r"<([^>]+)>", r.get("Tags", ""))
            kinds = [FEEDBACK[t] for t in tags if t in FEEDBACK]
            if len(kinds) == 1:
                text = r.get("Title", "") + ". " + strip_html(r.get("Body", ""))
                fb_meta.append((text, kinds[0], guess_language(text), site))
    fb_all = fb + fb_meta
    # Questions asked on a main (not meta) site are what a forum's help-seeking posts look like in English.
    for site in sorted(os.listdir(se)):
        if site.endswith(".meta") or not os.path.isdir(os.path.join(se, site)):
            continue
        for r in se_rows(os.path.join(se, site), "Posts"):
            if r.get("PostTypeId") == "1":
                fb_all.append((r.get("Title", "") + ". " + strip_html(r.get("Body", "")), "question", "en", site))
    for name in TRAIN_FEEDBACK:
        rows = [(r["text"], r["label"], r["language"], r["source"]) for r in source(name)]
        if name == "tizard":
            # Most support-forum sentences give information; a few hundred of them are enough "discussion".
            rows = [row for row in rows if row[1] != "discussion" or split_of("tizard:" + row[0], 0.36) == "dev"]
        fb_all += rows
    # Most of what a forum says is neither a request nor a report: everyday spoken French (the UD treebanks above)
    # and Stack Exchange comments, a few thousand of each, teach "discussion" in the short register of replies.
    chatter = [row for row in tox["train"] if row[1] == 0 and (row[3].startswith("ud-") or row[3].startswith("se-"))]
    fb_all += [(text, "discussion", lang, src) for text, _, lang, src in chatter if split_of("chat:" + text, 0.3) == "dev"]
    fb_all = unique([row for row in fb_all if same(row[0]) not in unseen])
    write(os.path.join(args.out, "feedback-all.csv"), HEADER, fb_all)
    write(os.path.join(args.out, "dev-reviews-en-maalej.csv"), HEADER,
          [(r["text"], r["label"], r["language"], "maalej") for r in
           read_csv(os.path.join(shared, "feedback/app-reviews-en-maalej2016.csv"))])
    # French app reviews have one source: each Mini-BAR app in turn is held out, in both languages, and its
    # French reviews measure the model trained without it (training/feedback-loso.sh).
    shutil.rmtree(os.path.join(args.out, "loso"), ignore_errors=True)
    os.makedirs(os.path.join(args.out, "loso"))
    for app in sorted({row[3] for row in fb_all if row[3].startswith("minibar:")}):
        name = app.split(":")[1].split()[0].lower()
        write(os.path.join(args.out, "loso", f"{name}-train.csv"), HEADER, [row for row in fb_all if row[3] != app])
        write(os.path.join(args.out, "loso", f"{name}-test-fr.csv"), HEADER,
              [row for row in fb_all if row[3] == app and row[2] == "fr"])

    # The feedback kind on a community it never read: each of the four meta sites in turn is left out of training
    # (its tagged questions, and any other row from it, such as its comments as everyday talk), and its tagged
    # questions are scored (training/feedback-meta-loso.sh).
    shutil.rmtree(os.path.join(args.out, "loso-meta"), ignore_errors=True)
    os.makedirs(os.path.join(args.out, "loso-meta"))
    for site in sorted({row[3] for row in fb_all if row[3].endswith(".meta") and not row[3].startswith("se-")}):
        name = site.split(".")[0]
        write(os.path.join(args.out, "loso-meta", f"{name}-train.csv"), HEADER,
              [row for row in fb_all if site not in row[3]])
        write(os.path.join(args.out, "loso-meta", f"{name}-test.csv"), HEADER, [row for row in fb_all if row[3] == site])

    lang = [(t, l, l, s) for t, _, l, s in tox["dev"] if s in ("jigsaw", "mlma-en", "mlma-fr")]
    write(os.path.join(args.out, "language-dev.csv"), ["text", "label", "language", "source"], lang)


def unique(rows):
    """Rows whose text was not seen before, in order."""
    seen, kept = set(), []
    for row in rows:
        if same(row[0]) not in seen:
            seen.add(same(row[0]))
            kept.append(row)
    return kept


def write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    print(f"{path}: {len(rows)} rows")


if __name__ == "__main__":
    main()
