#!/usr/bin/env python3
# Checks migration 35 (posts' Markdown and HTML packed into posts.content) on a real community, outside Swift:
# decodes PostContent's layout with Python's own zlib and compares every post with what it held before.
#   before: JSON lines [id, body, html], read before migrating, e.g. on PostgreSQL
#           psql -qAt -c "SELECT json_build_array(id, body, html)::text FROM posts ORDER BY id" > before.jsonl
#   after:  lines id|hex of content, e.g. psql -qAt -c "SELECT id || '|' || encode(content, 'hex') FROM posts ORDER BY id"
# Usage: bench/post-content-check.py before.jsonl after.txt
import json, sys, zlib
def leb(b, i):
    n = s = 0
    while True:
        x = b[i]; i += 1; n |= (x & 0x7F) << s
        if x < 0x80: return n, i
        s += 7
def decode(b):
    if b[0] == 0:
        j = b.index(0, 1); return b[1:j].decode(), b[j+1:].decode()
    assert b[0] == 1
    m, i = leb(b, 1); h, i = leb(b, i)
    t = zlib.decompress(b[i:], -15)
    assert len(t) == m + h
    return t[:m].decode(), t[m:].decode()
before = {}
for line in open(sys.argv[1]):
    r = json.loads(line); before[r[0]] = (r[1], r[2])
after = {}; plain = 0; old_bytes = new_bytes = 0
for line in open(sys.argv[2]):
    i, hexed = line.rstrip("\n").split("|")
    b = bytes.fromhex(hexed[2:] if hexed.startswith("\\x") else hexed)
    plain += b[0] == 0; new_bytes += len(b)
    after[int(i)] = decode(b)
bad = [i for i in before if after.get(i) != before[i]]
old_bytes = sum(len(m.encode()) + len(h.encode()) for m, h in before.values())
print(f"{len(before)} posts before, {len(after)} after, {len(bad)} differ, {plain} plain; "
      f"{old_bytes/len(before):.0f} -> {new_bytes/len(after):.0f} bytes of text a post")
