#!/usr/bin/python3
"""Plays Secrets Manager's part in a rotation against a running secretstage-server, until the
server invokes users' functions itself (issue 14): starts the rotation with RotateSecret, then
invokes the function once per step with the event and environment that
include/secretstage/rotation_invoker.hpp gives it, so the same function runs unchanged there.

    drive_rotation.py --endpoint URL --secret-id ID --function-arn ARN --function SPEC
                      [--region R] [--token T] [--rotation-token T] [--steps LIST]
                      [--timeout SECONDS] [--no-start]

SPEC is `exec:COMMAND` (run through /bin/sh -c, the event on standard input; exit status 0 is
success) or `http://…/invocations` (the Lambda Invoke API: POST the event with
X-Amz-Invocation-Type: RequestResponse; a non-2xx status or X-Amz-Function-Error is a failure).
An exec function's environment is this process's plus SECRETS_MANAGER_ENDPOINT and
AWS_ENDPOINT_URL_SECRETS_MANAGER (the server), AWS_REGION and AWS_DEFAULT_REGION, and dummy
credentials when none are set.

The server must know ARN as an external function (`secretstage-server
--external-rotation-function ARN`): its RotateSecret then does what AWS's does before it answers
(stores RotationEnabled and the function, creates the token's version without a value and moves
AWSPENDING to it) and runs no step. The driver checks that it did, then runs createSecret,
setSecret, testSecret and finishSecret (or --steps), stopping at the first failure, as AWS's
attempt does; it does not retry. --no-start skips RotateSecret and drives the rotation whose
token is --token (a reattempt, or a step delivered again).

One line per step goes to standard error: the secret's ARN, the step, the outcome and the
duration, and for a failure the tail of the function's standard error (the function's own words;
the event carries no value). Exit status: 0 every step succeeded, 1 a step failed, 2 bad usage or
the server did not start the rotation.

As a module: `drive(...)` returns the token and the list of (step, outcome, reason, tail).
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")
TAIL_BYTES = 4096
KILL_GRACE_SECONDS = 2.0


class DriverError(Exception):
    """The rotation could not be started or driven (exit status 2)."""


def event_json(step, secret_arn, token, rotation_token):
    """The event, compact, members in AWS's documented order (as invoker::event_json)."""
    return json.dumps({"Step": step, "SecretId": secret_arn, "ClientRequestToken": token,
                       "RotationToken": rotation_token}, separators=(",", ":"))


def function_environment(endpoint, region, base=None):
    """invoker::function_environment: base plus the endpoint and Region variables; dummy
    credentials only when base has none at all."""
    env = dict(os.environ if base is None else base)
    added = {}
    if endpoint:
        added["SECRETS_MANAGER_ENDPOINT"] = endpoint
        added["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = endpoint
    if region:
        added["AWS_REGION"] = region
        added["AWS_DEFAULT_REGION"] = region
    credentials = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE")
    if not any(name in env for name in credentials):
        added["AWS_ACCESS_KEY_ID"] = "secretstage"
        added["AWS_SECRET_ACCESS_KEY"] = "secretstage"
    env.update(added)
    return env


def tail(data):
    """The last TAIL_BYTES, from a line start when cut (as invoker::tail_buffer)."""
    if len(data) <= TAIL_BYTES:
        return data.decode(errors="replace")
    kept = data[-TAIL_BYTES:]
    newline = kept.find(b"\n")
    if 0 <= newline < len(kept) - 1:
        kept = kept[newline + 1:]
    return kept.decode(errors="replace")


def invoke_exec(command, event, env, timeout):
    """One step of an exec: function. Returns (outcome, reason, stderr tail)."""
    process = subprocess.Popen(["/bin/sh", "-c", command], stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                               start_new_session=True)
    try:
        _, err = process.communicate(event.encode(), timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            _, err = process.communicate(timeout=KILL_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            _, err = process.communicate()
        return "timed-out", "timed out after %d ms" % int(timeout * 1000), tail(err)
    if process.returncode == 0:
        return "succeeded", "", tail(err)
    if process.returncode < 0:
        return "failed", "killed by signal %d" % -process.returncode, tail(err)
    return "failed", "exit status %d" % process.returncode, tail(err)


def invoke_lambda(url, event, timeout):
    """One step through the Lambda Invoke API. Returns (outcome, reason, payload tail)."""
    request = urllib.request.Request(url, data=event.encode(), method="POST", headers={
        "Content-Type": "application/json", "X-Amz-Invocation-Type": "RequestResponse"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = response.read()
            function_error = response.headers.get("X-Amz-Function-Error")
            if function_error:
                return "failed", "function error " + function_error, tail(payload)
            return "succeeded", "", ""
    except urllib.error.HTTPError as e:
        return "failed", "HTTP %d" % e.code, tail(e.read())
    except (TimeoutError, OSError) as e:
        if "timed out" in str(e):
            return "timed-out", "timed out after %d ms" % int(timeout * 1000), ""
        return "failed", "cannot connect to %s: %s" % (url, e), ""


def client(endpoint, region):
    import boto3
    env = function_environment(endpoint, region)
    return boto3.session.Session(
        aws_access_key_id=env.get("AWS_ACCESS_KEY_ID"),
        aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY"),
        aws_session_token=env.get("AWS_SESSION_TOKEN"),
    ).client("secretsmanager", endpoint_url=endpoint, region_name=region)


def start_rotation(sm, secret_id, function_arn, token):
    """RotateSecret, then a check that the server did AWS's part: RotationEnabled, the function
    stored, the token's version staged AWSPENDING and without a value. Returns the ARN."""
    answer = sm.rotate_secret(SecretId=secret_id, ClientRequestToken=token,
                              RotationLambdaARN=function_arn)
    if answer.get("VersionId") != token:
        raise DriverError("RotateSecret answered VersionId %r, not the token %s"
                          % (answer.get("VersionId"), token))
    arn = answer["ARN"]
    described = sm.describe_secret(SecretId=arn)
    if not described.get("RotationEnabled") or described.get("RotationLambdaARN") != function_arn:
        raise DriverError("RotateSecret did not enable rotation with %s" % function_arn)
    stages = described.get("VersionIdsToStages", {}).get(token, [])
    if "AWSPENDING" not in stages or "AWSCURRENT" in stages:
        raise DriverError("RotateSecret did not stage a new version AWSPENDING (version %s: %s); "
                          "is %s registered with --external-rotation-function?"
                          % (token, stages, function_arn))
    try:
        sm.get_secret_value(SecretId=arn, VersionId=token)
    except sm.exceptions.ResourceNotFoundException:
        return arn
    raise DriverError("the new version %s already has a value before createSecret" % token)


def drive(endpoint, secret_id, function_arn, function, region="us-east-1", token=None,
          rotation_token=None, steps=STEPS, timeout=60.0, start=True, report=None):
    """Starts (unless start=False) and drives one rotation. Returns (token, results), results a
    list of (step, outcome, reason, tail) up to and including the first failed step."""
    if function.startswith("exec:") and len(function) > len("exec:"):
        command = function[len("exec:"):]
        env = function_environment(endpoint, region)
        run = lambda event: invoke_exec(command, event, env, timeout)  # noqa: E731
    elif function.startswith("http://"):
        run = lambda event: invoke_lambda(function, event, timeout)  # noqa: E731
    else:
        raise DriverError("--function needs exec:COMMAND or an http:// invocation URL")
    sm = client(endpoint, region)
    token = token or str(uuid.uuid4())
    if start:
        arn = start_rotation(sm, secret_id, function_arn, token)
    else:
        arn = sm.describe_secret(SecretId=secret_id)["ARN"]
    # Ruling of the driver: one opaque RotationToken per rotation; the event always has it.
    rotation_token = rotation_token or str(uuid.uuid4())
    results = []
    for step in steps:
        began = time.monotonic()
        outcome, reason, output = run(event_json(step, arn, token, rotation_token))
        elapsed = int((time.monotonic() - began) * 1000)
        results.append((step, outcome, reason, output))
        line = "drive_rotation: %s %s %s %d ms" % (arn, step, outcome, elapsed)
        if outcome != "succeeded":
            line += " (%s)" % reason
            if output.strip():
                line += "\n  " + output.rstrip().replace("\n", "\n  ")
        (report or (lambda text: print(text, file=sys.stderr, flush=True)))(line)
        if outcome != "succeeded":
            break
    return token, results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--secret-id", required=True)
    parser.add_argument("--function-arn", required=True)
    parser.add_argument("--function", required=True, help="exec:COMMAND or http://…/invocations")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--token", help="the ClientRequestToken (default: a new UUID)")
    parser.add_argument("--rotation-token", help="the event's RotationToken (default: a new UUID)")
    parser.add_argument("--steps", default=",".join(STEPS),
                        help="comma-separated steps to invoke, in order")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per step")
    parser.add_argument("--no-start", action="store_true",
                        help="no RotateSecret: drive the rotation of --token")
    args = parser.parse_args(argv)
    steps = [s for s in args.steps.split(",") if s]
    if any(s not in STEPS for s in steps) or (args.no_start and not args.token):
        parser.error("--steps takes %s; --no-start needs --token" % ",".join(STEPS))
    try:
        token, results = drive(args.endpoint, args.secret_id, args.function_arn, args.function,
                               args.region, args.token, args.rotation_token, steps, args.timeout,
                               start=not args.no_start)
    except DriverError as e:
        print("drive_rotation: %s" % e, file=sys.stderr)
        return 2
    except Exception as e:  # the server's answer: its code and message carry no secret value
        code = getattr(e, "response", {}).get("Error", {}).get("Code")
        print("drive_rotation: %s" % (code and "%s: %s" % (code, e) or type(e).__name__),
              file=sys.stderr)
        return 2
    print(token)
    return 0 if all(r[1] == "succeeded" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
