#!/usr/bin/python3
"""A real database rotation: postgres_single_user.py rotates a PostgreSQL login's password,
twice, driven step by step by drive_rotation.py against a fresh secretstage-server.

    test_postgres_rotation.py <secretstage-server>

A throwaway PostgreSQL 15 cluster (pg_cluster.py: a free port on 127.0.0.1, scram-sha-256
passwords only) holds the login; the secret holds its credentials as AWS's database secrets do.
After each rotation:
  - AWSCURRENT is on the rotation's version, AWSPREVIOUS on the one before, no AWSPENDING;
  - the AWSCURRENT password is new and logs in (psql), and the AWSPREVIOUS one is refused with
    "password authentication failed" (so a dead server cannot pass for a refused password);
  - every earlier password is refused too.
Then the same function run by the server itself (--rotation-function ARN=exec:…), two rotations
started by RotateSecret alone, with the same login checks after each.
Also: setSecret delivered twice does nothing the second time; steps delivered after the
rotation finished succeed and change nothing; a setSecret for which neither the current nor the
previous password works fails and leaves the labels as they were; and no secret value
appears in the server's log or in the function's messages. Server and cluster are stopped, and
the cluster's directory removed, whatever happens.
"""

import json
import os
import secrets
import shlex
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import drive_rotation  # noqa: E402
from checks import check, outcome  # noqa: E402
from pg_cluster import Cluster, sigterm_exits  # noqa: E402
from rotation_server import REGION, Server  # noqa: E402

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:postgres-single-user"
FUNCTION = "exec:/usr/bin/python3 " + shlex.quote(os.path.join(HERE, "postgres_single_user.py"))
SECRET = "postgres/app-login"
# A name that needs quoting as an identifier, so the ALTER USER really depends on it.
ROLE = "app login's role"

function_messages = []



def drive(endpoint, **kwargs):
    token, results = drive_rotation.drive(endpoint, SECRET, FUNCTION_ARN, FUNCTION, region=REGION,
                                          report=print, **kwargs)
    function_messages.extend(r[3] for r in results)
    return token, results


def stages(sm):
    return {v: sorted(s) for v, s in sm.describe_secret(SecretId=SECRET)
            ["VersionIdsToStages"].items()}


def password_at(sm, stage):
    value = json.loads(sm.get_secret_value(SecretId=SECRET, VersionStage=stage)["SecretString"])
    return value["password"]


SERVER_RUN_SECRET = "postgres/server-rotated"
SERVER_RUN_ROLE = "server rotated role"


def server_run(pg, binary, passwords):
    """The same function run by the server itself (--rotation-function ARN=exec:…): the test
    only calls RotateSecret and waits. After each rotation the AWSCURRENT password logs in and
    the AWSPREVIOUS one does not."""
    # A seed of its own (the last --seed wins): with the first part's seed this server's
    # GetRandomPassword answers could repeat the first part's passwords, which `passwords` holds.
    arguments = ["--seed", "8", "--rotation-function", FUNCTION_ARN + "=" + FUNCTION,
                 "--rotation-step-timeout", "30000", "--rotation-retry-delay", "500"]
    with Server(binary, arguments=arguments) as server:
        initial = "Initial-" + secrets.token_urlsafe(18)
        passwords.append(initial)
        pg.create_login_role(SERVER_RUN_ROLE, initial)
        sm = drive_rotation.client(server.endpoint, REGION)
        secret = {"engine": "postgres", "host": pg.host, "port": pg.port,
                  "username": SERVER_RUN_ROLE, "password": initial, "dbname": "postgres"}
        previous_version = sm.create_secret(Name=SERVER_RUN_SECRET,
                                            SecretString=json.dumps(secret))["VersionId"]
        for rotation in (1, 2):
            arn = {"RotationLambdaARN": FUNCTION_ARN} if rotation == 1 else {}
            token = sm.rotate_secret(SecretId=SERVER_RUN_SECRET, **arn)["VersionId"]
            expected = {previous_version: ["AWSPREVIOUS"], token: ["AWSCURRENT"]}
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and {
                    v: sorted(st) for v, st in sm.describe_secret(SecretId=SERVER_RUN_SECRET)
                    ["VersionIdsToStages"].items()} != expected:
                time.sleep(0.2)
            labels = {v: sorted(st) for v, st in sm.describe_secret(SecretId=SERVER_RUN_SECRET)
                      ["VersionIdsToStages"].items()}
            check(labels == expected, "server-run rotation %d: AWSCURRENT on the new version, "
                  "AWSPREVIOUS on the one before, no AWSPENDING" % rotation)
            values = {stage: json.loads(sm.get_secret_value(
                SecretId=SERVER_RUN_SECRET, VersionStage=stage)["SecretString"])["password"]
                for stage in ("AWSCURRENT", "AWSPREVIOUS")}
            check(values["AWSPREVIOUS"] == passwords[-1] and values["AWSCURRENT"] not in passwords,
                  "server-run rotation %d: a new password, the old one in AWSPREVIOUS" % rotation)
            passwords.append(values["AWSCURRENT"])
            check(pg.can_log_in(SERVER_RUN_ROLE, values["AWSCURRENT"]),
                  "server-run rotation %d: the AWSCURRENT password logs in" % rotation)
            check(not pg.can_log_in(SERVER_RUN_ROLE, values["AWSPREVIOUS"]),
                  "server-run rotation %d: the AWSPREVIOUS password no longer does" % rotation)
            previous_version = token
        # The labels move inside finishSecret; its log line follows once the step returns.
        def step_lines():
            return [line for line in server.output().splitlines()
                    if " rotation " + SERVER_RUN_SECRET + " " in line]
        deadline = time.monotonic() + 30
        while len(step_lines()) < 8 and time.monotonic() < deadline:
            time.sleep(0.1)
        check(server.stop() == 0, "server-run: the server stops cleanly on SIGTERM")
        log = server.output()
        steps = step_lines()
        check(len(steps) == 8 and all(" succeeded " in line for line in steps),
              "server-run: one log line per step, 8 steps succeeded")
        return log


def main():
    sigterm_exits()
    passwords = []
    with Cluster() as pg, Server(sys.argv[1], [FUNCTION_ARN]) as server:
        initial = "Initial-" + secrets.token_urlsafe(18)
        passwords.append(initial)
        pg.create_login_role(ROLE, initial)
        check(pg.can_log_in(ROLE, initial), "the role logs in with its initial password")
        check(not pg.can_log_in(ROLE, initial + "x"), "and not with another one")

        sm = drive_rotation.client(server.endpoint, REGION)
        secret = {"engine": "postgres", "host": pg.host, "port": pg.port, "username": ROLE,
                  "password": initial, "dbname": "postgres"}
        previous_version = sm.create_secret(Name=SECRET,
                                            SecretString=json.dumps(secret))["VersionId"]

        for rotation in (1, 2):
            # The second rotation gets setSecret twice (at-least-once delivery): the second
            # finds the pending password already set and does nothing.
            steps = list(drive_rotation.STEPS)
            if rotation == 2:
                steps.insert(2, "setSecret")
            token, results = drive(server.endpoint, steps=steps)
            check([r[:2] for r in results] == [(s, "succeeded") for s in steps],
                  "rotation %d: the steps %s succeed" % (rotation, ", ".join(steps)))
            if rotation == 2:
                check("already logs in" in results[2][3],
                      "rotation 2: setSecret delivered again finds the password already set")
            check(stages(sm) == {previous_version: ["AWSPREVIOUS"], token: ["AWSCURRENT"]},
                  "rotation %d: AWSCURRENT on the new version, AWSPREVIOUS on the one before, "
                  "no AWSPENDING" % rotation)
            current, previous = password_at(sm, "AWSCURRENT"), password_at(sm, "AWSPREVIOUS")
            check(previous == passwords[-1],
                  "rotation %d: AWSPREVIOUS holds the password before it" % rotation)
            check(current not in passwords, "rotation %d: the AWSCURRENT password is new"
                  % rotation)
            check(not any(c in current for c in ":/@\"'\\"),
                  "rotation %d: the new password avoids the excluded characters" % rotation)
            passwords.append(current)
            check(pg.can_log_in(ROLE, current),
                  "rotation %d: the AWSCURRENT password logs in" % rotation)
            check(not pg.can_log_in(ROLE, previous),
                  "rotation %d: the AWSPREVIOUS password no longer does" % rotation)
            check(not any(pg.can_log_in(ROLE, p) for p in passwords[:-1]),
                  "rotation %d: no earlier password does" % rotation)
            previous_version = token

        # Steps delivered again after the rotation finished: nothing to do, nothing changes.
        before = stages(sm)
        _, results = drive(server.endpoint, token=previous_version, start=False,
                           steps=["createSecret", "setSecret", "testSecret"])
        check(all(r[1] == "succeeded" for r in results) and stages(sm) == before,
              "steps delivered after the rotation finished succeed and change no label")
        check(pg.can_log_in(ROLE, passwords[-1]), "and the current password still logs in")

        # A rotation whose setSecret finds no working password (someone changed it behind
        # the secret's back) fails there and leaves AWSCURRENT where it was.
        pg.check("\\getenv role_name ROLE\n\\getenv pw PW\n"
                 "ALTER USER :\"role_name\" WITH PASSWORD :'pw';\n",
                 variables={"ROLE": ROLE, "PW": "Changed-" + secrets.token_urlsafe(18)})
        before = stages(sm)
        token, results = drive(server.endpoint)
        check([r[:2] for r in results] == [("createSecret", "succeeded"), ("setSecret", "failed")]
              and "unable to log into database" in results[-1][3],
              "setSecret without a working password fails")
        after = stages(sm)
        check(after.get(token) == ["AWSPENDING"] and
              {v: s for v, s in after.items() if v != token} == before,
              "and leaves AWSCURRENT and AWSPREVIOUS where they were, AWSPENDING on the attempt")
        passwords.append(json.loads(sm.get_secret_value(
            SecretId=SECRET, VersionId=token, VersionStage="AWSPENDING")["SecretString"])
            ["password"])

        log = server.output()
        status = server.stop()
        check(status == 0, "the server stops cleanly on SIGTERM (status %d)" % status)
        log += server_run(pg, sys.argv[1], passwords)
    check(not any(p in log for p in passwords), "the server's log carries no password")
    check(not any(p in m for p in passwords for m in function_messages),
          "the function's messages carry no password")
    return outcome()


if __name__ == "__main__":
    sys.exit(main())
