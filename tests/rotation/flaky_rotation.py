#!/usr/bin/python3
"""template_rotation.py's function, failing on purpose: a step fails (exit status 1, one line on
standard error) while the file <FAIL_DIR>/<Step> exists, and `hang` in that file makes the step
sleep instead (for the server's step timeout). Otherwise it runs the template's step. The test
creates and removes the files to fail a rotation at each of the four steps and let the
reattempt complete. <FAIL_DIR>/<secret name>/<Step> does the same for one secret only. A step
that hangs first writes its process id to <marker>.pid, so a test can see the process go.

    flaky_rotation.py FAIL_DIR
"""

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import template_rotation  # noqa: E402


def main():
    directory = sys.argv[1]
    text = sys.stdin.read()
    event = json.loads(text)
    step = event.get("Step", "?")
    arn = event.get("SecretId", "")
    name = arn.split(":secret:", 1)[-1][:-7]  # the ARN ends with '-' and six characters
    marker = os.path.join(directory, step)
    if not os.path.exists(marker):
        marker = os.path.join(directory, name, step)
    if os.path.exists(marker):
        with open(marker) as f:
            if f.read().strip() == "hang":
                with open(marker + ".pid", "w") as p:
                    p.write("%d\n" % os.getpid())
                time.sleep(120)
        print("%s failed: the marker file %s exists" % (step, marker), file=sys.stderr, flush=True)
        return 1
    sys.stdin = __import__("io").StringIO(text)
    return template_rotation.run(template_rotation.handle)


if __name__ == "__main__":
    sys.exit(main())
