#!/usr/bin/python3
"""secretstage-server --data-dir under crashes, damaged files and failing I/O (issue 16, item 4).

    crash_test.py <secretstage-server> crash [--rounds N] [--seconds S]
    crash_test.py <secretstage-server> files
    crash_test.py <secretstage-server> io

crash: 8 writer threads send PutSecretValue (and CreateSecret for each new secret) over raw HTTP
with their own ClientRequestTokens; the server is SIGKILLed at a random moment, restarted on the
same directory (with a small --compact-bytes, so compactions happen under load too), and checked:
every acknowledged write is there with its value (GetSecretValue by VersionId), AWSCURRENT is on
exactly one version of each secret and on the last acknowledged write or on a write that was in
flight when the server died, no label is on two versions, and a write that was not acknowledged
is either wholly there (its value) or absent. Prints the figures.

files: a torn tail is cut off and the server starts; compactions under writes lose nothing; a byte changed before the end of the journal,
or in the snapshot, stops the start with the file and offset and changes no file; a second server
on the same directory is refused; every file is mode 0600.

io: for each injected failure (SECRETSTAGE_TEST_FAIL_IO: ENOSPC, a short write, a failing sync),
the failing write gets InternalServiceError, the server exits with 3, and after a restart every
acknowledged write is there and the failed one is not.

Standard library only.
"""
import http.client
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid


class Server:
    def __init__(self, binary, data_dir, extra=(), env=None):
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [binary, "--port", "0", "--data-dir", data_dir, *extra],
            stdout=subprocess.PIPE, stderr=self.stderr, env=env)
        line = self.proc.stdout.readline().decode()
        if not line.startswith("listening on http://127.0.0.1:"):
            self.proc.wait(timeout=10)
            raise RuntimeError("server did not start: " + self.log())
        self.port = int(line.strip().rsplit(":", 1)[1])

    def log(self):
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, op, body, region=None):
        headers = {"X-Amz-Target": "secretsmanager." + op,
                   "Content-Type": "application/x-amz-json-1.1"}
        if region is not None:  # an unsigned server reads only the credential scope's Region
            headers["Authorization"] = ("AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/" + region +
                                        "/secretsmanager/aws4_request, SignedHeaders=host, "
                                        "Signature=00")
        self.conn.request("POST", "/", body=json.dumps(body), headers=headers)
        r = self.conn.getresponse()
        data = r.read()
        return r.status, json.loads(data) if data else {}

    def close(self):
        self.conn.close()


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def check_secret(client, name, acked, in_flight):
    """The label invariants of one secret, and where AWSCURRENT may be."""
    status, body = client.call("ListSecretVersionIds", {"SecretId": name, "IncludeDeprecated": True})
    check(status == 200, f"ListSecretVersionIds {name}: {status} {body}")
    holders = {}
    for v in body["Versions"]:
        for label in v.get("VersionStages", []):
            check(label not in holders, f"{name}: {label} on two versions")
            holders[label] = v["VersionId"]
    check("AWSCURRENT" in holders, f"{name}: no AWSCURRENT")
    allowed = set(in_flight)
    if acked:
        allowed.add(acked[-1])
    check(holders["AWSCURRENT"] in allowed,
          f"{name}: AWSCURRENT on {holders['AWSCURRENT']}, not on the last acknowledged write "
          f"{acked[-1] if acked else None} nor one in flight {sorted(in_flight)}")


def crash_suite(binary, rounds, seconds):
    work = tempfile.mkdtemp()
    data = os.path.join(work, "data")
    rng = random.Random(int(os.environ.get("CRASH_TEST_SEED", time.time_ns())))
    writers = 8
    per_secret = 40  # well under the 100 versions past which deprecated ones are collected
    # Per writer: its secrets in order, acknowledged writes per secret, writes in flight.
    state = [{"secret": 0, "writes": 0, "acked": {}, "in_flight": {}, "values": {}}
             for _ in range(writers)]
    total_acked = 0
    losses = 0
    unacked_present = 0
    deadline = time.monotonic() + seconds
    done_rounds = 0
    try:
        for round_no in range(rounds):
            if time.monotonic() > deadline:
                break
            server = Server(binary, data, ["--compact-bytes", "50000"])
            stop = threading.Event()

            def writer(i):
                s = state[i]
                client = Client(server.port)
                try:
                    while not stop.is_set():
                        name = f"w{i}-{s['secret']}"
                        token = str(uuid.uuid4())
                        value = f"value-{i}-{s['writes']}-{token[:8]}"
                        first = s["writes"] % per_secret == 0 and name not in s["acked"]
                        s["in_flight"].setdefault(name, set()).add(token)
                        s["values"][token] = (name, value)
                        if first:
                            status, _ = client.call("CreateSecret", {
                                "Name": name, "SecretString": value, "ClientRequestToken": token})
                        else:
                            status, _ = client.call("PutSecretValue", {
                                "SecretId": name, "SecretString": value,
                                "ClientRequestToken": token})
                        check(status == 200, f"{name}: status {status}")
                        s["in_flight"][name].discard(token)
                        s["acked"].setdefault(name, []).append(token)
                        s["writes"] += 1
                        if s["writes"] % per_secret == 0:
                            s["secret"] += 1
                except (OSError, http.client.HTTPException):
                    pass  # the server was killed mid-request: the write stays in flight
                finally:
                    client.close()

            threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.05, 0.8))
            server.kill()
            stop.set()
            for t in threads:
                t.join(timeout=60)

            server = Server(binary, data)
            client = Client(server.port)
            for s in state:
                for name, tokens in s["acked"].items():
                    for token in tokens:
                        status, body = client.call("GetSecretValue",
                                                   {"SecretId": name, "VersionId": token})
                        if status != 200 or body.get("SecretString") != s["values"][token][1]:
                            losses += 1
                            print(f"LOST: {name} {token}: {status} {body}", file=sys.stderr)
                    check_secret(client, name, tokens, s["in_flight"].get(name, set()))
                for name, tokens in s["in_flight"].items():
                    for token in tokens:
                        status, body = client.call("GetSecretValue",
                                                   {"SecretId": name, "VersionId": token})
                        if status == 200:
                            check(body.get("SecretString") == s["values"][token][1],
                                  f"{name} {token}: an unacknowledged write is half there")
                            unacked_present += 1
                        else:
                            check(body.get("__type") == "ResourceNotFoundException",
                                  f"{name} {token}: {status} {body}")
                # An in-flight write that is there now counts as done (its writer moves on).
                for name, tokens in s["in_flight"].items():
                    for token in list(tokens):
                        status, _ = client.call("GetSecretValue",
                                                {"SecretId": name, "VersionId": token})
                        if status == 200:
                            tokens.discard(token)
                            s["acked"].setdefault(name, []).append(token)
                            s["writes"] += 1
                            if s["writes"] % per_secret == 0:
                                s["secret"] += 1
                        else:
                            tokens.discard(token)
            client.close()
            check(server.stop() == 0, "server did not stop cleanly: " + server.log())
            done_rounds += 1
        total_acked = sum(len(t) for s in state for t in s["acked"].values())
        print(f"crash test: {done_rounds} rounds, {total_acked} acknowledged writes "
              f"(+{unacked_present} in flight found whole), {losses} lost")
        check(losses == 0, f"{losses} acknowledged writes lost")
        check(done_rounds >= 5, "fewer than 5 rounds ran")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def files_of(directory):
    """Every file under `directory`, by its path relative to it."""
    out = {}
    for root, _, leaves in os.walk(directory):
        for leaf in sorted(leaves):
            path = os.path.join(root, leaf)
            with open(path, "rb") as f:
                out[os.path.relpath(path, directory)] = f.read()
    return out


def start_fails(binary, data, extra=()):
    proc = subprocess.run([binary, "--port", "0", "--data-dir", data, *extra],
                          capture_output=True, timeout=30)
    return proc.returncode, proc.stderr.decode(errors="replace")


def populate(binary, data, n=20, extra=()):
    server = Server(binary, data, extra)
    client = Client(server.port)
    tokens = []
    for k in range(n):
        token = str(uuid.uuid4())
        if k == 0:
            status, _ = client.call("CreateSecret", {"Name": "s", "SecretString": f"value-{k}",
                                                     "ClientRequestToken": token})
        else:
            status, _ = client.call("PutSecretValue", {"SecretId": "s", "SecretString": f"value-{k}",
                                                       "ClientRequestToken": token})
        check(status == 200, f"write {k}: {status}")
        tokens.append(token)
    client.close()
    server.kill()
    return tokens


def record_offsets(journal):
    """Where each record of a journal starts (docs/durability.md)."""
    at = 16 + int.from_bytes(journal[12:16], "little") + 4
    out = []
    while at + 12 <= len(journal):
        out.append(at)
        at += 12 + int.from_bytes(journal[at:at + 4], "little")
    return out


def home(data):
    """The directory of the server's own store (--account-id, --region: the defaults) in DIR."""
    return os.path.join(data, "123456789012", "us-east-1")


def leaf(data, kind):
    names = [f for f in os.listdir(home(data)) if f.startswith(kind + "-")]
    check(len(names) == 1, f"{kind} files: {names}")
    return names[0]


def files_suite(binary):
    work = tempfile.mkdtemp()
    try:
        # Torn tail: half a record appended (a crash mid-write) is cut off.
        data = os.path.join(work, "torn")
        tokens = populate(binary, data)
        journal = os.path.join(home(data), leaf(data, "journal"))
        size = os.path.getsize(journal)
        with open(journal, "rb") as f:
            body = f.read()
        last = record_offsets(body)[-1]
        with open(journal, "ab") as f:
            f.write(body[last:last + 30])  # the start of a record the crash cut short
        server = Server(binary, data)
        check(f"cut off a torn tail of {journal} at byte {size}" in server.log(), server.log())
        client = Client(server.port)
        status, body = client.call("GetSecretValue", {"SecretId": "s"})
        check(status == 200 and body["VersionId"] == tokens[-1], f"after a torn tail: {body}")
        client.close()
        check(server.stop() == 0, server.log())
        print("files: torn tail cut off, every write kept")

        # Every file is mode 0600, the directory 0700.
        for root, directories, leaves in os.walk(data):
            check(stat.S_IMODE(os.stat(root).st_mode) == 0o700, f"{root} is not 0700")
            for name in leaves:
                mode = stat.S_IMODE(os.stat(os.path.join(root, name)).st_mode)
                check(mode == 0o600, f"{name} has mode {oct(mode)}")
        check(os.path.isdir(home(data)), "no DIR/<account>/<region> directory")
        print("files: modes 0600, directories 0700")

        # A second server on the same directory.
        server = Server(binary, data)
        code, err = start_fails(binary, data)
        check(code == 1 and "in use by another process" in err, f"second server: {code} {err}")
        check(server.stop() == 0, server.log())
        print("files: a second server refused")

        # Another Region's store: its own directory, recovered after a SIGKILL, apart from the
        # server's own store.
        server = Server(binary, data)
        client = Client(server.port)
        status, body = client.call("CreateSecret", {"Name": "west", "SecretString": "value-west",
                                                    "ClientRequestToken": str(uuid.uuid4())},
                                   region="eu-west-1")
        check(status == 200 and ":eu-west-1:" in body["ARN"], f"CreateSecret in eu-west-1: {body}")
        client.close()
        server.kill()
        check(os.path.isdir(os.path.join(data, "123456789012", "eu-west-1")), "no eu-west-1 directory")
        server = Server(binary, data)
        check("from " + os.path.join(data, "123456789012", "eu-west-1") in server.log(),
              "eu-west-1 not recovered at start: " + server.log())
        client = Client(server.port)
        status, body = client.call("GetSecretValue", {"SecretId": "west"}, region="eu-west-1")
        check(status == 200 and body["SecretString"] == "value-west", f"eu-west-1 after restart: {body}")
        status, body = client.call("GetSecretValue", {"SecretId": "west"})
        check(status == 400 and body["__type"] == "ResourceNotFoundException",
              f"eu-west-1's secret seen in us-east-1: {status} {body}")
        client.close()
        check(server.stop() == 0, server.log())
        print("files: a second Region's store recovered after SIGKILL, apart from the first")

        # Files of the one-store layout directly in DIR are refused, not ignored.
        old = os.path.join(work, "old-layout")
        os.makedirs(old)
        with open(os.path.join(old, "journal-0000000000000001"), "wb") as f:
            f.write(b"x")
        code, err = start_fails(binary, old)
        check(code == 1 and "one-store layout" in err, f"old layout: {code} {err}")
        print("files: the one-store layout refused with a message")

        # Compaction under load: new generations while writing, then SIGKILL; nothing lost.
        data = os.path.join(work, "compact")
        server = Server(binary, data, ["--compact-bytes", "2000"])
        client = Client(server.port)
        for k in range(40):
            status, _ = client.call("CreateSecret", {"Name": f"c{k}", "SecretString": f"value-{k}",
                                                     "ClientRequestToken": str(uuid.uuid4())})
            check(status == 200, f"compaction: write {k}: {status}")
        client.close()
        server.kill()
        generation = int(leaf(data, "snapshot").split("-")[1], 16)
        check(generation >= 3, f"compaction: still at generation {generation}")
        server = Server(binary, data)
        client = Client(server.port)
        for k in range(40):
            status, body = client.call("GetSecretValue", {"SecretId": f"c{k}"})
            check(status == 200 and body["SecretString"] == f"value-{k}", f"compaction: c{k} lost")
        client.close()
        check(server.stop() == 0, server.log())
        print(f"files: {generation - 1} compactions under writes, nothing lost after SIGKILL")

        # A byte changed in the first record of the journal: refused, nothing changed.
        data = os.path.join(work, "mid")
        populate(binary, data)
        journal_leaf = leaf(data, "journal")
        journal = os.path.join(home(data), journal_leaf)
        with open(journal, "r+b") as f:
            raw = f.read()
            header_end = record_offsets(raw)[0]
            f.seek(header_end + 20)
            f.write(bytes([raw[header_end + 20] ^ 0x40]))
        before = files_of(data)
        code, err = start_fails(binary, data)
        check(code == 1 and journal in err and f"corrupt journal record at byte {header_end}" in err,
              f"mid-file corruption: {code} {err}")
        check(files_of(data) == before, "a refused start changed the directory")
        print(f"files: mid-file corruption refused ({err.strip()})")

        # A byte changed in the snapshot: refused, nothing changed.
        data = os.path.join(work, "snap")
        populate(binary, data)
        server = Server(binary, data)  # start-up writes the store into a snapshot
        server.kill()
        snapshot = os.path.join(home(data), leaf(data, "snapshot"))
        with open(snapshot, "r+b") as f:
            raw = f.read()
            f.seek(len(raw) // 2)
            f.write(bytes([raw[len(raw) // 2] ^ 0x01]))
        before = files_of(data)
        code, err = start_fails(binary, data)
        check(code == 1 and snapshot in err and "byte" in err, f"snapshot corruption: {code} {err}")
        check(files_of(data) == before, "a refused start changed the directory")
        print(f"files: snapshot corruption refused ({err.strip()})")

        # --data-key-file: no value in clear on disk; the right key reads it back, no key or
        # another key is refused.
        data = os.path.join(work, "sealed")
        key = os.path.join(work, "key")
        with open(key, "w") as f:
            f.write(os.urandom(32).hex() + "\n")
        other = os.path.join(work, "other-key")
        with open(other, "wb") as f:
            # 32 raw bytes that end in a newline byte: a key all the same (the file's last byte
            # was once taken for a final newline, and one raw key in about a hundred refused).
            f.write(os.urandom(31) + b"\n")
        tokens = populate(binary, data, extra=["--data-key-file", key])
        server = Server(binary, data, ["--data-key-file", key])  # a sealed snapshot too
        client = Client(server.port)
        status, body = client.call("GetSecretValue", {"SecretId": "s"})
        check(status == 200 and body["SecretString"] == "value-19", f"sealed: {status} {body}")
        status, _ = client.call("PutSecretValue", {"SecretId": "s", "SecretString": "value-20",
                                                   "ClientRequestToken": str(uuid.uuid4())})
        check(status == 200, "sealed: a write after restart")
        client.close()
        server.kill()
        for name, content in files_of(data).items():
            check(b"value-" not in content, f"{name} holds a secret value in clear")
        code, err = start_fails(binary, data)
        check(code == 1 and "no key was given" in err, f"sealed, no key: {code} {err}")
        code, err = start_fails(binary, data, ["--data-key-file", other])
        check(code == 1 and "authenticate" in err, f"sealed, another key: {code} {err}")
        check(len(tokens) == 20, "populate")
        print("files: --data-key-file: nothing in clear, another key or none refused")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def io_suite(binary):
    work = tempfile.mkdtemp()
    try:
        for kind in ("enospc", "short-write", "fsync"):
            data = os.path.join(work, kind)
            fail_at = 5
            env = dict(os.environ, SECRETSTAGE_TEST_FAIL_IO=f"{kind}:{fail_at}")
            server = Server(binary, data, env=env)
            client = Client(server.port)
            acked, failed = [], []
            for k in range(1, 9):
                token = str(uuid.uuid4())
                op, body = (("CreateSecret", {"Name": "s"}) if k == 1
                            else ("PutSecretValue", {"SecretId": "s"}))
                body.update({"SecretString": f"value-{k}", "ClientRequestToken": token})
                try:
                    status, reply = client.call(op, body)
                except (OSError, http.client.HTTPException):
                    break  # the server has stopped
                if status == 200:
                    acked.append(token)
                else:
                    check(status == 500 and reply.get("__type") == "InternalServiceError",
                          f"{kind}: write {k}: {status} {reply}")
                    failed.append(token)
            client.close()
            code = server.proc.wait(timeout=30)
            check(code == 3, f"{kind}: the server exited with {code}, not 3: {server.log()}")
            check(len(acked) == fail_at - 1 and len(failed) >= 1,
                  f"{kind}: {len(acked)} acknowledged, {len(failed)} failed")
            server = Server(binary, data)
            client = Client(server.port)
            for token in acked:
                status, _ = client.call("GetSecretValue", {"SecretId": "s", "VersionId": token})
                check(status == 200, f"{kind}: acknowledged {token} lost")
            for token in failed:
                status, reply = client.call("GetSecretValue", {"SecretId": "s", "VersionId": token})
                check(status == 400 and reply["__type"] == "ResourceNotFoundException",
                      f"{kind}: the failed write {token} is there after a restart")
            check_secret(client, "s", acked, set())
            client.close()
            check(server.stop() == 0, server.log())
            print(f"io: {kind}: {len(acked)} acknowledged and kept, the failed write "
                  "answered InternalServiceError and absent after the restart")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    binary, suite = sys.argv[1], sys.argv[2]
    args = sys.argv[3:]
    if suite == "crash":
        rounds = int(args[args.index("--rounds") + 1]) if "--rounds" in args else 40
        seconds = float(args[args.index("--seconds") + 1]) if "--seconds" in args else 75
        crash_suite(binary, rounds, seconds)
    elif suite == "files":
        files_suite(binary)
    elif suite == "io":
        io_suite(binary)
    else:
        sys.exit(f"unknown suite {suite}")


if __name__ == "__main__":
    main()
