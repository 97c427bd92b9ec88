#!/usr/bin/env python3
"""Data honesty check (maintainers): report every shipped text that shares a run of N (default 9) or more consecutive words with the
official text as quoted in the reference files.

Tokenising: lower case, words only ([a-z0-9]+), both sides the same way.
Reference side: every line of domain.md and domain-additions.md (runs are taken within a line, and
also across the whole file with --whole, to catch runs that span a line break).
Shipped side: every `statement` in frameworks/**/*.yaml, plus (with --all-text) every `note`,
`description` and `missing` string, and (with --titles) titles. Each hit is printed with the longest
shared run.
"""
import glob, re, sys, yaml

N = 9
for a in sys.argv[1:]:
    if a.startswith("-n"): N = int(a[2:])
WHOLE = "--lines-only" not in sys.argv
ALL = "--all-text" in sys.argv
TITLES = "--titles" in sys.argv
import os
HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("COMPETENCE_SHARED", os.path.join(HERE, "..", "..", "shared"))
REFS = [os.path.join(SHARED, "reference", f) for f in ("domain.md", "domain-additions.md")]
if not all(os.path.exists(r) for r in REFS):
    print(f"skipped: the reference files are not at {SHARED}/reference (set COMPETENCE_SHARED)")
    sys.exit(0)
os.chdir(os.path.join(HERE, ".."))

def toks(s):
    return re.findall(r"[a-z0-9]+", s.lower())

# every N-gram of the reference -> where it occurs
ref_grams = {}
ref_units = []
for path in REFS:
    text = open(path, encoding="utf-8").read()
    units = [(f"{path.split('/')[-1]}:{i+1}", l) for i, l in enumerate(text.splitlines())]
    if WHOLE:
        units.append((f"{path.split('/')[-1]}:whole", text))
    for where, line in units:
        t = toks(line)
        ref_units.append((where, t))
        for i in range(len(t) - N + 1):
            ref_grams.setdefault(tuple(t[i:i + N]), where)

def longest_run(t):
    """Longest stretch of t in which every N-gram is in the reference (i.e. a shared run >= N)."""
    best = None
    i = 0
    hits = [tuple(t[j:j + N]) in ref_grams for j in range(len(t) - N + 1)]
    runs = []
    j = 0
    while j < len(hits):
        if hits[j]:
            k = j
            while k + 1 < len(hits) and hits[k + 1]:
                k += 1
            runs.append((j, k + N))  # token span [j, k+N)
            j = k + 1
        else:
            j += 1
    return runs

# Runs that are a title or a qualification's name and code (allowed by the rule "titles and
# qualification names aside"): reported, but not counted.
ALLOWED = {
    "gateway qualifications level 2 award in mentoring 601 2769 7",
}

FIELDS = {"statement"} | ({"note", "description", "missing", "license_note"} if ALL else set()) | ({"title"} if TITLES else set())

def walk(node, path, out):
    if isinstance(node, dict):
        ident = node.get("id", "")
        here = f"{path}/{ident}" if ident else path
        for k, v in node.items():
            if k in FIELDS:
                vals = v if isinstance(v, list) else [v]
                for s in vals:
                    if isinstance(s, str):
                        out.append((f"{here} [{k}]", s))
            walk(v, here if k != "items" else here, out) if isinstance(v, (dict, list)) else None
    elif isinstance(node, list):
        for x in node:
            walk(x, path, out)

total = 0
allowed = 0
checked = 0
for f in sorted(glob.glob("/work/main/frameworks/**/*.yaml", recursive=True)):
    doc = yaml.safe_load(open(f, encoding="utf-8"))
    texts = []
    walk(doc, doc.get("id", f), texts)
    for where, s in texts:
        checked += 1
        t = toks(s)
        for a, b in longest_run(t):
            run = " ".join(t[a:b])
            if run in ALLOWED:
                allowed += 1
                print(f"(allowed, a qualification's name) {f.replace('/work/main/', '')}  {where}: \"{run}\"")
                continue
            total += 1
            print(f"{f.replace('/work/main/', '')}  {where}\n   {b - a} words: \"{run}\"\n   ref: {ref_grams[tuple(t[a:a + N])]}")
print(f"{checked} texts checked against {len(REFS)} reference files; runs of >= {N} shared words: {total}"
      f" (plus {allowed} allowed: qualification names)")
