#!/usr/bin/env python3
"""check-deps: dependencies in gateway/ point one way (docs/architecture.md).

Usage: scripts/check-deps.py [SOURCE_ROOT]      (default: the folder above scripts/)

Reads the order of the parts from gateway/meson.build (the `foreach part : [...]` list,
bottom-up) and every `#include "..."` and C file under gateway/, then checks:

 1. Includes point down: a file of part P includes only headers of P or of a part listed
    before P. (meson enforces the same through include directories; this says which line.)
 2. Calls point down: a .c file of part P uses no function or variable that a .c file of
    a part listed after P defines (an upward call through a local prototype, which the
    include directories cannot see).
 3. No circles inside a part. A module is x.c with x.h (a header without a .c is a module
    of its own). Module X depends on module Y when a file of X includes y.h, or when X
    uses a function or variable that y.c defines (whichever header declares it: this is
    how a header shared by two .c files hides a circle). The modules of each part must
    form no circle.

"Uses" means: the name appears in the .c file (or inside the braces of a header's static
inline function) and is declared by a prototype or extern in that file or in a gateway
header it includes, directly or through other headers; so a local or parameter that
happens to share a name with a function elsewhere does not count, while a call through
a shared header or a local prototype does.

Circles listed in KNOWN_CIRCLES are reported as notes, not failures, with the reason.
Each problem is printed as FILE:LINE: message; the exit status is 1 when there is one.
Python 3 standard library only; the C is read with a small tokenizer (comments, strings
and preprocessor lines removed), not a compiler, so that it runs anywhere CI does.
"""

import os
import re
import sys

# Circles another change removes; each needs a reason. Keys: (part, sorted module names).
KNOWN_CIRCLES = {}

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
IDENT_RE = re.compile(r"[A-Za-z_]\w*")


def part_order(root):
    path = os.path.join(root, "gateway", "meson.build")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"foreach\s+part\s*:\s*\[(.*?)\]", text, re.S)
    if not m:
        sys.exit(f"{path}: no `foreach part : [...]` list of parts")
    return re.findall(r"'([^']+)'", m.group(1))


def strip_c(text):
    """Comments, string and character literals and preprocessor lines become blanks;
    newlines are kept so that offsets still map to lines."""
    out = []
    i, n = 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        if line_start and c == "#":
            # a preprocessor line, with its continuations
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    out.append(" \n")
                    i += 2
                    continue
                out.append(" ")
                i += 1
            continue
        if c == "/" and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
            continue
        if c == "/" and text.startswith("//", i):
            while i < n and text[i] != "\n":
                out.append(" ")
                i += 1
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + c)
            i = j
            line_start = False
            continue
        out.append(c)
        if c == "\n":
            line_start = True
        elif not c.isspace():
            line_start = False
        i += 1
    return "".join(out)


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def top_level_statements(code):
    """(start, end, brace) of each statement at file level: end is the ';' or the '{'
    that ends its head (brace true)."""
    depth = 0
    start = 0
    for i, c in enumerate(code):
        if c == "{":
            if depth == 0:
                yield start, i, True
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                start = i + 1
        elif c == ";" and depth == 0:
            yield start, i, False
            start = i + 1


def top_level_definitions(code):
    """Functions and variables with external linkage that a .c file defines:
    {name: line}."""
    defs = {}
    for start, end, brace in top_level_statements(code):
        _definition(code, start, end, brace, defs)
    return defs


def _definition(code, start, end, brace, defs):
    stmt = code[start:end]
    words = IDENT_RE.findall(stmt)
    if not words or words[0] in ("static", "extern", "typedef") or "static" in words[:3]:
        return
    if re.match(r"\s*int\s+main\s*\(", stmt):
        return  # each program has its own
    if "=" in stmt:
        head = stmt.split("=", 1)[0]
    elif brace and "(" in stmt:
        # a function definition: the name is the identifier before the first '(' that
        # is not an attribute
        for m in re.finditer(r"([A-Za-z_]\w*)\s*\(", stmt):
            if not m.group(1).startswith("__"):
                defs.setdefault(m.group(1), line_of(code, start + m.start(1)))
                return
        return
    elif brace or "(" in stmt:
        return  # struct/enum/union bodies, prototypes
    else:
        head = stmt
    head = re.sub(r"\[[^\]]*\]", "", head)
    names = IDENT_RE.findall(head)
    if names and names[-1] not in ("struct", "union", "enum"):
        m = list(re.finditer(re.escape(names[-1]), head))[-1]
        defs.setdefault(names[-1], line_of(code, start + m.start()))


def top_level_declarations(code):
    """Names that a file declares at file level without defining them: function
    prototypes and extern variables."""
    names = set()
    for start, end, brace in top_level_statements(code):
        stmt = code[start:end]
        words = IDENT_RE.findall(stmt)
        if brace or not words or words[0] == "typedef":
            continue
        if "extern" in words and "(" not in stmt:
            for decl in _split_top(re.sub(r"\[[^\]]*\]", "", stmt)):
                ids = IDENT_RE.findall(decl)
                if ids:
                    names.add(ids[-1])
        elif "(" in stmt and "=" not in stmt:
            for m in re.finditer(r"([A-Za-z_]\w*)\s*\(", stmt):
                if not m.group(1).startswith("__"):
                    names.add(m.group(1))
                    break
    return names


def _split_top(text):
    """text split at the commas outside parentheses."""
    parts, depth, cur = [], 0, []
    for c in text:
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        if c == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    parts.append("".join(cur))
    return parts


def uses(code, header):
    """{identifier: first line} of the code; in a header only what is inside braces
    (bodies of static inline functions), not its declarations."""
    found = {}
    if not header:
        for m in IDENT_RE.finditer(code):
            found.setdefault(m.group(0), m.start())
    else:
        depth = 0
        for m in re.finditer(r"[{}]|[A-Za-z_]\w*", code):
            t = m.group(0)
            if t == "{":
                depth += 1
            elif t == "}":
                depth -= 1
            elif depth > 0:
                found.setdefault(t, m.start())
    return {k: line_of(code, v) for k, v in found.items()}


class Source:
    def __init__(self, root, rel):
        self.rel = rel                       # gateway/<part>/.../name.ext
        parts = rel.split("/")
        self.part = parts[1]
        base = parts[-1]
        self.module = base.rsplit(".", 1)[0]
        self.header = base.endswith(".h")
        with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
            text = f.read()
        self.includes = [(no, m.group(1)) for no, line in enumerate(text.split("\n"), 1)
                         for m in [INCLUDE_RE.match(line)] if m]
        code = strip_c(text)
        self.defs = {} if self.header else top_level_definitions(code)
        self.decls = top_level_declarations(code)
        self.uses = uses(code, self.header)
        self.included = []                   # the gateway headers it includes
        self._visible = None

    def visible(self):
        """Names declared in this file or in the gateway headers it includes, directly
        or through other headers."""
        if self._visible is None:
            self._visible = set()
            seen, todo = {self.rel}, [self]
            while todo:
                f = todo.pop()
                self._visible |= f.decls
                for h in f.included:
                    if h.rel not in seen:
                        seen.add(h.rel)
                        todo.append(h)
        return self._visible


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, ".."))
    order = part_order(root)
    rank = {p: i for i, p in enumerate(order)}
    problems, notes = [], []

    sources = []
    gw = os.path.join(root, "gateway")
    for dirpath, dirnames, filenames in os.walk(gw):
        dirnames.sort()
        for fn in sorted(filenames):
            if fn.endswith((".c", ".h")):
                rel = os.path.relpath(os.path.join(dirpath, fn), root).replace(os.sep, "/")
                if rel.count("/") < 2:
                    problems.append(f"{rel}:1: a source file outside any part folder")
                    continue
                sources.append(Source(root, rel))
    if not sources:
        sys.exit(f"{gw}: no sources")

    headers = {}  # basename -> [Source]
    for s in sources:
        if s.part not in rank:
            problems.append(f"{s.rel}:1: part '{s.part}' is not in gateway/meson.build's "
                            "list of parts")
        if s.header:
            headers.setdefault(os.path.basename(s.rel), []).append(s)
    for name, hs in headers.items():
        if len({h.part for h in hs}) > 1:
            problems.append(f"{hs[1].rel}:1: header name {name} is also "
                            f"{hs[0].rel}: an include of it is ambiguous")

    # 1. includes point down
    edges = {}  # (part) -> {module: {module: "file:line: why"}}

    def add_edge(part, a, b, why):
        edges.setdefault(part, {}).setdefault(a, {}).setdefault(b, why)

    for s in sources:
        for no, inc in s.includes:
            local = os.path.normpath(os.path.join(os.path.dirname(s.rel), inc))
            target = next((h for h in headers.get(os.path.basename(inc), [])
                           if h.rel == local), None)
            if target is None:
                cands = headers.get(os.path.basename(inc), [])
                if not cands:
                    continue  # a system or generated header (cg_config.h)
                target = cands[0]
            s.included.append(target)
            if target.part not in rank or s.part not in rank:
                continue
            if rank[target.part] > rank[s.part]:
                problems.append(f"{s.rel}:{no}: #include \"{inc}\": a header of part "
                                f"'{target.part}', which comes after '{s.part}' in "
                                "gateway/meson.build (includes point down only)")
            elif target.part == s.part and target.module != s.module:
                add_edge(s.part, s.module, target.module,
                         f"{s.rel}:{no}: #include \"{inc}\"")

    # 2. calls point down, and call edges between the modules of a part: a use of a
    # name that the file declares or sees declared in a header, defined in another .c
    definer = {}  # identifier -> [(Source, line)]
    for s in sources:
        for name, line in s.defs.items():
            definer.setdefault(name, []).append((s, line))
    for s in sources:
        visible = s.visible()
        for name, line in sorted(s.uses.items(), key=lambda kv: kv[1]):
            if name not in visible:
                continue  # a local or a parameter of that name, or nothing of ours
            for d, dline in definer.get(name, []):
                if d is s or d.part not in rank or s.part not in rank:
                    continue
                if rank[d.part] > rank[s.part]:
                    problems.append(f"{s.rel}:{line}: uses {name} ({d.rel}:{dline}), "
                                    f"defined in part '{d.part}' above '{s.part}'")
                elif d.part == s.part and d.module != s.module:
                    add_edge(s.part, s.module, d.module,
                             f"{s.rel}:{line}: uses {name} ({d.rel}:{dline})")

    # 3. no circles between the modules of a part
    for part in order:
        graph = edges.get(part, {})
        for comp in strongly_connected(graph):
            if len(comp) < 2:
                continue
            key = (part, tuple(sorted(comp)))
            path = a_circle(graph, comp)
            lines = [f"  {graph[a][b]}" for a, b in zip(path, path[1:])]
            what = " -> ".join(path)
            if key in KNOWN_CIRCLES:
                notes.append(f"note: known circle in {part}: {what} ({KNOWN_CIRCLES[key]})")
                continue
            problems.append(f"gateway/{part}: modules {', '.join(sorted(comp))} include "
                            f"or call each other in a circle, e.g. {what}:\n" +
                            "\n".join(lines))
    present = {(p, tuple(sorted(c))) for p in order
               for c in strongly_connected(edges.get(p, {})) if len(c) > 1}
    for key in KNOWN_CIRCLES:
        if key not in present:
            notes.append(f"note: the known circle {key[1]} in {key[0]} is gone: remove it "
                         "from KNOWN_CIRCLES in scripts/check-deps.py")

    for n_ in notes:
        print(n_)
    for p in problems:
        print(p)
    if problems:
        print(f"check-deps: {len(problems)} problem(s); see docs/architecture.md",
              file=sys.stderr)
        return 1
    print(f"check-deps: {len(sources)} files in {len(order)} parts: includes and calls "
          "point down, no circles inside a part")
    return 0


def strongly_connected(graph):
    """Tarjan's algorithm, iterative: the strongly connected components of graph."""
    nodes = sorted(set(graph) | {b for a in graph for b in graph[a]})
    index, low, on, stack, comps = {}, {}, set(), [], []
    counter = 0
    for v0 in nodes:
        if v0 in index:
            continue
        work = [(v0, iter(sorted(graph.get(v0, {}))))]
        index[v0] = low[v0] = counter
        counter += 1
        stack.append(v0)
        on.add(v0)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, {})))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                comps.append(comp)
    return comps


def a_circle(graph, comp):
    """One circle through the first module of comp, as a path that ends where it began."""
    members = set(comp)
    start = min(comp)
    prev = {start: None}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph.get(v, {})):
            if w not in members:
                continue
            if w == start:
                path = [v]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return list(reversed(path)) + [start]
            if w not in prev:
                prev[w] = v
                queue.append(w)
    return [start, start]


if __name__ == "__main__":
    sys.exit(main())
