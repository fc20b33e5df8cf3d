#!/usr/bin/env python3
"""Build time and memory of `alumni build` next to Hugo and to the floor, on the same corpus.

    benches/build_bench.py [--sizes 1000 10000] [--runs 5] [--hugo-max 10000]

For each size, generates the corpus with ../shared/bench/gen_corpus.py
(`--flavor ours` plus benches/site/ for us, `--flavor hugo` for Hugo), then
runs the builds alternately, --runs times each, all writing to tmpfs
(/dev/shm): ours, Hugo, and the floor (examples/floor.rs: walk, read, cut
off the front matter, render the Markdown with the same options, write one
fixed page per file, in parallel; the least work any build of this corpus
does) on our corpus. Prints the medians of wall time, CPU time (user +
system) and peak resident memory, with our/Hugo and our/floor ratios, and,
when several sizes are given, how our wall time and memory grow from each
size to the next next to the number of pages. One more run of ours writes
to the disk, for comparison. Hugo is skipped above --hugo-max pages (its
memory grows past this machine's at 100,000). Measures; asserts nothing.
Needs a release build (cargo build --release) and Debian's hugo; builds the
floor itself (cargo build --release --example floor) at the start.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# ../shared/bench, found from a git worktree too (one definition, in real_site).
from real_site import SHARED  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALUMNI = os.path.join(ROOT, "target", "release", "alumni")
FLOOR = os.path.join(ROOT, "target", "release", "examples", "floor")


def measure_isolated(cmd):
    """(wall s, CPU s, peak RSS MiB) of cmd, timed by a fresh Python process so
    that the peak resident memory it reports is the command's own."""
    code = (
        "import resource,subprocess,sys,time,json\n"
        "s=time.monotonic();p=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE)\n"
        "w=time.monotonic()-s;r=resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps([p.returncode,w,r.ru_utime+r.ru_stime,r.ru_maxrss/1024,p.stderr.decode(errors='replace')[-2000:]]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code] + cmd, stdout=subprocess.PIPE, check=True).stdout
    rc, wall, cpu, rss, err = json.loads(out)
    if rc != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), err))
    return wall, cpu, rss


def generate(size, work):
    ours = os.path.join(work, "ours")
    hugo = os.path.join(work, "hugo")
    if not os.path.isdir(ours):
        subprocess.run([sys.executable, os.path.join(SHARED, "gen_corpus.py"), "--pages", str(size), "--out", ours,
                        "--flavor", "ours"], check=True, stdout=subprocess.DEVNULL)
        shutil.copytree(os.path.join(ROOT, "benches", "site"), ours, dirs_exist_ok=True)
    if not os.path.isdir(hugo):
        subprocess.run([sys.executable, os.path.join(SHARED, "gen_corpus.py"), "--pages", str(size), "--out", hugo,
                        "--flavor", "hugo"], check=True, stdout=subprocess.DEVNULL)
    return ours, hugo


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--hugo-max", type=int, default=10000)
    ap.add_argument("--keep", action="store_true", help="keep the generated corpora in /dev/shm")
    args = ap.parse_args()
    if not os.access(ALUMNI, os.X_OK):
        sys.exit("build alumni first: cargo build --release")
    # Built each time, so that the floor is never older than the sources.
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "floor"], cwd=ROOT, check=True)
    hugo_bin = shutil.which("hugo")
    rows = []
    for size in args.sizes:
        work = "/dev/shm/alumni-bench-build-%d" % size
        ours_src, hugo_src = generate(size, work)
        out_ours = os.path.join(work, "out-ours")
        out_hugo = os.path.join(work, "out-hugo")
        out_floor = os.path.join(work, "out-floor")
        ours, hugo, floor = [], [], []
        with_hugo = hugo_bin is not None and size <= args.hugo_max
        for run in range(args.runs):
            for path in (out_ours, out_hugo, out_floor):
                shutil.rmtree(path, ignore_errors=True)
            ours.append(measure_isolated([ALUMNI, "build", "--root", ours_src, "--out", out_ours]))
            if with_hugo:
                hugo.append(measure_isolated([hugo_bin, "--quiet", "-s", hugo_src, "-d", out_hugo,
                                              "--cacheDir", os.path.join(work, "hugo-cache")]))
            floor.append(measure_isolated([FLOOR, ours_src, out_floor]))
            print("size %d run %d: ours %.2f s%s, floor %.2f s" % (size, run + 1, ours[-1][0],
                  ", hugo %.2f s" % hugo[-1][0] if with_hugo else "", floor[-1][0]), file=sys.stderr, flush=True)
        disk = "/var/tmp/alumni-bench-disk-%d" % size
        shutil.rmtree(disk, ignore_errors=True)
        disk_run = measure_isolated([ALUMNI, "build", "--root", ours_src, "--out", disk])
        shutil.rmtree(disk, ignore_errors=True)
        med = lambda runs, i: statistics.median(r[i] for r in runs)
        row = {"size": size, "ours": [med(ours, i) for i in range(3)], "floor": [med(floor, i) for i in range(3)],
               "disk": disk_run[0]}
        if with_hugo:
            row["hugo"] = [med(hugo, i) for i in range(3)]
        rows.append(row)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("| pages | alumni wall | alumni CPU | alumni peak RSS | Hugo wall | Hugo CPU | Hugo peak RSS | wall ratio | RSS ratio"
          " | floor wall | alumni/floor wall | alumni wall, output on disk |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        o = row["ours"]
        h = row.get("hugo")
        hugo_cells = ("%.2f s | %.2f s | %.0f MiB | %.3f | %.3f" % (h[0], h[1], h[2], o[0] / h[0], o[2] / h[2])) if h else "- | - | - | - | -"
        f = row["floor"]
        print("| %d | %.2f s | %.2f s | %.0f MiB | %s | %.3f s | %.2f | %.2f s |" % (
            row["size"], o[0], o[1], o[2], hugo_cells, f[0], o[0] / f[0], row["disk"]))
    print("(medians of %d alternating runs on tmpfs, 2 cores; %s)" % (args.runs, subprocess.run(
        [hugo_bin or "true", "version"], stdout=subprocess.PIPE, text=True).stdout.strip() or "no hugo"))
    # How the build grows, next to how the corpus grows: a wall ratio far
    # above the page ratio is work that is worse than linear.
    for a, b in zip(rows, rows[1:]):
        print("%d -> %d pages: alumni wall x %.2f (pages x %.2f), peak RSS x %.2f" % (
            a["size"], b["size"], b["ours"][0] / a["ours"][0], b["size"] / a["size"], b["ours"][2] / a["ours"][2]))


if __name__ == "__main__":
    main()
