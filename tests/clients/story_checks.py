"""What the client stories (boto3_story.py, auth_story.py) share: checks that record their failures
and go on, the expectation of an AWS error as boto3 raises it, waiting for what the server does after
it answers, and the story's last line."""

import sys
import time

from botocore.exceptions import ClientError

failures = []


def check(what, condition, detail=""):
    if condition:
        print("ok:", what)
    else:
        failures.append(what)
        print("FAIL:", what, detail, file=sys.stderr)


def expect_error(what, code, message, call, **kwargs):
    """call(**kwargs) must raise AWS's error `code` with HTTP 400 and `message`: the exact text, or
    a predicate on it. When the client's service model lists `code`, boto3 must also raise that
    exception's own class (a common error such as AccessDeniedException is plain ClientError)."""
    try:
        call(**kwargs)
    except ClientError as e:
        error = e.response["Error"]
        status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        text = error.get("Message", "")
        matches = message(text) if callable(message) else text == message
        check(what, error.get("Code") == code and status == 400 and matches, f"got {error!r}, HTTP {status}")
        exceptions = getattr(getattr(call, "__self__", None), "exceptions", None)
        if exceptions is not None and hasattr(exceptions, code):
            check(what + " (exception class)", isinstance(e, getattr(exceptions, code)), type(e).__name__)
        return
    check(what, False, "no error raised")


def wait_for(what, condition, timeout=20.0):
    """Polls condition() until it is true (a check that passes) or `timeout` seconds pass (one that
    fails): for what the server does after it has answered, such as a rotation's steps."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            check(what, False, f"not within {timeout} s")
            return False
        time.sleep(0.05)
    check(what, True)
    return True


def finish(story):
    """Ends the story: exit status 1 with the failed checks listed, or its success line."""
    if failures:
        print(f"{story}: {len(failures)} check(s) failed:", *failures, sep="\n  ", file=sys.stderr)
        sys.exit(1)
    print(f"{story}: all checks passed")
