#!/usr/bin/python3
"""The server runs users' rotation functions itself, after RotateSecret has answered, as Secrets
Manager runs a rotation Lambda (issue 14): the test only starts rotations, waits and checks.

    test_async_rotation.py <secretstage-server>

With `--rotation-function ARN=exec:…` (template_rotation.py, and flaky_rotation.py, which fails
a step while a marker file exists), `--rotation-attempts 2`, `--rotation-retry-delay 300` and
`--rotation-step-timeout 8000` (a Python step with boto3 takes 0.3–3 s on a loaded machine):
  - RotateSecret answers with the new version at once; the server then runs the four steps:
    AWSCURRENT on the new version with a new value, AWSPREVIOUS on the old one, no AWSPENDING,
    LastRotatedDate set; one log line per step; a second rotation moves AWSPREVIOUS on;
  - a step failing at each of the four steps: the rotation is retried from createSecret, then
    given up after 2 attempts with AWSPENDING where it was and AWSCURRENT unmoved; RotateSecret
    answers "A previous rotation isn't complete. That rotation will be reattempted." and, once
    the function works again, the reattempt completes the same version;
  - with the default four worker threads, a step hanging for one secret does not hold another
    secret's rotation, which completes well before the hanging step's timeout;
    CancelRotateSecret and DeleteSecret while a step hangs stop its process at once (the
    process is gone within seconds), and the cancelled secret keeps its labels as AWS leaves
    them (AWSPENDING on the new version, AWSCURRENT on the old, RotationEnabled false);
  - a hanging step is stopped at its timeout; CancelRotateSecret stops a rotation's retries;
  - SIGTERM while a step runs: the server exits 0 within seconds;
With `--lambda-endpoint` (tests/invoker/lambda_endpoint.py running the same template function):
  - the same rotation through the Lambda Invoke API, and through `--rotation-function
    ARN=http://…/invocations` (the function's own URL, an ARN that is no Lambda ARN).
And no secret value appears in any server log. The expected labels are AWS's rules
(docs/semantics.md#rotation-progress), not a run's output.
"""

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import drive_rotation  # noqa: E402
from checks import check, error_of, outcome, wait_for  # noqa: E402
from rotation_server import REGION, Server  # noqa: E402

ACCOUNT_ARN = "arn:aws:lambda:us-east-1:123456789012:function:"
TEMPLATE_ARN = ACCOUNT_ARN + "template-rotation"
FLAKY_ARN = ACCOUNT_ARN + "flaky-rotation"
STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")
PREVIOUS_INCOMPLETE = "A previous rotation isn't complete. That rotation will be reattempted."

values = set()




def stages(sm, secret_id):
    return {v: sorted(s) for v, s in sm.describe_secret(SecretId=secret_id)
            ["VersionIdsToStages"].items()}


def value(sm, secret_id, stage="AWSCURRENT"):
    v = sm.get_secret_value(SecretId=secret_id, VersionStage=stage)["SecretString"]
    values.add(v)
    return v


def rotated(sm, secret_id, old, token):
    return stages(sm, secret_id) == {old: ["AWSPREVIOUS"], token: ["AWSCURRENT"]}


def step_lines(server, secret, step, outcome):
    prefix = "secretstage-server: rotation %s %s %s " % (secret, step, outcome)
    return [line for line in server.output().splitlines() if line.startswith(prefix)]


def hang_one(fail_dir, name, step):
    """Makes flaky_rotation.py hang at `step` of secret `name` only; returns a function that
    gives the hanging process's id once it runs (else None)."""
    os.makedirs(os.path.join(fail_dir, name), exist_ok=True)
    marker = os.path.join(fail_dir, name, step)
    with open(marker, "w") as f:
        f.write("hang\n")

    def pid():
        try:
            with open(marker + ".pid") as f:
                return int(f.read())
        except (OSError, ValueError):
            return None
    return pid


def process_gone(pid):
    """Whether process `pid` has ended (gone, or a zombie nobody reaped yet)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def first_rotation(server, sm, name, arn):
    old = sm.create_secret(Name=name, SecretString="initial-" + name)["VersionId"]
    values.add("initial-" + name)
    began = time.monotonic()
    token = sm.rotate_secret(SecretId=name, RotationLambdaARN=arn)["VersionId"]
    answered = time.monotonic() - began
    return old, token, answered


def exec_rotations(binary, fail_dir):
    template = "exec:/usr/bin/python3 " + shlex.quote(os.path.join(HERE, "template_rotation.py"))
    flaky = ("exec:/usr/bin/python3 " + shlex.quote(os.path.join(HERE, "flaky_rotation.py")) +
             " " + shlex.quote(fail_dir))
    arguments = ["--rotation-function", TEMPLATE_ARN + "=" + template,
                 "--rotation-function", FLAKY_ARN + "=" + flaky,
                 "--rotation-attempts", "2", "--rotation-retry-delay", "300",
                 "--rotation-step-timeout", "8000"]
    with Server(binary, arguments=arguments) as server:
        sm = drive_rotation.client(server.endpoint, REGION)

        # A rotation run by the server.
        old, token, answered = first_rotation(server, sm, "plain", TEMPLATE_ARN)
        check(answered < 2.0, "RotateSecret answers before the steps run (%.2f s)" % answered)
        check(wait_for(lambda: rotated(sm, "plain", old, token)),
              "exec: the server ran the four steps: AWSCURRENT on the new version, AWSPREVIOUS "
              "on the old one, no AWSPENDING")
        # The labels move inside finishSecret; the server records the step once it returns.
        wait_for(lambda: step_lines(server, "plain", "finishSecret", "succeeded"))
        check(value(sm, "plain") not in ("initial-plain", ""), "the new value is a new password")
        check(value(sm, "plain", "AWSPREVIOUS") == "initial-plain", "AWSPREVIOUS keeps the old value")
        described = sm.describe_secret(SecretId="plain")
        check(described.get("RotationEnabled") is True and "LastRotatedDate" in described,
              "RotationEnabled, and LastRotatedDate set when finishSecret succeeded")
        lines = [line for line in server.output().splitlines() if " rotation plain " in line]
        check(len(lines) == 4 and all(len(step_lines(server, "plain", s, "succeeded")) == 1
                                      for s in STEPS),
              "one log line per step, each 'succeeded'")
        print("\n".join(lines))
        second = sm.rotate_secret(SecretId="plain")["VersionId"]
        check(wait_for(lambda: rotated(sm, "plain", token, second)),
              "a second rotation (the stored function) moves AWSPREVIOUS to the first one's version")
        value(sm, "plain")

        # A step failing at each of the four steps.
        for step in STEPS:
            name = "flaky-" + step
            marker = os.path.join(fail_dir, step)
            with open(marker, "w") as f:
                f.write("fail\n")
            old, token, _ = first_rotation(server, sm, name, FLAKY_ARN)
            check(wait_for(lambda: len(step_lines(server, name, step, "failed")) >= 2),
                  "%s failing: retried from createSecret, 2 attempts" % step)
            time.sleep(1.0)  # past the retry delay: a third attempt would have started
            check(len(step_lines(server, name, step, "failed")) == 2,
                  "%s failing: given up after 2 attempts" % step)
            expected = {old: ["AWSCURRENT"], token: ["AWSPENDING"]}
            check(stages(sm, name) == expected,
                  "%s failing: AWSPENDING stays on the new version, AWSCURRENT does not move" % step)
            if step != "createSecret":
                pending = sm.get_secret_value(SecretId=name, VersionId=token,
                                              VersionStage="AWSPENDING")["SecretString"]
                values.add(pending)
            os.unlink(marker)
            code, message = error_of(lambda: sm.rotate_secret(SecretId=name))
            check((code, message) == ("InvalidRequestException", PREVIOUS_INCOMPLETE),
                  "%s failing: RotateSecret answers AWS's 'previous rotation' error" % step)
            ok = wait_for(lambda: rotated(sm, name, old, token))
            check(ok, "%s failing: the reattempt completes the same version once the function "
                  "works" % step)
            if not ok:
                print("labels: %s\n%s" % (stages(sm, name), "\n".join(
                    line for line in server.output().splitlines() if name in line)))
            wait_for(lambda: step_lines(server, name, "finishSecret", "succeeded"))
            check(len(step_lines(server, name, "finishSecret", "succeeded")) == 1,
                  "%s failing: finishSecret succeeded once" % step)
            value(sm, name)

        # Several worker threads: one secret's hanging step holds one of them, not the others'
        # rotations; CancelRotateSecret and DeleteSecret stop a running step at once.
        stuck_pid = hang_one(fail_dir, "stuck", "createSecret")
        old_stuck, token_stuck, _ = first_rotation(server, sm, "stuck", FLAKY_ARN)
        pid = wait_for(stuck_pid, 20)
        check(bool(pid), "the hanging createSecret of 'stuck' started")
        began = time.monotonic()
        old, token, _ = first_rotation(server, sm, "beside", TEMPLATE_ARN)
        ok = wait_for(lambda: rotated(sm, "beside", old, token), 20)
        elapsed = time.monotonic() - began
        # Four Python steps take 1-12 s on a loaded machine: what counts is that the hanging
        # step is still running (with one worker thread the rotation would wait for its timeout).
        check(ok and not process_gone(pid)
              and not step_lines(server, "stuck", "createSecret", "timed-out"),
              "another secret's rotation completes while a step hangs, before its 8 s timeout "
              "(%.1f s)" % elapsed)
        wait_for(lambda: step_lines(server, "beside", "finishSecret", "succeeded"))
        value(sm, "beside")
        began = time.monotonic()
        sm.cancel_rotate_secret(SecretId="stuck")
        gone = wait_for(lambda: process_gone(pid), 10)
        elapsed = time.monotonic() - began
        check(gone and elapsed < 3.0,
              "CancelRotateSecret during a hanging step: its process is gone at once (%.1f s)"
              % elapsed)
        check(bool(wait_for(lambda: step_lines(server, "stuck", "createSecret", "cancelled"), 5)),
              "CancelRotateSecret: the running step is logged as cancelled")
        described = sm.describe_secret(SecretId="stuck")
        check(stages(sm, "stuck") == {old_stuck: ["AWSCURRENT"], token_stuck: ["AWSPENDING"]}
              and described.get("RotationEnabled") is False,
              "CancelRotateSecret during a step: AWSPENDING stays on the new version, AWSCURRENT "
              "on the old one, RotationEnabled false (%r)" % stages(sm, "stuck"))
        os.unlink(os.path.join(fail_dir, "stuck", "createSecret"))
        time.sleep(1.0)  # a step that still ran, or a next one, would show in the log by now
        check(len([line for line in server.output().splitlines() if " rotation stuck " in line])
              == 1, "CancelRotateSecret: no step of 'stuck' runs after it")

        doomed_pid = hang_one(fail_dir, "doomed", "setSecret")
        first_rotation(server, sm, "doomed", FLAKY_ARN)
        pid = wait_for(doomed_pid, 20)
        check(bool(pid), "the hanging setSecret of 'doomed' started")
        began = time.monotonic()
        sm.delete_secret(SecretId="doomed", RecoveryWindowInDays=7)
        gone = wait_for(lambda: process_gone(pid), 10)
        elapsed = time.monotonic() - began
        check(gone and elapsed < 3.0 and bool(wait_for(
            lambda: step_lines(server, "doomed", "setSecret", "cancelled"), 5)),
              "DeleteSecret during a hanging step: its process is gone at once (%.1f s)" % elapsed)

        # A hanging step, stopped at its timeout; CancelRotateSecret ends the retries.
        with open(os.path.join(fail_dir, "createSecret"), "w") as f:
            f.write("hang\n")
        old, token, _ = first_rotation(server, sm, "hanging", FLAKY_ARN)
        began = time.monotonic()
        lines = wait_for(lambda: step_lines(server, "hanging", "createSecret", "timed-out"), 30)
        elapsed = time.monotonic() - began
        check(bool(lines) and 7 < elapsed < 16,
              "a hanging step is stopped at its timeout (8 s; %.1f s)" % elapsed)
        sm.cancel_rotate_secret(SecretId="hanging")
        # The retry may have started before the cancel: let it time out, then nothing follows.
        time.sleep(9)
        settled = len(step_lines(server, "hanging", "createSecret", "timed-out"))
        time.sleep(9)
        check(settled <= 2 and len(step_lines(server, "hanging", "createSecret", "timed-out"))
              == settled, "CancelRotateSecret: no attempt starts after it")
        check(stages(sm, "hanging") == {old: ["AWSCURRENT"], token: ["AWSPENDING"]},
              "a cancelled rotation leaves AWSPENDING where it was")

        # SIGTERM while a step hangs.
        sm.update_secret_version_stage(SecretId="hanging", VersionStage="AWSPENDING",
                                       RemoveFromVersionId=token)
        sm.rotate_secret(SecretId="hanging", RotationLambdaARN=FLAKY_ARN)
        time.sleep(1.0)  # createSecret is hanging now (its timeout is 8 s)
        began = time.monotonic()
        status = server.stop()
        check(status == 0 and time.monotonic() - began < 10,
              "SIGTERM while a step runs: exit status 0 within seconds (%s)" % status)
        check(bool(step_lines(server, "hanging", "createSecret", "cancelled")),
              "the running step was cancelled")
        return server.output()


def lambda_endpoint_rotation(binary, directory):
    endpoint_file = os.path.join(directory, "endpoint")
    environment = dict(os.environ, SECRETSTAGE_ENDPOINT_FILE=endpoint_file)
    lam = subprocess.Popen(["/usr/bin/python3", os.path.join(ROOT, "tests", "invoker",
                                                             "lambda_endpoint.py")],
                           stdout=subprocess.PIPE, env=environment)
    try:
        port = lam.stdout.readline().decode().strip()
        url = "http://127.0.0.1:%s/2015-03-31/functions/template-rotation/invocations" % port
        arguments = ["--lambda-endpoint", "http://127.0.0.1:%s" % port,
                     "--rotation-function", "arn:local:url-rotation=" + url,
                     "--rotation-step-timeout", "20000"]
        with Server(binary, arguments=arguments) as server:
            with open(endpoint_file, "w") as f:
                f.write(server.endpoint)
            sm = drive_rotation.client(server.endpoint, REGION)
            old, token, _ = first_rotation(server, sm, "through-lambda", TEMPLATE_ARN)
            ok = wait_for(lambda: rotated(sm, "through-lambda", old, token))
            check(ok, "--lambda-endpoint: the Lambda Invoke API ran the four steps")
            if not ok:
                print(server.output())
            value(sm, "through-lambda")
            wait_for(lambda: step_lines(server, "through-lambda", "finishSecret", "succeeded"))
            old, token, _ = first_rotation(server, sm, "through-url", "arn:local:url-rotation")
            check(wait_for(lambda: rotated(sm, "through-url", old, token)),
                  "--rotation-function ARN=http://…: the function's invocation URL ran the steps")
            value(sm, "through-url")
            wait_for(lambda: step_lines(server, "through-url", "finishSecret", "succeeded"))
            code, _ = error_of(lambda: sm.rotate_secret(
                SecretId="through-lambda", RotationLambdaARN="not-a-lambda-arn"))
            check(code == "AccessDeniedException",
                  "--lambda-endpoint: an ARN that names no Lambda function is still denied")
            status = server.stop()
            check(status == 0, "SIGTERM: exit status 0")
            return server.output()
    finally:
        lam.terminate()
        lam.wait()


def main():
    binary = sys.argv[1]
    directory = tempfile.mkdtemp(prefix="secretstage-async-")
    try:
        fail_dir = os.path.join(directory, "fail")
        os.mkdir(fail_dir)
        logs = exec_rotations(binary, fail_dir)
        logs += lambda_endpoint_rotation(binary, directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    leaked = [v for v in values if v and v in logs]
    check(not leaked and len(values) >= 10,
          "no secret value in the server's log (%d values checked)" % len(values))
    return outcome()


if __name__ == "__main__":
    sys.exit(main())
