#!/usr/bin/python3
"""template_rotation.py's function, recording each step it is invoked with: the Step is appended
as one line to LOG_FILE before the step runs, and while the file HANG_FILE exists the testSecret
step sleeps (until the server stops it), so a test can restart the server with a rotation halfway.

    step_log_rotation.py LOG_FILE HANG_FILE
"""

import io
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import template_rotation  # noqa: E402


def main():
    log_file, hang_file = sys.argv[1], sys.argv[2]
    text = sys.stdin.read()
    step = json.loads(text).get("Step", "?")
    with open(log_file, "a") as f:
        f.write(step + "\n")
    if step == "testSecret" and os.path.exists(hang_file):
        time.sleep(120)
        return 1
    sys.stdin = io.StringIO(text)
    return template_rotation.run(template_rotation.handle)


if __name__ == "__main__":
    sys.exit(main())
