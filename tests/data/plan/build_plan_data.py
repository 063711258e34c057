#!/usr/bin/env python3
"""Writes the plan test scenario (snapshot + flow logs). Run from this folder.

multi/us-east-1/   one VPC 10.1.0.0/16: public subnet (us-east-1a) with NAT gateway nat-aaaa
                   (ENI eni-0000000000000000a, 10.1.0.10); private subnets priv-a (us-east-1a,
                   rtb-priva) and priv-b (us-east-1b, rtb-privb), both 0.0.0.0/0 -> nat-aaaa;
                   workloads eni-a (10.1.10.5, i-a) and eni-b (10.1.11.5, i-b). No endpoints.
multi/flowlogs/    one hour (t0 .. t0+3600, six 10-minute intervals); see the expectations in
                   tests/cli/test_plan.py and tests/lib/plan/test_plan.c.
"""
import json, os

V = "vpc-0aaaaaaaaaaaaaaa1"
SUB = {"pub": ("subnet-0aaaaaaaaaaaaaa01", "10.1.0.0/24", "us-east-1a"),
       "a": ("subnet-0aaaaaaaaaaaaaa0a", "10.1.10.0/24", "us-east-1a"),
       "b": ("subnet-0aaaaaaaaaaaaaa0b", "10.1.11.0/24", "us-east-1b")}
NAT, NATENI, NATIP = "nat-0aaaaaaaaaaaaaaa1", "eni-0000000000000000a", "10.1.0.10"
IGW = "igw-0aaaaaaaaaaaaaaa1"
ENIA, ENIB = "eni-000000000000000a1", "eni-000000000000000b1"

def w(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")

d = "multi/us-east-1/"
w(d + "Vpcs.json", {"Vpcs": [{"VpcId": V, "CidrBlock": "10.1.0.0/16", "IsDefault": False, "OwnerId": "123456789012",
                              "CidrBlockAssociationSet": [{"CidrBlock": "10.1.0.0/16", "CidrBlockState": {"State": "associated"}}]}]})
w(d + "Subnets.json", {"Subnets": [{"SubnetId": s, "VpcId": V, "CidrBlock": c, "AvailabilityZone": az,
                                    "MapPublicIpOnLaunch": k == "pub"} for k, (s, c, az) in SUB.items()]})
def rt(rid, subnet, default):
    return {"RouteTableId": rid, "VpcId": V,
            "Associations": [{"Main": False, "RouteTableId": rid, "SubnetId": subnet, "AssociationState": {"State": "associated"}}],
            "Routes": [{"DestinationCidrBlock": "10.1.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
                       dict({"DestinationCidrBlock": "0.0.0.0/0", "Origin": "CreateRoute", "State": "active"}, **default)]}
w(d + "RouteTables.json", {"RouteTables": [
    rt("rtb-0aaaaaaaaaaaaapub", SUB["pub"][0], {"GatewayId": IGW}),
    rt("rtb-0aaaaaaaaaaaapriva", SUB["a"][0], {"NatGatewayId": NAT}),
    rt("rtb-0aaaaaaaaaaaaprivb", SUB["b"][0], {"NatGatewayId": NAT})]})
w(d + "InternetGateways.json", {"InternetGateways": [{"InternetGatewayId": IGW, "Attachments": [{"State": "available", "VpcId": V}]}]})
w(d + "NatGateways.json", {"NatGateways": [{"NatGatewayId": NAT, "VpcId": V, "SubnetId": SUB["pub"][0], "State": "available",
                                            "ConnectivityType": "public",
                                            "NatGatewayAddresses": [{"NetworkInterfaceId": NATENI, "PrivateIp": NATIP,
                                                                     "PublicIp": "3.80.0.10", "IsPrimary": True}]}]})
def eni(eid, sub, ip, inst, itype="interface", desc=""):
    e = {"NetworkInterfaceId": eid, "SubnetId": SUB[sub][0], "VpcId": V, "AvailabilityZone": SUB[sub][2],
         "PrivateIpAddress": ip, "PrivateIpAddresses": [{"PrivateIpAddress": ip, "Primary": True}],
         "InterfaceType": itype, "Description": desc, "Groups": []}
    if inst:
        e["Attachment"] = {"InstanceId": inst, "DeviceIndex": 0, "Status": "attached"}
    return e
w(d + "NetworkInterfaces.json", {"NetworkInterfaces": [
    eni(NATENI, "pub", NATIP, None, "nat_gateway", "Interface for NAT Gateway " + NAT),
    eni(ENIA, "a", "10.1.10.5", "i-0aaaaaaaaaaaaaaa1"),
    eni(ENIB, "b", "10.1.11.5", "i-0bbbbbbbbbbbbbbb1")]})

t0 = 1764201600
S3E, S3W, DDB, NET = "52.216.10.20", "52.218.128.10", "52.94.0.10", "8.8.8.8"
os.makedirs("multi/flowlogs", exist_ok=True)
with open("multi/flowlogs/workloads.log", "w") as f:
    f.write("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n")
    def rec(eid, src, dst, b, i):
        s = t0 + 600 * i
        f.write(f"2 123456789012 {eid} {src} {dst} 40000 443 6 100 {b} {s} {s + 600} ACCEPT OK\n")
    for i in range(6):
        # per interval; x6 = the hour's totals used by the tests
        rec(ENIA, "10.1.10.5", S3E, 100000000, i)   # eni-a -> S3 us-east-1      (6e8 per hour)
        rec(ENIA, S3E, "10.1.10.5", 400000000, i)   # and back                   (2.4e9)
        rec(ENIB, "10.1.11.5", S3E, 200000000, i)   # eni-b -> S3 us-east-1, cross-AZ to the NAT (1.2e9)
        rec(ENIA, "10.1.10.5", S3W, 100000000, i)   # eni-a -> S3 us-west-2, another region (6e8)
        rec(ENIB, DDB, "10.1.11.5", 50000000, i)    # DynamoDB us-east-1 -> eni-b, cross-AZ (3e8)
        rec(ENIA, "10.1.10.5", NET, 20000000, i)    # eni-a -> 8.8.8.8, not AWS  (1.2e8)
    f.write("2 123456789012 eni-000000000000000a1 10.1.10.5 not-an-address 1 2 6 1 1 1 2 ACCEPT OK\n")
with open("multi/flowlogs/nat.log", "w") as f:
    # The NAT gateway's ENI sees eni-a's S3 connection twice more (inside + outside legs).
    f.write("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status pkt-srcaddr pkt-dstaddr\n")
    for i in range(6):
        s = t0 + 600 * i
        f.write(f"5 123456789012 {NATENI} 10.1.10.5 {NATIP} 40000 443 6 100 100000000 {s} {s + 600} ACCEPT OK 10.1.10.5 {S3E}\n")
        f.write(f"5 123456789012 {NATENI} {NATIP} {S3E} 61000 443 6 100 100000000 {s} {s + 600} ACCEPT OK {NATIP} {S3E}\n")
        f.write(f"5 123456789012 {NATENI} {S3E} {NATIP} 443 61000 6 100 400000000 {s} {s + 600} ACCEPT OK {S3E} {NATIP}\n")
        f.write(f"5 123456789012 {NATENI} {NATIP} 10.1.10.5 443 40000 6 100 400000000 {s} {s + 600} ACCEPT OK {S3E} 10.1.10.5\n")
