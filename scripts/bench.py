#!/usr/bin/env python3
"""Benchmarks for glia on the shared synthetic corpus (../shared/bench/gen_corpus.py).

Measures what the issues ask to be measured, each as the median of several runs of the
release binary, in wall-clock and CPU time (CPU time is steadier on a shared machine):

  citations   full corpus vs the same corpus with every citation and reference removed
  glossary    glossary.link: first vs glossary.link: none (500-term glossary)
  search      search-index.js size vs the total size of the HTML pages

Usage: python3 scripts/bench.py [--n 1000] [--runs 5] [--only citations,glossary,search]
Build first: cargo build --release
"""

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("GLIA_SHARED", os.path.join(os.path.dirname(REPO), "shared"))
# Where cargo put it: CARGO_TARGET_DIR when set (as cargo itself honours it), else target/.
GLIA = os.path.join(
    os.path.abspath(os.environ.get("CARGO_TARGET_DIR") or os.path.join(REPO, "target")),
    "release",
    "glia",
)


def gen(n, glossary, out):
    script = os.path.join(SHARED, "bench", "gen_corpus.py")
    subprocess.run(
        [sys.executable, script, "--n", str(n), "--glossary", str(glossary), "--out", out, "--layouts", "glia"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return os.path.join(out, "glia")


def strip_citations(site):
    """The same corpus without citations: markers, front-matter references and bibliography."""
    shutil.rmtree(os.path.join(site, "content", "references"), ignore_errors=True)
    bracket = re.compile(r"\s?\[[^\[\]]*?@[^\[\]]+\]")
    in_text = re.compile(r"(?<![\w.])-?@[A-Za-z0-9_][\w:.#$%&\-+?<>~/]*\w")
    refs = re.compile(r"\nreferences:\n(?:[ -].*\n?)*")
    for root, _, files in os.walk(os.path.join(site, "content")):
        for f in files:
            if not f.endswith(".md"):
                continue
            p = os.path.join(root, f)
            s = open(p, encoding="utf-8").read()
            end = s.index("\n---", 3)
            fm, body = s[:end] + "\n", s[end:]
            fm = refs.sub("\n", fm).rstrip("\n")
            body = in_text.sub("the authors", bracket.sub("", body))
            open(p, "w", encoding="utf-8").write(fm + body)


def set_link(site, mode):
    p = os.path.join(site, "site.yaml")
    s = open(p).read()
    s = re.sub(r"link: \w+", f"link: {mode}", s)
    open(p, "w").write(s)


def build_once(site, out):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run([GLIA, "build", "--root", site, "--output", out], capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"build of {site} failed:\n{r.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def compare(name, base_label, base, with_label, with_, out, runs):
    # Interleaved (base, with, base, with, ...) after one warm-up each, so that load from
    # elsewhere on the machine falls on both variants alike.
    # Each variant replaces its own previous output, as a rebuild does.
    base_out, with_out = os.path.join(out, "base"), os.path.join(out, "with")
    build_once(base, base_out)
    build_once(with_, with_out)
    b, w = [], []
    for _ in range(runs):
        b.append(build_once(base, base_out))
        w.append(build_once(with_, with_out))
    bw, bc = (statistics.median(x) for x in zip(*b))
    ww, wc = (statistics.median(x) for x in zip(*w))
    print(f"\n{name}")
    print(f"  {base_label:<28} wall {bw:6.2f} s   cpu {bc:6.2f} s")
    print(f"  {with_label:<28} wall {ww:6.2f} s   cpu {wc:6.2f} s")
    print(f"  added                        wall {100 * (ww / bw - 1):+5.1f} %   cpu {100 * (wc / bc - 1):+5.1f} %")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", default="citations,glossary,search")
    args = ap.parse_args()
    if not os.path.exists(GLIA):
        sys.exit("build the release binary first: cargo build --release")
    only = args.only.split(",")
    work = tempfile.mkdtemp(prefix="glia-bench-")
    # Output to memory where possible: the disk is not what is being measured.
    out_root = "/dev/shm" if os.path.isdir("/dev/shm") else work
    out = tempfile.mkdtemp(prefix="glia-bench-out-", dir=out_root)
    print(f"glia benchmark: {args.n} articles, median of {args.runs} runs, {os.cpu_count()} cores")
    try:
        if "citations" in only:
            full = gen(args.n, 200, os.path.join(work, "cite"))
            bare = os.path.join(work, "nocite")
            shutil.copytree(full, bare)
            strip_citations(bare)
            compare("citations and reference index", "without citations", bare, "with citations", full, out, args.runs)
        if "glossary" in only:
            first = gen(args.n, 500, os.path.join(work, "gloss"))
            none = os.path.join(work, "gloss-none")
            shutil.copytree(first, none)
            set_link(none, "none")
            set_link(first, "first")
            compare("glossary linking (500 terms)", "glossary.link: none", none, "glossary.link: first", first, out, args.runs)
        if "search" in only:
            site = gen(args.n, 200, os.path.join(work, "search"))
            build_once(site, out)
            html = sum(
                os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(out) for f in fs if f.endswith(".html")
            )
            index = os.path.getsize(os.path.join(out, "search-index.js"))
            print("\nsearch index")
            print(f"  HTML pages      {html / 1e6:8.2f} MB")
            print(f"  search-index.js {index / 1e6:8.2f} MB  ({100 * index / html:.1f} % of the HTML)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
