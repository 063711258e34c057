"""Start and stop a moto EC2 server on a free loopback port (Python stdlib only).

    with MotoServer() as moto:
        env = moto.aws_env()          # dummy credentials + region for the aws CLI
        moto.aws("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16")   # -> parsed JSON

The server is always stopped when the `with` block ends, also on failure. Also usable from the
shell: `python3 moto_util.py start PIDFILE` prints the endpoint URL; `stop PIDFILE` ends it.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

DUMMY_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_PAGER": "",
}


def free_port():
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MotoServer:
    def __init__(self, region="us-east-1", startup_timeout=60.0):
        self.region = region
        self.startup_timeout = startup_timeout
        self.port = None
        self.proc = None
        self.log = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        last = None
        for _ in range(3):  # the port may be taken between free_port() and bind
            self.port = free_port()
            self.log = open(os.devnull, "wb")
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
            deadline = time.monotonic() + self.startup_timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    with urllib.request.urlopen(self.url + "/moto-api/", timeout=2):
                        return self
                except OSError as e:
                    last = e
                    time.sleep(0.2)
            self.stop()
        raise RuntimeError("moto server did not start: %s" % last)

    def stop(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                try:
                    os.killpg(self.proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait()
            self.proc = None
        if self.log is not None:
            self.log.close()
            self.log = None

    def reset(self):
        req = urllib.request.Request(self.url + "/moto-api/reset", data=b"", method="POST")
        urllib.request.urlopen(req, timeout=10).close()

    def aws_env(self):
        env = dict(os.environ)
        env.update(DUMMY_ENV)
        env["AWS_DEFAULT_REGION"] = self.region
        env.pop("AWS_PROFILE", None)
        return env

    def aws(self, *args):
        """Run `aws --endpoint-url URL ARGS --output json`; return parsed JSON (or None)."""
        cmd = ["aws", "--endpoint-url", self.url, "--region", self.region, "--output", "json"]
        cmd += list(args)
        p = subprocess.run(cmd, env=self.aws_env(), capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError("%s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr))
        return json.loads(p.stdout) if p.stdout.strip() else None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


def _main(argv):
    if len(argv) == 3 and argv[1] == "start":
        m = MotoServer().start()
        with open(argv[2], "w") as f:
            f.write("%d\n" % m.proc.pid)
        m.proc = None  # leave it running; `stop` ends it
        print(m.url)
        return 0
    if len(argv) == 3 and argv[1] == "stop":
        with open(argv[2]) as f:
            pid = int(f.read().strip())
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        os.unlink(argv[2])
        return 0
    sys.stderr.write("usage: moto_util.py start PIDFILE | stop PIDFILE\n")
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
