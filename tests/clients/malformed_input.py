#!/usr/bin/python3
"""Malformed input against a running secretstage-server (issue 6, item 3); run it through
tests/clients/with_server.sh. For every operation: each required member missing, members of the
wrong JSON type, string lengths and numbers at 0 / min-1 / min / max / max+1, invalid UTF-8, a
10 MiB body, truncated JSON, unknown X-Amz-Target values, missing headers, other methods and
paths, a client that sends slowly, one that stalls and one that disconnects mid-request.

Every answer must be a 4xx with an AWS error body ({"__type", "Message"}) — never a 5xx, never a
dropped connection for a complete request — except well-formed read-only requests, which may
succeed. Valid boundary values are combined with a later, non-validation failure (a secret that
does not exist, or both SecretString and SecretBinary), so that they prove the length check
passes without changing the store. Before and after, the store is read back in full
(DescribeSecret, ListSecretVersionIds with deprecated versions, GetSecretValue of every version,
ListSecrets) and must be identical."""

import http.client
import json
import os
import socket
import sys
import threading
import time
import urllib.parse

endpoint = urllib.parse.urlparse(os.environ["SECRETSTAGE_ENDPOINT"])
HOST, PORT = endpoint.hostname, endpoint.port
CT = "application/x-amz-json-1.1"
failures = []
checked = 0


def fail(what, detail):
    failures.append(what)
    print("FAIL:", what, "—", detail, file=sys.stderr)


def post(target, body, content_type=CT, method="POST", path="/", extra=None):
    """One request on a fresh connection; returns (status, parsed body or None, raw body)."""
    if isinstance(body, str):
        body = body.encode()
    headers = {"Authorization": "AWS4-HMAC-SHA256 Credential=x/20261128/us-east-1/secretsmanager/aws4_request, "
                                "SignedHeaders=host, Signature=0"}
    if target is not None:
        headers["X-Amz-Target"] = target
    if content_type is not None:
        headers["Content-Type"] = content_type
    headers.update(extra or {})
    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return response.status, parsed, raw
    finally:
        conn.close()


def call(operation, request):
    status, parsed, raw = post("secretsmanager." + operation, json.dumps(request))
    if status != 200:
        raise RuntimeError(f"{operation} {request!r} -> {status} {raw[:300]!r}")
    return parsed


def expect_error(what, status, parsed, raw, codes=None, not_about=None):
    """A 4xx AWS error body; optionally one of `codes`; optionally not a validation error about
    the member `not_about` (lowerCamel)."""
    global checked
    checked += 1
    if not 400 <= status < 500:
        return fail(what, f"HTTP {status}, body {raw[:200]!r}")
    # AWS's JSON front end answers a body it cannot read, and an unknown operation, with no
    # Message member (aws_json.hpp, messages.hpp); every other error carries one.
    if not isinstance(parsed, dict) or not isinstance(parsed.get("__type"), str) or \
            not (isinstance(parsed.get("Message"), str) or
                 ("Message" not in parsed and parsed["__type"] in ("SerializationException",
                                                                   "UnknownOperationException"))):
        return fail(what, f"not an AWS error body: {raw[:200]!r}")
    if codes is not None and parsed["__type"] not in codes:
        return fail(what, f"__type {parsed['__type']!r} not in {codes}: {parsed['Message'][:200]!r}")
    if not_about is not None and f"at '{not_about}'" in parsed["Message"]:
        return fail(what, f"a valid {not_about} was rejected: {parsed['Message'][:200]!r}")


# ---- the store, read back in full ---------------------------------------------------------------

def snapshot():
    out = {"secrets": call("ListSecrets", {"IncludePlannedDeletion": True})}
    for entry in out["secrets"]["SecretList"]:
        name = entry["Name"]
        described = call("DescribeSecret", {"SecretId": name})
        versions = call("ListSecretVersionIds", {"SecretId": name, "IncludeDeprecated": True})
        values = {}
        if "DeletedDate" not in described:
            for v in versions["Versions"]:
                got = call("GetSecretValue", {"SecretId": name, "VersionId": v["VersionId"]})
                values[v["VersionId"]] = (got.get("SecretString"), got.get("SecretBinary"))
        out[name] = (described, versions, values)
    return out


V = ["%08d-0000-4000-8000-000000000000" % i for i in range(10)]
call("CreateSecret", {"Name": "fixture/db", "SecretString": "fixture-1", "ClientRequestToken": V[1],
                      "Description": "the fixture", "Tags": [{"Key": "team", "Value": "a"}]})
call("PutSecretValue", {"SecretId": "fixture/db", "SecretString": "fixture-2", "ClientRequestToken": V[2]})
call("PutSecretValue", {"SecretId": "fixture/db", "SecretBinary": "AAEC", "ClientRequestToken": V[3],
                        "VersionStages": ["AWSPENDING", "custom"]})
call("PutSecretValue", {"SecretId": "fixture/db", "SecretString": "fixture-4", "ClientRequestToken": V[4]})
call("CreateSecret", {"Name": "fixture/gone", "SecretString": "g", "ClientRequestToken": V[5]})
call("DeleteSecret", {"SecretId": "fixture/gone", "RecoveryWindowInDays": 7})
snapshot()  # the reads set LastAccessedDate (day resolution) once
before = snapshot()

# ---- the operations: required members, a request that fails late, member types and limits -------

MISSING = "nothing/here"      # names no secret
BOTH = {"SecretString": "x", "SecretBinary": "eA=="}  # a late InvalidParameterException

# operation -> (required members, a well-formed request that changes nothing, read-only?)
OPERATIONS = {
    "CreateSecret": (["Name"], {"Name": "new/secret", "ClientRequestToken": V[9], **BOTH}, False),
    "PutSecretValue": (["SecretId"], {"SecretId": MISSING, "ClientRequestToken": V[9], "SecretString": "x"}, False),
    "UpdateSecret": (["SecretId"], {"SecretId": MISSING, "ClientRequestToken": V[9], "SecretString": "x"}, False),
    "UpdateSecretVersionStage": (["SecretId", "VersionStage"],
                                 {"SecretId": MISSING, "VersionStage": "AWSCURRENT", "MoveToVersionId": V[1],
                                  "RemoveFromVersionId": V[2]}, False),
    "RotateSecret": (["SecretId"], {"SecretId": MISSING, "ClientRequestToken": V[9],
                                    "RotationLambdaARN": "arn:aws:lambda:us-east-1:123456789012:function:f",
                                    "RotationRules": {"AutomaticallyAfterDays": 30}, "RotateImmediately": True}, False),
    "CancelRotateSecret": (["SecretId"], {"SecretId": MISSING}, False),
    "DeleteSecret": (["SecretId"], {"SecretId": MISSING, "RecoveryWindowInDays": 7}, False),
    "RestoreSecret": (["SecretId"], {"SecretId": MISSING}, False),
    "GetSecretValue": (["SecretId"], {"SecretId": MISSING, "VersionId": V[1], "VersionStage": "AWSCURRENT"}, True),
    "BatchGetSecretValue": ([], {"SecretIdList": [MISSING]}, True),
    "ListSecretVersionIds": (["SecretId"], {"SecretId": MISSING, "MaxResults": 10, "IncludeDeprecated": True}, True),
    "DescribeSecret": (["SecretId"], {"SecretId": MISSING}, True),
    "ListSecrets": ([], {"MaxResults": 10, "IncludePlannedDeletion": True, "SortOrder": "asc",
                         "Filters": [{"Key": "name", "Values": ["fixture"]}]}, True),
    "TagResource": (["SecretId", "Tags"], {"SecretId": MISSING, "Tags": [{"Key": "k", "Value": "v"}]}, False),
    "UntagResource": (["SecretId", "TagKeys"], {"SecretId": MISSING, "TagKeys": ["k"]}, False),
    "GetRandomPassword": ([], {"PasswordLength": 32, "ExcludeCharacters": "abc", "ExcludeNumbers": False,
                               "IncludeSpace": False}, True),
}

# Well-formed requests first: each must give its late error (or succeed, for a read).
for op, (required, request, read_only) in OPERATIONS.items():
    status, parsed, raw = post("secretsmanager." + op, json.dumps(request))
    if not (read_only and status == 200):
        expect_error(f"{op}: well-formed base request", status, parsed, raw,
                     codes={"ResourceNotFoundException", "InvalidParameterException"})

# Each required member missing: ValidationException.
for op, (required, request, _) in OPERATIONS.items():
    for member in required:
        broken = {k: v for k, v in request.items() if k != member}
        status, parsed, raw = post("secretsmanager." + op, json.dumps(broken))
        expect_error(f"{op}: {member} missing", status, parsed, raw, codes={"ValidationException"})
        if isinstance(parsed, dict) and "must not be null" not in parsed.get("Message", ""):
            fail(f"{op}: {member} missing", f"message {parsed.get('Message')!r}")


def wrong_types(value):
    if isinstance(value, bool):
        return ["true", 1, [], {}]
    if isinstance(value, int):
        # Not 1.5: AWS's deserializer truncates a fraction for an integer member (aws_json.hpp).
        return ["7", True, [], {}]
    if isinstance(value, str):
        return [7, True, [], {}, None]
    if isinstance(value, list):
        return ["x", 7, {}, [7] if value and isinstance(value[0], str) else ["x"]]
    if isinstance(value, dict):
        return ["x", 7, []]
    return []


# Members of the wrong JSON type: SerializationException (a null member counts as absent).
for op, (required, request, _) in OPERATIONS.items():
    for member, value in request.items():
        for wrong in wrong_types(value):
            if wrong is None and member not in required:
                continue  # null reads as absent: a different, possibly valid, request
            broken = dict(request, **{member: wrong})
            status, parsed, raw = post("secretsmanager." + op, json.dumps(broken))
            if wrong is None:
                if member in required:
                    expect_error(f"{op}: {member}=null", status, parsed, raw, codes={"ValidationException"})
                continue
            expect_error(f"{op}: {member}={json.dumps(wrong)}", status, parsed, raw,
                         codes={"SerializationException"})

# String lengths at 0 / min-1 / min / max / max+1; numbers likewise.
# (operation, member, lowerCamel name in AWS's message, min, max, kind)
LIMITS = [(op, "SecretId", "secretId", 1, 2048, "s") for op, (req, _, _) in OPERATIONS.items() if "SecretId" in req]
LIMITS += [
    ("CreateSecret", "Name", "name", 1, 512, "s"),
    ("CreateSecret", "ClientRequestToken", "clientRequestToken", 32, 64, "s"),
    ("CreateSecret", "Description", "description", 0, 2048, "s"),
    ("CreateSecret", "KmsKeyId", "kmsKeyId", 0, 2048, "s"),
    ("PutSecretValue", "ClientRequestToken", "clientRequestToken", 32, 64, "s"),
    ("PutSecretValue", "SecretString", "secretString", 1, 65536, "s"),
    ("UpdateSecret", "SecretString", "secretString", 1, 65536, "s"),
    ("UpdateSecret", "ClientRequestToken", "clientRequestToken", 32, 64, "s"),
    ("UpdateSecretVersionStage", "VersionStage", "versionStage", 1, 256, "s"),
    ("UpdateSecretVersionStage", "MoveToVersionId", "moveToVersionId", 32, 64, "s"),
    ("UpdateSecretVersionStage", "RemoveFromVersionId", "removeFromVersionId", 32, 64, "s"),
    ("RotateSecret", "ClientRequestToken", "clientRequestToken", 32, 64, "s"),
    ("RotateSecret", "RotationLambdaARN", "rotationLambdaARN", 0, 2048, "s"),
    ("GetSecretValue", "VersionId", "versionId", 32, 64, "s"),
    ("GetSecretValue", "VersionStage", "versionStage", 1, 256, "s"),
    ("GetRandomPassword", "ExcludeCharacters", "excludeCharacters", 0, 4096, "s"),
    ("GetRandomPassword", "PasswordLength", "passwordLength", 1, 4096, "n"),
    ("DeleteSecret", "RecoveryWindowInDays", "recoveryWindowInDays", 7, 30, "n"),
    ("ListSecrets", "MaxResults", "maxResults", 1, 100, "n"),
    ("ListSecretVersionIds", "MaxResults", "maxResults", 1, 100, "n"),
]
for op, member, camel, lo, hi, kind in LIMITS:
    required, request, read_only = OPERATIONS[op]
    for n in sorted({0, lo - 1, lo, hi, hi + 1}):
        if n < 0:
            continue
        value = ("a" * n) if kind == "s" else n
        if member == "SecretId" and kind == "s" and n > 0:
            value = "nothing-" + "a" * (n - 8) if n >= 8 else "n" * n
        broken = dict(request, **{member: value})
        status, parsed, raw = post("secretsmanager." + op, json.dumps(broken))
        what = f"{op}: {member} of {'length ' if kind == 's' else ''}{n}"
        if lo <= n <= hi:
            if not (read_only and status == 200):
                expect_error(what, status, parsed, raw, not_about=camel)
        else:
            expect_error(what, status, parsed, raw,
                         codes={"ValidationException", "InvalidParameterException", "InvalidRequestException"})

# Bodies that are not JSON objects.
bad_bodies = {
    "invalid UTF-8 in a string": b'{"SecretId": "fixture/db\xff\xfe"}',
    "invalid UTF-8 outside strings": b'{"SecretId"\xc3: "fixture/db"}',
    "an overlong UTF-8 encoding": b'{"SecretId": "\xc0\xaf"}',
    "a lone surrogate escape": b'{"SecretId": "\\ud800"}',
    "not JSON": b"SecretId=fixture/db",
    "a JSON array": b'["fixture/db"]',
    "a JSON string": b'"fixture/db"',
    "null": b"null",
    "deep nesting": b"[" * 100000 + b"]" * 100000,
    "a NUL byte": b'{"SecretId": "fixture/db"}\x00',
    "two objects": b'{"SecretId": "a"}{"SecretId": "b"}',
    "a duplicate member": b'{"SecretId": 7, "SecretId": "fixture/db", "VersionStage": []}',
}
full = json.dumps({"SecretId": "fixture/db", "VersionStage": "AWSPREVIOUS"}).encode()
for cut in (1, 2, len(full) // 2, len(full) - 1):
    bad_bodies[f"JSON truncated to {cut} bytes"] = full[:cut]
for what, body in bad_bodies.items():
    for op in ("GetSecretValue", "PutSecretValue", "UpdateSecretVersionStage"):
        status, parsed, raw = post("secretsmanager." + op, body)
        if op == "GetSecretValue" and status == 200:
            continue  # a read that happened to parse
        expect_error(f"{op}: {what}", status, parsed, raw)

# A 10 MiB body: a 10 MiB SecretString, and 10 MiB of JSON whitespace around a valid request.
ten = 10 << 20
status, parsed, raw = post("secretsmanager.PutSecretValue",
                           json.dumps({"SecretId": "fixture/db", "ClientRequestToken": V[8], "SecretString": "x" * ten}))
expect_error("a 10 MiB SecretString", status, parsed, raw, codes={"ValidationException"})
status, parsed, raw = post("secretsmanager.PutSecretValue",
                           b" " * ten + json.dumps({"SecretId": MISSING, "ClientRequestToken": V[8],
                                                    "SecretString": "x"}).encode())
expect_error("a 10 MiB body of whitespace", status, parsed, raw)

# Targets and headers.
for target in ("secretsmanager.Nope", "secretsmanager.", "secretsmanager", "kms.GetSecretValue",
               "secretsmanager.getsecretvalue", "secretsmanager.GetSecretValue.x", "", "\u00e9".encode().decode("latin-1")):
    status, parsed, raw = post(target, json.dumps({"SecretId": "fixture/db"}))
    expect_error(f"X-Amz-Target {target!r}", status, parsed, raw, codes={"UnknownOperationException"})
status, parsed, raw = post(None, json.dumps({"SecretId": "fixture/db"}))
expect_error("no X-Amz-Target", status, parsed, raw, codes={"UnknownOperationException"})
for content_type in (None, "application/json", "text/plain"):
    status, parsed, raw = post("secretsmanager.PutSecretValue",
                               json.dumps({"SecretId": "fixture/db", "SecretString": "x", "ClientRequestToken": V[7]}),
                               content_type=content_type)
    expect_error(f"Content-Type {content_type!r}", status, parsed, raw)
for method, path in (("GET", "/"), ("PUT", "/"), ("DELETE", "/"), ("POST", "/other"), ("GET", "/favicon.ico")):
    status, parsed, raw = post("secretsmanager.DescribeSecret", json.dumps({"SecretId": "fixture/db"}),
                               method=method, path=path)
    if not 400 <= status < 500:
        fail(f"{method} {path}", f"HTTP {status}")
    checked += 1


# ---- no ClientRequestToken: AWS refuses a version-creating raw request --------------------------
# The server answers as AWS does unless started with --generate-client-request-tokens (which
# with_server.sh does not pass). The requests name existing secrets and are otherwise valid, so
# only the missing token can refuse them.
NO_TOKEN = "You must provide a ClientRequestToken value. We recommend a UUID-type value."
for op, request, code in [
    ("CreateSecret", {"Name": "new/untokened", "SecretString": "x"}, "InvalidRequestException"),
    ("CreateSecret", {"Name": "new/untokened", "SecretBinary": "eA=="}, "InvalidRequestException"),
    ("PutSecretValue", {"SecretId": "fixture/db", "SecretString": "x"}, "InvalidRequestException"),
    ("PutSecretValue", {"SecretId": "fixture/db", "SecretBinary": "eA=="}, "InvalidRequestException"),
    ("UpdateSecret", {"SecretId": "fixture/db", "SecretString": "x"}, "InvalidRequestException"),
    ("RotateSecret", {"SecretId": "fixture/db", "RotationLambdaARN": os.environ.get(
        "STORY_ROTATION_ARN", "arn:aws:lambda:us-east-1:123456789012:function:f")}, "InvalidParameterException"),
]:
    status, parsed, raw = post("secretsmanager." + op, json.dumps(request))
    expect_error(f"{op} without ClientRequestToken", status, parsed, raw, codes={code})
    if isinstance(parsed, dict) and parsed.get("Message") != NO_TOKEN:
        fail(f"{op} without ClientRequestToken", f"message {parsed.get('Message')!r}")

# ---- clients that misbehave on the socket --------------------------------------------------------

def raw_request(target, body):
    return (f"POST / HTTP/1.1\r\nHost: {HOST}:{PORT}\r\nX-Amz-Target: {target}\r\n"
            f"Content-Type: {CT}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body


def read_status(sock):
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\r\n", 1)[0]


# A slow client: the request dribbles in over about two seconds, and still gets its answer.
request = raw_request("secretsmanager.DescribeSecret", json.dumps({"SecretId": MISSING}).encode())
slow = socket.create_connection((HOST, PORT), timeout=30)
answered_meanwhile = []


def meanwhile():
    status, _, _ = post("secretsmanager.DescribeSecret", json.dumps({"SecretId": "fixture/db"}))
    answered_meanwhile.append(status)


started = time.monotonic()
other = None
for i in range(0, len(request), 4):
    slow.sendall(request[i:i + 4])
    time.sleep(2.0 / (len(request) / 4))
    if other is None and time.monotonic() - started > 0.5:
        other = threading.Thread(target=meanwhile)
        other.start()
line = read_status(slow)
slow.close()
checked += 1
if not line.startswith(b"HTTP/1.1 400"):
    fail("a slow client", f"status line {line!r}")
other.join(timeout=30)
checked += 1
if answered_meanwhile != [200]:
    fail("another client while a slow one is sending", repr(answered_meanwhile))

# A client that disconnects mid-request: half the body, then gone; and one that stalls in its
# headers while others are served.
for cut in (10, len(request) // 2, len(request) - 1):
    s = socket.create_connection((HOST, PORT), timeout=30)
    s.sendall(raw_request("secretsmanager.PutSecretValue",
                          json.dumps({"SecretId": "fixture/db", "ClientRequestToken": V[6],
                                      "SecretString": "never-stored"}).encode())[:cut])
    s.close()
staller = socket.create_connection((HOST, PORT), timeout=30)
staller.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Tar")
t0 = time.monotonic()
status, _, _ = post("secretsmanager.DescribeSecret", json.dumps({"SecretId": "fixture/db"}))
checked += 1
if status != 200 or time.monotonic() - t0 > 2:
    fail("a stalled client does not block others", f"HTTP {status} after {time.monotonic() - t0:.2f} s")
staller.close()

# ---- nothing changed ---------------------------------------------------------------------------

after = snapshot()
checked += 1
def differences(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            yield from differences(a.get(key), b.get(key), f"{path}.{key}")
    elif isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from differences(x, y, f"{path}[{i}]")
    elif a != b:
        yield f"{path}: {json.dumps(a, default=str)[:200]} -> {json.dumps(b, default=str)[:200]}"


if after != before:
    fail("the store is exactly as before", "; ".join(list(differences(before, after))[:20]))

print(f"malformed_input: {checked} checks, {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
