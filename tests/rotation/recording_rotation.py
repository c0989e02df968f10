#!/usr/bin/python3
"""An exec: rotation function for test_testonly_rotation.py that records how it is invoked:

    recording_rotation.py DIR

Appends "<Step> <ClientRequestToken>" to DIR/steps. At testSecret it reads the token's version
with GetSecretValue(VersionId=token, VersionStage=AWSPENDING), as AWS's template's testSecret
does, and writes the SecretString it got to DIR/pending; then, while DIR/hold exists, it waits (at
most 45 s), so the test can look at the secret while the step runs; it exits 1 with one line on
standard error when DIR/fail exists, else 0. Any other step fails: only testSecret is expected.
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
    event = json.loads(sys.stdin.read())
    step = event.get("Step", "?")
    token = event.get("ClientRequestToken", "?")
    with open(os.path.join(directory, "steps"), "a") as f:
        f.write("%s %s\n" % (step, token))
    if step != "testSecret":
        print("recording_rotation: step %s was not expected" % step, file=sys.stderr)
        return 1
    sm = template_rotation.client()
    try:
        value = sm.get_secret_value(SecretId=event["SecretId"], VersionId=token,
                                    VersionStage="AWSPENDING")["SecretString"]
    except Exception as e:  # botocore's ClientError: the test sees no pending file
        print("recording_rotation: GetSecretValue failed: %s" % template_rotation.error_code(e),
              file=sys.stderr)
        return 1
    with open(os.path.join(directory, "pending.tmp"), "w") as f:
        f.write(value)
    os.replace(os.path.join(directory, "pending.tmp"), os.path.join(directory, "pending"))
    deadline = time.monotonic() + 45
    while os.path.exists(os.path.join(directory, "hold")) and time.monotonic() < deadline:
        time.sleep(0.05)
    if os.path.exists(os.path.join(directory, "fail")):
        print("recording_rotation: testSecret fails, as the test asked", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
