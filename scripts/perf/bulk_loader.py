#!/usr/bin/env python3
"""The node's own ceiling for the search benchmark: N event documents shaped like the daemon's, sent as
bulk `create`s of BULK documents by THREADS client threads into <prefix>-yyyy.MM.dd, with the daemon's
template copied under the loader's prefix. Prints the documents per second from the first request to
the last acknowledgement. With <warm> (default 0), that many documents go into the same index first,
unmeasured, as the daemon's warm-up pass does: the measured documents then meet an index (and Lucene
buffers) in the state the daemon's measured pass met.

  bulk_loader.py <es url> <template prefix> <loader prefix> <n> <bulk> <threads> [<warm>]"""
import json
import queue
import sys
import threading
import time
import urllib.request
import uuid

url, template_prefix, prefix, n, bulk, threads = sys.argv[1], sys.argv[2], sys.argv[3], *map(int, sys.argv[4:7])
warm = int(sys.argv[7]) if len(sys.argv) > 7 else 0


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


def bodies(count):
    work = queue.Queue()
    for start in range(0, count, bulk):
        work.put(body(start, min(count, start + bulk)))
    return work


def body(first, end):
    lines = []
    for i in range(first, end):
        doc_id = str(uuid.uuid4())
        lines.append(json.dumps({"create": {"_index": prefix + "-" + day, "_id": doc_id}}))
        lines.append(json.dumps({"id": doc_id, "event_type": "INSERT", "entity_type": "Bench",
                                 "entity_id": str(uuid.uuid4()), "data": {"n": i, "title": "post %d" % i},
                                 "changes": None, "user_id": None, "tenant_id": None, "timestamp": stamp,
                                 "trace_id": None, "pk": i, "modification_type": "INSERT"}))
    return ("\n".join(lines) + "\n").encode()


errors = []


def worker(work):
    while True:
        try:
            body = work.get_nowait()
        except queue.Empty:
            return
        answer = call("POST", "/_bulk", body, ndjson=True)
        if answer.get("errors"):
            errors.append(answer)


def load(work):
    pool = [threading.Thread(target=worker, args=(work,)) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()


if warm:
    load(bodies(warm))
measured = bodies(n)
begin = time.time()
load(measured)
elapsed = time.time() - begin
if errors:
    sys.exit("bulk_loader: %d bulk(s) had item errors" % len(errors))
print("%.0f" % (n / elapsed))
