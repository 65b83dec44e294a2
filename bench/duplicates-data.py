#!/usr/bin/env python3
"""Questions and their duplicate links from the Stack Exchange dumps in ../shared/data, for measuring how the
feedback board groups near-duplicates (`hearth insight group`).

Writes bench/out/se-questions.csv (id, site, text: title and body as plain text), bench/out/se-duplicates.csv
(the pairs a site's moderators closed as duplicates: PostLinks with LinkTypeId 3, both posts questions) and
bench/out/se-posts.txt (every question and answer of 40 characters or more, one a line, for bench/board.sh).
Usage: python3 bench/duplicates-data.py [--shared ../shared/data]
"""
import argparse, csv, html, os, re, sys
import xml.etree.ElementTree as ET


def rows(path):
    for _, element in ET.iterparse(path):
        if element.tag == "row":
            yield dict(element.attrib)
            element.clear()


def plain(text):
    text = re.sub(r"<pre>.*?</pre>", " ", text, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text))).strip()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(here, "..", "..", "shared", "data"))
    args = ap.parse_args()
    root = os.path.join(args.shared, "forums", "stackexchange")
    if not os.path.isdir(root):
        sys.exit(f"duplicates-data.py: {root} is not there; pass --shared DIR")
    out = os.path.join(here, "out")
    os.makedirs(out, exist_ok=True)
    questions, pairs, posts = [], [], []
    for site in sorted(os.listdir(root)):
        folder = os.path.join(root, site)
        if not os.path.isfile(os.path.join(folder, "Posts.xml")):
            continue
        ids = set()
        for r in rows(os.path.join(folder, "Posts.xml")):
            text = plain(r.get("Body", ""))
            if r.get("PostTypeId") in ("1", "2") and len(text) >= 40:
                posts.append(((r.get("Title", "") + ". ") if r.get("Title") else "") + text)
            if r.get("PostTypeId") == "1":
                ids.add(r["Id"])
                questions.append((f"{site}:{r['Id']}", site, r.get("Title", "") + ". " + plain(r.get("Body", ""))))
        links = os.path.join(folder, "PostLinks.xml")
        if os.path.isfile(links):
            for r in rows(links):
                if r.get("LinkTypeId") == "3" and r["PostId"] in ids and r["RelatedPostId"] in ids:
                    pairs.append((f"{site}:{r['PostId']}", f"{site}:{r['RelatedPostId']}"))
    with open(os.path.join(out, "se-questions.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "site", "text"])
        w.writerows(questions)
    with open(os.path.join(out, "se-duplicates.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["a", "b"])
        w.writerows(pairs)
    with open(os.path.join(out, "se-posts.txt"), "w", encoding="utf-8") as f:
        f.writelines(p.replace("\n", " ") + "\n" for p in posts)
    print(f"{len(questions)} questions, {len(pairs)} duplicate links, {len(posts)} posts in {out}")


if __name__ == "__main__":
    main()
