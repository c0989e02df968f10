"""A fresh secretstage-server for one rotation test, as tests/clients/with_server.sh starts one:
port 0, a fixed seed, and the test's own options (--rotation-function ARN=exec:… and the retry
options: the server runs the steps), or functions registered with the deprecated
--external-rotation-function (RotateSecret starts the rotation; drive_rotation.py runs the steps). Stopped with SIGTERM, which
must end it with status 0; its standard output and error are kept for the secret-value check."""

import os
import signal
import subprocess
import tempfile
import time

REGION = "us-east-1"
ACCOUNT = "123456789012"


class Server:
    def __init__(self, binary, function_arns=(), arguments=()):
        self.binary = binary
        self.function_arns = list(function_arns)
        self.arguments = list(arguments)
        self.endpoint = None
        self._process = None
        self._directory = None

    def __enter__(self):
        self._directory = tempfile.mkdtemp(prefix="secretstage-rotation-")
        arguments = [self.binary, "--port", "0", "--seed", "7", "--region", REGION,
                     "--account-id", ACCOUNT]
        for arn in self.function_arns:
            arguments += ["--external-rotation-function", arn]
        arguments += self.arguments
        self._stdout = open(os.path.join(self._directory, "stdout"), "w+b")
        self._stderr = open(os.path.join(self._directory, "stderr"), "w+b")
        self._process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL,
                                         stdout=self._stdout, stderr=self._stderr)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            self._stdout.seek(0)
            line = self._stdout.readline().decode(errors="replace").strip()
            if line.startswith("listening on http://127.0.0.1:"):
                self.endpoint = line[len("listening on "):]
                return self
            if self._process.poll() is not None:
                raise RuntimeError("secretstage-server exited at start-up:\n" + self.output())
            time.sleep(0.05)
        self.__exit__(None, None, None)
        raise RuntimeError("secretstage-server printed no 'listening on' line within 10 s")

    def output(self):
        """Everything the server wrote (its request log), as text."""
        parts = []
        for f in (self._stdout, self._stderr):
            f.flush()
            f.seek(0)
            parts.append(f.read().decode(errors="replace"))
        return "\n".join(parts)

    def stop(self):
        """SIGTERM; returns the exit status (0 is a clean shutdown)."""
        process, self._process = self._process, None
        if process is None:
            return 0
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return -signal.SIGKILL

    def __exit__(self, *exc):
        self.stop()
        for f in (getattr(self, "_stdout", None), getattr(self, "_stderr", None)):
            if f is not None:
                f.close()
        if self._directory:
            for name in ("stdout", "stderr"):
                try:
                    os.unlink(os.path.join(self._directory, name))
                except OSError:
                    pass
            os.rmdir(self._directory)
            self._directory = None
        return False
