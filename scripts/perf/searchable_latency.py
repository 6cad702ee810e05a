#!/usr/bin/env python3
"""Commit-to-searchable latency of the daemon's search indexing under a steady load.

Commits RATE change-log rows per second for SECONDS seconds (in batches every 100 ms, through psql),
one row of each batch a marker whose id is remembered with its commit time; polls Elasticsearch every
50 ms for the markers and prints p50/p99/max of (first seen by a search - commit) in milliseconds.

  searchable_latency.py <db url> <es url> <index prefix> <rate> <seconds>"""
import json
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

db, es, prefix, rate, seconds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
per_batch = max(1, rate // 10)
committed = {}
seen = {}
done = threading.Event()


def search(ids):
    body = json.dumps({"size": len(ids), "_source": False, "query": {"ids": {"values": ids}}}).encode()
    req = urllib.request.Request(es + "/" + prefix + "-*/_search", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return [h["_id"] for h in json.loads(r.read())["hits"]["hits"]]
    except OSError:
        return []  # a daily index just created answers 503 until its shard starts: ask again


def poll():
    while not done.is_set() or len(seen) < len(committed):
        waiting = [i for i in list(committed) if i not in seen]
        if waiting:
            now = time.time()
            for i in search(waiting[:1000]):
                seen.setdefault(i, now)
        time.sleep(0.05)
        if done.is_set() and time.time() - done_at[0] > 120:
            break


done_at = [0.0]
poller = threading.Thread(target=poll)
poller.start()
psql = subprocess.Popen(["psql", db, "-qtAX", "-v", "ON_ERROR_STOP=1"], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, text=True)
start = time.time()
batch = 0
while time.time() - start < seconds:
    marker = str(uuid.uuid4())
    psql.stdin.write(
        "INSERT INTO core.tb_entity_change_log (id, object_type, object_id, modification_type, object_data) "
        "SELECT CASE WHEN g = 1 THEN '%s'::uuid ELSE gen_random_uuid() END, 'Bench', gen_random_uuid(), 'INSERT', "
        "jsonb_build_object('n', g) FROM generate_series(1, %d) g;\n\\echo committed\n" % (marker, per_batch))
    psql.stdin.flush()
    psql.stdout.readline()  # "committed": the INSERT has returned, so its transaction is committed
    committed[marker] = time.time()
    batch += 1
    time.sleep(max(0.0, start + batch * 0.1 - time.time()))
psql.stdin.close()
psql.wait()
done_at[0] = time.time()
done.set()
poller.join()
latencies = sorted((seen[i] - committed[i]) * 1000 for i in committed if i in seen)
if not latencies:
    sys.exit("searchable_latency: no marker became searchable")
p = lambda q: latencies[min(len(latencies) - 1, int(len(latencies) * q))]
print("%d %d %.0f %.0f %.0f" % (len(committed), len(latencies), p(0.5), p(0.99), latencies[-1]))
