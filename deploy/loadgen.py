#!/usr/bin/env python3
"""deploy/loadgen.py: a steady mixed read/write load for deploy/chaos (standard library only).

Usage: loadgen.py BASE_URL SECONDS THREADS  (admin credentials in FRONTDESK_SMOKE_ADMIN_EMAIL/_PASSWORD)

Each thread alternates POST /api/v1/users (a write: a new user) and GET /api/v1/users/me (a read)
as an admin. Prints one JSON object: counts by kind and status, and the ids of every user whose
creation was answered 201, so the caller can check each one is in the database.
"""
import json, os, sys, threading, time, urllib.error, urllib.request, uuid

base, seconds, threads = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])


def call(method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None
    except Exception:
        return 0, None  # connection reset or timeout: counted as status 0


status, body = call("POST", "/api/v1/auth/login", {"email": os.environ["FRONTDESK_SMOKE_ADMIN_EMAIL"],
                                                  "password": os.environ["FRONTDESK_SMOKE_ADMIN_PASSWORD"]})
if status != 200:
    sys.exit(f"loadgen: admin login failed with {status}")
token = body["access_token"]
counts, created, lock = {}, [], threading.Lock()
deadline = time.monotonic() + seconds


def worker():
    while time.monotonic() < deadline:
        email = f"load-{uuid.uuid4().hex[:16]}@example.com"
        status, body = call("POST", "/api/v1/users", {"email": email, "name": "Load", "password": "load test password"}, token)
        read_status, _ = call("GET", "/api/v1/users/me", token=token)
        with lock:
            counts[f"write {status}"] = counts.get(f"write {status}", 0) + 1
            counts[f"read {read_status}"] = counts.get(f"read {read_status}", 0) + 1
            if status == 201:
                created.append(body["id"])


pool = [threading.Thread(target=worker) for _ in range(threads)]
for thread in pool:
    thread.start()
for thread in pool:
    thread.join()
print(json.dumps({"counts": counts, "created": created}))
