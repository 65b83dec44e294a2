#!/usr/bin/env python3
"""Builds labelled streams of forum posts for the priority-inbox evaluation (`hearth inbox eval --data F.csv`).

Usage: python3 bench/inbox-stream.py [--shared ../shared/data] [--out bench/out] [--per-label 800]

Reads the public data in ../shared/data (see its README.md and SOURCE.md files) and writes, with the columns
text,title,author,label,language,source (label = pertinent | troll | chatter):

  inbox-meta.csv  pertinent = Stack Exchange meta questions tagged bug / feature-request / support
                  (se_meta_feedback.csv + french.meta and conlang.meta, tagged as training/prepare.py does);
                  troll = toxic rows of Jigsaw EN/FR, MLMA EN/FR, Davidson, dev split of training/prepare.py only;
                  chatter = Stack Exchange comments (five sites), dev split, at least 3 words.
                  The shipped feedback model was trained on these meta questions: not an honest check.
  inbox-dev.csv   pertinent = app reviews labelled bug / suggestion / complaint;
                  troll = HateCheck hateful cases; chatter = half short praise app reviews (<= 25 words),
                  half Stack Exchange comments of the dev split. None of it was trained on by the shipped models
                  (except that the SE comments share sites with the training data; their rows are dev-split).

Only topic-opening rows (meta questions) carry a title; everything else becomes a reply.
`author` (newcomer / regular) comes from a salted sha1 of the row's source, 30 % newcomer, independent of the label.
Each label is sampled up to --per-label rows, aiming at about 20 % French where the pool allows, balanced
across the sources of a (label, language) pool. Rows are shuffled with random.Random(42).
"""
import argparse, csv, hashlib, html, os, random, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ beside prepare.py
sys.path.insert(0, os.path.join(HERE, "..", "training"))
import prepare  # noqa: E402  (split_of, strip_html, guess_language, se_rows, read_csv, FEEDBACK)

HEADER = ["text", "title", "author", "label", "language", "source"]
PERTINENT_TAGS = ("bug", "feature-request", "support")
SE_SITES = ("bicycles.meta", "conlang.meta", "french.meta", "history.meta", "quantumcomputing")
MAX_CHARS = 2000
FR_SHARE = 0.20


def clean(text, is_html=False):
    if is_html:
        text = prepare.strip_html(text)
    else:
        text = re.sub(r"\s+", " ", html.unescape(text)).strip()
    return text[:MAX_CHARS].strip()


def unescape_tweet(text):
    """MLMA-EN tweets carry JSON-style escapes (\\u2026, \\n) and backslashes where quotes were."""
    text = re.sub(r"(?:\\u[0-9a-fA-F]{4})+",
                  lambda m: m.group(0).encode("ascii").decode("unicode_escape").encode("utf-16", "surrogatepass")
                  .decode("utf-16", "replace"), text)
    text = re.sub(r"\\+n(?![a-z])", " ", text)
    return re.sub(r"\\+", '"', text)


def author_of(source):
    # Salted so it does not correlate with prepare.split_of (which hashes a similar key).
    h = int(hashlib.sha1(("author:" + source).encode()).hexdigest()[:8], 16)
    return "newcomer" if h % 1000 < 300 else "regular"


def row(text, title, label, lang, source, is_html=False):
    text = clean(text, is_html)
    if len(text) < 3:
        return None
    return {"text": text, "title": clean(title) if title else "", "author": author_of(source),
            "label": label, "language": lang, "source": source}


def is_dev(source, key):
    return prepare.split_of(source + ":" + key) == "dev"


# ---------------------------------------------------------------- pools

def meta_questions(shared):
    """Stack Exchange meta questions tagged bug / feature-request / support (pertinent)."""
    out = []
    for r in prepare.read_csv(os.path.join(shared, "feedback/se_meta_feedback.csv")):
        if r["label"] in PERTINENT_TAGS:
            body = r["body_text"]
            out.append(row(body, r["title"], "pertinent", prepare.guess_language(r["title"] + ". " + body),
                           f"se-meta:{r['site']}/{r['post_id']}"))
    se = os.path.join(shared, "forums/stackexchange")
    for site in ("french.meta", "conlang.meta"):
        for r in prepare.se_rows(os.path.join(se, site), "Posts"):
            if r.get("PostTypeId") != "1":
                continue
            tags = re.findall(r"<([^>]+)>", r.get("Tags", ""))
            kinds = [t for t in tags if t in prepare.FEEDBACK]
            if len(kinds) == 1 and kinds[0] in PERTINENT_TAGS:
                title = r.get("Title", "")
                body = prepare.strip_html(r.get("Body", ""))
                out.append(row(body, title, "pertinent", prepare.guess_language(title + ". " + body),
                               f"se-meta:{site}/{r['Id']}"))
    return [x for x in out if x]


def toxic_dev(shared):
    """Toxic rows of prepare.py's toxicity dev split (troll)."""
    out = []
    jig = os.path.join(shared, "toxicity/jigsaw-en-fr/jigsaw_subset_en_fr.csv")
    for r in prepare.read_csv(jig):
        if r["toxic"] == "1" and is_dev("jigsaw", r["msg_id"]):
            # One language per comment, so a stream never holds a comment and its own translation.
            h = int(hashlib.sha1(("jigsaw-lang:" + r["msg_id"]).encode()).hexdigest()[:8], 16)
            if h % 2:
                out.append(row(r["content"], "", "troll", "fr", f"jigsaw-fr:{r['msg_id']}"))
            else:
                out.append(row(r["original_text"], "", "troll", "en", f"jigsaw-en:{r['msg_id']}"))
    for lang, name in (("en", "en_dataset_with_stop_words.csv"), ("fr", "fr_dataset.csv")):
        for r in prepare.read_csv(os.path.join(shared, "toxicity/mlma-en-fr", name)):
            if r["sentiment"] != "normal" and is_dev("mlma-" + lang, r["HITId"]):
                out.append(row(unescape_tweet(r["tweet"]), "", "troll", lang, f"mlma-{lang}:{r['HITId']}"))
    for r in prepare.read_csv(os.path.join(shared, "toxicity/davidson-en/labeled_data.csv")):
        # Same subsampling as prepare.py, so these are exactly its dev rows.
        if r["class"] in ("0", "1") and prepare.split_of("keep:" + r[""], 0.25) == "dev" \
                and is_dev("davidson", r[""]):
            out.append(row(r["tweet"], "", "troll", "en", f"davidson:{r['']}"))
    return [x for x in out if x]


def se_comments_dev(shared, label="chatter"):
    """Ordinary Stack Exchange comments of the dev split, at least 3 words (chatter)."""
    out = []
    se = os.path.join(shared, "forums/stackexchange")
    for site in SE_SITES:
        for r in prepare.se_rows(os.path.join(se, site), "Comments"):
            text = prepare.strip_html(r.get("Text", ""))
            # prepare.py keeps comments of >= 20 characters; its split key is "se-SITE:Id".
            if len(text) < 20 or len(text.split()) < 3 or not is_dev("se-" + site, r["Id"]):
                continue
            out.append(row(text, "", label, prepare.guess_language(text), f"se-comment:{site}/{r['Id']}"))
    return [x for x in out if x]


def app_reviews(shared):
    pertinent, praise = [], []
    path = os.path.join(shared, "feedback/app-reviews-en-maalej2016.csv")
    for i, r in enumerate(prepare.read_csv(path), 1):
        src = f"app-review:{i}"
        if r["label"] in ("bug", "suggestion", "complaint"):
            pertinent.append(row(r["text"], "", "pertinent", "en", src))
        elif r["label"] == "praise" and len(r["text"].split()) <= 25:
            praise.append(row(r["text"], "", "chatter", "en", src))
    return [x for x in pertinent if x], [x for x in praise if x]


def hatecheck_hateful(shared):
    return [x for x in (row(r["test_case"], "", "troll", "en", f"hatecheck:{r['case_id']}")
                        for r in prepare.read_csv(os.path.join(shared, "toxicity/hatecheck-en/test_suite_cases.csv"))
                        if r["label_gold"] == "hateful") if x]


# ---------------------------------------------------------------- sampling

def dedupe(rows):
    seen, out = set(), []
    for r in rows:
        k = re.sub(r"\W+", " ", r["text"].lower()).strip()
        if k not in seen:
            seen.add(k)
            out.append(r)
    return out


def balanced(rows, n, rng):
    """n rows, round-robin over the source families (se-comment:SITE, mlma-fr, davidson, ...), each shuffled."""
    fams = {}
    for r in sorted(rows, key=lambda r: r["source"]):
        s = r["source"]
        fams.setdefault(s.rsplit("/", 1)[0] if "/" in s else s.split(":")[0], []).append(r)
    for k in sorted(fams):
        rng.shuffle(fams[k])
    out, keys = [], sorted(fams)
    while len(out) < n and keys:
        for k in list(keys):
            if len(out) >= n:
                break
            if fams[k]:
                out.append(fams[k].pop())
            else:
                keys.remove(k)
    return out


def sample(rows, n, rng, fr_share=FR_SHARE):
    """Up to n rows, about fr_share French where the pool allows."""
    rows = dedupe(rows)
    fr = [r for r in rows if r["language"] == "fr"]
    en = [r for r in rows if r["language"] != "fr"]
    if len(rows) <= n:
        return rows
    n_fr = min(len(fr), round(n * fr_share))
    n_en = min(len(en), n - n_fr)
    n_fr = min(len(fr), n - n_en)  # fill up with French when English runs short
    return balanced(fr, n_fr, rng) + balanced(en, n_en, rng)


def write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=HEADER)
        w.writeheader()
        w.writerows(rows)


def report(path, rows, pools, per_label):
    print(f"{path}: {len(rows)} rows")
    for label in ("pertinent", "troll", "chatter"):
        sel = [r for r in rows if r["label"] == label]
        langs = {l: sum(r["language"] == l for r in sel) for l in ("en", "fr")}
        newc = sum(r["author"] == "newcomer" for r in sel)
        note = "" if len(sel) >= per_label else f"  (only {len(sel)} available, all taken; asked {per_label})"
        print(f"  {label:9s} {len(sel):5d}  en {langs['en']:4d}  fr {langs['fr']:4d}  newcomer {newc:4d}"
              f"  pool {pools[label]}{note}")
    fr = sum(r["language"] == "fr" for r in rows)
    print(f"  language  en {len(rows) - fr}  fr {fr} ({100 * fr / max(1, len(rows)):.1f} % French)")


def write_fixture(path, meta_rows, per_label=30, max_chars=400):
    """30 rows per label: 6 French / 24 English, and 30 % newcomers in each language (the author flag is the
    same hash as in the stream; stratifying keeps this small sample from tying it to a label by chance)."""
    rng = random.Random(42)
    small = []
    for label in ("pertinent", "troll", "chatter"):
        pool = [r for r in meta_rows if r["label"] == label]
        picked = []
        for lang, n_lang in (("fr", round(per_label * FR_SHARE)), ("en", per_label - round(per_label * FR_SHARE))):
            cell = [r for r in pool if r["language"] == lang]
            new = [r for r in cell if r["author"] == "newcomer"]
            reg = [r for r in cell if r["author"] == "regular"]
            n_new = min(len(new), round(n_lang * 0.3))
            picked += balanced(new, n_new, rng) + balanced(reg, n_lang - n_new, rng)
        small += [dict(r, text=r["text"][:max_chars].rstrip()) for r in picked]
    random.Random(42).shuffle(small)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    write(path, small)
    report(path, small, {l: "inbox-meta.csv" for l in ("pertinent", "troll", "chatter")}, per_label)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "shared", "data"))
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--per-label", type=int, default=800)
    ap.add_argument("--fixture", metavar="CSV",
                    help="also write a small sample of inbox-meta.csv (30 rows per label, ~20 %% French, texts cut "
                         "to 400 characters), e.g. Tests/HearthAppTests/Fixtures/inbox-stream-small.csv")
    args = ap.parse_args()
    shared = args.shared
    need = ["feedback/se_meta_feedback.csv", "feedback/app-reviews-en-maalej2016.csv", "forums/stackexchange",
            "toxicity/jigsaw-en-fr/jigsaw_subset_en_fr.csv", "toxicity/mlma-en-fr", "toxicity/davidson-en",
            "toxicity/hatecheck-en/test_suite_cases.csv"]
    if not os.path.isdir(shared):
        sys.exit(f"inbox-stream.py: the shared data folder {shared} is not there; pass --shared DIR")
    missing = [p for p in need if not os.path.exists(os.path.join(shared, p))]
    if missing:
        sys.exit(f"inbox-stream.py: {shared} lacks {', '.join(missing)}; pass --shared DIR")
    os.makedirs(args.out, exist_ok=True)
    n = args.per_label

    comments = se_comments_dev(shared)

    # 1. inbox-meta.csv
    rng = random.Random(42)
    pools = {"pertinent": meta_questions(shared), "troll": toxic_dev(shared), "chatter": comments}
    rows = []
    for label in ("pertinent", "troll", "chatter"):
        rows += sample(pools[label], n, rng)
    random.Random(42).shuffle(rows)
    path = os.path.join(args.out, "inbox-meta.csv")
    write(path, rows)
    report(path, rows, {k: len(dedupe(v)) for k, v in pools.items()}, n)
    if args.fixture:
        write_fixture(args.fixture, rows)

    # 2. inbox-dev.csv
    rng = random.Random(42)
    reviews, praise = app_reviews(shared)
    hateful = hatecheck_hateful(shared)
    half = n // 2
    praise_s = sample(praise, half, rng, fr_share=0)
    chat = praise_s + sample(comments, n - len(praise_s), rng, fr_share=0.2)
    pools = {"pertinent": len(dedupe(reviews)), "troll": len(dedupe(hateful)),
             "chatter": f"{len(dedupe(praise))} praise + {len(dedupe(comments))} comments"}
    rows = sample(reviews, n, rng, fr_share=0) + sample(hateful, n, rng, fr_share=0) + dedupe(chat)
    random.Random(42).shuffle(rows)
    path = os.path.join(args.out, "inbox-dev.csv")
    write(path, rows)
    report(path, rows, pools, n)
    src = {}
    for r in rows:
        if r["label"] == "chatter":
            k = r["source"].split(":")[0]
            src[k] = src.get(k, 0) + 1
    print("  chatter sources " + ", ".join(f"{k} {v}" for k, v in sorted(src.items())))


if __name__ == "__main__":
    main()
