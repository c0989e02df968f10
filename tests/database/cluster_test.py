#!/usr/bin/python3
"""secretstage-server --database on a throwaway PostgreSQL 15 cluster (issue 17).

    cluster_test.py SERVER [SUITE]    SUITE: load (default), restart, background, migration,
                                      leases

Every suite starts its own cluster (tests/rotation/pg_cluster.py: initdb as a non-root user, a
free port, password authentication) and its own servers; the password reaches the servers in
PGPASSWORD, never on a command line.

load: three servers on one database; 8 client threads spread across them do PutSecretValue
  (each with its own ClientRequestToken and value) and UpdateSecretVersionStage (moving the
  label `hot` from the version that holds it to a version nobody moved it to before) on three
  hot secrets. Midway one server is SIGKILLed and another started on the same database. Checks:
  every acknowledged PutSecretValue is there with its value; the acknowledged moves of `hot` form
  one chain from its first version (a lost update shows as two moves out of one version, or a
  move missing from the chain) and the chain ends where `hot` is; every label on one version,
  AWSCURRENT on one; every server gives the same answers; the conflict counters show retries.
restart: the same load on two servers while the database is stopped and started again: during
  the outage requests get 500 InternalServiceError; after it they succeed again; every
  acknowledged write is there, a write answered 500 is there whole or not at all.
background: servers whose clock runs ahead (SECRETSTAGE_TEST_CLOCK_OFFSET_MS) find a scheduled
  rotation (built-in function) and a purge due for secrets no request touches: their sweeps do
  each, exactly once between two servers.
migration: a database whose schema version is newer than the server's is refused with a message
  naming both versions; a second server on a migrated database starts; a database at version 1
  holding a secret gets migration 2 (the rotation step lease columns) alone and keeps its secret.
leases: rotation steps of an invoked function (exec:, tests/database/lease_rotation.py) are
  owned through a lease on the secret's row: two servers compete for every step of four
  rotations and each step runs exactly once, never overlapping another invocation of its
  secret; a server SIGKILLed while its setSecret hangs leaves the step to the other, which
  invokes it again once the lease expires (not before) and completes the rotation exactly once
  (AWSCURRENT on the new version, AWSPREVIOUS on the old, no AWSPENDING, no lease left).
"""

import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "rotation"))
import pg_cluster  # noqa: E402

SERVER = sys.argv[1]
SUITE = sys.argv[2] if len(sys.argv) > 2 else "load"
SECRETS = ["hot/alpha", "hot/beta", "hot/gamma"]
failures = []


def fail(what):
    failures.append(what)
    print("FAIL:", what, file=sys.stderr, flush=True)


def check(condition, what):
    if not condition:
        fail(what)
    return condition


class Server:
    def __init__(self, pg, database="postgres", extra=(), clock_offset_ms=0):
        env = dict(os.environ)
        env["PGPASSWORD"] = pg.password
        env["SECRETSTAGE_TEST_CLOCK_OFFSET_MS"] = str(clock_offset_ms)
        uri = "postgresql://%s@%s:%d/%s" % (pg.superuser, pg.host, pg.port, database)
        self.log = open(os.path.join(pg.directory, "server-%s.log" % uuid.uuid4().hex[:8]), "w+")
        self.process = subprocess.Popen(
            [SERVER, "--database", uri] + list(extra), stdout=subprocess.PIPE,
            stderr=self.log, env=env, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("listening on http://"):
            self.process.wait(10)
            self.log.seek(0)
            raise RuntimeError("server did not start: %r %s" % (line, self.log.read()[-2000:]))
        self.host, port = line.split("//")[1].strip().rsplit(":", 1)
        self.port = int(port)

    def stop(self, sig=signal.SIGTERM):
        """Stops the server; a server that ends other than with status 0 on SIGTERM (a
        sanitizer's report, a crash) is a failure. Its log."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(30)
            check(self.process.returncode == 0 or sig != signal.SIGTERM,
                  "a server stopped with status %d" % self.process.returncode)
        self.log.flush()
        self.log.seek(0)
        log = self.log.read()
        check("Sanitizer" not in log, "a sanitizer report: " + log[-3000:])
        return log


class Client:
    def __init__(self, server):
        self.server = server
        self.conn = None

    def call(self, operation, request):
        """(status, body) or (None, None) when the server is unreachable."""
        for _ in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.server.host, self.server.port,
                                                           timeout=30)
                self.conn.request("POST", "/", body=json.dumps(request), headers={
                    "X-Amz-Target": "secretsmanager." + operation,
                    "Content-Type": "application/x-amz-json-1.1"})
                response = self.conn.getresponse()
                return response.status, json.loads(response.read() or b"{}")
            except (OSError, http.client.HTTPException):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if operation not in ("DescribeSecret", "ListSecretVersionIds", "GetSecretValue"):
                    return None, None  # a write may or may not have happened: not retried
        return None, None


def error_type(body):
    return (body or {}).get("__type", "").split("#")[-1]


class Load:
    """Writers on the hot secrets; what was acknowledged, and what got no answer or a 500."""

    def __init__(self, servers):
        self.servers = list(servers)
        self.lock = threading.Lock()
        self.puts = {}         # token -> (secret, value), acknowledged
        self.unsure = {}       # token -> (secret, value), answered 500 or not at all
        self.moves = {s: [] for s in SECRETS}  # acknowledged (from, to)
        self.unsure_moves = {s: [] for s in SECRETS}  # answered 500 or not at all
        self.targets = set()   # versions ever named as a move's target
        self.statuses = {}
        self.stop = threading.Event()
        self.puts_per_secret = {s: 0 for s in SECRETS}

    def count(self, key):
        with self.lock:
            self.statuses[key] = self.statuses.get(key, 0) + 1

    def worker(self, n):
        rng = random.Random(n)
        k = 0
        client = None
        while not self.stop.is_set():
            with self.lock:
                alive = [s for s in self.servers if s.process.poll() is None]
            server = alive[(n + k) % len(alive)]
            if client is None or client.server is not server:
                client = Client(server)
            k += 1
            secret = rng.choice(SECRETS)
            with self.lock:
                room = self.puts_per_secret[secret] < 85  # under the 100 versions kept
                if room:
                    self.puts_per_secret[secret] += 1
            if room and rng.random() < 0.6:
                token = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                value = "w%d-%d-%s" % (n, k, token[:8])
                status, body = client.call("PutSecretValue", {
                    "SecretId": secret, "ClientRequestToken": token, "SecretString": value})
                self.count((status, error_type(body)))
                with self.lock:
                    if status == 200:
                        check(body.get("VersionId") == token, "PutSecretValue answered %r" % body)
                        self.puts[token] = (secret, value)
                    else:
                        if status not in (None, 500):
                            fail("PutSecretValue got %s %r" % (status, body))
                        elif status == 500 and error_type(body) != "InternalServiceError":
                            fail("a 500 that is not InternalServiceError: %r" % body)
                        self.unsure[token] = (secret, value)
                continue
            # Move `hot` from its holder to a version nobody moved it to before.
            status, body = client.call("DescribeSecret", {"SecretId": secret})
            self.count(("describe", status))
            if status != 200:
                continue
            stages = body.get("VersionIdsToStages", {})
            holder = [v for v, labels in stages.items() if "hot" in labels]
            with self.lock:
                fresh = [v for v in stages if v not in self.targets and v not in holder]
                if not holder or not fresh:
                    continue
                target = rng.choice(fresh)
                self.targets.add(target)
            status, body = client.call("UpdateSecretVersionStage", {
                "SecretId": secret, "VersionStage": "hot", "MoveToVersionId": target,
                "RemoveFromVersionId": holder[0]})
            self.count(("move", status, error_type(body)))
            if status == 200:
                with self.lock:
                    self.moves[secret].append((holder[0], target))
            elif status == 400 and error_type(body) == "InvalidParameterException":
                pass  # another writer moved `hot` first: the model refuses a stale source
            elif status in (None, 500):
                with self.lock:
                    self.unsure_moves[secret].append((holder[0], target))
            else:
                fail("UpdateSecretVersionStage got %s %r" % (status, body))

    def run(self, threads, seconds, midway=None):
        workers = [threading.Thread(target=self.worker, args=(n,)) for n in range(threads)]
        for w in workers:
            w.start()
        time.sleep(seconds / 2)
        if midway:
            midway(self)
        time.sleep(seconds / 2)
        self.stop.set()
        for w in workers:
            w.join()


def setup(server):
    client = Client(server)
    firsts = {}
    for secret in SECRETS:
        token = str(uuid.uuid4())
        status, body = client.call("CreateSecret", {
            "Name": secret, "ClientRequestToken": token, "SecretString": "first"})
        check(status == 200, "CreateSecret %s: %s %r" % (secret, status, body))
        status, body = client.call("UpdateSecretVersionStage", {
            "SecretId": secret, "VersionStage": "hot", "MoveToVersionId": token})
        check(status == 200, "hot on %s: %s %r" % (secret, status, body))
        firsts[secret] = token
    # The name is taken, across servers: the database's unique key and the model agree.
    return firsts


def versions(client, secret):
    out, token = {}, None
    while True:
        request = {"SecretId": secret, "IncludeDeprecated": True, "MaxResults": 100}
        if token:
            request["NextToken"] = token
        status, body = client.call("ListSecretVersionIds", request)
        if not check(status == 200, "ListSecretVersionIds %s: %s %r" % (secret, status, body)):
            return out
        for v in body["Versions"]:
            out[v["VersionId"]] = sorted(v.get("VersionStages", []))
        token = body.get("NextToken")
        if not token:
            return out


def verify(load, servers, firsts):
    clients = [Client(s) for s in servers]
    views = []
    for c in clients:
        view = {s: versions(c, s) for s in SECRETS}
        status, listed = c.call("ListSecrets", {"MaxResults": 100})
        check(status == 200, "ListSecrets: %s" % status)
        view["list"] = sorted((e["Name"], e["ARN"]) for e in listed.get("SecretList", []))
        views.append(view)
    for i, v in enumerate(views[1:], 1):
        check(v == views[0], "server %d answers differently from server 0" % i)
    view = views[0]
    check([n for n, _ in view["list"]] == sorted(SECRETS), "ListSecrets: %r" % view["list"])
    for secret in SECRETS:
        stages = view[secret]
        for label in ("AWSCURRENT", "hot"):
            holders = [v for v, labels in stages.items() if label in labels]
            check(len(holders) == 1, "%s: %s on %r" % (secret, label, holders))
        # The chain of `hot`: from its first version, each acknowledged move leaves where the
        # previous one arrived; every target is used once, so the chain is unique.
        moves = dict()
        for source, target in load.moves[secret]:
            check(source not in moves, "%s: two moves of hot out of %s (a lost update)"
                  % (secret, source))
            moves[source] = target
        # A move that got no answer or a 500 may have happened: it may link the chain, once.
        unsure = {}
        for source, target in load.unsure_moves[secret]:
            unsure.setdefault(source, []).append(target)
        holder = [v for v, labels in stages.items() if "hot" in labels]
        at, steps = firsts[secret], 0
        while True:
            if at in moves:
                at = moves.pop(at)
                steps += 1
                continue
            onward = [t for t in unsure.pop(at, []) if t in moves or t in holder]
            if not onward:
                break
            at = onward[0]
        check(not moves, "%s: moves not on the chain: %r" % (secret, moves))
        check(holder == [at], "%s: hot is on %r, the chain ends at %s" % (secret, holder, at))
        print("%s: %d versions, hot moved %d times" % (secret, len(stages), steps))
    client = clients[0]
    for token, (secret, value) in load.puts.items():
        status, body = client.call("GetSecretValue", {"SecretId": secret, "VersionId": token})
        check(status == 200 and body.get("SecretString") == value,
              "acknowledged %s of %s: %s %r" % (token, secret, status, body.get("SecretString")))
    whole = 0
    for token, (secret, value) in load.unsure.items():
        status, body = client.call("GetSecretValue", {"SecretId": secret, "VersionId": token})
        if status == 200:
            whole += 1
            check(body.get("SecretString") == value, "unanswered %s has another value" % token)
        else:
            check(error_type(body) == "ResourceNotFoundException",
                  "unanswered %s: %s %r" % (token, status, body))
    print("acknowledged puts: %d, unanswered: %d (%d applied whole)"
          % (len(load.puts), len(load.unsure), whole))


def counters(log):
    for line in log.splitlines():
        if "database:" in line and "requests" in line:
            return line
    return ""


def suite_load(pg):
    servers = [Server(pg) for _ in range(3)]
    firsts = setup(servers[0])
    status, body = Client(servers[1]).call("CreateSecret", {
        "Name": SECRETS[0], "ClientRequestToken": str(uuid.uuid4()), "SecretString": "x"})
    check(status == 400 and error_type(body) == "ResourceExistsException",
          "CreateSecret of a taken name on another server: %s %r" % (status, body))
    load = Load(servers)
    load.targets.update(firsts.values())  # where `hot` starts is never a target

    def kill_one(load):
        victim = servers[2]
        victim.process.kill()
        victim.process.wait()
        with load.lock:
            load.servers.remove(victim)
            replacement = Server(pg)
            load.servers.append(replacement)
            servers.append(replacement)
        print("killed a server mid-load and started another", flush=True)

    load.run(threads=8, seconds=float(os.environ.get("DATABASE_TEST_SECONDS", "8")),
             midway=kill_one)
    print("statuses:", sorted(load.statuses.items(), key=str))
    live = [s for s in servers if s.process.poll() is None]
    verify(load, live, firsts)
    moves = sum(len(m) for m in load.moves.values())
    check(moves > 3 and len(load.puts) > 30, "too little load: %d moves, %d puts"
          % (moves, len(load.puts)))
    logs = [s.stop() for s in live]
    for log in logs:
        print(counters(log))
    check(any(" 0 conflicts" not in counters(log) for log in logs),
          "no server ever retried a conflict: the load did not contend")


def restart_database(pg):
    process = pg._process
    process.send_signal(signal.SIGINT)
    process.wait(30)
    pg._log.close()
    pg._log = None
    pg._process = None
    return process


def suite_restart(pg):
    servers = [Server(pg) for _ in range(2)]
    firsts = setup(servers[0])
    load = Load(servers)
    load.targets.update(firsts.values())
    outage = {}

    def outage_then_back(load):
        restart_database(pg)
        time.sleep(0.5)
        client = Client(servers[1])
        status, body = client.call("PutSecretValue", {
            "SecretId": SECRETS[0], "ClientRequestToken": str(uuid.uuid4()),
            "SecretString": "during"})
        outage["during"] = (status, error_type(body))
        status, body = client.call("ListSecrets", {})
        outage["list during"] = (status, error_type(body))
        time.sleep(1)
        for _ in range(5):
            if pg._launch():
                break
        print("database stopped and started again", flush=True)

    load.run(threads=6, seconds=float(os.environ.get("DATABASE_TEST_SECONDS", "8")),
             midway=outage_then_back)
    print("statuses:", sorted(load.statuses.items(), key=str))
    check(outage.get("during") == (500, "InternalServiceError"),
          "a write while the database is down: %r" % (outage.get("during"),))
    check(outage.get("list during") == (500, "InternalServiceError"),
          "a read while the database is down: %r" % (outage.get("list during"),))
    # After the restart every server answers again.
    for s in servers:
        status, body = Client(s).call("PutSecretValue", {
            "SecretId": SECRETS[1], "ClientRequestToken": str(uuid.uuid4()),
            "SecretString": "after"})
        check(status == 200, "a write after the restart: %s %r" % (status, body))
    check(any(500 in k for k in load.statuses),
          "no request saw the outage")
    verify(load, servers, firsts)
    for s in servers:
        print(counters(s.stop()))


ROTATION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:bg-rotation"
DAY_MS = 86400 * 1000


def sql(pg, text):
    done = pg_cluster.run_psql(pg.host, pg.port, pg.superuser, pg.password, "postgres", text)
    check(done.returncode == 0, "psql: " + done.stderr)
    return done.stdout.strip()


def swept(log):
    line = counters(log)
    return int(line.split(" secrets swept")[0].rsplit(" ", 1)[1]) if line else -1


def suite_background(pg):
    """Background work of secrets nobody asks for: done by the sweep of whichever server holds
    the lock, once. Servers whose clocks run ahead (SECRETSTAGE_TEST_CLOCK_OFFSET_MS) see it
    due."""
    builtin = ["--rotation-function", ROTATION_ARN + "=remove-pending,value=rotated"]
    first = Server(pg, extra=builtin)
    c = Client(first)
    status, _ = c.call("CreateSecret", {"Name": "bg/rotating", "SecretString": "v0",
                                        "ClientRequestToken": str(uuid.uuid4())})
    check(status == 200, "CreateSecret bg/rotating")
    token = str(uuid.uuid4())
    status, body = c.call("RotateSecret", {
        "SecretId": "bg/rotating", "RotationLambdaARN": ROTATION_ARN,
        "ClientRequestToken": token, "RotationRules": {"AutomaticallyAfterDays": 1}})
    check(status == 200, "RotateSecret: %s %r" % (status, body))
    # The built-in function's steps run after the answer, in the server's rotation workers.
    check(wait_until(lambda: versions(c, "bg/rotating").get(token) == ["AWSCURRENT"], 20),
          "the built-in function's steps made the new version AWSCURRENT: %r" % versions(c, "bg/rotating"))
    status, _ = c.call("CreateSecret", {"Name": "bg/deleted", "SecretString": "x",
                                        "ClientRequestToken": str(uuid.uuid4())})
    check(status == 200, "CreateSecret bg/deleted")
    status, _ = c.call("DeleteSecret", {"SecretId": "bg/deleted", "RecoveryWindowInDays": 7})
    check(status == 200, "DeleteSecret bg/deleted")
    check(len(versions(c, "bg/rotating")) == 2, "the rotation made one version")
    first.stop()
    row = "SELECT version FROM secretstage_secrets WHERE name = 'bg/rotating'"
    before = sql(pg, row)

    # A day and a half later: one scheduled rotation is due. Two servers sweep; no request.
    ahead = [Server(pg, extra=builtin, clock_offset_ms=int(1.5 * DAY_MS)) for _ in range(2)]
    deadline = time.monotonic() + 15
    while sql(pg, row) == before and time.monotonic() < deadline:
        time.sleep(0.2)
    check(sql(pg, row) != before, "no sweep rotated bg/rotating")
    # The sweep started the rotation; the servers' workers run its steps through their leases.
    c = Client(ahead[0])
    check(wait_until(lambda: len(versions(c, "bg/rotating")) == 3 and
                     "AWSCURRENT" not in versions(c, "bg/rotating").get(token, []), 20),
          "the scheduled rotation's steps ran: %r" % versions(c, "bg/rotating"))
    time.sleep(2.5)  # more sweeps of both servers: none may rotate again
    logs = [s.stop() for s in ahead]
    check(sum(swept(log) for log in logs) == 1,
          "secrets swept: %r" % [counters(log) for log in logs])
    check(sql(pg, "SELECT count(*) FROM secretstage_secrets WHERE name = 'bg/deleted'") == "1",
          "bg/deleted purged before its date")

    # Eight days later: bg/deleted's recovery window is over; the sweep purges it.
    later = [Server(pg, extra=builtin, clock_offset_ms=8 * DAY_MS) for _ in range(2)]
    deadline = time.monotonic() + 15
    gone = "SELECT count(*) FROM secretstage_secrets WHERE name = 'bg/deleted'"
    while sql(pg, gone) != "0" and time.monotonic() < deadline:
        time.sleep(0.2)
    check(sql(pg, gone) == "0", "no sweep purged bg/deleted")
    c = Client(later[0])
    status, body = c.call("DescribeSecret", {"SecretId": "bg/deleted"})
    check(status == 400 and error_type(body) == "ResourceNotFoundException",
          "bg/deleted after its purge: %s %r" % (status, body))
    stages = versions(c, "bg/rotating")
    current = [v for v, labels in stages.items() if "AWSCURRENT" in labels]
    check(len(current) == 1, "bg/rotating: AWSCURRENT on %r" % current)
    for s in later:
        s.stop()


LEASE_ARN = "arn:aws:lambda:us-east-1:123456789012:function:lease-rotation"


def lease_servers(pg, directory, count, seconds, timeout_ms, clock_offset_ms=0):
    """`count` servers on one database whose rotation workers invoke lease_rotation.py."""
    import shlex
    function = "exec:/usr/bin/python3 %s %s %s" % (
        shlex.quote(os.path.join(HERE, "lease_rotation.py")), shlex.quote(directory), seconds)
    extra = ["--rotation-function", LEASE_ARN + "=" + function,
             "--rotation-step-timeout", str(timeout_ms), "--rotation-retry-delay", "500"]
    return [Server(pg, extra=extra, clock_offset_ms=clock_offset_ms) for _ in range(count)]


def invocations(directory):
    try:
        with open(os.path.join(directory, "invocations")) as f:
            return [json.loads(line) for line in f if line.strip()]
    except OSError:
        return []


def rotated(client, secret, old, token):
    return versions(client, secret) == {old: ["AWSPREVIOUS"], token: ["AWSCURRENT"]}


def start_rotation(client, secret):
    old = str(uuid.uuid4())
    status, _ = client.call("CreateSecret", {"Name": secret, "SecretString": "v0-" + secret,
                                             "ClientRequestToken": old})
    check(status == 200, "CreateSecret %s: %s" % (secret, status))
    token = str(uuid.uuid4())
    status, body = client.call("RotateSecret", {"SecretId": secret, "RotationLambdaARN": LEASE_ARN,
                                                "ClientRequestToken": token})
    check(status == 200 and body.get("VersionId") == token,
          "RotateSecret %s: %s %r" % (secret, status, body))
    return old, token


def wait_until(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def suite_leases(pg):
    """Rotation steps of an invoked function on a shared database are owned through a lease."""
    # Two servers compete for every step of four rotations (each step takes 0.4 s): each step
    # runs exactly once, in order, and never while another invocation of the secret runs.
    directory = os.path.join(pg.directory, "leases-overlap")
    os.mkdir(directory)
    servers = lease_servers(pg, directory, 2, 0.4, 20000)
    clients = [Client(s) for s in servers]
    names = ["lease/overlap-%d" % i for i in range(4)]
    started = {name: start_rotation(clients[i % 2], name) for i, name in enumerate(names)}
    done = wait_until(lambda: all(rotated(clients[1], n, *started[n]) for n in names), 90)
    check(done, "the four rotations completed: %r" % {n: versions(clients[0], n) for n in names})
    time.sleep(1.0)  # an extra invocation, had the leases failed, would have started by now
    runs = invocations(directory)
    for name in names:
        check_steps_once(runs, name, ["createSecret", "setSecret", "testSecret", "finishSecret"])
    endpoints = set(r["endpoint"] for r in runs)
    print("steps run by %d servers" % len(endpoints), flush=True)
    for s in servers:
        log = s.stop()
        check("not recorded" not in log, "a step outcome was not recorded: " + log[-2000:])

    # A server killed while it runs setSecret: the other claims the step once the lease (4 s
    # step timeout + 5 s) expires, invokes it again, and the rotation completes exactly once.
    directory = os.path.join(pg.directory, "leases-crash")
    os.mkdir(directory)
    open(os.path.join(directory, "hang-setSecret"), "w").close()
    servers = lease_servers(pg, directory, 2, 0, 4000)
    old, token = start_rotation(Client(servers[0]), "lease/crash")
    hung_file = os.path.join(directory, "hung")
    check(wait_until(lambda: os.path.exists(hung_file) and os.path.getsize(hung_file) > 0, 30),
          "setSecret did not start")
    with open(hung_file) as f:
        hung = json.load(f)
    owner = [s for s in servers if hung["endpoint"].endswith(":%d" % s.port)]
    check(len(owner) == 1, "which server invoked setSecret: %r" % hung)
    victim = owner[0]
    survivor = [s for s in servers if s is not victim][0]
    expires = sql(pg, "SELECT extract(epoch FROM lease_expires) FROM secretstage_secrets "
                      "WHERE name = 'lease/crash'")
    check(bool(expires), "the running setSecret holds no lease")
    expires = float(expires or 0)
    victim.process.kill()
    victim.process.wait()
    killed_at = time.time()
    try:
        client = Client(survivor)
        done = wait_until(lambda: rotated(client, "lease/crash", old, token), 60)
        check(done, "the survivor did not complete the rotation: %r"
              % versions(client, "lease/crash"))
        time.sleep(1.5)  # a second finishSecret, had there been one, would have run by now
        runs = [r for r in invocations(directory) if r["secret"] == "lease/crash"]
        starts = [r for r in runs if r["event"] == "start"]
        ends = [r for r in runs if r["event"] == "end"]
        check([r["step"] for r in starts] == ["createSecret", "setSecret", "setSecret",
                                              "testSecret", "finishSecret"],
              "steps invoked: %r (setSecret twice: delivered again after the lease expired)"
              % [r["step"] for r in starts])
        first_set = [r for r in starts if r["step"] == "setSecret"]
        if len(first_set) == 2:
            check(first_set[1]["endpoint"] == survivor_endpoint(survivor),
                  "the step was taken again by the survivor: %r" % first_set[1])
            waited = first_set[1]["time"] - first_set[0]["time"]
            # The database's clock is this host's: the second invocation starts after the
            # lease expired, never before.
            check(first_set[1]["time"] >= expires - 0.05,
                  "setSecret was taken again %.2f s before its lease expired"
                  % (expires - first_set[1]["time"]))
            print("setSecret delivered again %.1f s after the first invocation (killed %.1f s "
                  "after it)" % (waited, killed_at - first_set[0]["time"]), flush=True)
        check([r["step"] for r in ends if r["status"] == 0].count("finishSecret") == 1,
              "finishSecret succeeded exactly once")
        row = sql(pg, "SELECT coalesce(lease_owner, '-'), coalesce(step_due_ms::text, '-') "
                      "FROM secretstage_secrets WHERE name = 'lease/crash'")
        check(row == "-|-", "the finished rotation left a lease or a due step: %r" % row)
        status, body = client.call("GetSecretValue", {"SecretId": "lease/crash"})
        check(status == 200 and body.get("VersionId") == token
              and body.get("SecretString") not in ("", "v0-lease/crash"),
              "AWSCURRENT's value: %s %r" % (status, body.get("VersionId")))
        log = survivor.stop()
        check(log.count("rotation lease/crash finishSecret succeeded") == 1,
              "the survivor's log: " + log[-2000:])
    finally:
        try:
            os.kill(hung["pid"], signal.SIGKILL)  # the killed server's orphan, still asleep
        except (OSError, NameError):
            pass
        for s in servers:
            if s.process.poll() is None:
                s.process.kill()

    scheduled_rotation_on_database(pg)


def check_steps_once(runs, name, expected):
    """The invocations of `name`'s steps in `runs`: `expected`, in order, each one ending with
    status 0, none overlapping another."""
    mine = [r for r in runs if r["secret"] == name]
    starts = [r for r in mine if r["event"] == "start"]
    ends = {r["pid"]: r for r in mine if r["event"] == "end"}
    check([r["step"] for r in starts] == expected,
          "%s: steps invoked %r, expected %r" % (name, [r["step"] for r in starts], expected))
    intervals = sorted((r["time"], ends[r["pid"]]["time"] if r["pid"] in ends else float("inf"))
                       for r in starts)
    overlaps = [(a, b) for a, b in zip(intervals, intervals[1:]) if b[0] < a[1]]
    check(not overlaps, "%s: two invocations overlapped: %r" % (name, overlaps))
    check(all(ends.get(r["pid"], {}).get("status") == 0 for r in starts),
          "%s: every step succeeded" % name)


def scheduled_rotation_on_database(pg):
    """A scheduled rotation of an invoked function on a shared database: started by the sweep of
    one server (under the advisory lock), its steps run once each through the leases."""
    directory = os.path.join(pg.directory, "leases-scheduled")
    os.mkdir(directory)
    name = "lease/scheduled"
    first = lease_servers(pg, directory, 1, 0, 20000)[0]
    client = Client(first)
    old = str(uuid.uuid4())
    status, _ = client.call("CreateSecret", {"Name": name, "SecretString": "v0-" + name,
                                             "ClientRequestToken": old})
    check(status == 200, "CreateSecret %s: %s" % (name, status))
    token = str(uuid.uuid4())
    status, body = client.call("RotateSecret", {
        "SecretId": name, "RotationLambdaARN": LEASE_ARN, "ClientRequestToken": token,
        "RotationRules": {"AutomaticallyAfterDays": 1}})
    check(status == 200, "RotateSecret %s: %s %r" % (name, status, body))
    steps = ["createSecret", "setSecret", "testSecret", "finishSecret"]

    def ended():
        return [r for r in invocations(directory) if r["secret"] == name and r["event"] == "end"]

    # Its four steps have ended (a server stopped while finishSecret still runs would cancel it).
    check(wait_until(lambda: len(ended()) >= len(steps) and rotated(client, name, old, token), 60),
          "the first rotation did not complete: %r" % versions(client, name))
    first.stop()

    # A day and a half later the next rotation is due: two servers, no request (a request on the
    # secret would start it itself); one sweep starts it, and the servers' workers run its four
    # steps once each. The function's own log says when they have run.
    ahead = lease_servers(pg, directory, 2, 0, 20000, clock_offset_ms=int(1.5 * DAY_MS))
    if not wait_until(lambda: len(ended()) >= 2 * len(steps), 60):
        check(False, "the scheduled rotation did not run its steps: %r; row (due_ms, "
              "step_due_ms, lease_owner): %s; advisory locks held: %s" % (
                  [r["step"] for r in ended()],
                  sql(pg, "SELECT due_ms, step_due_ms, lease_owner FROM secretstage_secrets "
                          "WHERE name = '%s'" % name),
                  sql(pg, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")))
    time.sleep(1.5)  # a second sweep's rotation or a repeated step would have started by now
    check_steps_once(invocations(directory), name, steps + steps)
    labels = versions(Client(ahead[0]), name)
    current = [v for v, stages in labels.items() if stages == ["AWSCURRENT"]]
    check(len(labels) == 3 and labels.get(token) == ["AWSPREVIOUS"] and len(current) == 1
          and current[0] not in (old, token),
          "after the scheduled rotation: %r" % labels)
    logs = [s.stop() for s in ahead]
    check(sum(swept(log) for log in logs) == 1,
          "secrets swept: %r" % [counters(log) for log in logs])
    print("scheduled rotation: started by one server's sweep, its steps run once each", flush=True)


def survivor_endpoint(server):
    return "http://%s:%d" % (server.host, server.port)


def suite_migration(pg):
    pg.check("CREATE DATABASE newer; CREATE DATABASE fresh;")
    first = Server(pg, "fresh")
    second = Server(pg, "fresh")  # the schema exists: nothing to migrate, it starts
    status, _ = Client(second).call("ListSecrets", {})
    check(status == 200, "ListSecrets on the second server: %s" % status)
    # Replication is refused on the database (docs/durability.md), not left InProgress, and the
    # refused CreateSecret creates nothing.
    client = Client(second)
    token = "%032d" % 7
    status, body = client.call("CreateSecret", {
        "Name": "replicated", "SecretString": "v", "ClientRequestToken": token,
        "AddReplicaRegions": [{"Region": "eu-west-1"}]})
    check(status == 400 and error_type(body) == "InvalidRequestException"
          and "--database" in body.get("Message", ""),
          "CreateSecret with AddReplicaRegions: %s %r" % (status, body))
    status, body = client.call("DescribeSecret", {"SecretId": "replicated"})
    check(status == 400 and error_type(body) == "ResourceNotFoundException",
          "the refused CreateSecret created a secret: %s %r" % (status, body))
    status, _ = client.call("CreateSecret", {"Name": "plain", "SecretString": "v",
                                             "ClientRequestToken": token})
    check(status == 200, "CreateSecret without replicas: %s" % status)
    for operation, request in (
            ("ReplicateSecretToRegions", {"SecretId": "plain",
                                          "AddReplicaRegions": [{"Region": "eu-west-1"}]}),
            ("RemoveRegionsFromReplication", {"SecretId": "plain",
                                              "RemoveReplicaRegions": ["eu-west-1"]}),
            ("StopReplicationToReplica", {"SecretId": "plain"})):
        status, body = client.call(operation, request)
        check(status == 400 and error_type(body) == "InvalidRequestException",
              "%s on the database: %s %r" % (operation, status, body))
    status, body = client.call("DescribeSecret", {"SecretId": "plain"})
    check(status == 200 and "ReplicationStatus" not in body,
          "a refused replication changed the secret: %r" % body)
    log = first.stop()
    check("schema migrated to version 1" in log and "schema migrated to version 2" in log,
          "the first server did not migrate: " + log)
    check("migrated" not in second.stop(), "the second server migrated again")
    versions = subprocess.run(
        ["/usr/bin/psql", "--no-psqlrc", "-tA", "-c",
         "SELECT version FROM secretstage_schema ORDER BY version"],
        env=pg_cluster.psql_environment(pg.host, pg.port, pg.superuser, pg.password, "fresh"),
        capture_output=True, text=True)
    check(versions.stdout.split() == ["1", "2"], "schema versions: %r" % versions.stdout)

    # Migration 2 (rotation step leases) on a database at version 1 that holds a secret: made
    # by a current server, then taken back to version 1's table by hand.
    pg.check("CREATE DATABASE older;")
    third = Server(pg, "older")
    status, _ = Client(third).call("CreateSecret", {"Name": "kept", "SecretString": "old",
                                                    "ClientRequestToken": token})
    check(status == 200, "CreateSecret on the database to take back: %s" % status)
    third.stop()
    back = pg_cluster.run_psql(
        pg.host, pg.port, pg.superuser, pg.password, "older",
        "ALTER TABLE secretstage_secrets DROP COLUMN step_due_ms, DROP COLUMN lease_owner,"
        " DROP COLUMN lease_expires; DELETE FROM secretstage_schema WHERE version = 2;")
    check(back.returncode == 0, "taking the database back to version 1: " + back.stderr)
    fourth = Server(pg, "older")
    status, body = Client(fourth).call("GetSecretValue", {"SecretId": "kept"})
    check(status == 200 and body.get("SecretString") == "old",
          "the secret after migration 2: %s %r" % (status, body))
    log = fourth.stop()
    check("schema migrated to version 2" in log and "migrated to version 1" not in log,
          "migration 2 alone: " + log)
    columns = pg_cluster.run_psql(
        pg.host, pg.port, pg.superuser, pg.password, "older",
        "SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns"
        " WHERE table_name = 'secretstage_secrets' AND column_name IN"
        " ('step_due_ms', 'lease_owner', 'lease_expires')")
    check(columns.stdout.strip() == "lease_expires,lease_owner,step_due_ms",
          "migration 2's columns: %r" % columns.stdout)

    pg_cluster.run_psql(pg.host, pg.port, pg.superuser, pg.password, "newer",
                        "CREATE TABLE secretstage_schema (version integer PRIMARY KEY,"
                        " applied_at timestamptz NOT NULL DEFAULT now());"
                        "INSERT INTO secretstage_schema (version) VALUES (1), (2), (3);")
    env = dict(os.environ)
    env["PGPASSWORD"] = pg.password
    done = subprocess.run(
        [SERVER, "--database",
         "postgresql://%s@%s:%d/newer" % (pg.superuser, pg.host, pg.port)],
        capture_output=True, text=True, env=env, timeout=30)
    check(done.returncode == 1, "a newer schema: status %d" % done.returncode)
    check("schema is at version 3, newer than this secretstage-server's (2)" in done.stderr,
          "a newer schema: %r" % done.stderr)
    check(pg.password not in done.stderr, "the password is in the message")
    # A wrong password: refused at start, with libpq's reason and without the password.
    env["PGPASSWORD"] = "not-" + pg.password
    done = subprocess.run(
        [SERVER, "--database", "postgresql://%s@%s:%d/fresh" % (pg.superuser, pg.host, pg.port)],
        capture_output=True, text=True, env=env, timeout=30)
    check(done.returncode == 1 and "cannot connect to the database" in done.stderr
          and "password authentication failed" in done.stderr,
          "a wrong password: %d %r" % (done.returncode, done.stderr))
    check(env["PGPASSWORD"] not in done.stderr, "the wrong password is in the message")
    # --database keeps the stores in the database: not with --data-dir or --commit-log. (Invoked
    # rotation functions are run through step leases: suite `leases`.)
    for other in (["--data-dir", pg.directory], ["--commit-log", os.devnull]):
        done = subprocess.run([SERVER, "--database", "postgresql://x@127.0.0.1:1/x"] + other,
                              capture_output=True, text=True, timeout=30)
        check(done.returncode == 2 and "--database" in done.stderr,
              "--database with %s: %d %r" % (other[0], done.returncode, done.stderr))
    tables = pg_cluster.run_psql(pg.host, pg.port, pg.superuser, pg.password, "newer",
                                 "SELECT count(*) FROM pg_tables WHERE tablename ="
                                 " 'secretstage_secrets'")
    check(tables.stdout.strip() == "0", "the refused server changed the newer database")


def main():
    pg_cluster.sigterm_exits()
    with pg_cluster.Cluster() as pg:
        {"load": suite_load, "restart": suite_restart, "migration": suite_migration,
         "background": suite_background, "leases": suite_leases}[SUITE](pg)
    if failures:
        print("%d failures" % len(failures), file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
