#!/usr/bin/python3
"""A generic rotation function, after the logic of AWS's SecretsManagerRotationTemplate, run as
an `exec:` function: one step per process.

It reads the event `{"Step", "SecretId", "ClientRequestToken", "RotationToken"}` from standard
input, calls Secrets Manager at SECRETS_MANAGER_ENDPOINT (or AWS_ENDPOINT_URL_SECRETS_MANAGER;
Debian's botocore 1.29 reads neither by itself) in AWS_DEFAULT_REGION (or AWS_REGION), and exits
0 when the step succeeded; otherwise non-zero with one line on standard error, which names the
secret, the token and what went wrong, never a secret value.

The steps, for a secret whose value is a plain string (a new random password replaces it):
  createSecret  AWSCURRENT must exist. When the token's version already has a value staged
                AWSPENDING, nothing; else GetRandomPassword and PutSecretValue(token,
                [AWSPENDING], RotationToken).
  setSecret     nothing: there is no service behind a plain secret.
  testSecret    the token's AWSPENDING value can be read.
  finishSecret  nothing when the token's version is already AWSCURRENT; else
                UpdateSecretVersionStage(AWSCURRENT, MoveToVersionId=token,
                RemoveFromVersionId=the current version), which leaves AWSPREVIOUS on the old
                one, then UpdateSecretVersionStage(AWSPENDING, RemoveFromVersionId=token).
Before any step the handler checks, with DescribeSecret, that rotation is enabled and that the
token names a version staged AWSPENDING (or already AWSCURRENT, a finished rotation).

postgres_single_user.py reuses the handler, createSecret and finishSecret from here.
"""

import json
import os
import sys

STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")
# The characters AWS's templates keep out of generated passwords (they break connection strings
# and shells); EXCLUDE_CHARACTERS overrides them, as it does for AWS's templates.
DEFAULT_EXCLUDE_CHARACTERS = "/@\"'\\"


class RotationError(Exception):
    """A failed step; its message is safe to print (no secret value)."""


def read_event(stream=None):
    text = (stream or sys.stdin).read()
    try:
        event = json.loads(text)
    except ValueError:
        raise RotationError("the event on standard input is not JSON") from None
    if not isinstance(event, dict):
        raise RotationError("the event is not a JSON object")
    for member in ("Step", "SecretId", "ClientRequestToken"):
        if not isinstance(event.get(member), str) or not event[member]:
            raise RotationError("the event has no %s" % member)
    if event["Step"] not in STEPS:
        raise RotationError("invalid step parameter %s" % event["Step"])
    if event.get("RotationToken") is not None and not isinstance(event["RotationToken"], str):
        raise RotationError("the event's RotationToken is not a string")
    return event


def client():
    """A boto3 Secrets Manager client for the endpoint the service gave the function."""
    import boto3  # imported here so that a bad event fails fast, without boto3's start-up

    endpoint = (os.environ.get("SECRETS_MANAGER_ENDPOINT")
                or os.environ.get("AWS_ENDPOINT_URL_SECRETS_MANAGER"))
    region = os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or "us-east-1"
    return boto3.session.Session().client("secretsmanager", endpoint_url=endpoint,
                                          region_name=region)


def error_code(exc):
    response = getattr(exc, "response", None) or {}
    return response.get("Error", {}).get("Code", "")


def put_secret_value(sm, rotation_token=None, **kwargs):
    """PutSecretValue, with the event's RotationToken when there is one.

    Debian's botocore 1.29 predates PutSecretValue's RotationToken member and would refuse it
    before sending; then the member is added to the serialized body, before the request is
    signed, so the service receives exactly what a current SDK sends."""
    if not rotation_token:
        return sm.put_secret_value(**kwargs)
    shape = sm.meta.service_model.operation_model("PutSecretValue").input_shape
    if "RotationToken" in shape.members:
        return sm.put_secret_value(RotationToken=rotation_token, **kwargs)

    def add_token(params, **_):
        body = json.loads(params["body"] or b"{}")
        body["RotationToken"] = rotation_token
        params["body"] = json.dumps(body).encode()

    event_name = "before-call.secrets-manager.PutSecretValue"
    sm.meta.events.register(event_name, add_token, unique_id="secretstage-rotation-token")
    try:
        return sm.put_secret_value(**kwargs)
    finally:
        sm.meta.events.unregister(event_name, unique_id="secretstage-rotation-token")


def check_rotation_event(sm, arn, token):
    """The handler's checks. Returns False when the token's version is already AWSCURRENT (the
    rotation finished: every step has nothing left to do), True when it is AWSPENDING."""
    metadata = sm.describe_secret(SecretId=arn)
    if not metadata.get("RotationEnabled"):
        raise RotationError("secret %s is not enabled for rotation" % arn)
    versions = metadata.get("VersionIdsToStages", {})
    if token not in versions:
        raise RotationError("secret version %s has no stage for rotation of secret %s"
                            % (token, arn))
    if "AWSCURRENT" in versions[token]:
        return False
    if "AWSPENDING" not in versions[token]:
        raise RotationError("secret version %s not set as AWSPENDING for rotation of secret %s"
                            % (token, arn))
    return True


def random_password(sm):
    exclude = os.environ.get("EXCLUDE_CHARACTERS", DEFAULT_EXCLUDE_CHARACTERS)
    return sm.get_random_password(ExcludeCharacters=exclude)["RandomPassword"]


def pending_exists(sm, arn, token):
    """Whether the token's version already has a value staged AWSPENDING."""
    try:
        sm.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
        return True
    except sm.exceptions.ResourceNotFoundException:
        return False


def create_secret(sm, arn, token, rotation_token, new_value):
    """createSecret: AWSCURRENT must exist; a pending value already there is kept (a retried
    step must not change a value setSecret may have set); else `new_value(current_string)` is
    stored as the token's version, staged AWSPENDING."""
    current = sm.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")
    if pending_exists(sm, arn, token):
        log("createSecret: AWSPENDING already has a value for %s" % arn)
        return
    put_secret_value(sm, rotation_token, SecretId=arn, ClientRequestToken=token,
                     SecretString=new_value(current.get("SecretString")),
                     VersionStages=["AWSPENDING"])
    log("createSecret: stored a new AWSPENDING value for %s, version %s" % (arn, token))


def finish_secret(sm, arn, token):
    """finishSecret: AWSCURRENT moves to the token's version, off the current one (which then
    carries AWSPREVIOUS); nothing when the token's version already carries it."""
    versions = sm.describe_secret(SecretId=arn).get("VersionIdsToStages", {})
    current = None
    for version, stages in versions.items():
        if "AWSCURRENT" in stages:
            if version == token:
                log("finishSecret: version %s is already AWSCURRENT for %s" % (token, arn))
                return
            current = version
            break
    sm.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT",
                                   MoveToVersionId=token, RemoveFromVersionId=current)
    # As AWS's current template: the finished rotation leaves no AWSPENDING behind.
    sm.update_secret_version_stage(SecretId=arn, VersionStage="AWSPENDING",
                                   RemoveFromVersionId=token)
    log("finishSecret: AWSCURRENT moved to version %s for %s" % (token, arn))


def log(message):
    print(message, file=sys.stderr, flush=True)


def handle(event, sm):
    arn, token = event["SecretId"], event["ClientRequestToken"]
    if not check_rotation_event(sm, arn, token):
        log("%s: version %s is already AWSCURRENT for %s" % (event["Step"], token, arn))
        return
    step = event["Step"]
    if step == "createSecret":
        create_secret(sm, arn, token, event.get("RotationToken"), lambda _: random_password(sm))
    elif step == "setSecret":
        log("setSecret: nothing to set for %s" % arn)
    elif step == "testSecret":
        sm.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
        log("testSecret: the AWSPENDING value of %s can be read" % arn)
    else:
        finish_secret(sm, arn, token)


def run(handler):
    """Reads the event, runs `handler(event, client)`, and turns the outcome into an exit
    status: 0 on success, 1 with one line on standard error on failure."""
    step = "?"
    try:
        event = read_event()
        step = event["Step"]
        handler(event, client())
    except RotationError as e:
        log("%s failed: %s" % (step, e))
        return 1
    except Exception as e:  # boto3's errors: the code and AWS's message carry no secret value
        code = error_code(e)
        if code:
            message = e.response.get("Error", {}).get("Message", "")
            log("%s failed: %s: %s" % (step, code, message))
        else:
            log("%s failed: %s" % (step, type(e).__name__))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(run(handle))
