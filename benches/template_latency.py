#!/usr/bin/env python3
"""Template-edit-to-served latency of a dev server (standard library only).

    template_latency.py --url URL --template FILE [--edits N] [--timeout S] -- SERVER COMMAND...

Starts the server, waits for URL to answer 200, then N times gives the
template's first `<article>` a unique attribute (not a comment: Go's
html/template drops comments) and polls URL until the page shows it. Prints each latency and the median, restores the template and
stops the server. Loopback URLs only.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, b""
    except OSError:
        return None, b""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--template", required=True)
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if urllib.parse.urlparse(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("loopback URLs only")
    with open(args.template, encoding="utf-8") as f:
        original = f.read()
    if "<article>" not in original:
        sys.exit("no <article> in " + args.template)
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              stdin=subprocess.DEVNULL, start_new_session=True)
    latencies = []
    try:
        started = time.monotonic()
        while get(args.url)[0] != 200:
            if server.poll() is not None or time.monotonic() - started > 600:
                sys.exit("the server did not start")
            time.sleep(0.05)
        time.sleep(2)
        for k in range(args.edits):
            marker = "tmplmarker%d%x" % (k, int(time.time() * 1000) & 0xFFFFFF)
            edited = original.replace("<article>", '<article data-edit="%s">' % marker, 1)
            t0 = time.monotonic()
            with open(args.template, "w", encoding="utf-8") as f:
                f.write(edited)
            latency = None
            while time.monotonic() - t0 < args.timeout:
                status, body = get(args.url)
                if status == 200 and marker.encode() in body:
                    latency = time.monotonic() - t0
                    break
                time.sleep(0.005)
            latencies.append(latency)
            print("edit %d: %s" % (k + 1, "%.3f s" % latency if latency is not None else "TIMEOUT"), flush=True)
            time.sleep(1)
    finally:
        with open(args.template, "w", encoding="utf-8") as f:
            f.write(original)
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGINT)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
    done = [x for x in latencies if x is not None]
    if done:
        print("template latency_s min %.3f median %.3f max %.3f (n=%d, timeouts %d)" % (
            min(done), statistics.median(done), max(done), len(done), len(latencies) - len(done)))


if __name__ == "__main__":
    main()
