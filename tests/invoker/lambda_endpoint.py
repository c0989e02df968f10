#!/usr/bin/python3
"""A Lambda Invoke API endpoint for the invoker's tests (standard library only).

Serves POST /2015-03-31/functions/<name>/invocations on 127.0.0.1 at a free port, which it prints
as the first line of standard output. Like `sam local start-lambda`, it rejects a query string,
a Content-Type other than application/json and an X-Amz-Invocation-Type other than
RequestResponse (400), and answers an unknown function with 404. It also checks that the body is
a rotation event: a JSON object with exactly Step, SecretId, ClientRequestToken and
RotationToken, Step one of the four. The function name picks the behaviour:

  ok             200, payload null
  unhandled      200 + X-Amz-Function-Error: Unhandled, payload {"errorMessage", "errorType"}
  broken         500, a service error body
  slow           answers after 30 s
  echo           200 + X-Amz-Function-Error: Unhandled, payload the request as the endpoint saw it
                 (so the test can compare path, headers and body byte for byte)
  chunked-ok     200, payload null, sent with Transfer-Encoding: chunked
  chunked-error  like unhandled, sent with Transfer-Encoding: chunked
  template-rotation
                 runs tests/rotation/template_rotation.py with the event on standard input and
                 SECRETS_MANAGER_ENDPOINT read from the file SECRETSTAGE_ENDPOINT_FILE names (the
                 server's URL, written once it listens): 200 and payload null when it exits 0,
                 else 200 + X-Amz-Function-Error: Unhandled with its standard error

It runs until SIGTERM.
"""

import json
import os
import re
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = re.compile(r"^/2015-03-31/functions/([^/?]+)/invocations$")
STEPS = {"createSecret", "setSecret", "testSecret", "finishSecret"}
MEMBERS = {"Step", "SecretId", "ClientRequestToken", "RotationToken"}
FUNCTIONS = {"ok", "unhandled", "broken", "slow", "echo", "chunked-ok", "chunked-error",
             "template-rotation"}
TEMPLATE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "rotation",
                        "template_rotation.py")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, payload, headers=(), chunked=False):
        body = payload.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in headers:
            self.send_header(name, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            half = len(body) // 2
            for part in (body[:half], body[half:]):
                if part:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def reject(self, status, error_type, message):
        self.answer(status, json.dumps({"Type": "User", "Message": message}),
                    [("x-amzn-errortype", error_type)])

    def problem(self, body):
        if self.headers.get("X-Amz-Invocation-Type") != "RequestResponse":
            return "X-Amz-Invocation-Type is not RequestResponse"
        if self.headers.get("Content-Type") != "application/json":
            return "Content-Type is not application/json"
        try:
            event = json.loads(body)
        except ValueError:
            return "body is not JSON"
        if not isinstance(event, dict) or set(event) != MEMBERS:
            return "body is not a rotation event"
        if event["Step"] not in STEPS:
            return "unknown Step"
        return None

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        match = PATH.match(self.path)
        if not match or match.group(1) not in FUNCTIONS:
            return self.reject(404, "ResourceNotFound", "Function not found: " + self.path)
        problem = self.problem(body)
        if problem:
            return self.reject(400, "InvalidRequestContent", problem)
        name = match.group(1)
        unhandled = [("X-Amz-Function-Error", "Unhandled")]
        if name in ("ok", "chunked-ok"):
            return self.answer(200, "null", chunked=name == "chunked-ok")
        if name in ("unhandled", "chunked-error"):
            step = json.loads(body)["Step"]
            error = {"errorMessage": "rotation failed at " + step, "errorType": "ValueError"}
            return self.answer(200, json.dumps(error), unhandled, chunked=name == "chunked-error")
        if name == "template-rotation":
            environment = dict(os.environ)
            with open(os.environ["SECRETSTAGE_ENDPOINT_FILE"]) as f:
                environment["SECRETS_MANAGER_ENDPOINT"] = f.read().strip()
            # As Lambda gives a function its Region and (here dummy) credentials.
            environment.setdefault("AWS_DEFAULT_REGION", "us-east-1")
            if "AWS_ACCESS_KEY_ID" not in environment and "AWS_PROFILE" not in environment:
                environment["AWS_ACCESS_KEY_ID"] = "secretstage"
                environment["AWS_SECRET_ACCESS_KEY"] = "secretstage"
            done = subprocess.run(["/usr/bin/python3", TEMPLATE], input=body, env=environment,
                                  capture_output=True, timeout=60)
            if done.returncode == 0:
                return self.answer(200, "null")
            error = {"errorMessage": done.stderr.decode(errors="replace")[-2000:],
                     "errorType": "RotationError"}
            return self.answer(200, json.dumps(error), unhandled)
        if name == "broken":
            return self.reject(500, "ServiceException", "the endpoint broke")
        if name == "slow":
            time.sleep(30)
            return self.answer(200, "null")
        seen = "\n".join([
            "method " + self.command,
            "path " + self.path,
            "invocation-type " + self.headers.get("X-Amz-Invocation-Type", ""),
            "content-type " + self.headers.get("Content-Type", ""),
            "content-length " + self.headers.get("Content-Length", ""),
            "body " + body.decode(),
        ])
        return self.answer(200, seen, unhandled)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
