#!/usr/bin/env python3
"""Build time and memory of `alumni build` next to Hugo, on the same corpus.

    benches/build_bench.py [--sizes 1000 10000] [--runs 5] [--hugo-max 10000]

For each size, generates the corpus with ../shared/bench/gen_corpus.py
(`--flavor ours` plus benches/site/ for us, `--flavor hugo` for Hugo), then
runs the two builds alternately, --runs times each, both writing to tmpfs
(/dev/shm), and prints the medians of wall time, CPU time (user + system)
and peak resident memory, with our/Hugo ratios. One more run of ours writes
to the disk, for comparison. Hugo is skipped above --hugo-max pages (its
memory grows past this machine's at 100,000). Measures; asserts nothing.
Needs a release build (cargo build --release) and Debian's hugo.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "bench")
ALUMNI = os.path.join(ROOT, "target", "release", "alumni")


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
    hugo_bin = shutil.which("hugo")
    rows = []
    for size in args.sizes:
        work = "/dev/shm/alumni-bench-build-%d" % size
        ours_src, hugo_src = generate(size, work)
        out_ours = os.path.join(work, "out-ours")
        out_hugo = os.path.join(work, "out-hugo")
        ours, hugo = [], []
        with_hugo = hugo_bin is not None and size <= args.hugo_max
        for run in range(args.runs):
            for path in (out_ours, out_hugo):
                shutil.rmtree(path, ignore_errors=True)
            ours.append(measure_isolated([ALUMNI, "build", "--root", ours_src, "--out", out_ours]))
            if with_hugo:
                hugo.append(measure_isolated([hugo_bin, "--quiet", "-s", hugo_src, "-d", out_hugo,
                                              "--cacheDir", os.path.join(work, "hugo-cache")]))
            print("size %d run %d: ours %.2f s%s" % (size, run + 1, ours[-1][0],
                  ", hugo %.2f s" % hugo[-1][0] if with_hugo else ""), file=sys.stderr, flush=True)
        disk = "/var/tmp/alumni-bench-disk-%d" % size
        shutil.rmtree(disk, ignore_errors=True)
        disk_run = measure_isolated([ALUMNI, "build", "--root", ours_src, "--out", disk])
        shutil.rmtree(disk, ignore_errors=True)
        med = lambda runs, i: statistics.median(r[i] for r in runs)
        row = {"size": size, "ours": [med(ours, i) for i in range(3)], "disk": disk_run[0]}
        if with_hugo:
            row["hugo"] = [med(hugo, i) for i in range(3)]
        rows.append(row)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("| pages | alumni wall | alumni CPU | alumni peak RSS | Hugo wall | Hugo CPU | Hugo peak RSS | wall ratio | RSS ratio | alumni wall, output on disk |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        o = row["ours"]
        h = row.get("hugo")
        hugo_cells = ("%.2f s | %.2f s | %.0f MiB | %.3f | %.3f" % (h[0], h[1], h[2], o[0] / h[0], o[2] / h[2])) if h else "- | - | - | - | -"
        print("| %d | %.2f s | %.2f s | %.0f MiB | %s | %.2f s |" % (row["size"], o[0], o[1], o[2], hugo_cells, row["disk"]))
    print("(medians of %d alternating runs on tmpfs, 2 cores; %s)" % (args.runs, subprocess.run(
        [hugo_bin or "true", "version"], stdout=subprocess.PIPE, text=True).stdout.strip() or "no hugo"))


if __name__ == "__main__":
    main()
