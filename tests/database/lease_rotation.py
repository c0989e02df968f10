#!/usr/bin/python3
"""template_rotation.py's function for the step-lease suite of cluster_test.py (issue 17): it
records every invocation and can hang once, so a test sees which server ran which step when.

    lease_rotation.py DIR [SECONDS]

Each invocation appends one JSON line to DIR/invocations when it starts and one when it ends:
{"event": "start"|"end", "secret", "step", "pid", "time" (time.time()), "endpoint" (the
SECRETS_MANAGER_ENDPOINT of the server that invoked it), "status" (end only)}. Every step first
sleeps SECONDS (default 0), so two servers invoking one step at once would overlap. While the
file DIR/hang-setSecret exists, the first setSecret invocation (of any secret) creates DIR/hung
holding {"pid", "endpoint"} and sleeps 300 s; later ones run normally.
"""

import io
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "rotation"))
import template_rotation  # noqa: E402


def record(directory, line):
    with open(os.path.join(directory, "invocations"), "a") as f:
        f.write(json.dumps(line) + "\n")  # one short write in append mode: lines never interleave


def main():
    directory = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    text = sys.stdin.read()
    event = json.loads(text)
    arn = event.get("SecretId", "")
    line = {"secret": arn.split(":secret:", 1)[-1][:-7], "step": event.get("Step", "?"),
            "pid": os.getpid(), "endpoint": os.environ.get("SECRETS_MANAGER_ENDPOINT", "")}
    record(directory, dict(line, event="start", time=time.time()))
    if line["step"] == "setSecret" and os.path.exists(os.path.join(directory, "hang-setSecret")):
        try:
            fd = os.open(os.path.join(directory, "hung"), os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        except FileExistsError:
            fd = None
        if fd is not None:
            os.write(fd, json.dumps({"pid": os.getpid(), "endpoint": line["endpoint"]}).encode())
            os.close(fd)
            time.sleep(300)
    time.sleep(seconds)
    sys.stdin = io.StringIO(text)
    status = template_rotation.run(template_rotation.handle)
    record(directory, dict(line, event="end", time=time.time(), status=status))
    return status


if __name__ == "__main__":
    sys.exit(main())
