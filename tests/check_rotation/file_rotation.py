#!/usr/bin/python3
"""Rotation functions for the file-based protected service of file_service.py, run as exec:
functions by secretstage-check-rotation's tests: `file_rotation.py MODE`, one step per process,
built on tests/rotation/template_rotation.py (AWS's template logic).

The secret's value is JSON {"username", "password"}. Good modes:
  single-user   AWS's single-user strategy: a new password for the same user; setSecret sets it
                on the service, so the old AWSCURRENT stops working until finishSecret moves
                AWSCURRENT (the outage window the checker reports)
  alternating   AWS's alternating-users strategy: each rotation sets the password of the other
                of two users (app, app_clone), so AWSCURRENT keeps working throughout
Broken modes (single-user otherwise), each a mistake the checker must catch:
  fresh-create       createSecret writes a fresh value even when the token's version has one
  no-remove-from     finishSecret moves AWSCURRENT without RemoveFromVersionId
  early-current      setSecret moves AWSCURRENT to the new version before setting the password
                     (so before testSecret)
  set-not-idempotent setSecret toggles (a second delivery puts the old password back), and
                     testSecret does not log in
  ignore-current     the handler does not accept a version that is already AWSCURRENT (a
                     redelivered step of a finished rotation fails)
"""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "rotation"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import file_service  # noqa: E402
import template_rotation as T  # noqa: E402

MODE = sys.argv[1] if len(sys.argv) > 1 else "single-user"


def value_of(sm, arn, stage, token=None):
    kwargs = {"SecretId": arn, "VersionStage": stage}
    if token:
        kwargs["VersionId"] = token
    return json.loads(sm.get_secret_value(**kwargs)["SecretString"])


def other_user(name):
    return name[:-len("_clone")] if name.endswith("_clone") else name + "_clone"


def new_value(sm, current_text):
    current = json.loads(current_text)
    user = other_user(current["username"]) if MODE == "alternating" else current["username"]
    return json.dumps({"username": user, "password": T.random_password(sm)})


def create_secret(sm, arn, token, rotation_token):
    if MODE == "fresh-create":
        sm.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")
        T.put_secret_value(sm, rotation_token, SecretId=arn, ClientRequestToken=token,
                           SecretString=new_value(sm, value_text(sm, arn)),
                           VersionStages=["AWSPENDING"])
        return
    T.create_secret(sm, arn, token, rotation_token, lambda text: new_value(sm, text))


def value_text(sm, arn):
    return sm.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")["SecretString"]


def set_secret(sm, arn, token):
    pending = value_of(sm, arn, "AWSPENDING", token)
    if MODE == "early-current":
        current = current_version(sm, arn)
        sm.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT",
                                       MoveToVersionId=token, RemoveFromVersionId=current)
    users = file_service.load()
    if MODE == "set-not-idempotent" and users.get(pending["username"]) == pending["password"]:
        current = value_of(sm, arn, "AWSCURRENT")
        users[pending["username"]] = current["password"]  # toggled back
    else:
        users[pending["username"]] = pending["password"]
    file_service.store(users)
    T.log("setSecret: the service has the new password of %s" % pending["username"])


def current_version(sm, arn):
    for version, stages in sm.describe_secret(SecretId=arn)["VersionIdsToStages"].items():
        if "AWSCURRENT" in stages:
            return version
    return None


def test_secret(sm, arn, token):
    pending = value_of(sm, arn, "AWSPENDING", token)
    if MODE == "set-not-idempotent":
        return  # reads the value only, as template_rotation.py does
    if not file_service.works(pending):
        raise T.RotationError("testSecret: the AWSPENDING value does not log in")


def finish_secret(sm, arn, token):
    if MODE != "no-remove-from":
        T.finish_secret(sm, arn, token)
        return
    versions = sm.describe_secret(SecretId=arn).get("VersionIdsToStages", {})
    if "AWSCURRENT" in versions.get(token, []):
        return
    sm.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token)
    sm.update_secret_version_stage(SecretId=arn, VersionStage="AWSPENDING",
                                   RemoveFromVersionId=token)


def check_event(sm, arn, token):
    if MODE != "ignore-current":
        return T.check_rotation_event(sm, arn, token)
    metadata = sm.describe_secret(SecretId=arn)
    stages = metadata.get("VersionIdsToStages", {}).get(token, [])
    if "AWSPENDING" not in stages:
        raise T.RotationError("version %s is not AWSPENDING" % token)
    return True


def handle(event, sm):
    arn, token = event["SecretId"], event["ClientRequestToken"]
    if not check_event(sm, arn, token):
        return
    step = event["Step"]
    if step == "createSecret":
        create_secret(sm, arn, token, event.get("RotationToken"))
    elif step == "setSecret":
        set_secret(sm, arn, token)
    elif step == "testSecret":
        test_secret(sm, arn, token)
    else:
        finish_secret(sm, arn, token)


if __name__ == "__main__":
    sys.exit(T.run(handle))
