#!/usr/bin/python3
"""A throwaway PostgreSQL 15 cluster for the rotation tests (standard library and psql only).

    with Cluster() as pg:          # initdb in a temporary directory, postgres on a free port
        pg.psql("SELECT 1")        # as the superuser, over TCP with its password
        pg.can_log_in("app", pw)   # False when the server refuses the password

The cluster listens on 127.0.0.1 only, at a free port, and pg_hba.conf accepts nothing but
scram-sha-256 passwords, so a wrong password really fails. PostgreSQL refuses to run as root: as
root, initdb and postgres run as the system user `secretstage-pg` (created with useradd when
missing) through setpriv, which execs, so the PID we hold is the postmaster's; the temporary
directory belongs to that user. Not as root, they run as the caller.

The cluster is stopped by its PID (SIGINT, PostgreSQL's fast shutdown; SIGKILL to its process
group if it lingers) and its directory removed when the `with` block ends, at interpreter exit,
and on SIGTERM (the CLI and the tests turn SIGTERM into SystemExit).

Passwords travel to psql in PGPASSWORD, set in the child's environment only; SQL that carries a
value reads it with psql's \\getenv, so no password is ever on a command line.

As a program:

    pg_cluster.py [--superuser NAME] -- COMMAND [ARG]...

starts a cluster, runs COMMAND with PGHOST, PGPORT, PGUSER and PGDATABASE set and
PG_CLUSTER_PASSWORD_FILE naming a file (mode 0600) that holds the superuser's password, then
stops the cluster and exits with COMMAND's status. Without a command it prints
`listening on 127.0.0.1:<port>` and runs until SIGINT or SIGTERM.
"""

import argparse
import atexit
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

PG_BIN = "/usr/lib/postgresql/15/bin"
PSQL = "/usr/bin/psql"
SYSTEM_USER = "secretstage-pg"
# Environment variables that would change where or how psql connects behind our back.
_PG_ENVIRONMENT = ("PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD",
                   "PGPASSFILE", "PGSERVICE", "PGSERVICEFILE", "PGSSLMODE", "PGOPTIONS",
                   "PGCONNECT_TIMEOUT", "PGTARGETSESSIONATTRS", "PGREQUIRESSL")


class ClusterError(RuntimeError):
    pass


def sigterm_exits():
    """Turns SIGTERM into SystemExit, so `with` blocks and atexit handlers run (ctest's timeout
    and a CI job's cancellation send SIGTERM)."""
    def handler(signum, frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, handler)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql_environment(host, port, user, password, dbname, extra=None):
    """The environment of one psql run: the caller's minus every PG* variable, plus these."""
    env = {k: v for k, v in os.environ.items() if k not in _PG_ENVIRONMENT}
    env.update({
        "PGHOST": host, "PGPORT": str(port), "PGUSER": user, "PGDATABASE": dbname,
        "PGPASSWORD": password, "PGCONNECT_TIMEOUT": "5", "PGSSLMODE": "disable",
        # No ~/.pgpass: the password given is the only one tried.
        "PGPASSFILE": os.devnull,
    })
    env.update(extra or {})
    return env


def run_psql(host, port, user, password, dbname, sql, variables=None, timeout=30):
    """Runs `sql` (psql script text, on standard input) as `user` with `password` over TCP.

    `variables` are given to the script as environment variables (read them with \\getenv), so a
    value never reaches a command line. Returns the CompletedProcess (stdout: unaligned tuples)."""
    return subprocess.run(
        [PSQL, "--no-psqlrc", "--quiet", "--tuples-only", "--no-align",
         "--set=ON_ERROR_STOP=1"],
        input=sql, capture_output=True, text=True, timeout=timeout,
        env=psql_environment(host, port, user, password, dbname, variables))


def _ensure_system_user():
    """The uid and gid of SYSTEM_USER, created when missing (as root only)."""
    try:
        entry = pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        done = subprocess.run(
            ["useradd", "--system", "--user-group", "--no-create-home",
             "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", SYSTEM_USER],
            capture_output=True, text=True)
        try:  # another test may have created it at the same moment: that is fine too
            entry = pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            raise ClusterError("cannot create the system user %s: %s"
                               % (SYSTEM_USER, done.stderr.strip())) from None
    return entry.pw_uid, entry.pw_gid


class Cluster:
    """A PostgreSQL 15 cluster in a temporary directory; see the module's description."""

    def __init__(self, superuser="postgres", start_timeout=60):
        self.superuser = superuser
        self.password = secrets.token_urlsafe(24)
        self.host = "127.0.0.1"
        self.port = None
        self.directory = None
        self.start_timeout = start_timeout
        self._process = None
        self._log = None
        self._as_user = []  # the command prefix that runs a program as the cluster's owner
        self._owner = None

    # ---- life cycle ---------------------------------------------------------------------------

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        atexit.register(self.stop)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self):
        for program in ("initdb", "postgres"):
            if not os.access(os.path.join(PG_BIN, program), os.X_OK):
                raise ClusterError("%s/%s is missing: install postgresql-15 (scripts/setup.sh)"
                                   % (PG_BIN, program))
        if not os.access(PSQL, os.X_OK):
            raise ClusterError(PSQL + " is missing: install postgresql-client-15")
        self.directory = tempfile.mkdtemp(prefix="secretstage-pg-")
        if os.geteuid() == 0:
            uid, gid = _ensure_system_user()
            self._owner = (uid, gid)
            os.chown(self.directory, uid, gid)
            self._as_user = ["setpriv", "--reuid=%d" % uid, "--regid=%d" % gid,
                             "--clear-groups", "--"]
        os.chmod(self.directory, 0o700)
        self._initdb()
        for attempt in range(5):  # a port picked free can be taken before postgres binds it
            self.port = free_port()
            if self._launch():
                return
        raise ClusterError("postgres could not bind a free port after 5 attempts")

    def _owned(self, path):
        if self._owner:
            os.chown(path, *self._owner)

    def _child_environment(self):
        env = {k: v for k, v in os.environ.items() if k not in _PG_ENVIRONMENT}
        env.update({"HOME": self.directory, "LC_ALL": "C"})
        return env

    def _initdb(self):
        password_file = os.path.join(self.directory, "superuser-password")
        fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(self.password + "\n")
        self._owned(password_file)
        try:
            done = subprocess.run(
                self._as_user + [os.path.join(PG_BIN, "initdb"), "--pgdata", self.data,
                                 "--username", self.superuser, "--pwfile", password_file,
                                 "--auth-local=scram-sha-256", "--auth-host=scram-sha-256",
                                 "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"],
                cwd=self.directory, env=self._child_environment(), capture_output=True, text=True,
                timeout=120)
        finally:
            os.unlink(password_file)
        if done.returncode != 0:
            raise ClusterError("initdb failed (status %d): %s"
                               % (done.returncode, done.stderr.strip()[-2000:]))
        # Passwords only: TCP from 127.0.0.1 and the socket, both scram-sha-256; nothing trusted.
        hba = os.path.join(self.data, "pg_hba.conf")
        with open(hba, "w") as f:
            f.write("# written by tests/rotation/pg_cluster.py\n"
                    "local all all scram-sha-256\n"
                    "host  all all 127.0.0.1/32 scram-sha-256\n")
        self._owned(hba)
        os.mkdir(os.path.join(self.directory, "socket"), 0o700)
        self._owned(os.path.join(self.directory, "socket"))

    @property
    def data(self):
        return os.path.join(self.directory, "data")

    def _log_tail(self):
        try:
            with open(os.path.join(self.directory, "postgres.log"), errors="replace") as f:
                return f.read()[-2000:]
        except OSError:
            return ""

    def _launch(self):
        """Starts postgres on self.port; True once it accepts the superuser's password, False if
        the port was taken; raises for any other failure."""
        self._log = open(os.path.join(self.directory, "postgres.log"), "ab")
        self._process = subprocess.Popen(
            self._as_user + [os.path.join(PG_BIN, "postgres"), "-D", self.data,
                             "-p", str(self.port), "-k", os.path.join(self.directory, "socket"),
                             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                             "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                             "-c", "password_encryption=scram-sha-256",
                             "-c", "log_statement=none", "-c", "log_min_error_statement=panic"],
            cwd=self.directory, env=self._child_environment(), stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                tail = self._log_tail()
                self._process = None
                self._log.close()
                self._log = None
                if "could not bind" in tail or "could not create any TCP/IP sockets" in tail:
                    return False
                raise ClusterError("postgres exited at start-up:\n" + tail)
            if self.psql("SELECT 1").returncode == 0:
                return True
            time.sleep(0.1)
        raise ClusterError("postgres did not accept connections within %d s:\n%s"
                           % (self.start_timeout, self._log_tail()))

    def stop(self):
        """Stops postgres (SIGINT, then SIGKILL to its group after 20 s) and removes the
        directory. Idempotent."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            try:
                process.send_signal(signal.SIGINT)  # fast shutdown
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
        directory, self.directory = self.directory, None
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)

    # ---- clients ------------------------------------------------------------------------------

    def psql(self, sql, user=None, password=None, dbname="postgres", variables=None):
        """Runs psql script text as `user` (default: the superuser) over TCP."""
        return run_psql(self.host, self.port, user or self.superuser,
                        self.password if password is None else password, dbname, sql, variables)

    def check(self, sql, variables=None):
        """Runs `sql` as the superuser; raises with psql's message when it fails."""
        done = self.psql(sql, variables=variables)
        if done.returncode != 0:
            raise ClusterError("psql failed (status %d): %s"
                               % (done.returncode, done.stderr.strip()))
        return done.stdout

    def create_login_role(self, name, password):
        """CREATE ROLE name LOGIN PASSWORD password, both quoted by psql."""
        self.check('\\getenv role_name PG_CLUSTER_ROLE\n'
                   '\\getenv role_password PG_CLUSTER_PASSWORD\n'
                   'CREATE ROLE :"role_name" LOGIN PASSWORD :\'role_password\';\n',
                   variables={"PG_CLUSTER_ROLE": name, "PG_CLUSTER_PASSWORD": password})

    def login(self, user, password, dbname="postgres"):
        """Logs in as `user` with `password` and runs SELECT 1: the CompletedProcess."""
        return self.psql("SELECT 1", user=user, password=password, dbname=dbname)

    def can_log_in(self, user, password, dbname="postgres"):
        """True when the password works; False when the server refuses it (password
        authentication failed); raises for any other failure, so that a dead server cannot pass
        for a refused password."""
        done = self.login(user, password, dbname)
        if done.returncode == 0:
            return True
        if "password authentication failed" in done.stderr:
            return False
        raise ClusterError("login as %s failed for another reason than the password: %s"
                           % (user, done.stderr.strip()))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--superuser", default="postgres")
    parser.add_argument("command", nargs=argparse.REMAINDER,
                        help="-- COMMAND [ARG]...: run it against the cluster, then stop")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    sigterm_exits()
    with Cluster(superuser=args.superuser) as pg:
        if not command:
            print("listening on %s:%d" % (pg.host, pg.port), flush=True)
            try:
                signal.pause()
            except KeyboardInterrupt:
                pass
            return 0
        fd, password_file = tempfile.mkstemp(prefix="secretstage-pg-password-")
        try:
            with os.fdopen(fd, "w") as f:
                f.write(pg.password + "\n")
            env = {k: v for k, v in os.environ.items() if k not in _PG_ENVIRONMENT}
            env.update({"PGHOST": pg.host, "PGPORT": str(pg.port), "PGUSER": pg.superuser,
                        "PGDATABASE": "postgres", "PG_CLUSTER_PASSWORD_FILE": password_file})
            return subprocess.run(command, env=env).returncode
        finally:
            os.unlink(password_file)


if __name__ == "__main__":
    sys.exit(main())
