#!/usr/bin/python3
"""An independent oracle for include/secretstage/sigv4.hpp: requests signed by Debian's botocore
(the signer of the AWS CLI and boto3) are fed to the C++ driver (tests/sigv4/sigv4_driver.cpp),
which runs sigv4::verify(). The right key must be accepted with its account and the Region of its
scope; a wrong secret, an unknown key, a body or header changed after signing, a request time
outside AWS's five minutes on either side and a missing signature must each give AWS's error.

Run with /usr/bin/python3 (Debian's python3-botocore; the python3 first on PATH may be another):
    botocore_oracle.py path/to/sigv4_driver
"""
import datetime
import json
import os
import subprocess
import sys
import tempfile

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ALICE = ("AKIAALICEEXAMPLE01", "alice/secret+key/for/oracle/tests0000000", "111122223333")
BOB = ("AKIABOBEXAMPLE0002", "bob-secret-key-for-oracle-tests-000000000", "444455556666")
SECRETS = [ALICE[1], BOB[1]]
ENDPOINT = "http://127.0.0.1:8080"
HOST = "127.0.0.1:8080"

CREDENTIALS_FILE = f"""# keys allowed to call the endpoint
{ALICE[0]} {ALICE[1]} {ALICE[2]}   # alice

\t{BOB[0]}\t{BOB[1]}\t{BOB[2]}
"""

failures = []


def check(condition, what):
    print(("ok      " if condition else "FAILED  ") + what)
    if not condition:
        failures.append(what)


def signed(key, secret, region="us-east-1", url=ENDPOINT + "/", body=b'{"SecretId": "app/db"}',
           target="secretsmanager.GetSecretValue", extra_headers=None):
    """A Secrets Manager request as the CLI builds it, signed by botocore."""
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target}
    headers.update(extra_headers or {})
    request = AWSRequest(method="POST", url=url, data=body, headers=headers)
    SigV4Auth(Credentials(key, secret), "secretsmanager", region).add_auth(request)
    prepared = request.prepare()
    path, _, query = prepared.url[len(ENDPOINT):].partition("?")
    # The HTTP client adds Host (botocore signs the URL's host without setting the header).
    wire_headers = [["Host", HOST]] + [[k, v] for k, v in prepared.headers.items()]
    body_bytes = prepared.body if isinstance(prepared.body, bytes) else (prepared.body or "").encode()
    return {"method": "POST", "path": path, "query": query, "headers": wire_headers,
            "body_hex": body_bytes.hex(), "now": header(wire_headers, "X-Amz-Date")}


def header(headers, name):
    return next(v for k, v in headers if k.lower() == name.lower())


def replace_header(request, name, value):
    request["headers"] = [[k, value if k.lower() == name.lower() else v]
                          for k, v in request["headers"]]
    return request


def without_header(request, name):
    request["headers"] = [[k, v] for k, v in request["headers"] if k.lower() != name.lower()]
    return request


def shifted(amz_date, seconds):
    t = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ") + datetime.timedelta(seconds=seconds)
    return t.strftime("%Y%m%dT%H%M%SZ")


def main():
    driver = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        credentials_path = os.path.join(tmp, "credentials")
        with open(credentials_path, "w") as f:
            f.write(CREDENTIALS_FILE)

        cases = []  # (description, request, expectation)

        def expect_ok(description, request, key, region):
            cases.append((description, request, {"ok": True, "access_key_id": key[0],
                                                 "account": key[2], "region": region}))

        def expect_error(description, request, error_type, message=None, prefix=None):
            cases.append((description, request, {"ok": False, "type": error_type,
                                                 "message": message, "prefix": prefix}))

        expect_ok("alice's key: accepted, her account, us-east-1",
                  signed(ALICE[0], ALICE[1]), ALICE, "us-east-1")
        expect_ok("bob's key from eu-west-3: accepted, his account and Region",
                  signed(BOB[0], BOB[1], region="eu-west-3"), BOB, "eu-west-3")
        expect_ok("an empty JSON body (ListSecrets)",
                  signed(ALICE[0], ALICE[1], body=b"{}", target="secretsmanager.ListSecrets"),
                  ALICE, "us-east-1")
        expect_ok("botocore's own path and query canonicalization (dot, double slash, encoded)",
                  signed(ALICE[0], ALICE[1],
                         url=ENDPOINT + "/a%20b/./x/../c//d/?b=2&a=1&name=x%2Fy%20z&empty="),
                  ALICE, "us-east-1")
        expect_ok("a signed header with runs of spaces (botocore folds them)",
                  signed(ALICE[0], ALICE[1], extra_headers={"X-Custom": "  a   b\t c  "}),
                  ALICE, "us-east-1")
        expect_ok("a UTF-8 body",
                  signed(ALICE[0], ALICE[1], body='{"SecretString": "pässwörd ✓"}'.encode()),
                  ALICE, "us-east-1")

        mismatch = ("The request signature we calculated does not match the signature you "
                    "provided. Check your AWS Secret Access Key and signing method. Consult the "
                    "service documentation for details.\n\nThe Canonical String for this request "
                    "should have been\n'POST\n/\n\n")
        expect_error("wrong secret: InvalidSignatureException with the canonical string",
                     signed(ALICE[0], BOB[1]), "InvalidSignatureException", prefix=mismatch)
        expect_error("unknown access key: UnrecognizedClientException",
                     signed("AKIAUNKNOWNEXAMPLE", ALICE[1]), "UnrecognizedClientException",
                     message="The security token included in the request is invalid.")
        changed_body = signed(ALICE[0], ALICE[1])
        changed_body["body_hex"] = b'{"SecretId": "app/other"}'.hex()
        expect_error("body changed after signing: InvalidSignatureException", changed_body,
                     "InvalidSignatureException", prefix=mismatch)
        expect_error("signed header changed after signing: InvalidSignatureException",
                     replace_header(signed(ALICE[0], ALICE[1]), "X-Amz-Target",
                                    "secretsmanager.DeleteSecret"),
                     "InvalidSignatureException", prefix=mismatch)
        expect_error("Host changed (another endpoint): InvalidSignatureException",
                     replace_header(signed(ALICE[0], ALICE[1]), "Host", "127.0.0.1:9090"),
                     "InvalidSignatureException", prefix=mismatch)
        expect_error("no Authorization header: MissingAuthenticationTokenException",
                     without_header(signed(ALICE[0], ALICE[1]), "Authorization"),
                     "MissingAuthenticationTokenException",
                     message="Request is missing Authentication Token")

        for offset in (300, -300):
            request = signed(ALICE[0], ALICE[1])
            request["now"] = shifted(request["now"], offset)
            expect_ok(f"request time {offset:+d} s from now: still accepted", request, ALICE,
                      "us-east-1")
        late = signed(ALICE[0], ALICE[1])
        sent = late["now"]
        late["now"] = shifted(sent, 301)
        expect_error("replayed 5 min 1 s after signing: Signature expired", late,
                     "InvalidSignatureException",
                     message=f"Signature expired: {sent} is now earlier than {shifted(sent, 1)} "
                             f"({shifted(sent, 301)} - 5 min.)")
        early = signed(ALICE[0], ALICE[1])
        sent = early["now"]
        early["now"] = shifted(sent, -301)
        expect_error("signed 5 min 1 s ahead of the server clock: Signature not yet current", early,
                     "InvalidSignatureException",
                     message=f"Signature not yet current: {sent} is still later than "
                             f"{shifted(sent, -1)} ({shifted(sent, -301)} + 5 min.)")

        stdin = "".join(json.dumps(request) + "\n" for _, request, _ in cases)
        run = subprocess.run([driver, credentials_path], input=stdin, capture_output=True,
                             text=True, timeout=60)
        check(run.returncode == 0, f"driver exits 0 (got {run.returncode}: {run.stderr.strip()})")
        answers = [json.loads(line) for line in run.stdout.splitlines()]
        check(len(answers) == len(cases), f"one answer per request ({len(answers)}/{len(cases)})")
        for (description, _, want), got in zip(cases, answers):
            if want["ok"]:
                good = got == want
            else:
                good = (not got["ok"] and got["type"] == want["type"] and got["status"] == 400 and
                        (want["message"] is None or got["message"] == want["message"]) and
                        (want["prefix"] is None or got["message"].startswith(want["prefix"])))
            check(good, description + ("" if good else f"\n        got {got}"))
        everything = run.stdout + run.stderr
        check(not any(secret in everything for secret in SECRETS),
              "no secret key anywhere in the driver's output")

        # A credentials file with a bad line: refused, the line named, its secret not echoed.
        bad_path = os.path.join(tmp, "bad-credentials")
        with open(bad_path, "w") as f:
            f.write(CREDENTIALS_FILE + f"{ALICE[0]}2 {ALICE[1]}\n")
        bad = subprocess.run([driver, bad_path], input="", capture_output=True, text=True,
                             timeout=60)
        check(bad.returncode == 2 and "credentials line 5:" in bad.stderr,
              f"malformed credentials line: exit 2 naming line 5 (got {bad.returncode}: "
              f"{bad.stderr.strip()})")
        check(ALICE[1] not in bad.stdout + bad.stderr, "the malformed line's secret is not echoed")

    print(f"{len(failures)} failed" if failures else "all botocore oracle checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
