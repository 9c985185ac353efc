"""Serves the dashboard fixture: `/` is the page from DashboardPage.swift, API paths map to <path>.json here.

Usage: python3 Tests/Fixtures/dashboard/serve.py PORT [FIXTURE_DIR]
"""
import http.server, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else HERE
SWIFT = os.path.join(HERE, "..", "..", "..", "Sources", "PlaygroundServer", "DashboardPage.swift")

def page():
    text = open(SWIFT, encoding="utf-8").read()
    return text.split('#"""\n', 1)[1].rsplit('\n"""#', 1)[0].encode("utf-8")

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/":
            body, kind = page(), "text/html; charset=utf-8"
        else:
            file = os.path.normpath(os.path.join(ROOT, path.lstrip("/") + ".json"))
            if not file.startswith(ROOT + os.sep) or not os.path.isfile(file):
                self.send_error(404)
                return
            body, kind = open(file, "rb").read(), "application/json"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
