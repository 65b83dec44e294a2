#!/usr/bin/env python3
"""One row of the README's quality table from `hearth insight eval --json` on stdin.
Usage: … | python3 training/quality-row.py TASK FILE WHAT"""
import json, sys

task, file, what = sys.argv[1:4]
r = json.load(sys.stdin)
c = r["confusion"]
if r.get("learningCurve"):
    points = r["learningCurve"]
    result = "accuracy at %s decisions: %s" % (
        " / ".join(str(p["decisions"]) for p in points), " / ".join("%.3f" % p["accuracy"] for p in points))
elif task == "feedback":
    result = "macro-F1 %.3f (accuracy %.3f)" % (r["macroF1"], r["accuracy"])
elif sum(c[1]) == 0:
    result = "flagged %.1f %%" % (100 * c[0][1] / sum(c[0]))
elif min(sum(c[0]), sum(c[1])) < 50:
    result = "accuracy %.3f" % r["accuracy"]
else:
    # Balanced accuracy, the mean of both labels' recall, reads a set with mostly one label as a balanced one.
    balanced = (c[0][0] / sum(c[0]) + c[1][1] / sum(c[1])) / 2
    result = "accuracy %.3f, balanced %.3f, AUC %.3f" % (r["accuracy"], balanced, r["auc"])
print("| %s | `%s` | %d | %s |" % (what, file, r["n"], result))
