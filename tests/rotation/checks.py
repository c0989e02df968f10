"""What the rotation tests share: checks that print their outcome and record each failure (the
test ends with status 1 if `failures` is not empty), a wait for a condition, and the AWS error a
call raised."""

import time

failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def wait_for(predicate, seconds=60):
    """predicate()'s first true result within `seconds` (polled every 0.1 s), else its last."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.1)
    return predicate()


def error_of(call):
    """(Code, Message) of the AWS error call() raised (botocore's ClientError), or (None, None)."""
    try:
        call()
    except Exception as e:
        err = getattr(e, "response", {}).get("Error", {})
        return err.get("Code"), err.get("Message")
    return None, None


def outcome():
    """The test's exit status, with its last line: 1 if a check failed, else 0."""
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all checks passed")
    return 0
