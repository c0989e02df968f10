#!/usr/bin/python3
"""A single-user PostgreSQL rotation function, after the logic of AWS's
SecretsManagerRDSPostgreSQLRotationSingleUser, run as an `exec:` function (one step per process;
the event and the endpoint as in template_rotation.py).

The secret is JSON: {"engine": "postgres", "host", "port" (default 5432), "username",
"password", "dbname" (default "postgres")}. The database is reached with Debian's psql over TCP;
a password travels in PGPASSWORD in psql's environment only, and SQL that carries one reads it
with psql's \\getenv, so no password is ever on a command line or in a log.

  createSecret  as the template, the new value being the current JSON with a new password from
                GetRandomPassword (ExcludeCharacters as AWS's PostgreSQL templates:
                : / @ " ' \\, or EXCLUDE_CHARACTERS).
  setSecret     when the AWSPENDING password already logs in, nothing (a retried step); else log
                in with AWSCURRENT, or failing that AWSPREVIOUS, and ALTER USER … WITH PASSWORD
                the pending one (the user changes its own password: single-user rotation). The
                pending username and host must be the current ones.
  testSecret    log in with AWSPENDING and run SELECT NOW().
  finishSecret  as the template.
"""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import template_rotation as template  # noqa: E402  (the sibling file, wherever it is run from)
from template_rotation import RotationError, log  # noqa: E402

PSQL = "/usr/bin/psql"
# AWS's PostgreSQL templates also keep ':' out of passwords; EXCLUDE_CHARACTERS overrides.
DEFAULT_EXCLUDE_CHARACTERS = ":/@\"'\\"
_PG_ENVIRONMENT = ("PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD",
                   "PGPASSFILE", "PGSERVICE", "PGSERVICEFILE", "PGOPTIONS", "PGCONNECT_TIMEOUT",
                   "PGTARGETSESSIONATTRS", "PGSSLMODE", "PGREQUIRESSL")


def secret_dict(sm, arn, stage, token=None):
    """The secret's JSON at `stage` (and version `token`), checked as AWS's template checks it."""
    kwargs = {"SecretId": arn, "VersionStage": stage}
    if token:
        kwargs["VersionId"] = token
    text = sm.get_secret_value(**kwargs).get("SecretString")
    try:
        value = json.loads(text or "")
    except ValueError:
        raise RotationError("the %s value of %s is not JSON" % (stage, arn)) from None
    if not isinstance(value, dict):
        raise RotationError("the %s value of %s is not a JSON object" % (stage, arn))
    for field in ("engine", "host", "username", "password"):
        if not isinstance(value.get(field), str) or not value[field]:
            raise RotationError("%s field not found in the %s value of %s" % (field, stage, arn))
    if value["engine"] != "postgres":
        raise RotationError("database engine must be set to 'postgres' in order to use this "
                            "rotation function")
    return value


def ssl_mode(secret):
    """The secret's "ssl" as AWS's template reads it: true requires TLS, false forbids it, absent
    (or anything else) tries TLS and falls back to a plain connection (libpq's "prefer")."""
    ssl = secret.get("ssl")
    if isinstance(ssl, str):
        ssl = {"true": True, "false": False}.get(ssl.lower())
    if ssl is True:
        return "require"
    return "disable" if ssl is False else "prefer"


def psql(secret, sql, variables=None):
    """Runs psql script text logged in with the secret's credentials; the CompletedProcess."""
    env = {k: v for k, v in os.environ.items() if k not in _PG_ENVIRONMENT}
    env.update({
        "PGHOST": secret["host"], "PGPORT": str(secret.get("port", 5432)),
        "PGUSER": secret["username"], "PGDATABASE": secret.get("dbname") or "postgres",
        "PGPASSWORD": secret["password"], "PGCONNECT_TIMEOUT": "5", "PGPASSFILE": os.devnull,
        "PGSSLMODE": ssl_mode(secret),
    })
    env.update(variables or {})
    try:
        return subprocess.run([PSQL, "--no-psqlrc", "--quiet", "--tuples-only", "--no-align",
                               "--set=ON_ERROR_STOP=1"],
                              input=sql, capture_output=True, text=True, env=env, timeout=30)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess([PSQL], 124, "", "psql timed out")


def can_log_in(secret):
    return psql(secret, "SELECT 1").returncode == 0


def first_line(text):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "(no message)"


def set_secret(sm, arn, token):
    current = secret_dict(sm, arn, "AWSCURRENT")
    pending = secret_dict(sm, arn, "AWSPENDING", token)
    if can_log_in(pending):
        log("setSecret: the AWSPENDING password already logs in to %s" % pending["host"])
        return
    if current["username"] != pending["username"]:
        raise RotationError("attempting to modify user %s other than current user %s"
                            % (pending["username"], current["username"]))
    if current["host"] != pending["host"]:
        raise RotationError("attempting to modify user for host %s other than current host %s"
                            % (pending["host"], current["host"]))
    login = current
    if not can_log_in(current):
        try:
            login = secret_dict(sm, arn, "AWSPREVIOUS")
        except Exception as e:
            if template.error_code(e) != "ResourceNotFoundException":
                raise
            login = None
        if login is not None and (login["username"], login["host"]) != (pending["username"],
                                                                        pending["host"]):
            raise RotationError("attempting to modify user %s on %s other than previous valid "
                                "user %s on %s" % (pending["username"], pending["host"],
                                                   login["username"], login["host"]))
        if login is None or not can_log_in(login):
            raise RotationError("unable to log into database with previous, current, or pending "
                                "secret of secret arn %s" % arn)
    # The user changes its own password. psql quotes the name as an identifier and the password
    # as a literal (:"…" and :'…'), reading both from its environment.
    done = psql(login,
                '\\getenv role_name ROTATION_ROLE\n'
                '\\getenv role_password ROTATION_PASSWORD\n'
                'ALTER USER :"role_name" WITH PASSWORD :\'role_password\';\n',
                variables={"ROTATION_ROLE": pending["username"],
                           "ROTATION_PASSWORD": pending["password"]})
    if done.returncode != 0:
        raise RotationError("ALTER USER failed: %s" % first_line(done.stderr))
    log("setSecret: password set for user %s on %s" % (pending["username"], pending["host"]))


def test_secret(sm, arn, token):
    pending = secret_dict(sm, arn, "AWSPENDING", token)
    done = psql(pending, "SELECT NOW();")
    if done.returncode != 0:
        raise RotationError("unable to log into database with pending secret of secret arn %s: %s"
                            % (arn, first_line(done.stderr)))
    log("testSecret: the AWSPENDING password logs in to %s" % pending["host"])


def handle(event, sm):
    arn, token = event["SecretId"], event["ClientRequestToken"]
    if not template.check_rotation_event(sm, arn, token):
        log("%s: version %s is already AWSCURRENT for %s" % (event["Step"], token, arn))
        return
    step = event["Step"]
    if step == "createSecret":
        def new_value(current_text):
            current = json.loads(current_text)
            exclude = os.environ.get("EXCLUDE_CHARACTERS", DEFAULT_EXCLUDE_CHARACTERS)
            current["password"] = sm.get_random_password(
                ExcludeCharacters=exclude)["RandomPassword"]
            return json.dumps(current)
        secret_dict(sm, arn, "AWSCURRENT")  # the current value must be a valid secret
        template.create_secret(sm, arn, token, event.get("RotationToken"), new_value)
    elif step == "setSecret":
        set_secret(sm, arn, token)
    elif step == "testSecret":
        test_secret(sm, arn, token)
    else:
        template.finish_secret(sm, arn, token)


if __name__ == "__main__":
    sys.exit(template.run(handle))
