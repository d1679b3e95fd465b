#!/usr/bin/env python3
"""Score a detector's report against tests/corpus/labels.jsonl.

    scripts/eval-corpus.py palisade      REPORT.json   # `palisade detect tests/corpus/data -f json`
    scripts/eval-corpus.py detect-secrets REPORT.json  # `detect-secrets scan --all-files ...`
    scripts/eval-corpus.py secretlint    REPORT.json   # `secretlint --format json ...`
    options: --kinds secret,pii  --errors (list false positives / misses, masked)

A prediction is a distinct (file, line, kind). It is correct when it lies in a
positive region (file, line..end_line) of the same kind. Precision = correct /
predictions; recall = positive regions hit / positive regions. detect-secrets
and secretlint only look for secrets: all their findings count as kind
`secret`, and they are scored on secrets only.

The same scoring is implemented in crates/palisade/tests/corpus.rs (the CI
gate); this script is for comparisons and for looking at errors.
"""

import argparse
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "tests", "corpus")
DATA = os.path.join(CORPUS, "data")
KINDS = ["secret", "pii", "debug", "internal"]


def rel(path):
    """Path relative to tests/corpus/data, whatever the tool printed."""
    p = os.path.normpath(path)
    marker = os.path.join("tests", "corpus", "data") + os.sep
    if marker in p:
        return p.split(marker, 1)[1]
    if os.path.isabs(p):
        return os.path.relpath(p, DATA)
    return p


def load_predictions(tool, report):
    preds = set()
    with open(report, encoding="utf-8") as f:
        doc = json.load(f)
    if tool == "palisade":
        for x in doc["findings"]:
            preds.add((rel(x["path"]), x["line"], x["kind"], x["rule_id"]))
    elif tool == "detect-secrets":
        for path, items in doc["results"].items():
            for x in items:
                preds.add((rel(path), x["line_number"], "secret", x["type"]))
    elif tool == "secretlint":
        for file_result in doc:
            for m in file_result.get("messages", []):
                preds.add((rel(file_result["filePath"]), m["loc"]["start"]["line"], "secret", m.get("ruleId", "?")))
    else:
        sys.exit(f"unknown tool {tool}")
    return preds


def score(labels, preds, kinds):
    # Collapse multiple rules on one line: a prediction is (file, line, kind).
    units = {}
    for f, line, kind, rule in preds:
        units.setdefault((f, line, kind), set()).add(rule)
    positives = [l for l in labels if l["label"] == "positive"]
    by_file = {}
    for l in positives:
        by_file.setdefault((l["file"], l["kind"]), []).append(l)
    negatives = {}
    for l in labels:
        if l["label"] == "negative":
            for n in range(l["line"], l["end_line"] + 1):
                negatives.setdefault((l["file"], n), []).append(l)
    rows, errors = {}, {"fp": [], "fn": []}
    for kind in kinds:
        hit_regions = set()
        correct = wrong = neg_hits = 0
        for (f, line, k), rules in units.items():
            if k != kind:
                continue
            regions = [i for i, l in enumerate(by_file.get((f, k), [])) if l["line"] <= line <= l["end_line"]]
            if regions:
                correct += 1
                for i in regions:
                    hit_regions.add((f, k, i))
            else:
                wrong += 1
                if (f, line) in negatives:
                    neg_hits += 1
                errors["fp"].append((f, line, k, sorted(rules), [n["note"] for n in negatives.get((f, line), [])]))
        total = sum(1 for l in positives if l["kind"] == kind)
        for (f, k), ls in by_file.items():
            if k != kind:
                continue
            for i, l in enumerate(ls):
                if (f, k, i) not in hit_regions:
                    errors["fn"].append((f, l["line"], k, l["rule"]))
        n_neg = sum(1 for l in labels if l["label"] == "negative" and l["kind"] == kind)
        precision = correct / (correct + wrong) if correct + wrong else 1.0
        recall = len(hit_regions) / total if total else 1.0
        rows[kind] = dict(positives=total, hard_negatives=n_neg, found=len(hit_regions),
                          predictions=correct + wrong, false_positives=wrong,
                          fp_on_hard_negatives=neg_hits, precision=precision, recall=recall)
    return rows, errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool", choices=["palisade", "detect-secrets", "secretlint"])
    ap.add_argument("report")
    ap.add_argument("--kinds", default=None)
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--by-family", action="store_true", help="secret recall per rule family")
    a = ap.parse_args()
    kinds = a.kinds.split(",") if a.kinds else (KINDS if a.tool == "palisade" else ["secret"])
    with open(os.path.join(CORPUS, "labels.jsonl"), encoding="utf-8") as f:
        labels = [json.loads(l) for l in f if l.strip()]
    rows, errors = score(labels, load_predictions(a.tool, a.report), kinds)
    if a.json:
        print(json.dumps(rows, indent=2))
    else:
        print(f"{'kind':9} {'pos':>5} {'negs':>5} {'found':>6} {'preds':>6} {'FP':>5} {'FP@neg':>6} {'precision':>9} {'recall':>7}")
        for k, r in rows.items():
            print(f"{k:9} {r['positives']:5} {r['hard_negatives']:5} {r['found']:6} {r['predictions']:6} "
                  f"{r['false_positives']:5} {r['fp_on_hard_negatives']:6} {r['precision']:9.3f} {r['recall']:7.3f}")
    if a.by_family:
        preds = load_predictions(a.tool, a.report)
        fams = sorted({l["family"] for l in labels if l["label"] == "positive" and l["kind"] == "secret"})
        cells = []
        for fam in fams:
            sub = [l for l in labels if l["label"] == "negative" or l["kind"] != "secret" or l["family"] == fam]
            r, _ = score(sub, preds, ["secret"])
            cells.append(f"{fam} {r['secret']['found']}/{r['secret']['positives']}")
        print("secret recall by family: " + ", ".join(cells))
    if a.errors:
        for e in sorted(errors["fp"]):
            print("FP", *e)
        for e in sorted(errors["fn"]):
            print("FN", *e)


if __name__ == "__main__":
    main()
