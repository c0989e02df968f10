#!/usr/bin/python3
"""Smoke test of secretstage-server over raw HTTP (standard library only; the AWS CLI and boto3
stories are separate tests).

Usage: smoke_test.py <secretstage-server>

Checks: the first stdout line; AWS JSON 1.1 answers (status, Content-Type, x-amzn-RequestId,
an RFC 7231 IMF-fixdate Date close to the clock); a version-creating request without a
ClientRequestToken refused as AWS refuses it, and filled in under --generate-client-request-tokens;
UnknownOperationException for a missing or foreign X-Amz-Target; 404 for other paths and
methods; a body that is not JSON; a slow client does not hold up others; concurrent writers
lose nothing and the commit log lists every commit in order; the request log on stderr never
shows a body or a value; SIGTERM and SIGINT stop the server with exit status 0.
"""

import calendar
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
# RFC 7231 §7.1.1.1: day-name "," SP 2DIGIT SP month SP 4DIGIT SP hh:mm:ss SP "GMT".
IMF_FIXDATE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                         r"\d{4} \d\d:\d\d:\d\d GMT$")
MISSING_TOKEN = "You must provide a ClientRequestToken value. We recommend a UUID-type value."
FN = "arn:aws:lambda:us-east-1:123456789012:function:rotate-smoke"
VALUE_MARK = "value-that-must-never-be-logged"
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


class Server:
    def __init__(self, binary, *args):
        self.log = tempfile.NamedTemporaryFile(prefix="commit-log-", delete=False)
        self.log.close()
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [binary, "--port", "0", "--seed", "5", "--commit-log", self.log.name, *args],
            stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        first = self.proc.stdout.readline().rstrip("\n")
        match = re.fullmatch(r"listening on http://127\.0\.0\.1:(\d+)", first)
        if not match:
            self.proc.kill()
            raise SystemExit("unexpected first line: %r" % first)
        self.port = int(match.group(1))

    def request(self, method="POST", path="/", target=None, body=b"{}", headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        h = {"Content-Type": "application/x-amz-json-1.1",
             "Authorization": "AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/secretsmanager/aws4_request, "
                              "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00"}
        if target is not None:
            h["X-Amz-Target"] = target
        h.update(headers or {})
        conn.request(method, path, body=body if method != "GET" else None, headers=h)
        res = conn.getresponse()
        data = res.read()
        conn.close()
        return res.status, dict(res.getheaders()), data

    def call(self, operation, payload):
        status, headers, data = self.request(target="secretsmanager." + operation,
                                             body=json.dumps(payload).encode())
        return status, headers, json.loads(data) if data else None

    def stop(self, sig):
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = "timeout"
        self.stderr.seek(0)
        log = self.stderr.read().decode(errors="replace")
        with open(self.log.name) as f:
            commits = [json.loads(line) for line in f]
        os.unlink(self.log.name)
        return code, log, commits


def check_date(headers, what):
    """The Date header: IMF-fixdate, and the server's clock (within a minute of ours)."""
    date = headers.get("Date", "")
    check(IMF_FIXDATE.match(date), "%s: Date is an IMF-fixdate (got %r)" % (what, date))
    if IMF_FIXDATE.match(date):
        when = calendar.timegm(time.strptime(date, "%a, %d %b %Y %H:%M:%S GMT"))
        check(abs(when - time.time()) < 60, "%s: Date is now (got %r)" % (what, date))


def crt(n):
    return "00000000-0000-4000-8000-%012d" % n


def main(binary):
    s = Server(binary, "--rotation-function", FN + "=remove-pending,value=" + VALUE_MARK + "-rotated")

    # No ClientRequestToken: AWS refuses every version-creating request sent over raw HTTP.
    for operation, payload, error in (
            ("CreateSecret", {"Name": "smoke/untokened", "SecretString": "v"}, "InvalidRequestException"),
            ("CreateSecret", {"Name": "smoke/untokened", "SecretBinary": "AAEC"}, "InvalidRequestException"),
            ("PutSecretValue", {"SecretId": "smoke/untokened", "SecretString": "v"}, "InvalidRequestException"),
            ("UpdateSecret", {"SecretId": "smoke/untokened", "SecretString": "v"}, "InvalidRequestException")):
        status, headers, body = s.call(operation, payload)
        check(status == 400 and body == {"__type": error, "Message": MISSING_TOKEN},
              "%s without a token: 400 %s (got %s %s)" % (operation, error, status, body))
    status, _, body = s.call("DescribeSecret", {"SecretId": "smoke/untokened"})
    check(status == 400 and body.get("__type") == "ResourceNotFoundException",
          "a refused CreateSecret creates nothing (got %s %s)" % (status, body))
    # Without a value CreateSecret makes no version, so it needs no token.
    status, _, body = s.call("CreateSecret", {"Name": "smoke/empty"})
    check(status == 200 and "VersionId" not in body, "CreateSecret without a value needs no token (got %s %s)"
          % (status, body))
    status, _, body = s.call("RotateSecret", {"SecretId": "smoke/empty", "RotationLambdaARN": FN})
    check(status == 400 and body == {"__type": "InvalidParameterException", "Message": MISSING_TOKEN},
          "RotateSecret without a token: 400 InvalidParameterException (got %s %s)" % (status, body))
    status, _, body = s.call("DescribeSecret", {"SecretId": "smoke/empty"})
    check(status == 200 and "RotationEnabled" not in body and "VersionIdsToStages" not in body,
          "a refused RotateSecret changes nothing (got %s %s)" % (status, body))

    status, headers, body = s.call("CreateSecret", {"Name": "smoke/db", "SecretString": VALUE_MARK,
                                                    "ClientRequestToken": crt(1)})
    check(status == 200, "CreateSecret answers 200 (got %s %s)" % (status, body))
    check(headers.get("Content-Type") == "application/x-amz-json-1.1", "Content-Type of a success")
    check(UUID.match(headers.get("x-amzn-RequestId", "")), "x-amzn-RequestId is a UUID")
    check(body.get("VersionId") == crt(1), "the version is the ClientRequestToken")
    check_date(headers, "a success")

    status, headers, body = s.call("GetSecretValue", {"SecretId": "smoke/db"})
    check(status == 200 and body.get("SecretString") == VALUE_MARK, "GetSecretValue returns the value")

    status, headers, body = s.call("GetSecretValue", {"SecretId": "smoke/none"})
    check(status == 400 and body == {"__type": "ResourceNotFoundException",
                                     "Message": "Secrets Manager can't find the specified secret."},
          "an unknown secret: 400 ResourceNotFoundException (got %s %s)" % (status, body))
    check(headers.get("Content-Type") == "application/x-amz-json-1.1", "Content-Type of an error")
    check_date(headers, "an error")

    status, _, body = s.call("RotateSecret", {"SecretId": "smoke/db", "RotationLambdaARN": FN,
                                              "ClientRequestToken": crt(2)})
    check(status == 200 and body.get("VersionId") == crt(2),
          "RotateSecret with the registered function (got %s %s)" % (status, body))
    # It answers before the rotation runs, as AWS does: the built-in function's four steps run in
    # the server's rotation workers, each calling back into the server.
    deadline = time.monotonic() + 20
    while True:
        status, _, body = s.call("ListSecretVersionIds", {"SecretId": "smoke/db"})
        stages = sorted(sorted(v.get("VersionStages", [])) for v in body.get("Versions", []))
        if stages == [["AWSCURRENT"], ["AWSPREVIOUS"]] or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    check(stages == [["AWSCURRENT"], ["AWSPREVIOUS"]], "the rotation's steps ran (got %s)" % stages)
    status, _, body = s.call("GetSecretValue", {"SecretId": "smoke/db"})
    check(body.get("SecretString") == VALUE_MARK + "-rotated" and body.get("VersionId") == crt(2),
          "the new version is AWSCURRENT with the function's value (got %s)" % body.get("VersionId"))
    status, _, body = s.call("RotateSecret", {"SecretId": "smoke/db", "ClientRequestToken": crt(3),
                                              "RotationLambdaARN": FN + "-unknown"})
    check(status == 400 and body.get("__type") == "AccessDeniedException",
          "an unregistered function: AccessDeniedException (got %s %s)" % (status, body))

    for target in (None, "", "secretsmanager.NoSuchOperation", "kms.CreateKey"):
        status, headers, data = s.request(target=target)
        body = json.loads(data) if data else {}
        check(status == 400 and body.get("__type") == "UnknownOperationException",
              "X-Amz-Target %r: 400 UnknownOperationException (got %s %s)" % (target, status, data))
        check(UUID.match(headers.get("x-amzn-RequestId", "")), "request id with X-Amz-Target %r" % target)

    for method, path in (("GET", "/"), ("POST", "/other"), ("PUT", "/"), ("DELETE", "/x")):
        status, headers, data = s.request(method=method, path=path, target="secretsmanager.ListSecrets")
        check(400 <= status < 500, "%s %s: a 4xx (got %s)" % (method, path, status))
        check_date(headers, "%s %s" % (method, path))

    status, _, data = s.request(target="secretsmanager.CreateSecret", body=b"{not json")
    check(status == 400 and json.loads(data).get("__type") == "SerializationException",
          "a body that is not JSON: SerializationException (got %s %s)" % (status, data))

    # A client that sends half a request and waits must not hold up the others.
    slow = socket.create_connection(("127.0.0.1", s.port))
    slow.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
    started = time.monotonic()
    status, _, _ = s.call("DescribeSecret", {"SecretId": "smoke/db"})
    check(status == 200 and time.monotonic() - started < 2, "served while a slow client waits")
    slow.close()

    # Concurrent writers: every put answers 200, none is lost, commits are logged in order.
    puts_per_thread, threads = 25, 8
    statuses = []
    lock = threading.Lock()

    def writer(t):
        for i in range(puts_per_thread):
            status, _, _ = s.call("PutSecretValue", {"SecretId": "smoke/db", "ClientRequestToken": crt(
                                                          1000 * (t + 1) + i),
                                                      "SecretString": "%s-%d-%d" % (VALUE_MARK, t, i)})
            with lock:
                statuses.append(status)

    pool = [threading.Thread(target=writer, args=(t,)) for t in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    check(statuses == [200] * (threads * puts_per_thread), "every concurrent put answers 200")
    status, _, body = s.call("ListSecretVersionIds", {"SecretId": "smoke/db", "IncludeDeprecated": True,
                                                      "MaxResults": 100})
    versions = len(body.get("Versions", []))
    token = body.get("NextToken")
    while token:
        status, _, body = s.call("ListSecretVersionIds", {"SecretId": "smoke/db", "IncludeDeprecated": True,
                                                          "MaxResults": 100, "NextToken": token})
        versions += len(body.get("Versions", []))
        token = body.get("NextToken")
    # CreateSecret's version, the rotated one, and one per put: nothing is 24 h old, none collected.
    check(versions == 2 + threads * puts_per_thread, "no put lost (%d versions)" % versions)

    code, log, commits = s.stop(signal.SIGTERM)
    check(code == 0, "SIGTERM: exit status 0 (got %s)" % code)
    check(VALUE_MARK not in log, "the request log shows no secret value")
    check("{" not in log, "the request log shows no body")
    steps = [l for l in log.splitlines() if l.startswith("secretstage-server: rotation ")]
    check([l.split(" ")[2:5] for l in steps] ==
          [["smoke/db", step, "succeeded"] for step in ("createSecret", "setSecret", "testSecret", "finishSecret")],
          "one log line per rotation step (got %s)" % steps)
    lines = [l for l in log.splitlines() if l and not l.startswith("secretstage-server: ")]
    check(len(lines) >= 20 and all(UUID.match(l.split(" ")[0]) for l in lines),
          "one log line per request, starting with its request id")
    # Only finishSecret calls UpdateSecretVersionStage here.
    check(sum(l.split(" ")[1:3] == ["UpdateSecretVersionStage", "200"] for l in lines) == 2,
          "the function's own requests are logged as requests")
    check(any(l.endswith(" 400 ResourceNotFoundException") for l in lines), "error codes are logged")
    # Both CreateSecrets, RotateSecret, the function's PutSecretValue and two
    # UpdateSecretVersionStage (finishSecret), and the puts committed; reads and failures did not.
    check([c["seq"] for c in commits] == list(range(1, 7 + threads * puts_per_thread)),
          "the commit log numbers every commit in order")
    check([c["operation"] for c in commits[:6]] ==
          ["CreateSecret", "CreateSecret", "RotateSecret", "PutSecretValue", "UpdateSecretVersionStage",
           "UpdateSecretVersionStage"], "commit log operations (got %s)" % [c["operation"] for c in commits[:6]])
    check(all(set(c) == {"seq", "request_id", "operation", "account", "region"} for c in commits),
          "commit log members")
    check(all((c["account"], c["region"]) == ("123456789012", "us-east-1") for c in commits),
          "commit log lines name the store (the defaults --account-id, --region)")

    # --generate-client-request-tokens: the server fills in a UUIDv4, as the CLI and SDKs do.
    s = Server(binary, "--generate-client-request-tokens")
    status, _, body = s.call("CreateSecret", {"Name": "smoke/db", "SecretString": "v"})
    check(status == 200 and UUID.match(body.get("VersionId", "")),
          "--generate-client-request-tokens: a UUIDv4 is filled in (got %s %s)" % (status, body))
    status, _, body = s.call("PutSecretValue", {"SecretId": "smoke/db", "SecretString": "w"})
    check(status == 200 and UUID.match(body.get("VersionId", "")),
          "--generate-client-request-tokens: PutSecretValue too (got %s %s)" % (status, body))
    code, _, _ = s.stop(signal.SIGINT)
    check(code == 0, "SIGINT: exit status 0 (got %s)" % code)

    if failures:
        print("%d check(s) failed" % len(failures), file=sys.stderr)
        return 1
    print("server smoke test: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
