"""Findings per part and category, summed over every review round of issue 22, read from each
review file's own count table (run from this folder: python count_findings.py)."""

import collections
import glob
import re

CATEGORIES = ["wrong", "overstated", "unsupported", "confusing", "notation", "repeated"]


def counts(text: str) -> dict[str, int]:
    start = max(text.lower().rfind("count per category"), text.lower().rfind("## count"))
    table = text[start:start + 1500] if start >= 0 else ""
    found = {}
    for category in CATEGORIES:
        match = (re.search(rf"\|\s*{category}\s*\|\s*(\d+)", table) or re.search(rf"-\s*{category}\s*:\s*(\d+)", table)
                 or re.search(rf"\b{category}\b[^\d\n]{{0,5}}(\d+)", table, re.I))
        if match:
            found[category] = int(match[1])
    return found


totals, rounds = collections.defaultdict(collections.Counter), collections.defaultdict(list)
for path in sorted(glob.glob("review[0-9]*-*.md"), key=lambda p: int(re.match(r"review(\d+)", p)[1])):
    number, part = re.match(r"review(\d+)-(.*)\.md", path).groups()
    found = counts(open(path, encoding="utf-8").read())
    rounds[part].append((int(number), found))
    totals[part].update(found)
print("| part | rounds | " + " | ".join(CATEGORIES) + " | last round's false (wrong+overstated+unsupported) |")
print("|---|---|" + "---|" * (len(CATEGORIES) + 1))
for part, runs in rounds.items():
    last = runs[-1][1]
    false = sum(last.get(c, 0) for c in ("wrong", "overstated", "unsupported"))
    print(f"| {part} | {len(runs)} | " + " | ".join(str(totals[part][c]) for c in CATEGORIES) + f" | {false} |")
