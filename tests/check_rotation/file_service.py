#!/usr/bin/python3
"""The "protected service" of the rotation checker's tests: a JSON file of users and their
passwords, one file per parallel slot of secretstage-check-rotation
($CHECK_STATE_DIR/slot-$SECRETSTAGE_CHECK_SLOT.json).

  file_service.py reset   writes the initial state: user "app" with password "initial-pw"
  file_service.py probe   reads a secret value (JSON {"username", "password"}) on standard
                          input; exits 0 when that user has that password ("logging in")
Neither prints a value.
"""

import json
import os
import sys

INITIAL = {"app": "initial-pw"}


def path():
    directory = os.environ["CHECK_STATE_DIR"]
    return os.path.join(directory, "slot-%s.json" % os.environ.get("SECRETSTAGE_CHECK_SLOT", "0"))


def load():
    with open(path()) as f:
        return json.load(f)


def store(users):
    temporary = path() + ".tmp"
    with open(temporary, "w") as f:
        json.dump(users, f)
    os.replace(temporary, path())


def works(value):
    """Whether the secret value (a dict) logs in."""
    try:
        return load().get(value.get("username")) == value.get("password")
    except (OSError, ValueError, AttributeError):
        return False


def main():
    if sys.argv[1:] == ["reset"]:
        store(dict(INITIAL))
        return 0
    if sys.argv[1:] == ["probe"]:
        try:
            value = json.loads(sys.stdin.read())
        except ValueError:
            return 1
        return 0 if isinstance(value, dict) and works(value) else 1
    print("usage: file_service.py reset|probe", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
