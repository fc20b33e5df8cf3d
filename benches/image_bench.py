#!/usr/bin/env python3
"""Images: 200 photos of 12 megapixels, cold and warm, next to Hugo.

    benches/image_bench.py [--photos 200] [--runs 3]

Generates --photos JPEGs of 4000 x 3000 (`cargo run --release --example
photos`, once, kept under the work folder) and one page bundle per photo
(`news/photo-NNN/index.md` showing it in Markdown), then builds, --runs
times each, output on tmpfs (/dev/shm):

- `alumni cold`: the image cache removed first: every photo decoded, its
  variants (480, 960 and 1600 pixels wide, WebP and JPEG) encoded, its
  original published without metadata;
- `alumni warm`: the same site again, the cache kept;
- `alumni, no images`: the same pages without their photos;
- `real warm` and `real, no images`: the same bundles added to a copy of
  the repository's own site (its `content/` and `sorbonne` theme: menus,
  both languages, feeds, calendars, search index), warm, then without
  their photos. The warm build's target, within 1.1 x the build without
  images, is judged here, on the site users build: on the minimal pages a
  build without images is a hundredth of a second, which any file
  operation at all exceeds;
- `hugo cold`: Debian's Hugo with a render hook making the same variants
  (the same widths, WebP and JPEG, quality 80) and publishing the
  original, its `resources/_gen` removed first;
- `hugo warm`: Hugo again, its cache kept.

Everything (photos, sites, caches, output) lives in one folder on one file
system, tmpfs when there is one, as `.alumni-cache/` and `public/` are both
at a site's root: across file systems outputs would be copied from the
cache instead of linked.

Prints medians of wall time, CPU time and peak resident memory, with the
targets: alumni cold / Hugo cold (at most 0.5), real warm / real without
images (at most 1.1), peak memory (at most 1 GB).
Measures; asserts nothing. Needs `cargo build --release`; not run in CI.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from build_bench import ALUMNI, ROOT, measure_isolated  # noqa: E402

WIDTH, HEIGHT = 4000, 3000

HUGO_CONFIG = """baseURL = "https://alumni.example.org/"
title = "Réseau des anciens"
disableKinds = ["taxonomy", "term", "RSS", "sitemap"]
[imaging]
quality = 80
"""

HUGO_SINGLE = """<!DOCTYPE html><html><head><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>
"""

HUGO_LIST = """<!DOCTYPE html><html><head><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></body></html>
"""

# The same outputs as alumni's: three widths in WebP and JPEG, the original.
HUGO_RENDER_IMAGE = """{{- $img := .Page.Resources.GetMatch .Destination -}}
{{- with $img -}}
{{- $webp := slice -}}{{- $jpg := slice -}}
{{- range slice 480 960 1600 -}}
{{- $w := $img.Resize (printf "%dx webp q80" .) -}}
{{- $j := $img.Resize (printf "%dx jpg q80" .) -}}
{{- $webp = $webp | append (printf "%s %dw" $w.RelPermalink .) -}}
{{- $jpg = $jpg | append (printf "%s %dw" $j.RelPermalink .) -}}
{{- end -}}
<picture><source type="image/webp" srcset="{{ delimit $webp ", " }}">
<img src="{{ $img.RelPermalink }}" srcset="{{ delimit $jpg ", " }}" width="{{ $img.Width }}" height="{{ $img.Height }}" alt="{{ $.Text }}" loading="lazy"></picture>
{{- end -}}
"""


def photos(count, work):
    """The folder of `count` generated photos, made once."""
    folder = os.path.join(work, "photos-%d" % count)
    if not os.path.isfile(os.path.join(folder, "photo-%03d.jpg" % count)):
        subprocess.run(["cargo", "run", "--release", "--quiet", "--example", "photos", "--",
                        folder, str(count), str(WIDTH), str(HEIGHT)], check=True, cwd=ROOT)
    return folder


def page(n, with_image):
    image = "![Photo %d du réseau](photo.jpg)\n\n" % n if with_image else ""
    return ("---\ntitle: Photo %d\ndate: 2026-11-%02d\ntags: [photos]\n---\n%sUne photo de l'amphithéâtre, numéro %d.\n"
            % (n, 1 + n % 28, image, n))


def link_photo(src, dst):
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def alumni_site(path, folder, count, with_images, real=False, real_pages=0):
    """The minimal bench site (or, `real`, a copy of the repository's own
    site, or with `real_pages` the real-shape site of benches/real_site.py
    of that many pages) with `count` news bundles, each showing its photo if
    `with_images`."""
    if os.path.isdir(path):
        return path
    news = os.path.join(path, "content", "news")
    if real and real_pages:
        subprocess.run([sys.executable, os.path.join(ROOT, "benches", "real_site.py"), "--pages",
                        str(real_pages), "--out", path], check=True, stdout=subprocess.DEVNULL)
    elif real:
        for part in ("content", "themes"):
            shutil.copytree(os.path.join(ROOT, part), os.path.join(path, part))
    else:
        shutil.copytree(os.path.join(ROOT, "benches", "site"), path)
        os.makedirs(news)
        with open(os.path.join(path, "content", "_index.md"), "w") as f:
            f.write("---\ntitle: Accueil\n---\n")
        # The bench theme's menu.
        os.makedirs(os.path.join(path, "content", "_data"))
        with open(os.path.join(path, "content", "_data", "navigation.yaml"), "w") as f:
            f.write("main:\n  - { name: Actualités, url: /news/ }\n")
        with open(os.path.join(news, "_index.md"), "w") as f:
            f.write("---\ntitle: Actualités\n---\n")
    for n in range(1, count + 1):
        bundle = os.path.join(news, "photo-%03d" % n)
        os.makedirs(bundle)
        with open(os.path.join(bundle, "index.md"), "w") as f:
            f.write(page(n, with_images))
        if with_images:
            link_photo(os.path.join(folder, "photo-%03d.jpg" % n), os.path.join(bundle, "photo.jpg"))
    return path


def hugo_site(path, folder, count):
    if os.path.isdir(path):
        return path
    os.makedirs(os.path.join(path, "layouts", "_default", "_markup"))
    with open(os.path.join(path, "config.toml"), "w") as f:
        f.write(HUGO_CONFIG)
    for name, text in (("single.html", HUGO_SINGLE), ("list.html", HUGO_LIST),
                       ("_markup/render-image.html", HUGO_RENDER_IMAGE)):
        with open(os.path.join(path, "layouts", "_default", name), "w") as f:
            f.write(text)
    for n in range(1, count + 1):
        bundle = os.path.join(path, "content", "news", "photo-%03d" % n)
        os.makedirs(bundle)
        with open(os.path.join(bundle, "index.md"), "w") as f:
            f.write(page(n, True))
        link_photo(os.path.join(folder, "photo-%03d.jpg" % n), os.path.join(bundle, "photo.jpg"))
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--photos", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default="/dev/shm/alumni-image-bench" if os.path.isdir("/dev/shm")
                    else "/tmp/alumni-image-bench")
    ap.add_argument("--no-hugo", action="store_true", help="alumni's builds only")
    ap.add_argument("--pages", type=int, default=0,
                    help="the real site: benches/real_site.py's site of this many pages (default: "
                         "the repository's own site), the photo bundles added to its news")
    ap.add_argument("--real-only", action="store_true", help="only the real site's warm builds")
    args = ap.parse_args()
    if not os.path.isfile(ALUMNI):
        sys.exit("build alumni first: cargo build --release")
    os.makedirs(args.work, exist_ok=True)
    folder = photos(args.photos, args.work)
    tag = "%d" % args.photos
    ours = alumni_site(os.path.join(args.work, "alumni-" + tag), folder, args.photos, True)
    bare = alumni_site(os.path.join(args.work, "bare-" + tag), folder, args.photos, False)
    shape = "-%dp" % args.pages if args.pages else ""
    real = alumni_site(os.path.join(args.work, "real-" + tag + shape), folder, args.photos, True,
                       real=True, real_pages=args.pages)
    real_bare = alumni_site(os.path.join(args.work, "real-bare-" + tag + shape), folder, args.photos, False,
                            real=True, real_pages=args.pages)
    hugo = hugo_site(os.path.join(args.work, "hugo-" + tag), folder, args.photos) if shutil.which("hugo") and not args.no_hugo else None
    out = os.path.join(args.work, "out")

    def alumni(source):
        return [ALUMNI, "build", "--root", source, "--out", out]

    def hugo_cmd():
        return ["hugo", "--quiet", "--source", hugo, "--destination", out]

    def clear(path):
        shutil.rmtree(path, ignore_errors=True)

    def warm_up(source):
        if not os.path.isdir(os.path.join(source, ".alumni-cache")):
            subprocess.run(alumni(source), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    runs = {
        "alumni cold": (lambda: clear(os.path.join(ours, ".alumni-cache")), alumni(ours)),
        "alumni warm": (None, alumni(ours)),
        "alumni, no images": (None, alumni(bare)),
        # Their caches filled by a first build, outside the measured runs
        # (the repository's site has pictures of its own).
        "real warm": (lambda: warm_up(real), alumni(real)),
        "real, no images": (lambda: warm_up(real_bare), alumni(real_bare)),
    }
    if hugo:
        runs["hugo cold"] = (lambda: clear(os.path.join(hugo, "resources")), hugo_cmd())
        runs["hugo warm"] = (None, hugo_cmd())
    if args.real_only:
        runs = {name: run for name, run in runs.items() if name.startswith("real")}
    # Each warm build follows a build that filled its cache.
    measured = {name: [] for name in runs}
    for _ in range(args.runs):
        for name, (before, cmd) in runs.items():
            if before:
                before()
            clear(out)
            measured[name].append(measure_isolated(cmd))
            print("  %-20s %7.3f s wall, %7.3f s CPU, %6.0f MiB" % ((name,) + measured[name][-1]), flush=True)
    clear(out)
    medians = {name: [statistics.median(m[i] for m in values) for i in range(3)]
               for name, values in measured.items()}
    print("%-20s %9s %9s %11s" % ("build", "wall s", "CPU s", "peak MiB"))
    for name, (wall, cpu, rss) in medians.items():
        print("%-20s %9.3f %9.3f %11.0f" % (name, wall, cpu, rss))
    print()
    if hugo and "alumni cold" in medians:
        print("alumni cold / hugo cold: %.2f x (target at most 0.5)"
              % (medians["alumni cold"][0] / medians["hugo cold"][0]))
        print("alumni warm / hugo warm: %.2f x" % (medians["alumni warm"][0] / medians["hugo warm"][0]))
    if "alumni warm" in medians:
        print("alumni warm / no images: %.2f x (minimal pages)"
              % (medians["alumni warm"][0] / medians["alumni, no images"][0]))
    print("real warm / real, no images: %.2f x (target at most 1.1)"
          % (medians["real warm"][0] / medians["real, no images"][0]))
    if "alumni cold" in medians:
        print("alumni cold peak memory: %.0f MiB (target at most 1024)" % medians["alumni cold"][2])
    version = subprocess.run(["hugo", "version"], stdout=subprocess.PIPE, text=True).stdout.strip() if hugo else "no hugo"
    print("(medians of %d runs, %d photos of %d x %d, %d cores; %s)"
          % (args.runs, args.photos, WIDTH, HEIGHT, os.cpu_count(), version))


if __name__ == "__main__":
    main()
