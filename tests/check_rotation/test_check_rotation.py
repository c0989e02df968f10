#!/usr/bin/python3
"""secretstage-check-rotation against the functions of file_rotation.py (issue 18).

  test_check_rotation.py BINARY broken        each broken function caught by the fault that
                                              should catch it, with the right property; the
                                              good ones pass those faults; usage errors
  test_check_rotation.py BINARY single-user   the whole plan: passes, the outage reported
  test_check_rotation.py BINARY alternating   the whole plan with --require-no-outage: passes

Every check reads the tool's --json report; the expected faults and properties come from what
each function does wrong (file_rotation.py), not from a previous run.
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "rotation"))
from checks import check, failures  # noqa: E402

INITIAL = '{"username": "app", "password": "initial-pw"}'



def run_tool(binary, mode, directory, *extra):
    report = os.path.join(directory, "report-%s.json" % mode)
    arguments = [binary,
                 "--function", "exec:/usr/bin/python3 %s %s" % (
                     os.path.join(HERE, "file_rotation.py"), mode),
                 "--secret-string", INITIAL,
                 "--probe", "/usr/bin/python3 -S %s probe" % os.path.join(HERE, "file_service.py"),
                 "--reset", "/usr/bin/python3 -S %s reset" % os.path.join(HERE, "file_service.py"),
                 "--json", report] + list(extra)
    environment = dict(os.environ, CHECK_STATE_DIR=directory)
    done = subprocess.run(arguments, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=environment, timeout=1200)
    print(done.stdout, flush=True)
    if done.stderr:
        print(done.stderr, file=sys.stderr, flush=True)
    with open(report) as f:
        text = f.read()
    check("initial-pw" not in done.stdout + done.stderr + text,
          "%s: no secret value in the output or the report" % mode)
    return done.returncode, json.loads(text)


def state(report, fault, prop):
    for r in report["runs"]:
        if r["fault"] == fault:
            return r["properties"][prop]["state"]
    return "no such run"


def violated(report):
    return sorted({(r["fault"], p) for r in report["runs"]
                   for p, v in r["properties"].items() if v["state"] == "violated"})


def broken(binary, directory):
    # (mode, --faults, the fault that must catch it, the property it must name)
    cases = [
        ("fresh-create", "fail-once:setSecret", "fail-once:setSecret", "succeeds"),
        ("no-remove-from", "clean", "clean", "succeeds"),
        ("early-current", "kill:setSecret#4", "kill:setSecret#4", "works-after"),
        ("set-not-idempotent", "duplicate:setSecret", "duplicate:setSecret", "idempotent"),
        ("ignore-current", "duplicate:finishSecret", "duplicate:finishSecret", "succeeds"),
    ]
    for mode, faults, fault, prop in cases:
        code, report = run_tool(binary, mode, directory, "--faults", faults)
        check(code == 1, "%s: exit status 1 (got %s)" % (mode, code))
        check(state(report, fault, prop) == "violated",
              "%s: %s violates %s (violations: %s)" % (mode, fault, prop, violated(report)))
        if fault != "clean":
            check(not [v for v in violated(report) if v[0] == "clean"],
                  "%s: the clean run alone passes" % mode)
        runs = [r for r in report["runs"] if r["fault"] == fault]
        check(bool(runs) and "trace" in runs[0] and len(runs[0]["trace"]) > 0,
              "%s: the violation comes with a trace" % mode)

    # A run is a function of the seed: the same fault twice gives the same report, byte for byte.
    texts = []
    for _ in range(2):
        run_tool(binary, "early-current", directory, "--faults", "kill:setSecret#4", "--seed", "7")
        with open(os.path.join(directory, "report-early-current.json")) as f:
            texts.append(f.read())
    check(texts[0] == texts[1] and '"trace"' in texts[0],
          "the same seed and fault give the same report, trace included")

    # The good functions under the same faults: no violation.
    faults = "fail-once:setSecret,kill:setSecret#4,duplicate:setSecret,duplicate:finishSecret"
    for mode, extra in (("single-user", []), ("alternating", ["--require-no-outage"])):
        code, report = run_tool(binary, mode, directory, "--faults", faults, *extra)
        check(code == 0 and not violated(report),
              "%s: passes %s (violations: %s)" % (mode, faults, violated(report)))

    # A Lambda Invoke URL: template_rotation.py behind tests/invoker/lambda_endpoint.py, which
    # reads the run's endpoint from the file --endpoint-file writes.
    endpoint_file = os.path.join(directory, "endpoint")
    lambda_server = subprocess.Popen(
        ["/usr/bin/python3", os.path.join(HERE, "..", "invoker", "lambda_endpoint.py")],
        stdout=subprocess.PIPE, text=True,
        env=dict(os.environ, SECRETSTAGE_ENDPOINT_FILE=endpoint_file))
    try:
        port = lambda_server.stdout.readline().strip()
        url = "http://127.0.0.1:%s/2015-03-31/functions/template-rotation/invocations" % port
        report = os.path.join(directory, "report-lambda.json")
        done = subprocess.run([binary, "--function", url, "--secret-string", "plain-value",
                               "--endpoint-file", endpoint_file, "--jobs", "1",
                               "--faults", "duplicate:finishSecret,kill:finishSecret#3",
                               "--json", report],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=600)
        print(done.stdout, done.stderr, flush=True)
        with open(report) as f:
            lambda_report = json.load(f)
        check(done.returncode == 0 and len(lambda_report["runs"]) == 3
              and not violated(lambda_report),
              "a Lambda Invoke URL function (template_rotation.py) passes %s (exit %s, %s)"
              % ("duplicate:finishSecret,kill:finishSecret#3", done.returncode,
                 violated(lambda_report)))
    finally:
        lambda_server.terminate()
        lambda_server.wait()

    # Usage errors and a function that cannot run at all: exit status 2.
    for arguments, what in (
            ([], "no --function"),
            (["--function", "exec:true"], "no secret"),
            (["--function", "ftp://x", "--secret-string", "x"], "a SPEC of no known form"),
            (["--function", "exec:true", "--secret-string", "x", "--faults", "nonsense"],
             "an unknown fault"),
            (["--function", "exec:true", "--secret-string", "x", "--endpoint-file", "f"],
             "--endpoint-file without --jobs 1"),
            (["--function", "exec:/nonexistent/rotation", "--secret-string", "x"],
             "a command that does not exist")):
        done = subprocess.run([binary] + arguments, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=120)
        check(done.returncode == 2 and "secretstage-check-rotation:" in done.stderr,
              "exit status 2 for %s (got %s)" % (what, done.returncode))


def whole_plan(binary, directory, mode):
    extra = ["--require-no-outage"] if mode == "alternating" else []
    code, report = run_tool(binary, mode, directory, *extra)
    check(code == 0 and not violated(report),
          "%s: passes the whole plan (violations: %s)" % (mode, violated(report)))
    kinds = {r["kind"] for r in report["runs"]}
    check(kinds == {"clean", "fail-once", "duplicate", "kill", "put", "update-stage", "rotate",
                    "cancel"}, "%s: every kind of fault ran (%s)" % (mode, sorted(kinds)))
    clean = [r for r in report["runs"] if r["fault"] == "clean"][0]
    if mode == "single-user":
        check(clean["outage"] != "none" and "setSecret" in clean["outage"],
              "single-user: the outage window from setSecret on is reported (%s)"
              % clean["outage"])
    else:
        check(clean["outage"] == "none", "alternating: no outage (%s)" % clean["outage"])


def main():
    binary, suite = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as directory:
        if suite == "broken":
            broken(binary, directory)
        else:
            whole_plan(binary, directory, suite)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
