#!/usr/bin/env python3
"""A webhook receiver for the benchmarks: answers 200 and appends one line per request,
"<arrival epoch seconds> <path> <Idempotency-Key>", to the file given as the second argument. An
optional third argument makes every answer take that many milliseconds (a slow endpoint)."""
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, out = int(sys.argv[1]), open(sys.argv[2], "a", buffering=1)
delay = int(sys.argv[3]) / 1000 if len(sys.argv) > 3 else 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        out.write("%.6f %s %s\n" % (time.time(), self.path, self.headers.get("Idempotency-Key", "-")))
        if delay:
            time.sleep(delay)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer.request_queue_size = 1024
ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
