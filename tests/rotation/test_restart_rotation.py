#!/usr/bin/python3
"""A rotation run by the server resumes after a --data-dir restart at the step after the last one
that succeeded (docs/semantics.md#rotation-progress: each step's outcome is journaled).

    test_restart_rotation.py <secretstage-server>

The function (step_log_rotation.py, AWS's rotation template) appends every step it is invoked
with to a file and hangs in testSecret while a marker file exists. The test starts a rotation,
waits until testSecret has been invoked (so createSecret and setSecret succeeded), stops the
server (SIGTERM: the running step is cancelled and nothing recorded for it), removes the marker
and starts a server on the same data directory. The steps the function sees must then be
createSecret, setSecret, testSecret, and after the restart testSecret again (not createSecret:
the rotation does not start over) and finishSecret; the rotation completes (AWSCURRENT on the new
version, AWSPREVIOUS on the old one).
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
from checks import check, outcome, wait_for  # noqa: E402
from rotation_server import REGION, Server  # noqa: E402

ARN = "arn:aws:lambda:us-east-1:123456789012:function:step-log-rotation"





def steps_seen(log_file):
    try:
        with open(log_file) as f:
            return [line.strip() for line in f if line.strip()]
    except FileNotFoundError:
        return []


def main():
    binary = sys.argv[1]
    directory = tempfile.mkdtemp(prefix="secretstage-restart-")
    try:
        data = os.path.join(directory, "data")
        log_file = os.path.join(directory, "steps")
        hang_file = os.path.join(directory, "hang")
        open(hang_file, "w").close()
        function = ("exec:/usr/bin/python3 " +
                    shlex.quote(os.path.join(HERE, "step_log_rotation.py")) + " " +
                    shlex.quote(log_file) + " " + shlex.quote(hang_file))
        arguments = ["--data-dir", data, "--rotation-function", ARN + "=" + function,
                     "--rotation-attempts", "2", "--rotation-retry-delay", "300",
                     "--rotation-step-timeout", "60000"]
        with Server(binary, arguments=arguments) as server:
            sm = drive_rotation.client(server.endpoint, REGION)
            old = sm.create_secret(Name="resumed", SecretString="initial")["VersionId"]
            token = sm.rotate_secret(SecretId="resumed", RotationLambdaARN=ARN)["VersionId"]
            check(wait_for(lambda: "testSecret" in steps_seen(log_file)),
                  "the function reached testSecret before the restart")
            time.sleep(0.5)  # the journal's writer thread has the setSecret outcome long before
            check(server.stop() == 0, "SIGTERM while testSecret runs: the server exits 0")
        before = steps_seen(log_file)
        check(before == ["createSecret", "setSecret", "testSecret"],
              "before the restart: createSecret, setSecret, testSecret (%s)" % before)
        os.unlink(hang_file)
        with Server(binary, arguments=arguments) as server:
            sm = drive_rotation.client(server.endpoint, REGION)

            def rotated():
                stages = {v: sorted(s) for v, s in sm.describe_secret(SecretId="resumed")
                          ["VersionIdsToStages"].items()}
                return stages == {old: ["AWSPREVIOUS"], token: ["AWSCURRENT"]}

            check(wait_for(rotated), "after the restart the rotation completes: AWSCURRENT on "
                  "the new version, AWSPREVIOUS on the old one")
            after = steps_seen(log_file)[len(before):]
            check(after == ["testSecret", "finishSecret"],
                  "after the restart the rotation resumes at testSecret: %s" % after)
            check(sm.describe_secret(SecretId="resumed").get("LastRotatedDate") is not None,
                  "LastRotatedDate is set")
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return outcome()


if __name__ == "__main__":
    sys.exit(main())
