#!/usr/bin/env python3
"""Synthetic Stack Exchange dumps, recombined from the real ones, for `hearth import stackexchange`.

Usage: bench/se-synth.py --posts 1000000 --out bench/out/synth-1000000 [--seed 42] [--sites 5]
       [--large-share 0.9] [--years 8] [--posts-per-member 30] [--real DIR]

Writes one folder per site (synth1 … synthN, each Posts.xml, Users.xml, Comments.xml, Votes.xml) whose posts —
questions, answers and comments together, the way Hearth counts them once imported — add up to about --posts.
synth1 is the large site: it takes --large-share (90 %) of the posts, so at 10^6 posts its category holds about
104,000 topics (the issue measured "a category of 116,000 topics"); the others share the rest.

Everything is real text from the five dumps in ../shared/data/forums/stackexchange (CC BY-SA, see SOURCE.md
there), recombined:

- each topic copies a real question: its title, its body (the rendered HTML, which the importer converts: no
  PostHistory is written) and its shape, i.e. how many answers it had, how many comments sat under it and under
  each answer, how long after the question each came, whether an answer was accepted and how many favourites
  the question had. Thread sizes therefore follow the real distribution, long tail included;
- each answer body and each comment text is drawn from all the real answers and comments;
- members are real users cloned with new ids and a number after their name ("Kevin Montrose 1234"), about one per
  --posts-per-member posts; who writes what follows a Zipf-like law, so that a few members have thousands of posts
  and most have a handful. A post whose real model had no owner (a deleted user) has none here either: the
  importer makes it the site's "former member";
- questions are spread evenly over --years years from 2016-01-01 in the order they are written (ids follow
  time), answers and comments keep their real delays (capped at 180 days).

Output is streamed (a thread is written as soon as it is drawn; nothing holds the dump in memory), deterministic
for a seed, and written to OUT.partial then renamed, so a folder named OUT is always complete. Standard library
only.
"""

import argparse
import bisect
import itertools
import os
import random
import shutil
import sys
import time
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_REAL = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data", "forums", "stackexchange"))

# Answers and comments keep their real delay after the question / post, but no longer than this: a few meta
# questions got answers years later, and the synthetic sites are meant to move forward in time.
MAX_DELAY = 180 * 86400
# Zipf-Mandelbrot weights 1 / (rank + Q) ** S over a site's members: with S = 1.05, Q = 8 and one member per 30
# posts, the busiest member of the large site at 10^6 posts writes about 2 % of its posts (~16,000), the median one
# about 6 and the quietest 1 to 5: a forum's long tail, and profiles with few and with many posts to measure.
# (At 20,000 posts the same law gives 3 %, 12 and 2 to 10.)
ZIPF_S = 1.05
ZIPF_Q = 8.0

_ESCAPES = str.maketrans({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#xA;", "\r": "&#xD;", "\t": "&#x9;",
})


def esc(text):
    """An XML attribute value, escaped the way the real dumps are."""
    return text.translate(_ESCAPES)


def parse_date(text):
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp()


class Pools:
    """The real material: questions with their shapes, answer bodies, comment texts, users (all escaped once)."""

    def __init__(self, real_dir):
        self.questions = []  # (title, body, shape) ; shape = (owned, q_comments, answers, accepted, favourites)
        self.answers = []
        self.comments = []
        self.users = []  # (name, about)
        sites = sorted(d for d in os.listdir(real_dir) if os.path.isfile(os.path.join(real_dir, d, "Posts.xml")))
        if not sites:
            sys.exit(f"se-synth: no Stack Exchange dump (a folder with Posts.xml) in {real_dir}")
        self.sites = sites
        for site in sites:
            self._read_site(os.path.join(real_dir, site))

    @staticmethod
    def _rows(path):
        if not os.path.exists(path):
            return
        for _, element in ET.iterparse(path, events=("end",)):
            if element.tag == "row":
                yield element.attrib
                element.clear()

    def _read_site(self, path):
        posts = list(self._rows(os.path.join(path, "Posts.xml")))
        comments = {}
        for row in self._rows(os.path.join(path, "Comments.xml")):
            if row.get("Text", "").strip():
                comments.setdefault(row["PostId"], []).append(row)
                self.comments.append((esc(row["Text"]), "UserId" in row))
        favourites = {}
        for row in self._rows(os.path.join(path, "Votes.xml")):
            if row.get("VoteTypeId") == "5" and row.get("UserId"):
                favourites[row["PostId"]] = favourites.get(row["PostId"], 0) + 1
        answers = {}
        for row in posts:
            if row.get("PostTypeId") == "2" and row.get("Body"):
                answers.setdefault(row.get("ParentId"), []).append(row)
                self.answers.append((esc(row["Body"]), "OwnerUserId" in row))

        def delays(rows, since):
            return sorted(min(MAX_DELAY, max(1.0, parse_date(r["CreationDate"]) - since)) for r in rows)

        for row in posts:
            if row.get("PostTypeId") != "1" or not row.get("Title"):
                continue
            asked = parse_date(row["CreationDate"])
            its_answers = sorted(answers.get(row["Id"], []), key=lambda r: r["CreationDate"])
            shape_answers = []
            accepted = None
            for index, answer in enumerate(its_answers):
                answered = parse_date(answer["CreationDate"])
                delay = min(MAX_DELAY, max(1.0, answered - asked))
                shape_answers.append((delay, tuple(delays(comments.get(answer["Id"], []), answered))))
                if answer["Id"] == row.get("AcceptedAnswerId"):
                    accepted = index
            shape = (
                "OwnerUserId" in row, tuple(delays(comments.get(row["Id"], []), asked)), tuple(shape_answers),
                accepted, favourites.get(row["Id"], 0))
            self.questions.append((esc(row["Title"]), esc(row.get("Body", "")), shape))
        for row in self._rows(os.path.join(path, "Users.xml")):
            if int(row.get("Id", "0")) > 0 and row.get("DisplayName", "").strip():
                self.users.append((row["DisplayName"].strip()[:40], esc(row.get("AboutMe", ""))))

    @staticmethod
    def size(shape):
        _, q_comments, answers, _, _ = shape
        return 1 + len(q_comments) + sum(1 + len(c) for _, c in answers)


class Clock:
    """Formats epoch seconds as the dumps do ("2010-08-25T19:50:51.187"), caching the date part per day."""

    def __init__(self):
        self.days = {}

    def __call__(self, t):
        day, second = divmod(t, 86400.0)
        day = int(day)
        prefix = self.days.get(day)
        if prefix is None:
            prefix = datetime.fromtimestamp(day * 86400, timezone.utc).strftime("%Y-%m-%dT")
            self.days[day] = prefix
        ms = int(second * 1000)
        s, ms = divmod(ms, 1000)
        m, s = divmod(s, 60)
        h, m = divmod(m, 60)
        return f"{prefix}{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def plan_sites(total, sites, large_share):
    if sites == 1:
        return [total]
    large = round(total * large_share)
    rest = total - large
    return [large] + [rest // (sites - 1) + (1 if i < rest % (sites - 1) else 0) for i in range(sites - 1)]


def write_site(path, name, target, first_user_number, pools, rng, args, clock):
    """Writes one site of about `target` posts; returns its counts."""
    os.makedirs(path)
    # Draw the threads first (only which real question each copies), so that their number is known and the
    # questions can be spread evenly over the years.
    sizes = [Pools.size(q[2]) for q in pools.questions]
    picks = []
    count = 0
    while count < target:
        index = rng.randrange(len(pools.questions))
        picks.append(index)
        count += sizes[index]
    start = datetime(2016, 1, 1, tzinfo=timezone.utc).timestamp()
    step = args.years * 365.25 * 86400 / max(1, len(picks))

    members = max(10, round(target / args.posts_per_member))
    weights = list(itertools.accumulate(1.0 / (rank + ZIPF_Q) ** ZIPF_S for rank in range(members)))
    top = weights[-1]
    # A member's rank is not their id: ids are shuffled so that the busiest members are not the first ones.
    member_ids = list(range(1, members + 1))
    rng.shuffle(member_ids)
    first_post = [None] * (members + 1)
    random_ = rng.random

    def author():
        user = member_ids[bisect.bisect(weights, random_() * top)]
        return user

    post_id = 0
    comment_id = 0
    vote_id = 0
    counts = {"questions": 0, "answers": 0, "comments": 0, "favourites": 0}
    n_answers = len(pools.answers)
    n_comments = len(pools.comments)
    big = 1 << 20
    with open(os.path.join(path, "Posts.xml"), "w", encoding="utf-8", buffering=big) as posts, \
            open(os.path.join(path, "Comments.xml"), "w", encoding="utf-8", buffering=big) as comments, \
            open(os.path.join(path, "Votes.xml"), "w", encoding="utf-8", buffering=big) as votes:
        posts.write('<?xml version="1.0" encoding="utf-8"?>\n<posts>\n')
        comments.write('<?xml version="1.0" encoding="utf-8"?>\n<comments>\n')
        votes.write('<?xml version="1.0" encoding="utf-8"?>\n<votes>\n')

        def owner(owned, t):
            if not owned:
                return ""
            user = author()
            if first_post[user] is None or t < first_post[user]:
                first_post[user] = t
            return f' OwnerUserId="{user}"'

        def comment_rows(on_post, since, delays, out):
            nonlocal comment_id
            for delay in delays:
                text, owned = pools.comments[int(random_() * n_comments)]
                comment_id += 1
                t = since + delay
                who = owner(owned, t).replace("OwnerUserId", "UserId")
                out.append(
                    f'  <row Id="{comment_id}" PostId="{on_post}" Score="0" Text="{text}" '
                    f'CreationDate="{clock(t)}"{who} ContentLicense="CC BY-SA 4.0" />\n')
            counts["comments"] += len(delays)

        for number, index in enumerate(picks):
            title, body, (owned, q_delays, answer_shapes, accepted, favourites) = pools.questions[index]
            asked = start + (number + random_()) * step
            question_id = post_id + 1
            post_id += 1 + len(answer_shapes)
            accepted_attr = f' AcceptedAnswerId="{question_id + 1 + accepted}"' if accepted is not None else ""
            post_rows = [
                f'  <row Id="{question_id}" PostTypeId="1"{accepted_attr} CreationDate="{clock(asked)}" Score="0" '
                f'Body="{body}"{owner(owned, asked)} Title="{title}" ContentLicense="CC BY-SA 4.0" />\n']
            comment_out = []
            comment_rows(question_id, asked, q_delays, comment_out)
            for offset, (delay, c_delays) in enumerate(answer_shapes):
                answer_body, answer_owned = pools.answers[int(random_() * n_answers)]
                answered = asked + delay
                answer_id = question_id + 1 + offset
                post_rows.append(
                    f'  <row Id="{answer_id}" PostTypeId="2" ParentId="{question_id}" CreationDate="{clock(answered)}" '
                    f'Score="0" Body="{answer_body}"{owner(answer_owned, answered)} ContentLicense="CC BY-SA 4.0" />\n')
                comment_rows(answer_id, answered, c_delays, comment_out)
            posts.writelines(post_rows)
            comments.writelines(comment_out)
            for _ in range(favourites):
                vote_id += 1
                day = clock(asked + random_() * 30 * 86400)[:10]
                votes.write(
                    f'  <row Id="{vote_id}" PostId="{question_id}" VoteTypeId="5" UserId="{author()}" '
                    f'CreationDate="{day}T00:00:00.000" />\n')
            counts["questions"] += 1
            counts["answers"] += len(answer_shapes)
            counts["favourites"] += favourites

        posts.write("</posts>\n")
        comments.write("</comments>\n")
        votes.write("</votes>\n")

    # Members: real users cloned in a shuffled order, numbered after their name across all sites so that every
    # name (and so every handle) is distinct; each joined some days before their first post.
    real_users = pools.users
    order = list(range(len(real_users)))
    rng.shuffle(order)
    end = start + args.years * 365.25 * 86400
    with open(os.path.join(path, "Users.xml"), "w", encoding="utf-8", buffering=big) as users:
        users.write('<?xml version="1.0" encoding="utf-8"?>\n<users>\n')
        for user in range(1, members + 1):
            real_name, about = real_users[order[(user - 1) % len(order)]]
            joined = first_post[user]
            joined = (joined - random_() * 60 * 86400) if joined is not None else start + random_() * (end - start)
            users.write(
                f'  <row Id="{user}" Reputation="1" CreationDate="{clock(joined)}" '
                f'DisplayName="{esc(real_name)} {first_user_number + user}" AboutMe="{about}" />\n')
        users.write("</users>\n")
    counts["members"] = members
    counts["posts"] = counts["questions"] + counts["answers"] + counts["comments"]
    return counts


SOURCE = """# Synthetic Stack Exchange dumps ({name})

Made by `bench/se-synth.py --posts {posts} --seed {seed} --sites {sites}` from the five real dumps in
`{real}` ({real_sites}): real question titles and bodies, answers, comments and users, recombined with new ids,
numbered member names and dates from 2016 on. A load-test corpus (synthetic amplification), not a real
community. The text is Stack Exchange user content under CC BY-SA 3.0 / 4.0, as distributed in the Stack
Exchange data dump; the attribution links back to the sites named above, and the share-alike terms apply to
anything redistributed from it.

| site | topics | posts (questions + answers + comments) | members |
|---|---:|---:|---:|
{rows}
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, required=True, help="total posts: questions + answers + comments")
    parser.add_argument("--out", required=True, help="folder to write (its site folders go inside)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--sites", type=int, default=5, help="number of sites (categories); synth1 is the large one")
    parser.add_argument("--large-share", type=float, default=0.9, help="share of the posts in synth1")
    parser.add_argument("--years", type=float, default=8.0, help="years the questions are spread over")
    parser.add_argument("--posts-per-member", type=float, default=30.0)
    parser.add_argument("--real", default=DEFAULT_REAL, help="folder of real dumps (default: %(default)s)")
    args = parser.parse_args()
    if args.posts < 1 or args.sites < 1 or not 0 < args.large_share <= 1:
        parser.error("--posts and --sites must be positive, --large-share in (0, 1]")
    if not os.path.isdir(args.real):
        sys.exit(f"se-synth: {args.real} is not a folder of Stack Exchange dumps (see --real)")

    began = time.monotonic()
    pools = Pools(args.real)
    print(f"se-synth: {len(pools.questions)} questions, {len(pools.answers)} answers, {len(pools.comments)} comments, "
          f"{len(pools.users)} users read from {len(pools.sites)} dumps in {time.monotonic() - began:.1f} s",
          file=sys.stderr)

    out = os.path.abspath(args.out)
    partial = out + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    os.makedirs(partial)
    rng = random.Random(args.seed)
    clock = Clock()
    rows = []
    totals = {"questions": 0, "answers": 0, "comments": 0, "posts": 0, "members": 0, "favourites": 0}
    first_user_number = 0
    for number, target in enumerate(plan_sites(args.posts, args.sites, args.large_share), start=1):
        name = f"synth{number}"
        site_began = time.monotonic()
        counts = write_site(os.path.join(partial, name), name, target, first_user_number, pools, rng, args, clock)
        first_user_number += counts["members"]
        for key in totals:
            totals[key] += counts[key]
        rows.append(f"| {name} | {counts['questions']:,} | {counts['posts']:,} | {counts['members']:,} |")
        print(f"se-synth: {name}: {counts['questions']:,} topics, {counts['posts']:,} posts "
              f"({counts['answers']:,} answers, {counts['comments']:,} comments), {counts['members']:,} members, "
              f"{counts['favourites']:,} favourites in {time.monotonic() - site_began:.1f} s", file=sys.stderr)
    with open(os.path.join(partial, "SOURCE.md"), "w", encoding="utf-8") as source:
        source.write(SOURCE.format(
            name=os.path.basename(out), posts=args.posts, seed=args.seed, sites=args.sites, real=args.real,
            real_sites=", ".join(pools.sites), rows="\n".join(rows)))
    shutil.rmtree(out, ignore_errors=True)
    os.rename(partial, out)
    print(f"se-synth: {totals['posts']:,} posts ({totals['questions']:,} topics) and {totals['members']:,} members "
          f"in {out}, {time.monotonic() - began:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
