#!/usr/bin/env python3
"""A generated site of the repository's shape: its config, theme and content,
plus N generated pages in its collections, in French and English.

    benches/real_site.py --pages N --out DIR [--translated 0.66]

Takes the N pages of ../shared/bench/gen_corpus.py (`--flavor ours`: the same
bodies, titles, dates and tags as the minimal benchmark site) and gives each
the fields its collection declares in content/site.yaml: clubs get a
`club_kind` list, a status, a scope, a contact, faculties and regions (the
four taxonomies fill up); events a start and end in their zone, a place and
the club that organises them (calendars per club); Alter Ego episodes and
interviews their people; network steps their status. Every Alter Ego episode
and interview is translated (their translations are required) and a share
`--translated` of the others, so that both languages, the English fallback
of news and the hreflang alternates all have work. The repository's own
content (home, search page, data files, the pages the menus name) comes
along, so every feature of the theme runs: sections, pagination, taxonomies,
feeds, calendars, search index, sitemap.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# ../shared/bench beside the checkout, or beside the folder that holds it (a
# git worktree); $ALUMNI_BENCH_SHARED names it elsewhere.
SHARED = os.environ.get("ALUMNI_BENCH_SHARED") or next(
    (d for d in (os.path.join(up, "shared", "bench") for up in (os.path.dirname(ROOT),
                                                                 os.path.dirname(os.path.dirname(ROOT))))
     if os.path.isfile(os.path.join(d, "gen_corpus.py"))),
    os.path.join(os.path.dirname(ROOT), "shared", "bench"))

KINDS_FR = ["géographique", "professionnel", "thématique", "disciplinaire"]
KINDS_EN = ["geographic", "professional", "thematic", "disciplinary"]
# The corpus's six kinds of club, onto the four the collection knows.
CORPUS_KINDS = {"régional": 0, "international": 0, "professionnel": 1, "thématique": 2,
                "sportif": 2, "culturel": 3}
CLUB_STATUS = (["actif", "en construction"], ["active", "being set up"])
STEP_STATUS = (["réalisée", "en cours", "prévue"], ["done", "under way", "planned"])
FACULTIES = ["Lettres", "Médecine", "Sciences et Ingénierie"]
REPOSITORY_CLUBS = ["clubs/biotech.md", "clubs/club-des-docteurs.md"]


def yq(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def split(path):
    """(front matter as ordered (key, raw value) pairs, body) of a corpus page."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    _, front, body = text.split("---\n", 2)
    pairs = []
    for line in front.splitlines():
        key, _, value = line.partition(": ")
        pairs.append((key, value))
    return dict(pairs), body


def unquote(raw):
    return raw[1:-1].replace('\\"', '"').replace("\\\\", "\\") if raw.startswith('"') else raw


def fields_for(section, i, fm, en, last_club):
    """The collection's fields of page `i` (its front matter `fm`), in `en`glish or French."""
    lang = 1 if en else 0
    if section == "clubs":
        kind = CORPUS_KINDS.get(unquote(fm["club_kind"]), 0)
        kinds = [(KINDS_EN if en else KINDS_FR)[kind]]
        if i % 5 == 0:
            kinds.append((KINDS_EN if en else KINDS_FR)[(kind + 1) % 4])
        return [
            ("weight", str(i)),
            ("club_kind", "[" + ", ".join(kinds) + "]"),
            ("status", CLUB_STATUS[lang][i % 2]),
            ("scope", yq(("Graduates living in " if en else "Diplômés vivant à ") + unquote(fm["club_city"]))),
            ("contact", fm["club_president"]),
            ("faculty", "[" + yq(FACULTIES[i % 3]) + "]"),
            ("region", "[" + fm["club_country"] + "]"),
        ]
    if section == "events":
        start = unquote(fm["event_start"])[:16]
        end = unquote(fm["event_end"])[:16]
        club = last_club or REPOSITORY_CLUBS[i % 2]
        return [
            ("timezone", "Europe/Paris"),
            ("start", start),
            ("end", end),
            ("place", fm["event_venue"]),
            ("club", club),
            ("registration", fm["registration_url"]),
        ]
    if section == "alter-ego":
        guests = re.findall(r'"((?:[^"\\]|\\.)*)"', fm["guests"])
        return [
            ("weight", str(i)),
            ("episode", yq(fm["episode"])),
            ("graduate", yq(guests[0])),
            ("staff_member", yq(guests[1])),
            ("theme", yq(("Episode " if en else "Épisode ") + fm["episode"])),
        ]
    if section == "interviews":
        return [("interviewee", fm["interviewee"]), ("role", fm["role"])]
    if section == "network":
        return [("status", STEP_STATUS[lang][i % 3])]
    return []  # news: no collection


def page(fm, fields, en):
    title = unquote(fm["title"])
    lines = ["---", "title: " + yq(("(EN) " if en else "") + title), "date: " + fm["date"],
             "description: " + fm["description"], "tags: " + fm["tags"]]
    lines += ["%s: %s" % kv for kv in fields]
    lines.append("---")
    return "\n".join(lines) + "\n"


def generate(pages, out, translated=0.66):
    if os.path.exists(os.path.join(out, "content")):
        sys.exit("refusing to write into %s: content/ already exists" % out)
    shutil.copytree(os.path.join(ROOT, "content"), os.path.join(out, "content"))
    shutil.copytree(os.path.join(ROOT, "themes"), os.path.join(out, "themes"))
    with tempfile.TemporaryDirectory() as raw:
        subprocess.run([sys.executable, os.path.join(SHARED, "gen_corpus.py"), "--pages", str(pages),
                        "--out", raw, "--flavor", "ours"], check=True, stdout=subprocess.DEVNULL)
        files = []
        for section in sorted(os.listdir(os.path.join(raw, "content"))):
            folder = os.path.join(raw, "content", section)
            if section.startswith("_") or not os.path.isdir(folder):
                continue
            files += [(section, f) for f in os.listdir(folder) if f.endswith(".md") and f != "_index.md"]
        # The corpus numbers its pages in their slugs (`clubs-000042-...`).
        files.sort(key=lambda sf: int(re.search(r"-(\d{6})-", sf[1]).group(1)))
        last_club = None
        for section, name in files:
            i = int(re.search(r"-(\d{6})-", name).group(1))
            fm, body = split(os.path.join(raw, "content", section, name))
            stem = name[:-3]
            target = os.path.join(out, "content", section)
            required = section in ("alter-ego", "interviews") and translated > 0
            both = required or (i * 0.618) % 1 < translated
            for en in (False, True) if both else (False,):
                fields = fields_for(section, i, fm, en, last_club)
                with open(os.path.join(target, stem + (".en.md" if en else ".md")), "w", encoding="utf-8") as f:
                    f.write(page(fm, fields, en) + "\n" + body)
            if section == "clubs":
                last_club = "clubs/%s.md" % stem
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--translated", type=float, default=0.66,
                    help="share of clubs, events, news and network pages with an English version "
                         "(0: none at all, the site in French only, page for page the minimal site's work)")
    args = ap.parse_args()
    generate(args.pages, args.out, args.translated)


if __name__ == "__main__":
    main()
