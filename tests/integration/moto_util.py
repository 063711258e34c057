"""Start and stop a moto EC2 server on a free loopback port (Python stdlib only).

    with MotoServer() as moto:
        env = moto.aws_env()          # dummy credentials + region for the aws CLI
        moto.aws("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16")   # -> parsed JSON

The server is always stopped when the `with` block ends, also on failure. Also usable from the
shell: `python3 moto_util.py start PIDFILE` prints the endpoint URL; `stop PIDFILE` ends it;
`patch DIR` rewrites describe-* dumps where moto does not model AWS (see patch_snapshot).
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


# ---- moto -> real AWS shape ----------------------------------------------------------------
# Real AWS-managed prefix lists of us-east-1 (moto's have random ids and other CIDRs).
REAL_PREFIX_LISTS = {
    "com.amazonaws.us-east-1.s3": ("pl-63a5400a", ["54.231.0.0/17", "52.216.0.0/15",
                                                    "3.5.16.0/21", "3.5.0.0/20"]),
    "com.amazonaws.us-east-1.dynamodb": ("pl-02cd2c6b", ["52.94.0.0/22", "52.119.224.0/20"]),
}


def _load_dir(directory):
    docs = {}
    for root, _, files in os.walk(directory):
        for f in sorted(files):
            if f.endswith(".json"):
                p = os.path.join(root, f)
                with open(p) as fh:
                    docs[p] = json.load(fh)
    return docs


def _by_key(docs, key):
    for p, d in docs.items():
        if isinstance(d, dict) and key in d:
            return d[key]
    return []


def patch_snapshot(directory):
    """Rewrite a directory of moto describe-* dumps where moto does not model AWS; returns the
    list of changes made. Gaps patched (moto 5.2.1):
      - AWS-managed prefix lists: moto's random pl- ids -> the real us-east-1 ids (everywhere,
        file names too), entries -> the real CIDRs; describe-prefix-lists gets Cidrs.
      - interface-endpoint ENIs: moto gives a random address outside the subnet and the
        default SG -> an address inside the subnet, the endpoint's SGs, InterfaceType
        vpc_endpoint, RequesterManaged true, Description as AWS writes it.
      - NAT gateway ENI: address inside the subnet, InterfaceType nat_gateway, no SGs; moto's
        127.x Elastic IP -> a public-looking address.
      - gateway endpoints: PrivateDnsEnabled false (moto says true); interface endpoints get
        DnsOptions/IpAddressType and AWS-style DnsEntries (private name with ZONEIDPENDING).
      - the default SG's allow-all-from-itself ingress rule, which moto omits.
      - instances launched with per-ENI groups: SecurityGroups copied from the primary ENI.
      - empty "Association": {} objects (moto, no public IP) removed.
    """
    import ipaddress
    changes = []
    docs = _load_dir(directory)
    text_by_path = {p: json.dumps(d) for p, d in docs.items()}
    # 1. prefix lists
    idmap = {}
    for p, d in docs.items():
        for pl in d.get("PrefixLists", []) if isinstance(d, dict) else []:
            real = REAL_PREFIX_LISTS.get(pl.get("PrefixListName"))
            if real and pl["PrefixListId"] != real[0]:
                idmap[pl["PrefixListId"]] = real[0]
    for old, new in idmap.items():
        changes.append("prefix list %s -> %s" % (old, new))
        for p in text_by_path:
            text_by_path[p] = text_by_path[p].replace(old, new)
    docs = {p: json.loads(t) for p, t in text_by_path.items()}
    renamed = {}
    for p in list(docs):
        base = os.path.basename(p)
        for old, new in idmap.items():
            if old in base:
                renamed[p] = os.path.join(os.path.dirname(p), base.replace(old, new))
    real_by_id = {v[0]: v[1] for v in REAL_PREFIX_LISTS.values()}
    for p, d in docs.items():
        if not isinstance(d, dict):
            continue
        for pl in d.get("PrefixLists", []):
            if "Cidrs" in pl or "AddressFamily" not in pl:  # describe-prefix-lists shape
                if pl["PrefixListId"] in real_by_id:
                    pl["Cidrs"] = list(real_by_id[pl["PrefixListId"]])
        if "Entries" in d and "NetworkAcls" not in d:
            name = os.path.basename(renamed.get(p, p))
            for plid, cidrs in real_by_id.items():
                if plid in name:
                    d["Entries"] = [{"Cidr": c} for c in cidrs]
                    changes.append("entries of %s -> real CIDRs" % plid)
    subnets = {s["SubnetId"]: s for s in _by_key(docs, "Subnets")}
    enis = {e["NetworkInterfaceId"]: e for e in _by_key(docs, "NetworkInterfaces")}
    next_host = {}

    def addr(subnet_id):
        net = ipaddress.ip_network(subnets[subnet_id]["CidrBlock"])
        n = next_host.get(subnet_id, 200)
        next_host[subnet_id] = n + 1
        return str(net.network_address + n)

    # 2. endpoints and their ENIs
    for ep in _by_key(docs, "VpcEndpoints"):
        eid = ep["VpcEndpointId"]
        region, short = ep["ServiceName"].split(".")[2], ep["ServiceName"].split(".", 3)[3]
        if ep["VpcEndpointType"] == "Gateway":
            ep["PrivateDnsEnabled"] = False
            ep["DnsEntries"] = []
            continue
        ep.setdefault("IpAddressType", "ipv4")
        ep.setdefault("DnsOptions", {"DnsRecordIpType": "ipv4"})
        tail = eid[-8:]
        entries = [{"DnsName": "%s-%s.%s.%s.vpce.amazonaws.com" % (eid, tail, short, region),
                    "HostedZoneId": "Z7HUB22UULQXV"}]
        for sid in ep["SubnetIds"]:
            az = subnets[sid]["AvailabilityZone"] if sid in subnets else region + "a"
            entries.append({"DnsName": "%s-%s-%s.%s.%s.vpce.amazonaws.com" % (
                eid, tail, az, short, region), "HostedZoneId": "Z7HUB22UULQXV"})
        if ep.get("PrivateDnsEnabled"):
            entries.append({"DnsName": "%s.%s.amazonaws.com" % (short, region),
                            "HostedZoneId": "ZONEIDPENDING"})
        ep["DnsEntries"] = entries
        groups = [{"GroupId": g["GroupId"], "GroupName": g["GroupName"]} for g in ep["Groups"]]
        for eni_id in ep["NetworkInterfaceIds"]:
            e = enis.get(eni_id)
            if e is None:
                continue
            ip = addr(e["SubnetId"])
            changes.append("endpoint ENI %s: %s -> %s, endpoint SGs" % (
                eni_id, e.get("PrivateIpAddress"), ip))
            dns = "ip-%s.ec2.internal" % ip.replace(".", "-")
            e["PrivateIpAddress"], e["PrivateDnsName"] = ip, dns
            e["PrivateIpAddresses"] = [{"Primary": True, "PrivateDnsName": dns,
                                        "PrivateIpAddress": ip}]
            e["Groups"] = groups
            e["InterfaceType"] = "vpc_endpoint"
            e["Description"] = "VPC Endpoint Interface %s" % eid
            e["RequesterManaged"] = True
            e["Status"] = "in-use"
    # 3. NAT gateways
    for n in _by_key(docs, "NatGateways"):
        n.setdefault("ConnectivityType", "public")
        for a in n.get("NatGatewayAddresses", []):
            ip = addr(n["SubnetId"])
            pub = "3.%d.%d.%d" % (210 + len(next_host) % 40, int(ip.split(".")[2]),
                                  int(ip.split(".")[3]))
            changes.append("NAT %s address -> %s / %s" % (n["NatGatewayId"], ip, pub))
            a["PrivateIp"], a["PublicIp"] = ip, pub
            a.setdefault("IsPrimary", True)
            a.setdefault("Status", "succeeded")
            e = enis.get(a.get("NetworkInterfaceId"))
            if e is not None:
                e["PrivateIpAddress"] = ip
                assoc = e.get("Association") or {}
                if assoc:
                    assoc["PublicIp"] = pub
                    assoc["PublicDnsName"] = "ec2-%s.compute-1.amazonaws.com" % pub.replace(".", "-")
                e["PrivateIpAddresses"] = [dict({"Primary": True, "PrivateIpAddress": ip},
                                                **({"Association": assoc} if assoc else {}))]
                e["Groups"] = []
                e["InterfaceType"] = "nat_gateway"
                e["Description"] = "Interface for NAT Gateway %s" % n["NatGatewayId"]
                e["RequesterManaged"] = True
                e["Status"] = "in-use"
                e["SubnetId"] = n["SubnetId"]
    # 4. default SG self rule, instance SGs, empty associations
    for g in _by_key(docs, "SecurityGroups"):
        if g["GroupName"] == "default" and not g["IpPermissions"]:
            g["IpPermissions"] = [{"IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [],
                                   "PrefixListIds": [], "UserIdGroupPairs": [
                                       {"GroupId": g["GroupId"], "UserId": g["OwnerId"]}]}]
            changes.append("default SG %s: self ingress rule" % g["GroupId"])
    for e in enis.values():
        if e.get("Association") == {}:
            del e["Association"]
    for r in _by_key(docs, "Reservations"):
        for i in r["Instances"]:
            nis = i.get("NetworkInterfaces", [])
            if not i.get("SecurityGroups") and nis:
                i["SecurityGroups"] = [dict(g) for g in nis[0].get("Groups", [])]
            for ni in nis:
                if ni.get("Association") == {}:
                    del ni["Association"]
    for d in docs.values():  # AWS-owned ARNs use the account "aws" (moto: "AWS")
        for pl in d.get("PrefixLists", []) if isinstance(d, dict) else []:
            if "PrefixListArn" in pl:
                pl["PrefixListArn"] = pl["PrefixListArn"].replace(":AWS:prefix-list/",
                                                                  ":aws:prefix-list/")
    for p, d in docs.items():
        if isinstance(d, dict):
            d.pop("ResponseMetadata", None)
        dest = renamed.get(p, p)
        with open(dest, "w") as fh:
            json.dump(d, fh, indent=4)
            fh.write("\n")
        if dest != p:
            os.unlink(p)
    return changes


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (not reaped yet) counts as gone
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _stop_group(pid, timeout=10.0):
    """SIGTERM the process group `pid` leads, wait for the leader to exit, SIGKILL if needed."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _alive(pid):
                return
            time.sleep(0.1)


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
        _stop_group(pid)
        os.unlink(argv[2])
        return 0
    if len(argv) == 3 and argv[1] == "patch":
        for c in patch_snapshot(argv[2]):
            print("patched: " + c)
        return 0
    sys.stderr.write("usage: moto_util.py start PIDFILE | stop PIDFILE | patch DIR\n")
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
