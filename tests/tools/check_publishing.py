#!/usr/bin/env python3
"""Checks a built site's feeds and sitemap with third-party parsers.

    check_publishing.py PUBLIC_DIR

Every `.ics` file must parse with icalendar, each VEVENT with a UID,
DTSTART, DTSTAMP and SUMMARY, and lines no longer than 75 octets ending in
CRLF. Every `atom.xml` must parse with feedparser without error (bozo false) and
hold entries with a title, a link and a date; every URL of `sitemap.xml`
must be a file of the output. Prints one line per feed and a closing line
`N passed, M failed`; exits 1 on any failure.
"""

import os
import sys
import urllib.parse
import xml.etree.ElementTree as ET

import feedparser
import icalendar


def main():
    public = sys.argv[1]
    passed = failed = 0

    def report(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
        print(("ok      " if ok else "FAILED  ") + what)

    for folder, _, files in sorted(os.walk(public)):
        for name in sorted(files):
            if name != "atom.xml":
                continue
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                feed = feedparser.parse(f.read())
            entries_ok = all(e.get("title") and e.get("link") and e.get("updated") for e in feed.entries)
            report(not feed.bozo and len(feed.entries) > 0 and entries_ok,
                   "%s: %d entries%s" % (os.path.relpath(path, public), len(feed.entries),
                                         ", bozo: %s" % feed.get("bozo_exception") if feed.bozo else ""))

    for folder, _, files in sorted(os.walk(public)):
        for name in sorted(files):
            if not name.endswith(".ics"):
                continue
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                raw = f.read()
            problems = []
            try:
                cal = icalendar.Calendar.from_ical(raw)
                events = cal.walk("VEVENT")
                for event in events:
                    for prop in ("UID", "DTSTART", "DTSTAMP", "SUMMARY"):
                        if event.get(prop) is None:
                            problems.append("VEVENT without " + prop)
                if not events:
                    problems.append("no VEVENT")
            except ValueError as e:
                problems.append(str(e))
            lines = raw.split(b"\r\n")
            if lines[-1] != b"" or any(b"\n" in l for l in lines):
                problems.append("lines do not all end with CRLF")
            if any(len(l) > 75 for l in lines):
                problems.append("a line is longer than 75 octets")
            report(not problems, "%s: %s" % (os.path.relpath(path, public), "; ".join(problems) or "ok"))

    tree = ET.parse(os.path.join(public, "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [el.text for el in tree.getroot().findall("s:url/s:loc", ns)]
    missing = []
    for loc in locs:
        rel = urllib.parse.unquote(urllib.parse.urlparse(loc).path)
        # The site may live below a path of its host: try every suffix of the URL's path.
        parts = rel.strip("/").split("/")
        candidates = ["/".join(parts[i:]) for i in range(len(parts) + 1)]
        found = False
        for c in candidates:
            target = os.path.join(public, c)
            if rel.endswith("/"):
                target = os.path.join(target, "index.html")
            if os.path.isfile(target):
                found = True
                break
        if not found:
            missing.append(loc)
    report(not missing and len(locs) > 0, "sitemap.xml: %d URLs, %d not in the output%s" % (
        len(locs), len(missing), (": " + ", ".join(missing[:5])) if missing else ""))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
