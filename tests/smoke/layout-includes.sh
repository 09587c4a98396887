# The source layout: HACKING.md lists every folder of src/ bottom-up, and a
# folder includes only from itself and from folders listed above it in that
# list (below it in the layers), so include cycles stay inside one folder.
# Reads the tree only (no binaries): fails on a folder HACKING.md does not
# list, a listed folder that does not exist, or an include that goes up.
set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"

exec python3 - "$top_srcdir" <<'PY'
import os, re, sys

top = sys.argv[1]
hacking = open(os.path.join(top, "HACKING.md"), encoding="utf-8").read()
section = re.search(r"^## Layout\n(.*?)^## ", hacking, re.S | re.M)
if not section:
    sys.exit("HACKING.md: no '## Layout' section")
rank = {}
for n, line in enumerate(l for l in section.group(1).splitlines() if l.startswith("    src/")):
    # "    src/a src/b   what they do": the folders before the description
    for folder in re.findall(r"src/(\w+)", re.match(r"\s+((?:src/\w+ ?)+)", line).group(1)):
        rank[folder] = n

src = os.path.join(top, "src")
folders = sorted(d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d)))
fails = []
for d in folders:
    if d not in rank:
        fails.append(f"src/{d}: not in HACKING.md's layout list; add it where it sits in the layers")
for d in rank:
    if d not in folders:
        fails.append(f"HACKING.md lists src/{d}, which does not exist")

inc = re.compile(r'^\s*#\s*include\s+"(\w+)/[^"]+"', re.M)
for d in folders:
    if d not in rank:
        continue
    for root, _, files in os.walk(os.path.join(src, d)):
        for f in sorted(files):
            if not f.endswith((".c", ".h")):
                continue
            path = os.path.join(root, f)
            text = open(path, encoding="utf-8", errors="replace").read()
            for m in inc.finditer(text):
                to = m.group(1)
                if to == d or to not in rank:
                    continue
                if rank[to] >= rank[d]:
                    line = text.count("\n", 0, m.start()) + 1
                    fails.append(f"{os.path.relpath(path, top)}:{line}: includes {to}/, "
                                 f"which is not below {d}/ in HACKING.md's layout")
for f in fails:
    print("FAIL:", f)
print(f"{len(folders)} folders, {len(fails)} problem(s)")
sys.exit(1 if fails else 0)
PY
