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
  - neither the server's log nor the function's messages carry a secret value.
"""

import os
import secrets
import shlex
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import drive_rotation  # noqa: E402
from pg_cluster import sigterm_exits  # noqa: E402
from rotation_server import REGION, Server  # noqa: E402

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:template-rotation"
FUNCTION = "exec:/usr/bin/python3 " + shlex.quote(os.path.join(HERE, "template_rotation.py"))

failures = []
function_messages = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def drive(endpoint, secret_id, **kwargs):
    token, results = drive_rotation.drive(endpoint, secret_id, FUNCTION_ARN, FUNCTION,
                                          region=REGION, report=print, **kwargs)
    function_messages.extend(r[3] for r in results)
    return token, results


def stages(sm, secret_id):
    return {v: sorted(s) for v, s in sm.describe_secret(SecretId=secret_id)
            ["VersionIdsToStages"].items()}


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

        log = server.output()
        status = server.stop()
        check(status == 0, "the server stops cleanly on SIGTERM (status %d)" % status)
    check(not any(v in log for v in values), "the server's log carries no secret value")
    check(not any(v in m for v in values for m in function_messages),
          "the function's messages carry no secret value")
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
