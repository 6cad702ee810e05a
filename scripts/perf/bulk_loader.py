#!/usr/bin/env python3
"""The node's own ceiling for the search benchmark: N event documents shaped like the daemon's, sent as
bulk `create`s of BULK documents by THREADS client threads into <prefix>-yyyy.MM.dd, with the daemon's
template copied under the loader's prefix. Prints the documents per second from the first request to
the last acknowledgement.

  bulk_loader.py <es url> <template prefix> <loader prefix> <n> <bulk> <threads>"""
import json
import queue
import sys
import threading
import time
import urllib.request
import uuid

url, template_prefix, prefix, n, bulk, threads = sys.argv[1], sys.argv[2], sys.argv[3], *map(int, sys.argv[4:7])


def call(method, path, body=None, ndjson=False):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    req = urllib.request.Request(url + path, data=data, method=method, headers={
        "Content-Type": "application/x-ndjson" if ndjson else "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read() or b"{}")


template = call("GET", "/_index_template/" + template_prefix + "-events")["index_templates"][0]["index_template"]
template["index_patterns"] = [prefix + "-*"]
template.pop("composed_of", None)
call("PUT", "/_index_template/" + prefix + "-events", template)

day = time.strftime("%Y.%m.%d", time.gmtime())
stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
work = queue.Queue()
for start in range(0, n, bulk):
    lines = []
    for i in range(start, min(n, start + bulk)):
        doc_id = str(uuid.uuid4())
        lines.append(json.dumps({"create": {"_index": prefix + "-" + day, "_id": doc_id}}))
        lines.append(json.dumps({"id": doc_id, "event_type": "INSERT", "entity_type": "Bench",
                                 "entity_id": str(uuid.uuid4()), "data": {"n": i, "title": "post %d" % i},
                                 "changes": None, "user_id": None, "tenant_id": None, "timestamp": stamp,
                                 "trace_id": None, "pk": i, "modification_type": "INSERT"}))
    work.put(("\n".join(lines) + "\n").encode())

errors = []


def worker():
    while True:
        try:
            body = work.get_nowait()
        except queue.Empty:
            return
        answer = call("POST", "/_bulk", body, ndjson=True)
        if answer.get("errors"):
            errors.append(answer)


begin = time.time()
pool = [threading.Thread(target=worker) for _ in range(threads)]
for t in pool:
    t.start()
for t in pool:
    t.join()
elapsed = time.time() - begin
if errors:
    sys.exit("bulk_loader: %d bulk(s) had item errors" % len(errors))
print("%.0f" % (n / elapsed))
