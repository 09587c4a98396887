# The source layout: HACKING.md lists every folder of src/ bottom-up, and a
# folder includes only from itself and from folders listed above it in that
# list (below it in the layers). Reads the tree only (no binaries): fails on
# a folder HACKING.md does not list, a listed folder that does not exist, an
# include that goes up, an include that does not name its folder
# ("dir/file.h"; config.h aside), an include of ctl/ or metrics/ from
# server/ (its services attach to it, it knows none of them), or a cycle of
# includes between files of different folders.
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

inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
never = {"server": ("ctl", "metrics")}
edges = {}  # "dir/file" -> the "dir/file" it includes, for the cycle check
for d in folders:
    if d not in rank:
        continue
    for root, _, files in os.walk(os.path.join(src, d)):
        for f in sorted(files):
            if not f.endswith((".c", ".h")):
                continue
            path = os.path.join(root, f)
            rel = os.path.relpath(path, src)
            text = open(path, encoding="utf-8", errors="replace").read()
            for m in inc.finditer(text):
                name = m.group(1)
                line = text.count("\n", 0, m.start()) + 1
                where = f"{os.path.relpath(path, top)}:{line}"
                parts = name.split("/")
                if name == "config.h":
                    continue
                if len(parts) != 2 or parts[0] not in folders:
                    fails.append(f'{where}: #include "{name}": name the folder of src/ '
                                 f'("dir/file.h")')
                    continue
                to = parts[0]
                edges.setdefault(rel, set()).add(name)
                if to in never.get(d, ()):
                    fails.append(f"{where}: {d}/ includes {to}/: {to}/ attaches to {d}/ "
                                 f"(see 'Attaching a service to the server')")
                elif to != d and to in rank and rank[to] >= rank[d]:
                    fails.append(f"{where}: includes {to}/, "
                                 f"which is not below {d}/ in HACKING.md's layout")

# Cycles of includes between files (Tarjan's strongly connected components):
# every file of one must be in one folder.
index, low, stack, on, sccs = {}, {}, [], set(), []
def strong(v):
    index[v] = low[v] = len(index)
    stack.append(v)
    on.add(v)
    for w in sorted(edges.get(v, ())):
        if w not in index:
            strong(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        sccs.append(comp)
sys.setrecursionlimit(10000)
for v in sorted(edges):
    if v not in index:
        strong(v)
for comp in sccs:
    if len({c.split("/")[0] for c in comp}) > 1:
        fails.append("an include cycle across folders: " + " -> ".join(sorted(comp)))
for f in fails:
    print("FAIL:", f)
print(f"{len(folders)} folders, {len(fails)} problem(s)")
sys.exit(1 if fails else 0)
PY
