#!/usr/bin/python3
"""secretstage-server with --credentials, several accounts and Regions, --listen and TLS, through
Debian's AWS CLI (/usr/bin/aws) and boto3 (run with /usr/bin/python3):

    auth_story.py <secretstage-server>

The keys are made up here (random, never committed); the credentials file lives in a temporary
directory. Expected texts are AWS's (docs/authentication.md), written out here, not read from the
server. Checks: right keys work; a wrong secret key gets InvalidSignatureException, an unknown key
UnrecognizedClientException, no signature MissingAuthenticationTokenException, a request signed
six minutes ago "Signature expired", a body changed after signing InvalidSignatureException, and
none of them changes anything; two accounts see only their own secrets; two Regions (aws
--region) are two stores with their own ARNs; an unsigned server takes the Region from the
signature's scope; the secret keys never appear in the server's output or --help; a malformed
credentials file is refused naming the line; --listen 0.0.0.0 without --credentials is refused;
HTTPS with a throwaway self-signed certificate."""

import datetime
import http.client
import json
import os
import secrets
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
from unittest import mock

import boto3
import botocore.auth
import botocore.config
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from story_checks import check, expect_error, finish

binary = sys.argv[1]
AWS = "/usr/bin/aws"



def key_id():
    return "AKIA" + secrets.token_hex(8).upper()


def secret_key():
    return secrets.token_urlsafe(30)[:40]


class Server:
    def __init__(self, *args):
        self.work = tempfile.mkdtemp()
        self.out = open(os.path.join(self.work, "stdout"), "w+")
        self.err = open(os.path.join(self.work, "stderr"), "w+")
        self.proc = subprocess.Popen([binary, "--port", "0", *args], stdout=self.out,
                                     stderr=self.err)
        deadline = time.time() + 10
        line = ""
        while time.time() < deadline:
            self.out.seek(0)
            line = self.out.readline()
            if line.startswith("listening on "):
                break
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + self.log())
            time.sleep(0.05)
        self.endpoint = line.strip()[len("listening on "):]
        self.port = int(self.endpoint.rsplit(":", 1)[1])

    def log(self):
        self.out.seek(0)
        self.err.seek(0)
        return self.out.read() + self.err.read()

    def stop(self):
        self.proc.terminate()
        code = self.proc.wait(timeout=30)
        text = self.log()
        shutil.rmtree(self.work, ignore_errors=True)
        return code, text


def client(server, key, secret, region="us-east-1", verify=None, unsigned=False):
    config = botocore.config.Config(retries={"max_attempts": 1},
                                    signature_version=UNSIGNED if unsigned else None)
    return boto3.client("secretsmanager", endpoint_url=server.endpoint, region_name=region,
                        aws_access_key_id=key, aws_secret_access_key=secret, config=config,
                        verify=verify)



def names(sm):
    return sorted(s["Name"] for s in sm.list_secrets()["SecretList"])


def sign(key, secret, body, region="us-east-1", target="secretsmanager.CreateSecret", port=0,
         at=None):
    """Headers of a request signed by botocore, at `at` (a naive UTC datetime) or now."""
    request = AWSRequest(method="POST", url=f"http://127.0.0.1:{port}/", data=body,
                         headers={"Content-Type": "application/x-amz-json-1.1",
                                  "X-Amz-Target": target})
    auth = SigV4Auth(Credentials(key, secret), "secretsmanager", region)
    if at is None:
        auth.add_auth(request)
    elif hasattr(botocore.auth, "get_current_datetime"):  # newer botocore
        with mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: at):
            auth.add_auth(request)
    else:  # Debian's botocore reads datetime.datetime.utcnow()
        class Past(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return at
        with mock.patch.object(botocore.auth.datetime, "datetime", Past):
            auth.add_auth(request)
    return dict(request.headers.items())


def post(port, headers, body):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/", body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, json.loads(data) if data else {}


def aws(server, key, secret, region, *args, extra=()):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret,
               AWS_MAX_ATTEMPTS="1", AWS_PAGER="", AWS_CONFIG_FILE="/dev/null",
               AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    env.pop("AWS_SESSION_TOKEN", None)
    env.pop("AWS_PROFILE", None)
    return subprocess.run([AWS, "--endpoint-url", server.endpoint, "--region", region, *extra,
                           "--output", "json", "secretsmanager", *args],
                          capture_output=True, text=True, env=env, timeout=120)


work = tempfile.mkdtemp()
try:
    A_KEY, A_SECRET, A_ACCOUNT = key_id(), secret_key(), "111111111111"
    B_KEY, B_SECRET, B_ACCOUNT = key_id(), secret_key(), "222222222222"
    all_secrets = [A_SECRET, B_SECRET]
    creds = os.path.join(work, "credentials")
    with open(creds, "w") as f:
        f.write(f"# test keys, made up by auth_story.py\n{A_KEY} {A_SECRET} {A_ACCOUNT}\n\n"
                f"{B_KEY}\t{B_SECRET}   {B_ACCOUNT}  # the second account\n")
    os.chmod(creds, 0o600)

    # ---- start-up refusals --------------------------------------------------------------------
    bad = os.path.join(work, "bad-credentials")
    bad_secret = secret_key()
    with open(bad, "w") as f:
        f.write(f"# fine\n{A_KEY} {A_SECRET} {A_ACCOUNT}\n{key_id()} {bad_secret} 12345\n")
    p = subprocess.run([binary, "--port", "0", "--credentials", bad], capture_output=True,
                       text=True, timeout=30)
    check("a malformed credentials file is refused, naming its line",
          p.returncode != 0 and "line 3" in p.stderr and "account id must be 12 digits" in p.stderr,
          p.stderr)
    check("... without echoing a secret key",
          bad_secret not in p.stderr + p.stdout and A_SECRET not in p.stderr + p.stdout, p.stderr)
    p = subprocess.run([binary, "--credentials", creds, "--help"], capture_output=True, text=True,
                       timeout=30)
    check("--help mentions --credentials, --listen, --tls-cert",
          p.returncode == 0 and all(o in p.stdout for o in ("--credentials", "--listen", "--tls-cert")))
    check("--help never shows a key", not any(s in p.stdout + p.stderr for s in all_secrets))
    p = subprocess.run([binary, "--port", "0", "--listen", "0.0.0.0"], capture_output=True,
                       text=True, timeout=30)
    check("--listen 0.0.0.0 without --credentials is refused",
          p.returncode == 2 and "0.0.0.0" in p.stderr and "--credentials" in p.stderr, p.stderr)
    for flag, bad_value in (("--account-id", "../12345678901"), ("--region", "eu/west-1")):
        p = subprocess.run([binary, "--port", "0", flag, bad_value], capture_output=True, text=True,
                           timeout=30)
        check(f"{flag} {bad_value} (it names a directory) is refused", p.returncode == 2, p.stderr)
    p = subprocess.run([binary, "--port", "0", "--tls-cert", creds], capture_output=True,
                       text=True, timeout=30)
    check("--tls-cert without --tls-key is refused", p.returncode == 2, p.stderr)

    # ---- a server with two accounts' keys -------------------------------------------------------
    server = Server("--credentials", creds, "--region", "us-east-1")
    a = client(server, A_KEY, A_SECRET)
    b = client(server, B_KEY, B_SECRET)
    created = a.create_secret(Name="app/shared", SecretString="alpha-value-1")
    check("account A's ARN carries its account and Region",
          created["ARN"].startswith(f"arn:aws:secretsmanager:us-east-1:{A_ACCOUNT}:secret:app/shared-"),
          created["ARN"])
    a.create_secret(Name="app/alpha-only", SecretString="alpha-value-2")
    created_b = b.create_secret(Name="app/shared", SecretString="bravo-value-1")
    check("account B may use the same name; its ARN carries B's account",
          f":{B_ACCOUNT}:secret:app/shared-" in created_b["ARN"], created_b["ARN"])
    check("A lists only A's secrets", names(a) == ["app/alpha-only", "app/shared"], names(a))
    check("B lists only B's secrets", names(b) == ["app/shared"], names(b))
    check("GetSecretValue by name gives each account its own value",
          a.get_secret_value(SecretId="app/shared")["SecretString"] == "alpha-value-1" and
          b.get_secret_value(SecretId="app/shared")["SecretString"] == "bravo-value-1")
    expect_error("B cannot read A's secret by name", "ResourceNotFoundException",
                 lambda m: m == "Secrets Manager can't find the specified secret.",
                 b.get_secret_value, SecretId="app/alpha-only")
    expect_error("B cannot read A's secret by A's ARN", "ResourceNotFoundException",
                 lambda m: m == "Secrets Manager can't find the specified secret.",
                 b.get_secret_value, SecretId=created["ARN"])

    # Failures: AWS's exception and text, 400, and nothing changes.
    wrong = client(server, A_KEY, secret_key())
    expect_error("a wrong secret key: InvalidSignatureException", "InvalidSignatureException",
                 lambda m: m.startswith("The request signature we calculated does not match the "
                                        "signature you provided. Check your AWS Secret Access Key "
                                        "and signing method."),
                 wrong.create_secret, Name="app/by-wrong-key", SecretString="never-stored")
    unknown = client(server, key_id(), secret_key())
    expect_error("an unknown key id: UnrecognizedClientException", "UnrecognizedClientException",
                 lambda m: m == "The security token included in the request is invalid.",
                 unknown.create_secret, Name="app/by-unknown-key", SecretString="never-stored")
    anonymous = client(server, None, None, unsigned=True)
    expect_error("no signature: MissingAuthenticationTokenException",
                 "MissingAuthenticationTokenException",
                 lambda m: m == "Request is missing Authentication Token",
                 anonymous.create_secret, Name="app/unsigned", SecretString="never-stored")

    body = json.dumps({"Name": "app/replayed", "SecretString": "never-stored",
                       "ClientRequestToken": "44444444-4444-4444-8444-444444444444"}).encode()
    past = datetime.datetime.utcnow().replace(microsecond=0) - datetime.timedelta(minutes=6)
    headers = sign(A_KEY, A_SECRET, body, port=server.port, at=past)
    status, answer = post(server.port, headers, body)
    stamp = past.strftime("%Y%m%dT%H%M%SZ")
    check("a request signed 6 minutes ago: Signature expired",
          status == 400 and answer.get("__type") == "InvalidSignatureException" and
          answer.get("message", "").startswith(f"Signature expired: {stamp} is now earlier than ") and
          answer.get("message", "").endswith(" - 5 min.)"), f"{status} {answer}")
    headers = sign(A_KEY, A_SECRET, body, port=server.port)
    fresh = post(server.port, headers, body)  # the same request signed now is accepted
    check("the same request signed now is accepted", fresh[0] == 200, str(fresh))
    replay_body = json.dumps({"Name": "app/tampered", "SecretString": "never-stored",
                              "ClientRequestToken": "55555555-5555-4555-8555-555555555555"}).encode()
    headers = sign(A_KEY, A_SECRET, replay_body, port=server.port)
    status, answer = post(server.port, headers, replay_body.replace(b"never-stored", b"tampered-val"))
    check("a body changed after signing: InvalidSignatureException",
          status == 400 and answer.get("__type") == "InvalidSignatureException" and
          "does not match the signature you provided" in answer.get("message", ""),
          f"{status} {answer}")
    headers = sign(A_KEY, A_SECRET, body, port=server.port)
    headers["X-Amz-Target"] = "secretsmanager.DeleteSecret"  # a signed header changed
    status, answer = post(server.port, headers, json.dumps({"SecretId": "app/shared"}).encode())
    check("a signed header changed after signing: InvalidSignatureException",
          status == 400 and answer.get("__type") == "InvalidSignatureException", f"{status} {answer}")
    check("no refused request changed anything",
          names(a) == ["app/alpha-only", "app/replayed", "app/shared"] and names(b) == ["app/shared"],
          f"{names(a)} {names(b)}")

    # The AWS CLI: the right key, Regions as separate stores, a wrong key.
    p = aws(server, B_KEY, B_SECRET, "eu-west-1", "create-secret", "--name", "app/shared",
            "--secret-string", "bravo-west")
    arn = json.loads(p.stdout)["ARN"] if p.returncode == 0 else ""
    check("aws --region eu-west-1: an ARN of eu-west-1 and B's account",
          arn.startswith(f"arn:aws:secretsmanager:eu-west-1:{B_ACCOUNT}:secret:app/shared-"),
          p.stdout + p.stderr)
    p = aws(server, B_KEY, B_SECRET, "eu-west-1", "list-secrets")
    listed = json.loads(p.stdout)["SecretList"] if p.returncode == 0 else []
    check("aws --region eu-west-1 lists only that Region's secret",
          [s["ARN"] for s in listed] == [arn], p.stdout + p.stderr)
    p = aws(server, B_KEY, B_SECRET, "us-east-1", "get-secret-value", "--secret-id", "app/shared")
    check("aws --region us-east-1 reads the us-east-1 secret of the same name",
          p.returncode == 0 and json.loads(p.stdout)["SecretString"] == "bravo-value-1",
          p.stdout + p.stderr)
    p = aws(server, B_KEY, B_SECRET, "eu-west-1", "get-secret-value", "--secret-id", "app/shared")
    check("aws --region eu-west-1 reads the eu-west-1 one",
          p.returncode == 0 and json.loads(p.stdout)["SecretString"] == "bravo-west",
          p.stdout + p.stderr)
    p = aws(server, A_KEY, A_SECRET, "eu-west-1", "list-secrets")
    check("account A sees nothing in eu-west-1",
          p.returncode == 0 and json.loads(p.stdout)["SecretList"] == [], p.stdout + p.stderr)
    p = aws(server, A_KEY, B_SECRET, "us-east-1", "list-secrets")
    check("aws with a wrong secret key fails with InvalidSignatureException",
          p.returncode != 0 and "InvalidSignatureException" in p.stderr, p.stderr)
    p = aws(server, key_id(), A_SECRET, "us-east-1", "list-secrets")
    check("aws with an unknown key fails with UnrecognizedClientException",
          p.returncode != 0 and "UnrecognizedClientException" in p.stderr and
          "The security token included in the request is invalid." in p.stderr, p.stderr)

    code, log = server.stop()
    check("the server stops cleanly", code == 0, log)
    check("the server's output never holds a secret key or the credentials file's lines",
          not any(s in log for s in all_secrets) and A_KEY + " " not in log, log)
    check("the server's output never holds a secret value",
          not any(v in log for v in ("alpha-value", "bravo-value", "bravo-west", "never-stored",
                                     "tampered-val")), log)
    check("refusals are logged by exception name",
          "InvalidSignatureException" in log and "UnrecognizedClientException" in log and
          "MissingAuthenticationTokenException" in log, log)

    # ---- an unsigned server: the Region still comes from the scope ----------------------------------
    server = Server("--region", "us-east-1", "--account-id", "333333333333")
    p = aws(server, "x", "y", "ap-south-1", "create-secret", "--name", "s", "--secret-string", "v")
    check("unsigned server: aws --region ap-south-1 makes an ap-south-1 ARN of --account-id",
          p.returncode == 0 and
          json.loads(p.stdout)["ARN"].startswith("arn:aws:secretsmanager:ap-south-1:333333333333:"),
          p.stdout + p.stderr)
    p = aws(server, "x", "y", "us-east-1", "list-secrets")
    check("unsigned server: us-east-1 is another store",
          p.returncode == 0 and json.loads(p.stdout)["SecretList"] == [], p.stdout + p.stderr)
    status, answer = post(server.port, {"X-Amz-Target": "secretsmanager.ListSecrets",
                                        "Content-Type": "application/x-amz-json-1.1"}, b"{}")
    check("unsigned server: a request without Authorization goes to --region",
          status == 200 and answer["SecretList"] == [], f"{status} {answer}")
    code, log = server.stop()
    check("unsigned server stops cleanly", code == 0, log)

    # ---- --listen beyond loopback with keys; HTTPS ------------------------------------------------
    server = Server("--credentials", creds, "--listen", "0.0.0.0")
    check("--listen 0.0.0.0 with --credentials serves", server.endpoint.startswith("http://0.0.0.0:"),
          server.endpoint)
    server.endpoint = f"http://127.0.0.1:{server.port}"
    check("... and answers", names(client(server, A_KEY, A_SECRET)) == [])
    code, log = server.stop()
    check("... and stops cleanly", code == 0, log)

    cert, keyfile = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        keyfile, "-out", cert, "-days", "1", "-subj", "/CN=localhost"],
                       capture_output=True, text=True, timeout=120)
    check("openssl made a throwaway certificate", p.returncode == 0, p.stderr)
    p = subprocess.run([binary, "--port", "0", "--tls-cert", creds, "--tls-key", creds],
                       capture_output=True, text=True, timeout=30)
    check("a --tls-cert that is not a certificate is refused",
          p.returncode == 1 and "--tls-cert" in p.stderr and not any(s in p.stderr for s in all_secrets),
          p.stderr)
    server = Server("--credentials", creds, "--tls-cert", cert, "--tls-key", keyfile)
    check("HTTPS: the listening line says https", server.endpoint.startswith("https://127.0.0.1:"),
          server.endpoint)
    sm = client(server, A_KEY, A_SECRET, verify=False)
    import urllib3
    urllib3.disable_warnings()
    sm.create_secret(Name="tls/secret", SecretString="over-tls")
    check("HTTPS: boto3 (verify=False) writes and reads",
          sm.get_secret_value(SecretId="tls/secret")["SecretString"] == "over-tls")
    p = aws(server, A_KEY, A_SECRET, "us-east-1", "get-secret-value", "--secret-id", "tls/secret",
            extra=("--no-verify-ssl",))
    check("HTTPS: aws --no-verify-ssl reads it",
          p.returncode == 0 and json.loads(p.stdout)["SecretString"] == "over-tls", p.stdout + p.stderr)
    p = aws(server, A_KEY, B_SECRET, "us-east-1", "list-secrets", extra=("--no-verify-ssl",))
    check("HTTPS: a wrong key still gets InvalidSignatureException",
          p.returncode != 0 and "InvalidSignatureException" in p.stderr, p.stderr)
    try:
        conn = http.client.HTTPSConnection("127.0.0.1", server.port, timeout=10,
                                           context=ssl.create_default_context())
        conn.request("POST", "/", body=b"{}")
        conn.getresponse()
        check("HTTPS: a client that verifies the certificate refuses the self-signed one", False)
    except ssl.SSLError:
        check("HTTPS: a client that verifies the certificate refuses the self-signed one", True)
    code, log = server.stop()
    check("HTTPS server stops cleanly", code == 0, log)
finally:
    shutil.rmtree(work, ignore_errors=True)

finish("auth story")
