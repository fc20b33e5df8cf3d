#!/usr/bin/env python3
"""Serves a built site the way a CDN does, on 127.0.0.1, for link checkers.

    static_server.py DIR PORT

`/path/` is `DIR/path/index.html`; `/path` where `path` is a folder
redirects to `/path/`; anything else missing is a 404 with `DIR/404.html`
as its body. Folders are never listed, so a missing `index.html` shows as
a 404 instead of a listing. Every response carries a `LinkChecker` header:
LinkChecker only lifts its request rate limit for servers that send it.
"""

import http.server
import os
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("LinkChecker", "allowed")
        super().end_headers()

    def list_directory(self, path):
        self.send_error(404)
        return None

    def send_error(self, code, message=None, explain=None):
        page = os.path.join(self.directory, "404.html")
        if code != 404 or not os.path.isfile(page):
            super().send_error(code, message, explain)
            return
        with open(page, "rb") as f:
            body = f.read()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args):
        pass


def main():
    directory, port = sys.argv[1], int(sys.argv[2])
    handler = lambda *a, **k: Handler(*a, directory=directory, **k)
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        server.serve_forever()


if __name__ == "__main__":
    main()
