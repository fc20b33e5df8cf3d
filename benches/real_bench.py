#!/usr/bin/env python3
"""The repository's theme next to the minimal one and to Hugo, on the same corpus.

    benches/real_bench.py [--sizes 1000 10000] [--runs 3] [--timings]

For each size, the N pages of ../shared/bench/gen_corpus.py are built four
ways, alternately, --runs times each, output on tmpfs (/dev/shm):

- `minimal`: `--flavor ours` with benches/site/ (pages, section lists, tag
  pages: the work of the corpus's Hugo templates), French only;
- `real, fr`: the same pages with the repository's content/site.yaml and
  themes/sorbonne (benches/real_site.py --translated 0): every collection's
  fields, pagination, four taxonomies, feeds, calendars, search index,
  sitemap, in French (news also shown in English, as the config says);
- `real, fr+en`: the same again with English versions of two thirds of the
  pages (and of every Alter Ego episode and interview): the site in both
  languages;
- `hugo`: `--flavor hugo` with Debian's Hugo, when it is installed.

Prints the medians of wall time, CPU time (user + system), peak resident
memory, output size and file count, the ratio of each build to the minimal
one, and, from one size to the next, how time and output grew. With
--timings, prints `alumni build --timings` of the real site at the largest
size. Measures; asserts nothing. Needs `cargo build --release`.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from build_bench import ALUMNI, ROOT, measure_isolated  # noqa: E402
from real_site import SHARED, generate as generate_real  # noqa: E402


def corpus(size, work):
    """The four sources of `size` pages under `work`, generated once."""
    sources = {}
    minimal = os.path.join(work, "minimal")
    if not os.path.isdir(minimal):
        subprocess.run([sys.executable, os.path.join(SHARED, "gen_corpus.py"), "--pages", str(size), "--out", minimal,
                        "--flavor", "ours"], check=True, stdout=subprocess.DEVNULL)
        shutil.copytree(os.path.join(ROOT, "benches", "site"), minimal, dirs_exist_ok=True)
    sources["minimal"] = minimal
    for name, translated in (("real, fr", 0.0), ("real, fr+en", 0.66)):
        path = os.path.join(work, name.replace(", ", "-").replace("+", "-"))
        if not os.path.isdir(path):
            generate_real(size, path, translated)
        sources[name] = path
    hugo = os.path.join(work, "hugo")
    if shutil.which("hugo") and not os.path.isdir(hugo):
        subprocess.run([sys.executable, os.path.join(SHARED, "gen_corpus.py"), "--pages", str(size), "--out", hugo,
                        "--flavor", "hugo"], check=True, stdout=subprocess.DEVNULL)
    if shutil.which("hugo"):
        sources["hugo"] = hugo
    return sources


def command(name, source, out, work):
    if name == "hugo":
        return [shutil.which("hugo"), "--quiet", "-s", source, "-d", out, "--cacheDir", os.path.join(work, "hugo-cache")]
    return [ALUMNI, "build", "--root", source, "--out", out]


def output_size(out):
    total, files = 0, 0
    for folder, _, names in os.walk(out):
        for n in names:
            total += os.path.getsize(os.path.join(folder, n))
            files += 1
    return total, files


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--timings", action="store_true", help="print --timings of the real site at the largest size")
    ap.add_argument("--keep", action="store_true", help="keep the generated sites in /dev/shm")
    args = ap.parse_args()
    if not os.access(ALUMNI, os.X_OK):
        sys.exit("build alumni first: cargo build --release")
    results = []  # (size, name, [wall, cpu, rss], bytes, files)
    for size in args.sizes:
        work = "/dev/shm/alumni-bench-real-%d" % size
        sources = corpus(size, work)
        runs = {name: [] for name in sources}
        sizes = {}
        for run in range(args.runs):
            for name, source in sources.items():
                out = os.path.join(work, "out-" + name.replace(", ", "-").replace("+", "-"))
                shutil.rmtree(out, ignore_errors=True)
                runs[name].append(measure_isolated(command(name, source, out, work)))
                sizes[name] = output_size(out)
            print("size %d run %d: %s" % (size, run + 1, ", ".join(
                "%s %.2f s" % (n, r[-1][0]) for n, r in runs.items())), file=sys.stderr, flush=True)
        for name, measured in runs.items():
            medians = [statistics.median(m[i] for m in measured) for i in range(3)]
            results.append((size, name, medians) + sizes[name])
        if args.timings and size == max(args.sizes):
            out = os.path.join(work, "out-timings")
            shutil.rmtree(out, ignore_errors=True)
            timed = subprocess.run([ALUMNI, "build", "--timings", "--lang", "en", "--root", sources["real, fr+en"],
                                    "--out", out], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            report = timed.stderr[timed.stderr.find("Time per stage"):]
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print("| pages | build | wall | CPU | peak RSS | output | files | wall / minimal | CPU / minimal |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for size, name, (wall, cpu, rss), size_bytes, files in results:
        minimal = next(r[2] for r in results if r[0] == size and r[1] == "minimal")
        print("| %d | %s | %.2f s | %.2f s | %.0f MiB | %.0f MB | %d | %.2f | %.2f |" % (
            size, name, wall, cpu, rss, size_bytes / 1e6, files, wall / minimal[0], cpu / minimal[1]))
    ordered = sorted(set(r[0] for r in results))
    if len(ordered) > 1:
        print()
        print("| build | pages | wall grew | CPU grew | output grew |")
        print("| --- | --- | --- | --- | --- |")
        names = [r[1] for r in results if r[0] == ordered[0]]
        for name in names:
            for small, large in zip(ordered, ordered[1:]):
                a = next(r for r in results if r[0] == small and r[1] == name)
                b = next(r for r in results if r[0] == large and r[1] == name)
                print("| %s | %d -> %d | %.2f x | %.2f x | %.2f x |" % (
                    name, small, large, b[2][0] / a[2][0], b[2][1] / a[2][1], b[3] / a[3]))
    hugo = shutil.which("hugo")
    version = subprocess.run([hugo, "version"], stdout=subprocess.PIPE, text=True).stdout.strip() if hugo else "no hugo"
    print("(medians of %d alternating runs on tmpfs, %d cores; %s)" % (args.runs, os.cpu_count(), version))
    if args.timings:
        print()
        print(report)


if __name__ == "__main__":
    main()
