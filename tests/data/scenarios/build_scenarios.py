#!/usr/bin/env python3
"""Regenerate the scenario snapshots under tests/data/scenarios/<name>/.

Each scenario is built against moto's EC2 backend (in-process, boto3), dumped with the same
describe-* calls the AWS CLI makes (one file per call, named after its top-level key, under
<name>/us-east-1/), then patched where moto cannot model AWS (see PATCHES in docs/SCENARIOS.md):
managed prefix-list ids and Cidrs, endpoint ENI addresses / type / security groups, NAT ENI,
interface-endpoint DnsEntries and DnsOptions, gateway-endpoint PrivateDnsEnabled, and the
per-scenario states moto never produces (pending endpoints, blackhole routes, failed NATs).
The expected.json next to each snapshot is written from the same script so ids always agree.

Usage: python3 build_scenarios.py [NAME...]     (default: all)
IDs are random on every run: regenerating rewrites every snapshot and expected.json.
"""
import datetime
import ipaddress
import json
import os
import shutil
import sys

import boto3
from moto import mock_aws

HERE = os.path.dirname(os.path.abspath(__file__))
REGION = "us-east-1"
ACCOUNT = "123456789012"
AMI = "ami-03cf127a"  # an Amazon Linux AMI moto ships

# Real AWS-managed prefix lists of us-east-1 (as in the batfish captures).
REAL_PL = {
    "com.amazonaws.us-east-1.s3": ("pl-63a5400a", ["54.231.0.0/17", "52.216.0.0/15",
                                                    "3.5.16.0/21", "3.5.0.0/20"]),
    "com.amazonaws.us-east-1.dynamodb": ("pl-02cd2c6b", ["52.94.0.0/22", "52.119.224.0/20"]),
}
PL_S3 = "pl-63a5400a"
PL_DDB = "pl-02cd2c6b"

ALLOW_ALL_POLICY = ('{"Version": "2008-10-17", "Statement": [{"Effect": "Allow", '
                    '"Principal": "*", "Action": "*", "Resource": "*"}]}')


def tags(name):
    return [{"ResourceType": "x", "Tags": [{"Key": "Name", "Value": name}]}]


class Snap:
    """A small VPC built in moto; ids[name] holds every created id."""

    def __init__(self, ec2):
        self.ec2 = ec2
        self.ids = {}
        self.endpoint_dns_only_inbound = {}   # vpce id -> bool (S3 interface endpoints)
        self.subnet_cidr = {}
        self.eni_ip_next = {}

    def _tag(self, rid, name):
        self.ec2.create_tags(Resources=[rid], Tags=[{"Key": "Name", "Value": name}])
        self.ids[name] = rid
        return rid

    def vpc(self, cidr="10.0.0.0/16", dns_support=True, dns_hostnames=True, name="vpc"):
        v = self.ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
        self.ec2.modify_vpc_attribute(VpcId=v, EnableDnsSupport={"Value": dns_support})
        self.ec2.modify_vpc_attribute(VpcId=v, EnableDnsHostnames={"Value": dns_hostnames})
        self.vpc_id = v
        self.vpc_cidr = cidr
        return self._tag(v, name)

    def subnet(self, name, cidr, az="us-east-1a", public=False):
        s = self.ec2.create_subnet(VpcId=self.vpc_id, CidrBlock=cidr,
                                   AvailabilityZone=az)["Subnet"]["SubnetId"]
        if public:
            self.ec2.modify_subnet_attribute(SubnetId=s, MapPublicIpOnLaunch={"Value": True})
        self.subnet_cidr[s] = cidr
        return self._tag(s, name)

    def igw(self, name="igw"):
        g = self.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        self.ec2.attach_internet_gateway(InternetGatewayId=g, VpcId=self.vpc_id)
        return self._tag(g, name)

    def main_rtb(self):
        r = self.ec2.describe_route_tables(Filters=[
            {"Name": "vpc-id", "Values": [self.vpc_id]},
            {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]["RouteTableId"]
        return self._tag(r, "main-rt")

    def rtb(self, name, subnets=()):
        r = self.ec2.create_route_table(VpcId=self.vpc_id)["RouteTable"]["RouteTableId"]
        for s in subnets:
            self.ec2.associate_route_table(RouteTableId=r, SubnetId=self.ids[s])
        return self._tag(r, name)

    def route(self, rtb, dest, **target):
        kw = {"RouteTableId": self.ids[rtb]}
        if dest.startswith("pl-"):
            kw["DestinationPrefixListId"] = dest
        else:
            kw["DestinationCidrBlock"] = dest
        for k, v in target.items():
            kw[k] = self.ids.get(v, v)
        self.ec2.create_route(**kw)

    def nat(self, name, subnet):
        a = self.ec2.allocate_address(Domain="vpc")["AllocationId"]
        n = self.ec2.create_nat_gateway(SubnetId=self.ids[subnet], AllocationId=a)
        return self._tag(n["NatGateway"]["NatGatewayId"], name)

    def sg(self, name, ingress=(), egress=None):
        """egress None keeps AWS's default allow-all egress rule; else replaces it."""
        g = self.ec2.create_security_group(GroupName=name, Description=name,
                                           VpcId=self.vpc_id)["GroupId"]
        self._tag(g, name)
        if ingress:
            self.ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=self._perms(ingress))
        if egress is not None:
            self.ec2.revoke_security_group_egress(GroupId=g, IpPermissions=[
                {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
            if egress:
                self.ec2.authorize_security_group_egress(GroupId=g, IpPermissions=self._perms(egress))
        return g

    def _perms(self, rules):
        out = []
        for proto, lo, hi, peer in rules:
            p = {"IpProtocol": proto}
            if proto != "-1":
                p["FromPort"], p["ToPort"] = lo, hi
            if peer.startswith("pl-") or self.ids.get(peer, "").startswith("pl-"):
                p["PrefixListIds"] = [{"PrefixListId": self.ids.get(peer, peer)}]
            elif "/" in peer:
                p["IpRanges"] = [{"CidrIp": peer}]
            else:
                p["UserIdGroupPairs"] = [{"GroupId": self.ids[peer]}]
            out.append(p)
        return out

    def instance(self, name, subnet, sgs, public_ip=None):
        ni = {"DeviceIndex": 0, "SubnetId": self.ids[subnet], "Groups": [self.ids[g] for g in sgs]}
        if public_ip is not None:
            ni["AssociatePublicIpAddress"] = public_ip
        i = self.ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                                   NetworkInterfaces=[ni])["Instances"][0]
        self._tag(i["InstanceId"], name)
        self.ids[name + ".eni"] = i["NetworkInterfaces"][0]["NetworkInterfaceId"]
        return i["InstanceId"]

    def gw_endpoint(self, name, service, rtbs, policy=None):
        kw = {"VpcId": self.vpc_id, "ServiceName": "com.amazonaws.%s.%s" % (REGION, service),
              "VpcEndpointType": "Gateway", "RouteTableIds": [self.ids[r] for r in rtbs]}
        if policy:
            kw["PolicyDocument"] = policy
        e = self.ec2.create_vpc_endpoint(**kw)["VpcEndpoint"]["VpcEndpointId"]
        return self._tag(e, name)

    def if_endpoint(self, name, service, subnets, sgs, private_dns=True, policy=None,
                    dns_only_inbound=None):
        kw = {"VpcId": self.vpc_id, "ServiceName": "com.amazonaws.%s.%s" % (REGION, service),
              "VpcEndpointType": "Interface", "SubnetIds": [self.ids[s] for s in subnets],
              "SecurityGroupIds": [self.ids[g] for g in sgs], "PrivateDnsEnabled": private_dns}
        if policy:
            kw["PolicyDocument"] = policy
        e = self.ec2.create_vpc_endpoint(**kw)["VpcEndpoint"]["VpcEndpointId"]
        if dns_only_inbound is not None:
            self.endpoint_dns_only_inbound[e] = dns_only_inbound
        return self._tag(e, name)

    def prefix_list(self, name, cidrs):
        """A customer-managed prefix list (describe-managed-prefix-lists + entries files)."""
        pl = self.ec2.create_managed_prefix_list(
            PrefixListName=name, AddressFamily="IPv4", MaxEntries=10,
            Entries=[{"Cidr": c, "Description": name} for c in cidrs])["PrefixList"]
        return self._tag(pl["PrefixListId"], name)

    def custom_nacl(self, name, subnets, entries):
        """entries: (rule, egress, action, proto, cidr, (from,to) or None)."""
        a = self.ec2.create_network_acl(VpcId=self.vpc_id)["NetworkAcl"]["NetworkAclId"]
        for rule, egress, action, proto, cidr, ports in entries:
            kw = {"NetworkAclId": a, "RuleNumber": rule, "Egress": egress, "RuleAction": action,
                  "Protocol": proto, "CidrBlock": cidr}
            if ports:
                kw["PortRange"] = {"From": ports[0], "To": ports[1]}
            self.ec2.create_network_acl_entry(**kw)
        acls = self.ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [self.vpc_id]}])
        for s in subnets:
            sid = self.ids[s]
            for acl in acls["NetworkAcls"]:
                for assoc in acl["Associations"]:
                    if assoc["SubnetId"] == sid:
                        self.ec2.replace_network_acl_association(
                            AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId=a)
        return self._tag(a, name)

    # ---- dump -------------------------------------------------------------------------
    def dump(self):
        ec2, f = self.ec2, [{"Name": "vpc-id", "Values": [self.vpc_id]}]
        d = {
            "Vpcs": ec2.describe_vpcs(VpcIds=[self.vpc_id]),
            "Subnets": ec2.describe_subnets(Filters=f),
            "RouteTables": ec2.describe_route_tables(Filters=f),
            "SecurityGroups": ec2.describe_security_groups(Filters=f),
            "NetworkAcls": ec2.describe_network_acls(Filters=f),
            "VpcEndpoints": ec2.describe_vpc_endpoints(Filters=f),
            "NatGateways": ec2.describe_nat_gateways(Filter=f),
            "InternetGateways": ec2.describe_internet_gateways(
                Filters=[{"Name": "attachment.vpc-id", "Values": [self.vpc_id]}]),
            "PrefixLists": ec2.describe_prefix_lists(),
            "NetworkInterfaces": ec2.describe_network_interfaces(Filters=f),
            "Reservations": ec2.describe_instances(Filters=f),
            "VpcAttribute-enableDnsSupport": ec2.describe_vpc_attribute(
                VpcId=self.vpc_id, Attribute="enableDnsSupport"),
            "VpcAttribute-enableDnsHostnames": ec2.describe_vpc_attribute(
                VpcId=self.vpc_id, Attribute="enableDnsHostnames"),
        }
        own = ec2.describe_managed_prefix_lists(
            Filters=[{"Name": "owner-id", "Values": [ACCOUNT]}])["PrefixLists"]
        if own:
            d["ManagedPrefixLists"] = {"PrefixLists": own}
            for pl in own:
                d["ManagedPrefixListEntries-" + pl["PrefixListId"]] = \
                    ec2.get_managed_prefix_list_entries(PrefixListId=pl["PrefixListId"])
        d = json.loads(json.dumps(d, default=_jsonable))
        for v in d.values():
            v.pop("ResponseMetadata", None)
            v.pop("NextToken", None)
        self._patch(d)
        return d

    def _eni_ip(self, subnet_id):
        net = ipaddress.ip_network(self.subnet_cidr[subnet_id])
        n = self.eni_ip_next.get(subnet_id, 200)
        self.eni_ip_next[subnet_id] = n + 1
        return str(net.network_address + n)

    def _patch(self, d):
        # 1. moto's managed prefix lists have random ids and no Cidrs: use the real ones.
        text = json.dumps(d)
        pls = []
        for pl in d["PrefixLists"]["PrefixLists"]:
            real = REAL_PL.get(pl["PrefixListName"])
            if real:
                text = text.replace(pl["PrefixListId"], real[0])
                pls.append({"Cidrs": real[1], "PrefixListId": real[0],
                            "PrefixListName": pl["PrefixListName"]})
        d.clear()
        d.update(json.loads(text))
        d["PrefixLists"] = {"PrefixLists": pls}
        enis = {e["NetworkInterfaceId"]: e for e in d["NetworkInterfaces"]["NetworkInterfaces"]}
        # 2. endpoints
        for ep in d["VpcEndpoints"]["VpcEndpoints"]:
            eid, svc = ep["VpcEndpointId"], ep["ServiceName"]
            short = svc.split(".", 3)[3]
            if ep["VpcEndpointType"] == "Gateway":
                ep["PrivateDnsEnabled"] = False
                ep["DnsEntries"] = []
                continue
            ep["IpAddressType"] = "ipv4"
            ep["DnsOptions"] = {"DnsRecordIpType": "ipv4"}
            if eid in self.endpoint_dns_only_inbound:
                ep["DnsOptions"]["PrivateDnsOnlyForInboundResolverEndpoint"] = \
                    self.endpoint_dns_only_inbound[eid]
            ep["RequesterManaged"] = False
            suffix = eid[-8:]
            entries = [{"DnsName": "%s-%s.%s.%s.vpce.amazonaws.com" % (eid, suffix, short, REGION),
                        "HostedZoneId": "Z7HUB22UULQXV"}]
            sub_az = {s["SubnetId"]: s["AvailabilityZone"] for s in d["Subnets"]["Subnets"]}
            for sid in ep["SubnetIds"]:
                entries.append({"DnsName": "%s-%s-%s.%s.%s.vpce.amazonaws.com" % (
                    eid, suffix, sub_az[sid], short, REGION), "HostedZoneId": "Z7HUB22UULQXV"})
            if ep["PrivateDnsEnabled"]:
                host = "%s.%s.amazonaws.com" % (short, REGION)
                if short == "s3":
                    host = "*.s3.%s.amazonaws.com" % REGION
                entries.append({"DnsName": host, "HostedZoneId": "ZONEIDPENDING"})
            ep["DnsEntries"] = entries
            # moto gives endpoint ENIs a random address and the default SG: fix both.
            groups = [{"GroupId": g["GroupId"], "GroupName": g["GroupName"]} for g in ep["Groups"]]
            for eni_id in ep["NetworkInterfaceIds"]:
                e = enis[eni_id]
                ip = self._eni_ip(e["SubnetId"])
                e["PrivateIpAddress"] = ip
                e["PrivateIpAddresses"] = [{"Primary": True, "PrivateIpAddress": ip,
                                            "PrivateDnsName": "ip-%s.ec2.internal" % ip.replace(".", "-")}]
                e["PrivateDnsName"] = "ip-%s.ec2.internal" % ip.replace(".", "-")
                e["Groups"] = groups
                e["InterfaceType"] = "vpc_endpoint"
                e["Description"] = "VPC Endpoint Interface %s" % eid
                e["RequesterId"] = "727180483921"
                e["RequesterManaged"] = True
                e["Status"] = "in-use"
        # 3. NAT gateway ENI: address inside its subnet, real type/description.
        for n in d["NatGateways"]["NatGateways"]:
            for a in n.get("NatGatewayAddresses", []):
                e = enis.get(a.get("NetworkInterfaceId"))
                ip = self._eni_ip(n["SubnetId"])
                a["PrivateIp"] = ip
                pub = "3.%d.%d.%d" % (200 + len(self.eni_ip_next), int(ip.split(".")[2]) % 256,
                                      int(ip.split(".")[3]))
                a["PublicIp"] = pub
                a["IsPrimary"] = True
                a["Status"] = "succeeded"
                n.setdefault("ConnectivityType", "public")
                if e is not None:
                    if "Association" in e:
                        e["Association"]["PublicIp"] = pub
                        e["Association"]["PublicDnsName"] = "ec2-%s.compute-1.amazonaws.com" % \
                            pub.replace(".", "-")
                    e["PrivateIpAddress"] = ip
                    e["PrivateIpAddresses"] = [{"Association": e.get("Association", {}),
                                                "Primary": True, "PrivateIpAddress": ip}]
                    e["Groups"] = []
                    e["InterfaceType"] = "nat_gateway"
                    e["Description"] = "Interface for NAT Gateway %s" % n["NatGatewayId"]
                    e["RequesterManaged"] = True
                    e["Status"] = "in-use"
                    e["SubnetId"] = n["SubnetId"]
        # 4. moto leaves the instance's SecurityGroups empty when groups are given per ENI.
        for r in d["Reservations"]["Reservations"]:
            for i in r["Instances"]:
                if not i.get("SecurityGroups") and i.get("NetworkInterfaces"):
                    i["SecurityGroups"] = [dict(g) for g in i["NetworkInterfaces"][0]["Groups"]]
        # 5. the default SG allows all inbound from itself; moto omits that rule.
        for g in d["SecurityGroups"]["SecurityGroups"]:
            if g["GroupName"] == "default" and not g["IpPermissions"]:
                g["IpPermissions"] = [{"IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [],
                                       "PrefixListIds": [], "UserIdGroupPairs": [
                                           {"GroupId": g["GroupId"], "UserId": ACCOUNT}]}]
        # 6. every NACL ends with the unchangeable rule * (32767) deny; moto omits it on custom ones.
        for a in d["NetworkAcls"]["NetworkAcls"]:
            for egress in (True, False):
                if not any(e["Egress"] == egress and e["RuleNumber"] == 32767 for e in a["Entries"]):
                    a["Entries"].append({"CidrBlock": "0.0.0.0/0", "Egress": egress,
                                         "Protocol": "-1", "RuleAction": "deny",
                                         "RuleNumber": 32767})
        # 7. empty "Association": {} (moto, instance without public IP) is absent in AWS output.
        for e in enis.values():
            if e.get("Association") == {}:
                del e["Association"]
        for r in d["Reservations"]["Reservations"]:
            for i in r["Instances"]:
                for ni in i.get("NetworkInterfaces", []):
                    if ni.get("Association") == {}:
                        del ni["Association"]

    # ---- small editing helpers used by scenarios --------------------------------------
    @staticmethod
    def find(d, key, idkey, rid):
        for x in d[key][key]:
            if x[idkey] == rid:
                return x
        raise KeyError(rid)


def _jsonable(o):
    if isinstance(o, datetime.datetime):
        return str(o)
    raise TypeError(type(o))


# ---------------------------------------------------------------------------------------
# Common layout: VPC 10.0.0.0/16 (DNS support + hostnames on), public-a 10.0.0.0/24 with an IGW,
# private-a 10.0.10.0/24 (us-east-1a) with its own route table, app instance with app-sg (AWS
# default egress: all), endpoint SG vpce-sg (443 from the VPC CIDR). Default NACL (allow all).
def base(s, nat=True, private_default_route=True, dns_support=True, dns_hostnames=True,
         instance=True):
    s.vpc(dns_support=dns_support, dns_hostnames=dns_hostnames)
    s.subnet("public-a", "10.0.0.0/24", "us-east-1a", public=True)
    s.subnet("private-a", "10.0.10.0/24", "us-east-1a")
    s.igw()
    s.main_rtb()
    s.rtb("public-rt", ["public-a"])
    s.route("public-rt", "0.0.0.0/0", GatewayId="igw")
    s.rtb("private-rt", ["private-a"])
    if nat:
        s.nat("nat", "public-a")
        if private_default_route:
            s.route("private-rt", "0.0.0.0/0", NatGatewayId="nat")
    s.sg("app-sg")
    s.sg("vpce-sg", ingress=[("tcp", 443, 443, "10.0.0.0/16")])
    if instance:
        s.instance("app", "private-a", ["app-sg"])


def R(frm, to, path, via=None, blocked_at=None, notes=None):
    private = path in ("gateway-endpoint", "interface-endpoint")
    r = {"from": frm, "to": to, "path": path, "blocked_at": blocked_at, "via": via,
         "private": private}
    if notes:
        r["notes_contain"] = notes
    return r


SCENARIOS = {}


def scenario(fn):
    SCENARIOS[fn.__name__.replace("_", "-")] = fn
    return fn


# ---- route tables ---------------------------------------------------------------------
@scenario
def s3_gateway_endpoint_basic(s):
    """Baseline: S3 gateway endpoint on the private subnet's route table; S3 goes through it,
    DynamoDB (no endpoint) goes through the NAT gateway."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    i = s.ids
    return (["--from", i["private-a"], "--to", "s3", "--to", "dynamodb"],
            [R(i["private-a"], "s3", "gateway-endpoint", i["s3-gw"]),
             R(i["private-a"], "dynamodb", "nat-gateway", i["nat"])], None)


@scenario
def gateway_endpoint_wrong_route_table(s):
    """S3 gateway endpoint associated with the public route table only: the private subnet's
    S3 traffic follows 0.0.0.0/0 to the NAT gateway; the instance in the public subnet is the
    one using the endpoint."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["public-rt"])
    s.instance("web", "public-a", ["app-sg"], public_ip=True)
    i = s.ids
    return (["--from", i["private-a"], "--from", i["web"], "--to", "s3"],
            [R(i["private-a"], "s3", "nat-gateway", i["nat"]),
             R(i["web"], "s3", "gateway-endpoint", i["s3-gw"])], None)


@scenario
def main_table_vs_explicit_association(s):
    """private-b has no explicit association and so uses the main route table, which carries
    the S3 endpoint route; private-a is explicitly associated with private-rt (only NAT)."""
    base(s)
    s.subnet("private-b", "10.0.11.0/24", "us-east-1b")
    s.gw_endpoint("s3-gw", "s3", ["main-rt"])
    s.instance("app-b", "private-b", ["app-sg"])
    i = s.ids
    return (["--from", i["private-a"], "--from", i["private-b"], "--to", "s3"],
            [R(i["private-a"], "s3", "nat-gateway", i["nat"]),
             R(i["private-b"], "s3", "gateway-endpoint", i["s3-gw"])], None)


@scenario
def static_route_more_specific_than_prefix_list(s):
    """52.216.0.0/16 -> NAT is more specific than the S3 prefix list entry 52.216.0.0/15: that
    part of S3 leaves through the NAT, so the verdict is the non-private path, with a note."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    s.route("private-rt", "52.216.0.0/16", NatGatewayId="nat")
    i = s.ids
    return (["--from", i["private-a"], "--to", "s3"],
            [R(i["private-a"], "s3", "nat-gateway", i["nat"], notes=["split"])], None)


@scenario
def static_route_same_prefix_as_prefix_list(s):
    """A static route for exactly 52.216.0.0/15 (an S3 prefix list entry) wins over the
    prefix-list route of equal length (static > prefix list): split, non-private verdict."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    s.route("private-rt", "52.216.0.0/15", NatGatewayId="nat")
    i = s.ids
    return (["--from", i["private-a"], "--to", "s3"],
            [R(i["private-a"], "s3", "nat-gateway", i["nat"], notes=["split"])], None)


@scenario
def prefix_list_route_beats_default_route_to_igw(s):
    """Public subnet: 0.0.0.0/0 -> IGW and the S3 prefix-list route -> endpoint; the prefix
    list entries are more specific, so S3 uses the endpoint, DynamoDB the IGW."""
    base(s, nat=False)
    s.gw_endpoint("s3-gw", "s3", ["public-rt"])
    s.instance("web", "public-a", ["app-sg"], public_ip=True)
    i = s.ids
    return (["--from", i["web"], "--to", "s3", "--to", "dynamodb"],
            [R(i["web"], "s3", "gateway-endpoint", i["s3-gw"]),
             R(i["web"], "dynamodb", "internet-gateway", i["igw"])], None)


@scenario
def blackhole_route(s):
    """The private route table's 0.0.0.0/0 points at a NAT gateway that was deleted: the route
    is a blackhole, so DynamoDB (no endpoint) is blocked at the route; S3 via its gateway
    endpoint still works."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    i = s.ids

    def patch(d):
        rt = Snap.find(d, "RouteTables", "RouteTableId", i["private-rt"])
        for r in rt["Routes"]:
            if r.get("DestinationCidrBlock") == "0.0.0.0/0":
                r["State"] = "blackhole"
        nat = Snap.find(d, "NatGateways", "NatGatewayId", i["nat"])
        nat["State"] = "deleted"
        nat["DeleteTime"] = "2024-05-02 10:11:12+00:00"
        for a in nat["NatGatewayAddresses"]:
            a.pop("AssociationId", None)
            a["Status"] = "succeeded"
        d["NetworkInterfaces"]["NetworkInterfaces"] = [
            e for e in d["NetworkInterfaces"]["NetworkInterfaces"]
            if e.get("InterfaceType") != "nat_gateway"]
    return (["--from", i["private-a"], "--to", "dynamodb", "--to", "s3"],
            [R(i["private-a"], "dynamodb", "blocked", blocked_at="route"),
             R(i["private-a"], "s3", "gateway-endpoint", i["s3-gw"])], patch)


@scenario
def isolated_subnet(s):
    """Route table with only the local route: S3 has no route (blocked at route), but an SQS
    interface endpoint in the subnet is reached over the local route."""
    base(s, nat=False)
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"])
    i = s.ids
    return (["--from", i["private-a"], "--to", "s3", "--to", "sqs"],
            [R(i["private-a"], "s3", "blocked", blocked_at="route"),
             R(i["private-a"], "sqs", "interface-endpoint", i["sqs-if"])], None)


@scenario
def cross_region_s3(s):
    """A gateway endpoint only carries its own Region: us-west-2 S3 from a us-east-1 VPC with
    an S3 gateway endpoint goes through the NAT gateway; us-east-1 S3 uses the endpoint."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    i = s.ids
    return (["--from", i["private-a"], "--to", "com.amazonaws.us-west-2.s3",
             "--to", "com.amazonaws.us-east-1.s3"],
            [R(i["private-a"], "com.amazonaws.us-west-2.s3", "nat-gateway", i["nat"]),
             R(i["private-a"], "com.amazonaws.us-east-1.s3", "gateway-endpoint", i["s3-gw"])],
            None)


@scenario
def static_over_propagated_route(s):
    """A VGW propagates 0.0.0.0/0 into both private route tables. private-a also has a static
    0.0.0.0/0 -> NAT (static beats propagated: nat-gateway); private-b has only the propagated
    route (vpn-gateway)."""
    base(s)
    s.subnet("private-b", "10.0.11.0/24", "us-east-1b")
    s.rtb("private-b-rt", ["private-b"])
    s.instance("app-b", "private-b", ["app-sg"])
    g = s.ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    s._tag(g, "vgw")
    s.ec2.attach_vpn_gateway(VpnGatewayId=g, VpcId=s.vpc_id)
    i = s.ids

    def patch(d):
        # moto implements neither EnableVgwRoutePropagation nor BGP: write what AWS shows.
        for rt in ("private-rt", "private-b-rt"):
            t = Snap.find(d, "RouteTables", "RouteTableId", i[rt])
            t["PropagatingVgws"] = [{"GatewayId": g}]
            t["Routes"].append({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": g,
                                "Origin": "EnableVgwRoutePropagation", "State": "active"})
    return (["--from", i["private-a"], "--from", i["private-b"], "--to", "sqs"],
            [R(i["private-a"], "sqs", "nat-gateway", i["nat"]),
             R(i["private-b"], "sqs", "vpn-gateway", i["vgw"])], patch)


@scenario
def transit_gateway_default_route(s):
    """Centralised egress: the private route table sends 0.0.0.0/0 to a transit gateway. The
    S3 gateway endpoint route is more specific, so S3 stays private; DynamoDB takes the TGW."""
    base(s, nat=False)
    tgw = s.ec2.create_transit_gateway(Description="egress")["TransitGateway"]["TransitGatewayId"]
    s._tag(tgw, "tgw")
    s.ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=s.vpc_id,
                                                SubnetIds=[s.ids["private-a"]])
    s.route("private-rt", "0.0.0.0/0", TransitGatewayId="tgw")
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    i = s.ids
    return (["--from", i["private-a"], "--to", "s3", "--to", "dynamodb"],
            [R(i["private-a"], "s3", "gateway-endpoint", i["s3-gw"]),
             R(i["private-a"], "dynamodb", "transit-gateway", i["tgw"])], None)


# ---- security groups ------------------------------------------------------------------
@scenario
def sg_egress_without_prefix_list(s):
    """app-sg egress allows 443 only to the VPC CIDR: the route to the S3 gateway endpoint is
    there but the instance's SG does not allow the S3 prefixes (blocked at security-group)."""
    base(s, instance=False)
    s.sg("tight-sg", egress=[("tcp", 443, 443, "10.0.0.0/16")])
    s.instance("app", "private-a", ["tight-sg"])
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    i = s.ids
    return (["--from", i["app"], "--to", "s3"],
            [R(i["app"], "s3", "blocked", blocked_at="security-group")], None)


@scenario
def sg_egress_prefix_list_only(s):
    """app-sg egress allows 443 only to the S3 prefix list: S3 via the gateway endpoint passes,
    SQS via its interface endpoint (a 10.0.x.x address) is blocked at security-group."""
    base(s, instance=False)
    s.sg("pl-sg", egress=[("tcp", 443, 443, PL_S3)])
    s.instance("app", "private-a", ["pl-sg"])
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"])
    i = s.ids
    return (["--from", i["app"], "--to", "s3", "--to", "sqs"],
            [R(i["app"], "s3", "gateway-endpoint", i["s3-gw"]),
             R(i["app"], "sqs", "blocked", blocked_at="security-group")], None)


@scenario
def sg_reference_to_endpoint_sg(s):
    """app-sg egress allows 443 only to the endpoint's SG (SG reference) and the endpoint SG
    allows 443 from app-sg: SQS through the interface endpoint passes; S3 through the gateway
    endpoint is blocked because no ENI of S3 carries that SG. Sources given as an ENI id."""
    base(s, instance=False)
    s.sg("ep-sg")
    s.sg("ref-sg", egress=[("tcp", 443, 443, "ep-sg")])
    s.ec2.authorize_security_group_ingress(GroupId=s.ids["ep-sg"], IpPermissions=s._perms(
        [("tcp", 443, 443, "ref-sg")]))
    s.instance("app", "private-a", ["ref-sg"])
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["ep-sg"])
    i = s.ids
    eni = i["app.eni"]
    return (["--from", eni, "--to", "sqs", "--to", "s3"],
            [R(eni, "sqs", "interface-endpoint", i["sqs-if"]),
             R(eni, "s3", "blocked", blocked_at="security-group")], None)


@scenario
def endpoint_sg_without_443(s):
    """The interface endpoint's SG allows only 80 from the VPC: HTTPS to SQS is blocked at the
    endpoint security group (DNS still resolves to the endpoint)."""
    base(s)
    s.sg("ep80-sg", ingress=[("tcp", 80, 80, "10.0.0.0/16")])
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["ep80-sg"])
    i = s.ids
    return (["--from", i["private-a"], "--to", "sqs"],
            [R(i["private-a"], "sqs", "blocked", blocked_at="endpoint-security-group")], None)


@scenario
def two_instances_different_sgs(s):
    """Two instances in one subnet: i-open has the default egress, i-tight only egress to the
    VPC CIDR. S3 through the gateway endpoint: one passes, the other is blocked; the subnet as
    a source gets the least private verdict of its workloads (blocked)."""
    base(s, instance=False)
    s.sg("tight-sg", egress=[("tcp", 443, 443, "10.0.0.0/16")])
    s.instance("open", "private-a", ["app-sg"])
    s.instance("tight", "private-a", ["tight-sg"])
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    i = s.ids
    return (["--from", i["open"], "--from", i["tight"], "--from", i["private-a"], "--to", "s3"],
            [R(i["open"], "s3", "gateway-endpoint", i["s3-gw"]),
             R(i["tight"], "s3", "blocked", blocked_at="security-group"),
             R(i["private-a"], "s3", "blocked", blocked_at="security-group")], None)


@scenario
def non_default_port(s):
    """--port 8443 through an interface endpoint whose SG allows only 443: blocked at the
    endpoint security group (the other scenarios cover the default port 443)."""
    base(s)
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"])
    i = s.ids
    return (["--from", i["private-a"], "--to", "sqs", "--port", "8443"],
            [R(i["private-a"], "sqs", "blocked", blocked_at="endpoint-security-group")], None)


@scenario
def multiple_sgs_union(s):
    """An instance with two SGs: one with no egress rule at all, one allowing 443 to
    0.0.0.0/0. SG rules are the union over all groups on the ENI, so S3 through the gateway
    endpoint passes."""
    base(s, instance=False)
    s.sg("no-egress-sg", egress=[])
    s.sg("https-sg", egress=[("tcp", 443, 443, "0.0.0.0/0")])
    s.instance("app", "private-a", ["no-egress-sg", "https-sg"])
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    i = s.ids
    return (["--from", i["app"], "--to", "s3"],
            [R(i["app"], "s3", "gateway-endpoint", i["s3-gw"])], None)


@scenario
def sg_egress_wrong_port(s):
    """The instance SG allows egress only on TCP 80 (to 0.0.0.0/0): HTTPS to S3 through the
    gateway endpoint is blocked at the instance's security group."""
    base(s, instance=False)
    s.sg("http-sg", egress=[("tcp", 80, 80, "0.0.0.0/0")])
    s.instance("app", "private-a", ["http-sg"])
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    i = s.ids
    return (["--from", i["app"], "--to", "s3"],
            [R(i["app"], "s3", "blocked", blocked_at="security-group")], None)


@scenario
def default_sg_self_reference(s):
    """Instance and SQS endpoint both in the VPC's default SG (inbound: all from itself):
    the self-reference admits the instance. A second instance with app-sg is not in the
    default SG, so the endpoint SG refuses it."""
    base(s, instance=False)
    default = s.ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [s.vpc_id]},
        {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
    s.ids["default-sg"] = default
    s.instance("in-default", "private-a", ["default-sg"])
    s.instance("in-app-sg", "private-a", ["app-sg"])
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["default-sg"])
    i = s.ids
    return (["--from", i["in-default"], "--from", i["in-app-sg"], "--to", "sqs"],
            [R(i["in-default"], "sqs", "interface-endpoint", i["sqs-if"]),
             R(i["in-app-sg"], "sqs", "blocked", blocked_at="endpoint-security-group")], None)


@scenario
def endpoint_sg_ingress_by_prefix_list(s):
    """The endpoint SG allows 443 from a customer-managed prefix list (dumped with
    describe-managed-prefix-lists + get-managed-prefix-list-entries) that holds the private
    subnet's CIDR: private-a reaches SQS; private-b (not in the list) is refused."""
    base(s)
    s.subnet("private-b", "10.0.11.0/24", "us-east-1a")
    s.ec2.associate_route_table(RouteTableId=s.ids["private-rt"], SubnetId=s.ids["private-b"])
    s.instance("app-b", "private-b", ["app-sg"])
    s.prefix_list("app-subnets", ["10.0.10.0/24"])
    s.sg("pl-ep-sg", ingress=[("tcp", 443, 443, "app-subnets")])
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["pl-ep-sg"])
    i = s.ids
    return (["--from", i["private-a"], "--from", i["private-b"], "--to", "sqs"],
            [R(i["private-a"], "sqs", "interface-endpoint", i["sqs-if"]),
             R(i["private-b"], "sqs", "blocked", blocked_at="endpoint-security-group")], None)


@scenario
def secondary_cidr_not_in_endpoint_sg(s):
    """The VPC has a secondary CIDR 100.64.0.0/16 (pods, local route added by AWS); the
    endpoint SG allows 443 only from the primary 10.0.0.0/16: a workload in the secondary
    range is refused by the endpoint security group, one in the primary range passes."""
    base(s)
    s.ec2.associate_vpc_cidr_block(VpcId=s.vpc_id, CidrBlock="100.64.0.0/16")
    s.subnet("pods-a", "100.64.0.0/20", "us-east-1a")
    s.ec2.associate_route_table(RouteTableId=s.ids["private-rt"], SubnetId=s.ids["pods-a"])
    s.instance("pod", "pods-a", ["app-sg"])
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"])
    i = s.ids
    return (["--from", i["pod"], "--from", i["app"], "--to", "sqs"],
            [R(i["pod"], "sqs", "blocked", blocked_at="endpoint-security-group"),
             R(i["app"], "sqs", "interface-endpoint", i["sqs-if"])], None)


# ---- NACLs ----------------------------------------------------------------------------
@scenario
def nacl_blocks_return_traffic(s):
    """The private subnet's NACL allows outbound 443 anywhere but inbound ephemeral ports only
    from the VPC CIDR: S3's replies (from the S3 prefixes to 32768-60999) are dropped."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    s.custom_nacl("private-acl", ["private-a"], [
        (100, True, "allow", "6", "0.0.0.0/0", (443, 443)),
        (100, False, "allow", "6", "10.0.0.0/16", (1024, 65535)),
    ])
    i = s.ids
    return (["--from", i["private-a"], "--to", "s3"],
            [R(i["private-a"], "s3", "blocked", blocked_at="network-acl")], None)


@scenario
def nacl_ephemeral_gap(s):
    """Inbound NACL allows 1024-32767 and 49152-65535 from anywhere: 32768-49151 of the Linux
    ephemeral range is not covered, which blocks return traffic."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    s.custom_nacl("private-acl", ["private-a"], [
        (100, True, "allow", "6", "0.0.0.0/0", (443, 443)),
        (100, False, "allow", "6", "0.0.0.0/0", (1024, 32767)),
        (110, False, "allow", "6", "0.0.0.0/0", (49152, 65535)),
    ])
    i = s.ids
    return (["--from", i["private-a"], "--to", "s3"],
            [R(i["private-a"], "s3", "blocked", blocked_at="network-acl")], None)


@scenario
def nacl_deny_before_allow(s):
    """Outbound NACL rule 90 denies TCP 443 to 0.0.0.0/0 before rule 100 allows all: rules are
    evaluated in number order, so HTTPS to S3 is blocked at the network ACL."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    s.custom_nacl("private-acl", ["private-a"], [
        (90, True, "deny", "6", "0.0.0.0/0", (443, 443)),
        (100, True, "allow", "-1", "0.0.0.0/0", None),
        (100, False, "allow", "-1", "0.0.0.0/0", None),
    ])
    i = s.ids
    return (["--from", i["private-a"], "--to", "s3"],
            [R(i["private-a"], "s3", "blocked", blocked_at="network-acl")], None)


@scenario
def nacl_allow_before_deny(s):
    """Same rules with the numbers swapped (allow all at 100, deny 443 at 200): the allow
    matches first, S3 through the gateway endpoint passes."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    s.custom_nacl("private-acl", ["private-a"], [
        (100, True, "allow", "-1", "0.0.0.0/0", None),
        (200, True, "deny", "6", "0.0.0.0/0", (443, 443)),
        (100, False, "allow", "-1", "0.0.0.0/0", None),
    ])
    i = s.ids
    return (["--from", i["private-a"], "--to", "s3"],
            [R(i["private-a"], "s3", "gateway-endpoint", i["s3-gw"])], None)


@scenario
def nacl_denies_vpc_cidr_outbound(s):
    """Outbound NACL rule 50 on private-a denies TCP 443 to the VPC CIDR before rule 100
    allows all: SQS (interface endpoint ENI in endpoint-a, inside the VPC) is blocked at the
    network ACL, S3 (public prefixes, gateway endpoint) is not."""
    base(s)
    s.subnet("endpoint-a", "10.0.20.0/24", "us-east-1a")
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    s.if_endpoint("sqs-if", "sqs", ["endpoint-a"], ["vpce-sg"])
    s.custom_nacl("private-acl", ["private-a"], [
        (50, True, "deny", "6", "10.0.0.0/16", (443, 443)),
        (100, True, "allow", "-1", "0.0.0.0/0", None),
        (100, False, "allow", "-1", "0.0.0.0/0", None),
    ])
    i = s.ids
    return (["--from", i["app"], "--to", "sqs", "--to", "s3"],
            [R(i["app"], "sqs", "blocked", blocked_at="network-acl"),
             R(i["app"], "s3", "gateway-endpoint", i["s3-gw"])], None)


@scenario
def nacl_same_subnet_not_crossed(s):
    """The same deny-443-to-VPC NACL on private-a, but the SQS endpoint ENI is in private-a
    too: traffic between ENIs of one subnet never crosses its NACL, so SQS is reached."""
    base(s)
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"])
    s.custom_nacl("private-acl", ["private-a"], [
        (50, True, "deny", "6", "10.0.0.0/16", (443, 443)),
        (100, True, "allow", "-1", "0.0.0.0/0", None),
        (100, False, "allow", "-1", "0.0.0.0/0", None),
    ])
    i = s.ids
    return (["--from", i["app"], "--to", "sqs"],
            [R(i["app"], "sqs", "interface-endpoint", i["sqs-if"])], None)


@scenario
def nacl_denies_one_service_prefix(s):
    """Inbound NACL rule 90 denies everything from 52.216.0.0/15 (one of the four S3 prefixes)
    before rule 100 allows all: replies from that part of S3 are dropped, so the pair is
    blocked at the network ACL even though the other prefixes would pass."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    s.custom_nacl("private-acl", ["private-a"], [
        (90, False, "deny", "-1", "52.216.0.0/15", None),
        (100, True, "allow", "-1", "0.0.0.0/0", None),
        (100, False, "allow", "-1", "0.0.0.0/0", None),
    ])
    i = s.ids
    return (["--from", i["private-a"], "--to", "s3"],
            [R(i["private-a"], "s3", "blocked", blocked_at="network-acl")], None)


@scenario
def nacl_on_endpoint_subnet(s):
    """Source in private-a (default NACL), SQS interface endpoint only in endpoint-a whose NACL
    allows inbound 443 only from 10.0.99.0/24: the endpoint subnet's NACL drops the request."""
    base(s)
    s.subnet("endpoint-a", "10.0.20.0/24", "us-east-1a")
    s.if_endpoint("sqs-if", "sqs", ["endpoint-a"], ["vpce-sg"])
    s.custom_nacl("endpoint-acl", ["endpoint-a"], [
        (100, False, "allow", "6", "10.0.99.0/24", (443, 443)),
        (100, True, "allow", "6", "10.0.0.0/16", (1024, 65535)),
    ])
    i = s.ids
    return (["--from", i["private-a"], "--to", "sqs"],
            [R(i["private-a"], "sqs", "blocked", blocked_at="network-acl")], None)


# ---- DNS -------------------------------------------------------------------------------
@scenario
def private_dns_disabled(s):
    """SQS interface endpoint with PrivateDnsEnabled false: sqs.us-east-1.amazonaws.com
    resolves to public addresses, so traffic follows 0.0.0.0/0 to the NAT gateway."""
    base(s)
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"], private_dns=False)
    i = s.ids
    return (["--from", i["private-a"], "--to", "sqs"],
            [R(i["private-a"], "sqs", "nat-gateway", i["nat"])], None)


@scenario
def vpc_dns_hostnames_off(s):
    """enableDnsHostnames false (enableDnsSupport true): the endpoint's private hosted zone is
    not used, SQS resolves publicly and goes through the NAT gateway."""
    base(s, dns_hostnames=False)
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"])
    i = s.ids
    return (["--from", i["private-a"], "--to", "sqs"],
            [R(i["private-a"], "sqs", "nat-gateway", i["nat"])], None)


@scenario
def vpc_dns_support_off(s):
    """enableDnsSupport false: the Amazon-provided resolver is off, no service name resolves
    (blocked at dns), for the interface endpoint service and for S3 alike."""
    base(s, dns_support=False, dns_hostnames=False)
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"])
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    i = s.ids
    return (["--from", i["private-a"], "--to", "sqs", "--to", "s3"],
            [R(i["private-a"], "sqs", "blocked", blocked_at="dns"),
             R(i["private-a"], "s3", "blocked", blocked_at="dns")], None)


@scenario
def dns_attributes_missing_private_dns_implies_on(s):
    """No describe-vpc-attribute files: enableDnsHostnames would default to false for a
    non-default VPC, but an endpoint with PrivateDnsEnabled true implies both are on."""
    base(s)
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"])
    i = s.ids

    def patch(d):
        del d["VpcAttribute-enableDnsSupport"]
        del d["VpcAttribute-enableDnsHostnames"]
    return (["--from", i["private-a"], "--to", "sqs"],
            [R(i["private-a"], "sqs", "interface-endpoint", i["sqs-if"])], patch)


@scenario
def s3_interface_and_gateway(s):
    """S3 gateway endpoint plus S3 interface endpoint with private DNS and
    PrivateDnsOnlyForInboundResolverEndpoint false: in-VPC resolvers get the interface
    endpoint's addresses, so S3 goes through the interface endpoint."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    s.if_endpoint("s3-if", "s3", ["private-a"], ["vpce-sg"], dns_only_inbound=False)
    i = s.ids
    return (["--from", i["private-a"], "--to", "s3"],
            [R(i["private-a"], "s3", "interface-endpoint", i["s3-if"])], None)


@scenario
def s3_interface_and_gateway_inbound_resolver_only(s):
    """Same, with PrivateDnsOnlyForInboundResolverEndpoint true (the console default when a
    gateway endpoint exists): in-VPC resolvers get public S3 addresses, which the gateway
    endpoint route carries."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    s.if_endpoint("s3-if", "s3", ["private-a"], ["vpce-sg"], dns_only_inbound=True)
    i = s.ids
    return (["--from", i["private-a"], "--to", "s3"],
            [R(i["private-a"], "s3", "gateway-endpoint", i["s3-gw"])], None)


@scenario
def dynamodb_interface_without_private_dns(s):
    """DynamoDB interface endpoint without private DNS plus a DynamoDB gateway endpoint: the
    public name resolves to the DynamoDB prefixes, which the gateway endpoint carries."""
    base(s)
    s.gw_endpoint("ddb-gw", "dynamodb", ["private-rt"])
    s.if_endpoint("ddb-if", "dynamodb", ["private-a"], ["vpce-sg"], private_dns=False)
    i = s.ids
    return (["--from", i["private-a"], "--to", "dynamodb"],
            [R(i["private-a"], "dynamodb", "gateway-endpoint", i["ddb-gw"])], None)


@scenario
def dynamodb_interface_and_gateway_inbound_resolver_only(s):
    """DynamoDB gateway endpoint plus a DynamoDB interface endpoint with private DNS and
    PrivateDnsOnlyForInboundResolverEndpoint true. The EC2 API documents that option for every
    service with both endpoint types (S3 and DynamoDB): in-VPC resolvers get the public
    DynamoDB addresses, which the gateway endpoint carries. (Beyond the contract's rule 1,
    which names S3 only: see the report.)"""
    base(s)
    s.gw_endpoint("ddb-gw", "dynamodb", ["private-rt"])
    s.if_endpoint("ddb-if", "dynamodb", ["private-a"], ["vpce-sg"], dns_only_inbound=True)
    i = s.ids
    return (["--from", i["private-a"], "--to", "dynamodb"],
            [R(i["private-a"], "dynamodb", "gateway-endpoint", i["ddb-gw"])], None)


# ---- internet / NAT -------------------------------------------------------------------
@scenario
def igw_with_and_without_public_ip(s):
    """Public subnet (0.0.0.0/0 -> IGW): an instance with a public IP reaches SQS through the
    IGW, one without is blocked at internet-gateway. Empty subnets: MapPublicIpOnLaunch
    true -> internet-gateway, false -> blocked at internet-gateway."""
    base(s, nat=False, instance=False)
    s.instance("with-ip", "public-a", ["app-sg"], public_ip=True)
    s.instance("without-ip", "public-a", ["app-sg"], public_ip=False)
    s.subnet("public-b", "10.0.1.0/24", "us-east-1b", public=True)
    s.subnet("public-c", "10.0.2.0/24", "us-east-1c", public=False)
    s.ec2.associate_route_table(RouteTableId=s.ids["public-rt"], SubnetId=s.ids["public-b"])
    s.ec2.associate_route_table(RouteTableId=s.ids["public-rt"], SubnetId=s.ids["public-c"])
    i = s.ids
    return (["--from", i["with-ip"], "--from", i["without-ip"], "--from", i["public-b"],
             "--from", i["public-c"], "--to", "sqs"],
            [R(i["with-ip"], "sqs", "internet-gateway", i["igw"]),
             R(i["without-ip"], "sqs", "blocked", blocked_at="internet-gateway"),
             R(i["public-b"], "sqs", "internet-gateway", i["igw"]),
             R(i["public-c"], "sqs", "blocked", blocked_at="internet-gateway")], None)


@scenario
def nat_subnet_without_igw_route(s):
    """The NAT gateway sits in a subnet whose route table has no route to the IGW: traffic
    routed to it cannot leave (blocked at nat-gateway)."""
    base(s, nat=False)
    s.subnet("nat-subnet", "10.0.5.0/24", "us-east-1a")
    s.rtb("nat-rt", ["nat-subnet"])
    s.nat("nat", "nat-subnet")
    s.route("private-rt", "0.0.0.0/0", NatGatewayId="nat")
    i = s.ids
    return (["--from", i["private-a"], "--to", "sqs"],
            [R(i["private-a"], "sqs", "blocked", blocked_at="nat-gateway")], None)


@scenario
def nat_gateway_pending(s):
    """The NAT gateway the private route points at is still in state pending: only an
    available NAT gateway forwards, so SQS is blocked at nat-gateway."""
    base(s)
    i = s.ids

    def patch(d):
        nat = Snap.find(d, "NatGateways", "NatGatewayId", i["nat"])
        nat["State"] = "pending"
    return (["--from", i["private-a"], "--to", "sqs"],
            [R(i["private-a"], "sqs", "blocked", blocked_at="nat-gateway")], patch)


@scenario
def nat_gateway_private_connectivity(s):
    """The private subnet routes 0.0.0.0/0 to a NAT gateway with ConnectivityType private (no
    Elastic IP): it cannot reach public service addresses even though its subnet routes to
    the IGW (blocked at nat-gateway)."""
    base(s, nat=False)
    n = s.ec2.create_nat_gateway(SubnetId=s.ids["public-a"], ConnectivityType="private")
    s._tag(n["NatGateway"]["NatGatewayId"], "nat")
    s.route("private-rt", "0.0.0.0/0", NatGatewayId="nat")
    i = s.ids

    def patch(d):
        nat = Snap.find(d, "NatGateways", "NatGatewayId", i["nat"])
        nat["ConnectivityType"] = "private"
        for a in nat.get("NatGatewayAddresses", []):
            for k in ("AllocationId", "PublicIp", "AssociationId"):
                a.pop(k, None)
        for e in d["NetworkInterfaces"]["NetworkInterfaces"]:
            if e.get("InterfaceType") == "nat_gateway":
                e.pop("Association", None)
                for pa in e.get("PrivateIpAddresses", []):
                    pa.pop("Association", None)
    return (["--from", i["private-a"], "--to", "s3"],
            [R(i["private-a"], "s3", "blocked", blocked_at="nat-gateway")], patch)


# ---- endpoint placement, state, policy ------------------------------------------------
@scenario
def cross_az_interface_endpoint(s):
    """SQS interface endpoint only in us-east-1b; the source is in us-east-1a: it still works
    through the endpoint (cross-AZ, with a note)."""
    base(s)
    s.subnet("endpoint-b", "10.0.21.0/24", "us-east-1b")
    s.if_endpoint("sqs-if", "sqs", ["endpoint-b"], ["vpce-sg"])
    i = s.ids
    return (["--from", i["app"], "--to", "sqs"],
            [R(i["app"], "sqs", "interface-endpoint", i["sqs-if"], notes=["cross-AZ"])], None)


@scenario
def endpoint_pending(s):
    """S3 gateway endpoint in state pending (its route is already in the table): blocked at
    endpoint-state. A pending SQS interface endpoint does not answer for the service name yet,
    so SQS resolves publicly and goes through the NAT gateway."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"])
    i = s.ids

    def patch(d):
        Snap.find(d, "VpcEndpoints", "VpcEndpointId", i["s3-gw"])["State"] = "pending"
        Snap.find(d, "VpcEndpoints", "VpcEndpointId", i["sqs-if"])["State"] = "pending"
    return (["--from", i["private-a"], "--to", "s3", "--to", "sqs"],
            [R(i["private-a"], "s3", "blocked", blocked_at="endpoint-state"),
             R(i["private-a"], "sqs", "nat-gateway", i["nat"])], patch)


DENY_ONLY = ('{"Version":"2012-10-17","Statement":[{"Sid":"DenyAll","Effect":"Deny",'
             '"Principal":"*","Action":"*","Resource":"*"}]}')


@scenario
def endpoint_policy_deny_only(s):
    """Endpoint policies with only a Deny statement (S3 gateway, SQS interface): nothing is
    allowed through either endpoint (blocked at endpoint-policy)."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"], policy=DENY_ONLY)
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"], policy=DENY_ONLY)
    i = s.ids
    return (["--from", i["private-a"], "--to", "s3", "--to", "sqs"],
            [R(i["private-a"], "s3", "blocked", blocked_at="endpoint-policy"),
             R(i["private-a"], "sqs", "blocked", blocked_at="endpoint-policy")], None)


@scenario
def endpoint_policy_statement_object(s):
    """IAM allows "Statement" to be a single object instead of an array: a policy whose only
    statement is one Deny object still has no Allow (blocked at endpoint-policy)."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"], policy=(
        '{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*",'
        '"Action":"*","Resource":"*"}}'))
    i = s.ids
    return (["--from", i["private-a"], "--to", "s3"],
            [R(i["private-a"], "s3", "blocked", blocked_at="endpoint-policy")], None)


ALLOW_ONE_BUCKET = ('{"Version":"2012-10-17","Statement":[{"Sid":"OnlyOurBucket","Effect":"Allow",'
                    '"Principal":"*","Action":["s3:GetObject","s3:PutObject"],'
                    '"Resource":"arn:aws:s3:::example-app-bucket/*"},{"Sid":"NoDeletes",'
                    '"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"*"}]}')


@scenario
def endpoint_policy_restrictive_allow(s):
    """An S3 gateway endpoint policy that allows only one bucket (plus a Deny): it still has an
    Allow statement, so the network path is not blocked by the policy."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"], policy=ALLOW_ONE_BUCKET)
    i = s.ids
    return (["--from", i["private-a"], "--to", "s3"],
            [R(i["private-a"], "s3", "gateway-endpoint", i["s3-gw"])], None)


@scenario
def dotted_service_names(s):
    """Short names with dots: ecr.dkr and ssm interface endpoints with private DNS are matched
    by exact service name; ecr.api (no endpoint) goes through the NAT gateway."""
    base(s)
    s.if_endpoint("ecr-dkr-if", "ecr.dkr", ["private-a"], ["vpce-sg"])
    s.if_endpoint("ssm-if", "ssm", ["private-a"], ["vpce-sg"])
    i = s.ids
    return (["--from", i["private-a"], "--to", "ecr.dkr", "--to", "ssm", "--to", "ecr.api"],
            [R(i["private-a"], "ecr.dkr", "interface-endpoint", i["ecr-dkr-if"]),
             R(i["private-a"], "ssm", "interface-endpoint", i["ssm-if"]),
             R(i["private-a"], "ecr.api", "nat-gateway", i["nat"])], None)


# ---- exit codes ------------------------------------------------------------------------
@scenario
def expect_private_not_met(s):
    """--expect private with the S3 endpoint on the wrong route table: results are printed,
    exit status 1."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["public-rt"])
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"])
    i = s.ids
    return (["--from", i["private-a"], "--to", "s3", "--to", "sqs", "--expect", "private"],
            [R(i["private-a"], "s3", "nat-gateway", i["nat"]),
             R(i["private-a"], "sqs", "interface-endpoint", i["sqs-if"])], None, 1)


@scenario
def expect_private_met(s):
    """--expect private when every pair is private: exit status 0."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"])
    i = s.ids
    return (["--from", i["private-a"], "--to", "s3", "--to", "sqs", "--expect", "private"],
            [R(i["private-a"], "s3", "gateway-endpoint", i["s3-gw"]),
             R(i["private-a"], "sqs", "interface-endpoint", i["sqs-if"])], None, 0)


@scenario
def unknown_source_id(s):
    """--from names a subnet id that is not in the snapshot: an input error (exit 2, nothing
    on stdout, the id named on stderr), not a result."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    missing = "subnet-0123456789abcdef0"
    return (["--from", missing, "--to", "s3"], [], None, 2, missing)


@scenario
def port_out_of_range(s):
    """--port 70000 is a usage error: exit 2, nothing on stdout, stderr names --port."""
    base(s)
    i = s.ids
    return (["--from", i["private-a"], "--to", "s3", "--port", "70000"], [], None, 2,
            "--port")


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


def build(name, fn):
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        s = Snap(ec2)
        out = fn(s)
        args, expect, patch = out[0], out[1], out[2]
        exit_code = out[3] if len(out) > 3 else 0
        stderr_regex = out[4] if len(out) > 4 else None
        d = s.dump()
        if patch:
            patch(d)
    root = os.path.join(HERE, name)
    if os.path.isdir(root):
        shutil.rmtree(root)
    snap = os.path.join(root, REGION)
    os.makedirs(snap)
    for key, body in d.items():
        write_json(os.path.join(snap, key + ".json"), body)
    desc = " ".join(fn.__doc__.split())
    exp = {"description": desc, "args": args, "expect": expect, "exit": exit_code}
    if stderr_regex:
        exp["stderr_regex"] = stderr_regex
    write_json(os.path.join(root, "expected.json"), exp)


def main(argv):
    names = argv[1:] or sorted(SCENARIOS)
    for n in names:
        build(n, SCENARIOS[n])
        print("built", n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
