#!/usr/bin/python3
"""RotateSecret with RotateImmediately false for a function the server invokes (issue 14): AWS
"tests the rotation configuration by running the testSecret step of the Lambda rotation function.
The test creates an AWSPENDING version of the secret and then removes it." (API reference,
RotateSecret). docs/semantics.md#rotation-progress has the rulings this test checks.

    test_testonly_rotation.py <secretstage-server>

With `--rotation-function ARN=exec:recording_rotation.py DIR` (it records every step it is invoked
with, and at testSecret reads the token's AWSPENDING value, then waits while DIR/hold exists):
  - RotateSecret(RotateImmediately=false) answers ARN, Name and the token as VersionId;
  - while testSecret runs: DescribeSecret shows the token's version with AWSPENDING beside
    AWSCURRENT's, and GetSecretValue(VersionStage=AWSPENDING) gives AWSCURRENT's value, which the
    function read too;
  - only testSecret runs, once, with the token;
  - afterwards the version is gone: VersionIdsToStages as before, no AWSPENDING, no
    LastRotatedDate, LastChangedDate that of the RotateSecret, RotationEnabled true;
  - a failing testSecret is not retried and leaves nothing behind either;
  - CancelRotateSecret while it runs removes the version at once.
The expected states are AWS's words and the rulings, not a run's output.
"""

import os
import shlex
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import drive_rotation  # noqa: E402
from checks import check, error_of, outcome, wait_for  # noqa: E402
from rotation_server import REGION, Server  # noqa: E402

ARN = "arn:aws:lambda:us-east-1:123456789012:function:recording-rotation"
PREVIOUS_INCOMPLETE = "A previous rotation isn't complete. That rotation will be reattempted."


def stages(sm, secret_id):
    return {v: sorted(s) for v, s in sm.describe_secret(SecretId=secret_id)
            ["VersionIdsToStages"].items()}


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def steps_of(directory):
    text = read(os.path.join(directory, "steps")) or ""
    return [line.split() for line in text.splitlines()]


def step_lines(server, secret):
    return [line for line in server.output().splitlines()
            if line.startswith("secretstage-server: rotation %s " % secret)]


def one_test(server, sm, directory, name, token, fail):
    """Creates `name`, runs a test of its configuration with `token` (testSecret failing when
    `fail`) and checks it from start to end."""
    for f in ("steps", "pending", "fail"):
        if os.path.exists(os.path.join(directory, f)):
            os.unlink(os.path.join(directory, f))
    if fail:
        open(os.path.join(directory, "fail"), "w").close()
    hold = os.path.join(directory, "hold")
    open(hold, "w").close()
    current = sm.create_secret(Name=name, SecretString="current-" + name)["VersionId"]
    before = sm.describe_secret(SecretId=name)
    answer = sm.rotate_secret(SecretId=name, ClientRequestToken=token, RotationLambdaARN=ARN,
                              RotateImmediately=False)
    check(answer["VersionId"] == token and answer["Name"] == name,
          "%s: RotateSecret answers the token as VersionId" % name)
    configured = sm.describe_secret(SecretId=name)

    # While testSecret runs (the function holds on DIR/hold).
    pending = wait_for(lambda: read(os.path.join(directory, "pending")), 30)
    check(pending == "current-" + name,
          "%s: testSecret read AWSCURRENT's value under AWSPENDING on the token's version" % name)
    check(stages(sm, name) == {current: ["AWSCURRENT"], token: ["AWSPENDING"]},
          "%s: during the test the token's version carries AWSPENDING" % name)
    got = sm.get_secret_value(SecretId=name, VersionStage="AWSPENDING")
    check(got["VersionId"] == token and got["SecretString"] == "current-" + name,
          "%s: GetSecretValue(VersionStage=AWSPENDING) gives the current value" % name)
    if not fail:
        code, message = error_of(lambda: sm.rotate_secret(SecretId=name))
        check((code, message) == ("InvalidRequestException", PREVIOUS_INCOMPLETE),
              "%s: another RotateSecret meanwhile gets AWS's 'previous rotation' error" % name)
    os.unlink(hold)

    # Afterwards.
    check(wait_for(lambda: stages(sm, name) == {current: ["AWSCURRENT"]}, 30),
          "%s: after the test its version is gone, AWSCURRENT where it was" % name)
    wait_for(lambda: len(step_lines(server, name)) >= 1, 10)
    time.sleep(1.0)  # a retry, or a rotation reattempted, would have started by now
    check(steps_of(directory) == [["testSecret", token]],
          "%s: only testSecret ran, once, with the token (ran: %s)" % (name, steps_of(directory)))
    lines = step_lines(server, name)
    check(len(lines) == 1 and (" failed" in lines[0]) == fail,
          "%s: one log line, for testSecret (%s)" % (name, lines))
    after = sm.describe_secret(SecretId=name)
    check(after["VersionIdsToStages"] == before["VersionIdsToStages"],
          "%s: VersionIdsToStages back to what it was before" % name)
    check(after.get("RotationEnabled") is True and "LastRotatedDate" not in after,
          "%s: RotationEnabled, and no LastRotatedDate (a test is no rotation)" % name)
    check(after["LastChangedDate"] == configured["LastChangedDate"],
          "%s: LastChangedDate is the RotateSecret's" % name)
    listed = sm.list_secret_version_ids(SecretId=name, IncludeDeprecated=True)["Versions"]
    check([v["VersionId"] for v in listed] == [current],
          "%s: ListSecretVersionIds (deprecated included) knows no test version" % name)
    code, _ = error_of(lambda: sm.get_secret_value(SecretId=name, VersionStage="AWSPENDING"))
    check(code == "ResourceNotFoundException", "%s: no AWSPENDING any more" % name)


def main():
    binary = sys.argv[1]
    directory = tempfile.mkdtemp(prefix="secretstage-testonly-")
    try:
        function = ("exec:/usr/bin/python3 " +
                    shlex.quote(os.path.join(HERE, "recording_rotation.py")) + " " +
                    shlex.quote(directory))
        arguments = ["--rotation-function", ARN + "=" + function,
                     "--rotation-attempts", "3", "--rotation-retry-delay", "300",
                     "--rotation-step-timeout", "60000"]
        with Server(binary, arguments=arguments) as server:
            sm = drive_rotation.client(server.endpoint, REGION)
            one_test(server, sm, directory, "tested", "11111111-1111-4111-8111-111111111111",
                     fail=False)
            one_test(server, sm, directory, "failing", "22222222-2222-4222-8222-222222222222",
                     fail=True)

            # CancelRotateSecret while testSecret runs: the version leaves at once.
            for f in ("steps", "pending", "fail"):
                if os.path.exists(os.path.join(directory, f)):
                    os.unlink(os.path.join(directory, f))
            hold = os.path.join(directory, "hold")
            open(hold, "w").close()
            current = sm.create_secret(Name="cancelled", SecretString="c")["VersionId"]
            token = "33333333-3333-4333-8333-333333333333"
            sm.rotate_secret(SecretId="cancelled", ClientRequestToken=token,
                             RotationLambdaARN=ARN, RotateImmediately=False)
            wait_for(lambda: read(os.path.join(directory, "pending")), 30)
            sm.cancel_rotate_secret(SecretId="cancelled")
            check(stages(sm, "cancelled") == {current: ["AWSCURRENT"]},
                  "cancelled: CancelRotateSecret removes the test's version at once")
            os.unlink(hold)
            time.sleep(1.0)
            check(stages(sm, "cancelled") == {current: ["AWSCURRENT"]},
                  "cancelled: the step's late outcome changes nothing")
            check(server.stop() == 0, "SIGTERM ends the server with status 0")
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return outcome()


if __name__ == "__main__":
    sys.exit(main())
