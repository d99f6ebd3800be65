#!/usr/bin/env python3
"""Incremental rebuild benchmark for `glia serve` (issue 6).

Generates the shared synthetic corpus (../shared/bench/gen_corpus.py, 10,000 articles by
default), starts the release binary's `glia serve` on it, then edits one article at a time
(a sentence added to the body, a different article each time) and reads the time serve
reports for each rebuild. Prints the median and the spread, and checks that the edited text is
what the server then serves.

Two figures per edit:
  rebuild   what serve measured: from the start of the rebuild to the last file written
  saved→served   from writing the file to the new page being served, which adds the file
            watcher's debounce (100 ms) and the notification delay
The corpus and serve's build folder live in /dev/shm (TMPDIR), so the disk is not measured.

Usage: python3 scripts/bench_serve.py [--n 10000] [--edits 20]
Build first: cargo build --release
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def shared_dir():
    """The shared benchmark folder: $GLIA_SHARED, else `shared/` beside the main checkout (the
    checkout that owns the git folder, so that a `git worktree` elsewhere finds it too)."""
    if os.environ.get("GLIA_SHARED"):
        return os.environ["GLIA_SHARED"]
    try:
        git = subprocess.run(["git", "rev-parse", "--path-format=absolute", "--git-common-dir"],
                             cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
        main = os.path.dirname(git)
    except (OSError, subprocess.CalledProcessError):
        main = REPO
    return os.path.join(os.path.dirname(main), "shared")


SHARED = shared_dir()
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
GLIA = os.path.join(TARGET, "release", "glia")

LINE = re.compile(r"^(built|rebuilt)( incrementally)? in (\d+) ms \((.*)\): (\d+) of (\d+) files? changed")
STEP = re.compile(r"([a-z+]+) (\d+) ms")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--corpus", help="a corpus made by gen_corpus.py earlier (copied, not changed)")
    args = ap.parse_args()
    if not os.path.exists(GLIA):
        sys.exit(f"{GLIA} not found: run cargo build --release first")
    work = tempfile.mkdtemp(prefix="glia-bench-serve-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    try:
        run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args, work):
    site = os.path.join(work, "glia")
    if args.corpus:
        shutil.copytree(os.path.join(args.corpus, "glia"), site)
    else:
        subprocess.run(
            [sys.executable, os.path.join(SHARED, "bench", "gen_corpus.py"), "--n", str(args.n),
             "--out", work, "--layouts", "glia"],
            check=True, stdout=subprocess.DEVNULL)
    articles = sorted(os.listdir(os.path.join(site, "content", "articles")))
    articles = [a for a in articles if a.endswith(".md") and a != "_index.md"]
    # serve builds into a temporary folder: put it in memory too, as scripts/bench does with its
    # output, since the disk is not what is being measured.
    env = dict(os.environ, TMPDIR=work)
    proc = subprocess.Popen([GLIA, "serve", "--root", site, "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, bufsize=1, env=env)
    lines = []
    cond = threading.Condition()

    def reader():
        for line in proc.stdout:
            with cond:
                lines.append((time.perf_counter(), line.rstrip("\n")))
                cond.notify_all()

    threading.Thread(target=reader, daemon=True).start()

    def wait_for(pred, timeout):
        deadline = time.perf_counter() + timeout
        with cond:
            while True:
                for t, line in lines:
                    m = pred(line)
                    if m:
                        lines.clear()
                        return t, m
                left = deadline - time.perf_counter()
                if left <= 0:
                    sys.exit(f"timed out; serve printed: {lines[-5:]}")
                cond.wait(left)

    try:
        t0 = time.perf_counter()
        _, first = wait_for(lambda l: LINE.match(l) if l.startswith("built") else None, 1800)
        url = None
        # The address line may come after the first build line.
        _, m = wait_for(lambda l: re.search(r"at (http://\S+/)", l), 60)
        url = m.group(1)
        print(f"first build of {len(articles)} articles: {first.group(3)} ms "
              f"(wall {time.perf_counter() - t0:.1f} s), serving at {url}")
        rebuilds, latencies, steps = [], [], {}
        step = max(1, len(articles) // args.edits)
        for k in range(args.edits):
            name = articles[(k * step + 7) % len(articles)]
            path = os.path.join(site, "content", "articles", name)
            text = open(path, encoding="utf-8").read()
            marker = f"Edited for the benchmark, round {k}."
            with open(path, "w", encoding="utf-8") as f:
                f.write(text.rstrip("\n") + f"\n\n{marker}\n")
            saved = time.perf_counter()
            t, m = wait_for(lambda l: LINE.match(l) if l.startswith("rebuilt") else None, 600)
            if not m.group(2):
                print(f"  edit {k}: {name} was rebuilt in full ({m.group(3)} ms)")
            rebuilds.append(int(m.group(3)))
            for step_name, ms in STEP.findall(m.group(4)):
                steps.setdefault(step_name, []).append(int(ms))
            latencies.append((t - saved) * 1000)
            slug = name[:-3]
            try:
                page = urllib.request.urlopen(f"{url}articles/{slug}/").read().decode("utf-8")
            except OSError as e:
                sys.exit(f"edit {k}: fetching {url}articles/{slug}/ failed: {e}")
            if marker not in page:
                sys.exit(f"edit {k}: the served page of {name} lacks the new text")
        print(f"{args.edits} edits, one article each, {len(articles)} articles:")
        print(f"  rebuild:        median {statistics.median(rebuilds):.0f} ms "
              f"(min {min(rebuilds)}, max {max(rebuilds)})")
        print(f"  saved→served:   median {statistics.median(latencies):.0f} ms "
              f"(min {min(latencies):.0f}, max {max(latencies):.0f})")
        print("  steps (median): " + ", ".join(
            f"{name} {statistics.median(v):.0f} ms" for name, v in steps.items()))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
