#!/usr/bin/env python3
"""Cuts the small Stack Exchange dump behind `hearth serve --demo` and the import tests out of a full dump.

Usage: scripts/make-demo-fixture.py ../shared/data/forums/stackexchange/french.meta Sources/HearthApp/Demo/french.meta

Keeps 14 lively questions of moderate length (3 to 8 answers, under 30 comments) and 2 closed ones, their
answers, comments, the post history Hearth reads (bodies, closes, locks), favourite votes, and only the users
they mention. The content is Stack Exchange
user content under CC BY-SA; the output folder gets a LICENSE-note.txt saying so.
"""
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

source, target = Path(sys.argv[1]), Path(sys.argv[2])
target.mkdir(parents=True, exist_ok=True)


def rows(name):
    path = source / f"{name}.xml"
    return list(ET.parse(path).getroot()) if path.exists() else []


posts, comments, history, votes, users = (rows(n) for n in ["Posts", "Comments", "PostHistory", "Votes", "Users"])
answers = {}
for post in posts:
    if post.get("PostTypeId") == "2":
        answers.setdefault(post.get("ParentId"), []).append(post)
comment_count = {}
for comment in comments:
    comment_count[comment.get("PostId")] = comment_count.get(comment.get("PostId"), 0) + 1
closed = {h.get("PostId") for h in history if h.get("PostHistoryTypeId") in ("10", "14")}

questions = [p for p in posts if p.get("PostTypeId") == "1"]


def thread_comments(q):
    return sum(comment_count.get(p, 0) for p in [q.get("Id")] + [a.get("Id") for a in answers.get(q.get("Id"), [])])


lively = [q for q in questions if 3 <= len(answers.get(q.get("Id"), [])) <= 8 and thread_comments(q) < 30]
lively.sort(key=lambda q: q.get("Id"))
chosen = lively[-14:] + [q for q in questions if q.get("Id") in closed and q not in lively][-2:]
keep = {q.get("Id") for q in chosen}
for question in chosen:
    keep |= {a.get("Id") for a in answers.get(question.get("Id"), [])}

kept_posts = [p for p in posts if p.get("Id") in keep]
kept_comments = [c for c in comments if c.get("PostId") in keep]
kept_history = [h for h in history if h.get("PostId") in keep
                and h.get("PostHistoryTypeId") in ("2", "5", "8", "10", "11", "14", "15")]
kept_votes = [v for v in votes if v.get("PostId") in keep and v.get("VoteTypeId") == "5"]
people = {p.get("OwnerUserId") for p in kept_posts} | {c.get("UserId") for c in kept_comments}
people |= {h.get("UserId") for h in kept_history} | {v.get("UserId") for v in kept_votes}
kept_users = [u for u in users if u.get("Id") in people]


def write(name, root, items):
    element = ET.Element(root)
    element.text = "\n  "
    for item in items:
        item.tail = "\n  "
        element.append(item)
    ET.ElementTree(element).write(target / f"{name}.xml", encoding="utf-8", xml_declaration=True)


write("Posts", "posts", kept_posts)
write("Comments", "comments", kept_comments)
write("PostHistory", "posthistory", kept_history)
write("Votes", "votes", kept_votes)
write("Users", "users", kept_users)
(target / "LICENSE-note.txt").write_text(
    f"Cut from the {source.name}.stackexchange.com data dump by scripts/make-demo-fixture.py.\n"
    "Stack Exchange user content, licensed CC BY-SA 3.0 (posts before 2018-05-02) or CC BY-SA 4.0 (later):\n"
    "https://creativecommons.org/licenses/by-sa/3.0/ and https://creativecommons.org/licenses/by-sa/4.0/\n"
    "Each imported post links back to its original at https://french.meta.stackexchange.com/q/ID or /a/ID.\n"
)
print(f"{len(chosen)} questions, {len(kept_posts)} posts, {len(kept_comments)} comments, "
      f"{len(kept_history)} history rows, {len(kept_votes)} votes, {len(kept_users)} users")
