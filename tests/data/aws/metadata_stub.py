#!/usr/bin/env python3
"""Loopback stand-in for the EC2 instance metadata service (IMDSv2) and the
ECS/EKS container credential endpoint, for tests/lib/aws/test_credentials.c.

usage: metadata_stub.py PORTFILE LOGFILE
Binds 127.0.0.1 on a free port, writes the port to PORTFILE, appends one line
per request ("METHOD PATH token=<X-aws-ec2-metadata-token> auth=<Authorization>")
to LOGFILE. IMDS: PUT /latest/api/token (needs the TTL header) returns a
token; the credential paths answer 401 without that token. Container:
GET /creds needs "Authorization: container-secret-token".
"""
import http.server, json, os, sys

TOKEN = "imds-session-token-1"
ROLE = "vpce-test-role"


def creds(prefix, token_key):
    return json.dumps({
        "Code": "Success", "Type": "AWS-HMAC",
        "AccessKeyId": prefix + "AKID", "SecretAccessKey": prefix + "SECRET",
        token_key: prefix + "SESSION", "Expiration": "2030-01-01T00:00:00Z",
    }).encode()


class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def _log(self):
        with open(sys.argv[2], "a") as f:
            f.write("%s %s token=%s auth=%s\n" % (
                self.command, self.path, self.headers.get("X-aws-ec2-metadata-token", ""),
                self.headers.get("Authorization", "")))

    def _send(self, code, body=b""):
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self):
        self._log()
        if self.path == "/latest/api/token" and self.headers.get(
                "X-aws-ec2-metadata-token-ttl-seconds"):
            return self._send(200, TOKEN.encode())
        self._send(400)

    def do_GET(self):
        self._log()
        if self.path.startswith("/latest/meta-data/iam/security-credentials/"):
            if self.headers.get("X-aws-ec2-metadata-token") != TOKEN:
                return self._send(401)
            rest = self.path[len("/latest/meta-data/iam/security-credentials/"):]
            if rest == "":
                return self._send(200, ROLE.encode())
            if rest == ROLE:
                return self._send(200, creds("IMDS", "Token"))
            return self._send(404)
        if self.path == "/creds":
            if self.headers.get("Authorization") != "container-secret-token":
                return self._send(401)
            return self._send(200, creds("ECS", "Token"))
        self._send(404)


srv = http.server.HTTPServer(("127.0.0.1", 0), H)
tmp = sys.argv[1] + ".tmp"
with open(tmp, "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(tmp, sys.argv[1])
srv.serve_forever()
