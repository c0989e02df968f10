#!/usr/bin/python3
"""template_rotation.py rotates a plain secret on a fresh secretstage-server, driven step by step
by drive_rotation.py as Secrets Manager would invoke it.

    test_template_rotation.py <secretstage-server>

Checks, from the server's answers (the expected labels are AWS's rules, not the output of a run):
  - a step for a secret whose rotation is not enabled fails, and changes nothing;
  - a rotation: AWSCURRENT on the new version, whose value is new; AWSPREVIOUS on the old one
    with the old value; no AWSPENDING anywhere; RotationEnabled;
  - a step delivered again after the rotation finished succeeds and changes nothing;
  - a second rotation moves AWSPREVIOUS to the first rotation's version;
  - a step with a token that is not AWSPENDING fails;
  - the driver's contract: exec:'s event on standard input and environment, and the Lambda
    Invoke API's request (against tests/invoker/lambda_endpoint.py);
  - neither the server's log nor the function's messages carry a secret value.
"""

import os
import secrets
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import drive_rotation  # noqa: E402
from checks import check, outcome  # noqa: E402
from pg_cluster import sigterm_exits  # noqa: E402
from rotation_server import REGION, Server  # noqa: E402

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:template-rotation"
FUNCTION = "exec:/usr/bin/python3 " + shlex.quote(os.path.join(HERE, "template_rotation.py"))

function_messages = []



def drive(endpoint, secret_id, **kwargs):
    token, results = drive_rotation.drive(endpoint, secret_id, FUNCTION_ARN, FUNCTION,
                                          region=REGION, report=print, **kwargs)
    function_messages.extend(r[3] for r in results)
    return token, results


def stages(sm, secret_id):
    return {v: sorted(s) for v, s in sm.describe_secret(SecretId=secret_id)
            ["VersionIdsToStages"].items()}


def check_driver_contract(endpoint, token):
    """The event and environment the driver gives a function are rotation_invoker.hpp's: the
    compact event, members in AWS's order, on standard input; the endpoint and Region variables;
    the Lambda Invoke API's path, headers and body."""
    sm = drive_rotation.client(endpoint, REGION)
    arn = sm.describe_secret(SecretId="template-rotated")["ARN"]
    expected = ('{"Step":"testSecret","SecretId":"%s","ClientRequestToken":"%s",'
                '"RotationToken":"rotation-token-1"}' % (arn, token))
    show = ('exec:printf "%s|%s|%s|%s\\n" "$SECRETS_MANAGER_ENDPOINT" '
            '"$AWS_ENDPOINT_URL_SECRETS_MANAGER" "$AWS_REGION" "$AWS_DEFAULT_REGION" >&2; '
            'cat >&2; exit 3')
    _, results = drive_rotation.drive(endpoint, "template-rotated", FUNCTION_ARN, show,
                                      region=REGION, token=token, start=False,
                                      rotation_token="rotation-token-1", steps=["testSecret"],
                                      report=print)
    check(results[0][1:3] == ("failed", "exit status 3"), "exec: a non-zero exit fails the step")
    check(results[0][3] == "%s|%s|%s|%s\n%s" % (endpoint, endpoint, REGION, REGION, expected),
          "exec: the endpoint and Region variables, and the event on standard input")

    began = time.monotonic()
    _, results = drive_rotation.drive(endpoint, "template-rotated", FUNCTION_ARN,
                                      "exec:sleep 30; sleep 30", region=REGION, token=token,
                                      start=False, steps=["testSecret"], timeout=1, report=print)
    check(results[0][1] == "timed-out" and time.monotonic() - began < 10,
          "exec: a step past its timeout is stopped, its process group with it")

    endpoint_process = subprocess.Popen(
        ["/usr/bin/python3", os.path.join(HERE, "..", "invoker", "lambda_endpoint.py")],
        stdout=subprocess.PIPE, text=True)
    try:
        port = int(endpoint_process.stdout.readline())
        url = "http://127.0.0.1:%d/2015-03-31/functions/%%s/invocations" % port
        _, results = drive_rotation.drive(endpoint, "template-rotated", FUNCTION_ARN, url % "ok",
                                          region=REGION, token=token, start=False, report=print)
        check([r[1] for r in results] == ["succeeded"] * 4,
              "Lambda Invoke API: a 200 without X-Amz-Function-Error succeeds")
        _, results = drive_rotation.drive(endpoint, "template-rotated", FUNCTION_ARN,
                                          url % "echo", region=REGION, token=token, start=False,
                                          rotation_token="rotation-token-1",
                                          steps=["testSecret"], report=print)
        seen = results[0][3].splitlines()
        check(results[0][1:3] == ("failed", "function error Unhandled"),
              "Lambda Invoke API: X-Amz-Function-Error fails the step")
        check("path /2015-03-31/functions/echo/invocations" in seen
              and "invocation-type RequestResponse" in seen
              and "content-type application/json" in seen and "body " + expected in seen,
              "Lambda Invoke API: the path, the headers and the event as the body")
    finally:
        endpoint_process.terminate()
        endpoint_process.wait()


def main():
    sigterm_exits()
    values = []
    with Server(sys.argv[1], [FUNCTION_ARN]) as server:
        sm = drive_rotation.client(server.endpoint, REGION)
        initial = "template-initial-" + secrets.token_hex(12)
        values.append(initial)
        created = sm.create_secret(Name="template-rotated", SecretString=initial)
        v0 = created["VersionId"]

        # Not enabled for rotation: the handler refuses before doing anything.
        stray = "00000000-0000-4000-8000-000000000001"
        _, results = drive(server.endpoint, "template-rotated", token=stray, start=False,
                           steps=["createSecret"])
        check(results[0][1] == "failed" and "not enabled for rotation" in results[0][3],
              "createSecret without rotation enabled fails: %s" % results[0][3].strip())
        check(stages(sm, "template-rotated") == {v0: ["AWSCURRENT"]},
              "the refused step changed no label")

        # The first rotation.
        token1, results = drive(server.endpoint, "template-rotated")
        check([r[:2] for r in results] == [(s, "succeeded") for s in drive_rotation.STEPS],
              "the four steps succeed")
        check(token1 != v0, "the rotation has a new version")
        check(stages(sm, "template-rotated") == {v0: ["AWSPREVIOUS"], token1: ["AWSCURRENT"]},
              "AWSCURRENT on the new version, AWSPREVIOUS on the old, no AWSPENDING")
        current = sm.get_secret_value(SecretId="template-rotated")
        values.append(current["SecretString"])
        check(current["VersionId"] == token1, "GetSecretValue answers the new version")
        check(current["SecretString"] not in ("", initial), "the new value is new")
        previous = sm.get_secret_value(SecretId="template-rotated", VersionStage="AWSPREVIOUS")
        check(previous["SecretString"] == initial, "AWSPREVIOUS keeps the old value")
        check(sm.describe_secret(SecretId="template-rotated").get("RotationEnabled") is True,
              "rotation stays enabled")

        # finishSecret delivered again: the version is already AWSCURRENT, nothing to do.
        _, results = drive(server.endpoint, "template-rotated", token=token1, start=False,
                           steps=["finishSecret", "createSecret"])
        check(all(r[1] == "succeeded" for r in results),
              "steps delivered again after the rotation succeed")
        check(stages(sm, "template-rotated") == {v0: ["AWSPREVIOUS"], token1: ["AWSCURRENT"]},
              "and change no label")

        # A second rotation.
        token2, results = drive(server.endpoint, "template-rotated")
        check(all(r[1] == "succeeded" for r in results), "the second rotation succeeds")
        # VersionIdsToStages lists versions with labels only: v0 is now deprecated.
        check(stages(sm, "template-rotated") == {token1: ["AWSPREVIOUS"], token2: ["AWSCURRENT"]},
              "AWSPREVIOUS follows to the first rotation's version")
        second = sm.get_secret_value(SecretId="template-rotated")["SecretString"]
        values.append(second)
        check(second not in values[:-1], "the second value is new too")

        # A token whose version is not AWSPENDING (the old current one): refused.
        _, results = drive(server.endpoint, "template-rotated", token=token1, start=False,
                           steps=["createSecret"])
        check(results[0][1] == "failed" and "not set as AWSPENDING" in results[0][3],
              "a step for a version that is not AWSPENDING fails")

        check_driver_contract(server.endpoint, token2)

        log = server.output()
        status = server.stop()
        check(status == 0, "the server stops cleanly on SIGTERM (status %d)" % status)
    check(not any(v in log for v in values), "the server's log carries no secret value")
    check(not any(v in m for v in values for m in function_messages),
          "the function's messages carry no secret value")
    return outcome()


if __name__ == "__main__":
    sys.exit(main())
