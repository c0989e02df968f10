#!/usr/bin/python3
"""Concurrent clients against a running secretstage-server (issue 6, item 4); run it through
tests/clients/with_server.sh, which starts the server with --commit-log.

8 threads, each on its own keep-alive connection, send PutSecretValue / UpdateSecretVersionStage /
GetSecretValue on the same 3 secrets for a bounded time (CONCURRENCY_SECONDS, default 5).
Afterwards:
  - every successful mutating request appears exactly once in the server's commit log, whose
    sequence numbers run 1..N without a gap, and nothing else does;
  - every version a successful PutSecretValue reported exists;
  - the invariants hold as a client sees them: each label on exactly one version, AWSCURRENT on
    one version of each secret, AWSPREVIOUS never next to AWSCURRENT;
  - the final store equals the one secretstage-replay (SECRETSTAGE_REPLAY) builds from the
    successful mutating requests in commit order: same versions, same labels, same values."""

import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.parse

endpoint = urllib.parse.urlparse(os.environ["SECRETSTAGE_ENDPOINT"])
commit_log = os.environ["STORY_COMMIT_LOG"]
replay = os.environ["SECRETSTAGE_REPLAY"]
seconds = float(os.environ.get("CONCURRENCY_SECONDS", "5"))
THREADS = 8
SECRETS = ["c/alpha", "c/beta", "c/gamma"]
LABELS = ["AWSCURRENT", "AWSPENDING", "blue", "green"]
failures = []


def fail(what, detail=""):
    failures.append(what)
    print("FAIL:", what, detail, file=sys.stderr)


class Client:
    def __init__(self):
        self.conn = http.client.HTTPConnection(endpoint.hostname, endpoint.port, timeout=30)

    def call(self, operation, request):
        # No retry: a dropped connection is a failure of the server, not something to paper over.
        self.conn.request("POST", "/", body=json.dumps(request), headers={
            "X-Amz-Target": "secretsmanager." + operation,
            "Content-Type": "application/x-amz-json-1.1"})
        response = self.conn.getresponse()
        raw = response.read()
        return response.status, json.loads(raw), response.getheader("x-amzn-RequestId")


def token(thread, n):
    return "%08x-%04x-4000-8000-%012x" % (thread, n % 0xFFFF, n)


setup = []  # (operation, request): replayed first
main = Client()
for i, name in enumerate(SECRETS):
    request = {"Name": name, "SecretString": f"{name}-0", "ClientRequestToken": token(0xFFFF, i)}
    status, body, _ = main.call("CreateSecret", request)
    if status != 200:
        sys.exit(f"setup failed: {status} {body}")
    setup.append(("CreateSecret", request))

successes = []  # (request id, operation, request, response) of every successful request
known_versions = {name: [token(0xFFFF, i)] for i, name in enumerate(SECRETS)}
lock = threading.Lock()
deadline = time.monotonic() + seconds
counts = {"ok": 0, "error": 0}


def worker(thread):
    rng = random.Random(thread)
    client = Client()
    n = 0
    while time.monotonic() < deadline:
        name = rng.choice(SECRETS)
        roll = rng.random()
        with lock:
            versions = list(known_versions[name])
        if roll < 0.4:
            n += 1
            operation = "PutSecretValue"
            request = {"SecretId": name, "ClientRequestToken": token(thread, n),
                       "SecretString": f"value-{thread}-{n}"}
            stages = rng.choice([None, ["AWSCURRENT"], ["AWSPENDING"], ["blue", "green"], ["green"]])
            if stages is not None:
                request["VersionStages"] = stages
        elif roll < 0.75:
            operation = "UpdateSecretVersionStage"
            request = {"SecretId": name, "VersionStage": rng.choice(LABELS)}
            if rng.random() < 0.9:
                request["MoveToVersionId"] = rng.choice(versions)
            if rng.random() < 0.7:
                request["RemoveFromVersionId"] = rng.choice(versions)
        else:
            operation = "GetSecretValue"
            request = {"SecretId": name, "VersionStage": rng.choice(["AWSCURRENT", "AWSPREVIOUS"])}
        try:
            status, body, request_id = client.call(operation, request)
        except Exception as e:  # noqa: BLE001 — any transport failure fails the test
            fail(f"{operation}: the server answered", repr(e))
            return
        if status >= 500:
            fail(f"{operation} answered {status}", repr(body))
        with lock:
            if status == 200:
                counts["ok"] += 1
                successes.append((request_id, operation, request, body))
                if operation == "PutSecretValue":
                    known_versions[name].append(body["VersionId"])
            else:
                counts["error"] += 1


threads = [threading.Thread(target=worker, args=(t + 1,)) for t in range(THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"concurrency: {counts['ok']} successful and {counts['error']} refused requests from {THREADS} threads "
      f"in {seconds:g} s")
if counts["ok"] < 100:
    fail("enough requests succeeded to make the test meaningful", repr(counts))

# ---- the commit log ----------------------------------------------------------------------------

with open(commit_log) as f:
    commits = [json.loads(line) for line in f if line.strip()]
sequence = [c["seq"] for c in commits]
if sequence != list(range(1, len(commits) + 1)):
    fail("commit sequence numbers run 1..N without a gap", repr(sequence[:20]))
mutating = {rid: (op, req, resp) for rid, op, req, resp in successes if op != "GetSecretValue"}
logged = [c["request_id"] for c in commits][len(SECRETS):]  # the setup's creates come first
if sorted(logged) != sorted(mutating):
    fail("the commit log holds exactly the successful mutating requests",
         f"{len(logged)} logged, {len(mutating)} successful")
if len(set(logged)) != len(logged):
    fail("no request is committed twice")

# ---- the final store, as a client sees it ------------------------------------------------------

main = Client()  # the first one sat idle past the server's keep-alive timeout

final = {}
for name in SECRETS:
    status, listed, _ = main.call("ListSecretVersionIds", {"SecretId": name, "IncludeDeprecated": True})
    if status != 200:
        fail(f"ListSecretVersionIds {name}", repr(listed))
        continue
    stages = {v["VersionId"]: sorted(v.get("VersionStages", [])) for v in listed["Versions"]}
    values = {}
    for version in stages:
        status, got, _ = main.call("GetSecretValue", {"SecretId": name, "VersionId": version})
        values[version] = got.get("SecretString") if status == 200 else None
    final[name] = {"stages": stages, "values": values}

    for version in known_versions[name]:
        if version not in stages:
            fail(f"{name}: version {version} reported by a successful PutSecretValue exists")
    holders = {}
    for version, labels in stages.items():
        for label in labels:
            holders.setdefault(label, []).append(version)
    for label, versions in holders.items():
        if len(versions) != 1:
            fail(f"{name}: {label} is on exactly one version", repr(versions))
    if len(holders.get("AWSCURRENT", [])) != 1:
        fail(f"{name}: AWSCURRENT is on one version", repr(holders.get("AWSCURRENT")))
    elif holders.get("AWSPREVIOUS") == holders["AWSCURRENT"]:
        fail(f"{name}: AWSPREVIOUS is not on the AWSCURRENT version")

# ---- replayed in commit order --------------------------------------------------------------------

lines = [json.dumps({"action": op, "request": req}) for op, req in setup]
lines += [json.dumps({"action": mutating[rid][0], "request": mutating[rid][1]}) for rid in logged if rid in mutating]
reads = []
for name in SECRETS:
    reads.append(("list", name, None))
    lines.append(json.dumps({"action": "ListSecretVersionIds",
                             "request": {"SecretId": name, "IncludeDeprecated": True}}))
    for version in final.get(name, {}).get("stages", {}):
        reads.append(("get", name, version))
        lines.append(json.dumps({"action": "GetSecretValue", "request": {"SecretId": name, "VersionId": version}}))
out = subprocess.run([replay], input="\n".join(lines) + "\n", capture_output=True, text=True, check=False)
if out.returncode != 0:
    fail("secretstage-replay ran", out.stderr[-2000:])
results = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
if len(results) != len(lines):
    fail("secretstage-replay answered every line", f"{len(results)} of {len(lines)}")
else:
    replayed_writes = results[:len(lines) - len(reads)]
    refused = [r for r in replayed_writes if "ok" not in r]
    if refused:
        fail("every committed request succeeds again when replayed in commit order", repr(refused[:3]))
    replayed = {}
    for (kind, name, version), result in zip(reads, results[len(lines) - len(reads):]):
        entry = replayed.setdefault(name, {"stages": {}, "values": {}})
        if kind == "list" and "ok" in result:
            entry["stages"] = {v["VersionId"]: sorted(v.get("VersionStages", []))
                               for v in result["ok"]["Versions"]}
        elif kind == "get":
            entry["values"][version] = result.get("ok", {}).get("SecretString")
    if replayed != final:
        fail("the final store equals the replay of the committed requests in commit order",
             json.dumps({"server": final, "replay": replayed})[:3000])

print(f"concurrency: {len(commits)} commits checked, {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
