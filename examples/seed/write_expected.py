#!/usr/bin/env python3
"""Write examples/seed/expected.json (the demo verdicts) from the Name tags in us-east-1/*.json,
so it always matches the ids of the last build.sh run. Run by build.sh."""
import glob
import json
import os

here = os.path.dirname(os.path.abspath(__file__))
names = {}
for p in glob.glob(os.path.join(here, "us-east-1", "*.json")):
    with open(p) as f:
        d = json.load(f)
    for key, idkey in (("Subnets", "SubnetId"), ("RouteTables", "RouteTableId"),
                       ("VpcEndpoints", "VpcEndpointId"), ("NatGateways", "NatGatewayId"),
                       ("InternetGateways", "InternetGatewayId")):
        for x in d.get(key, []):
            for t in x.get("Tags", []):
                if t["Key"] == "Name":
                    names[t["Value"]] = x[idkey]
    for r in d.get("Reservations", []):
        for i in r["Instances"]:
            for t in i.get("Tags", []):
                if t["Key"] == "Name":
                    names[t["Value"]] = i["InstanceId"]
n = names


def R(frm, to, path, via=None, blocked_at=None):
    return {"from": frm, "to": to, "path": path, "blocked_at": blocked_at, "via": via,
            "private": path in ("gateway-endpoint", "interface-endpoint")}


exp = {
    "description": (
        "Bundled example: private instance seed-app-1 (seed-private-a) reaches DynamoDB through its "
        "gateway endpoint on seed-private-rt and SQS through the interface endpoint (private DNS, "
        "seed-endpoint-sg allows 443 from 10.0.0.0/16), but S3 goes through the NAT gateway because "
        "the S3 gateway endpoint is associated with seed-public-rt only. seed-private-b has no "
        "workloads (SG step skipped) and the same verdicts. The fix names the endpoint and the "
        "private route table."),
    "args": ["--from", n["seed-app-1"], "--from", n["seed-private-b"],
             "--to", "s3", "--to", "dynamodb", "--to", "sqs"],
    "expect": [
        R(n["seed-app-1"], "s3", "nat-gateway", n["seed-nat"]),
        R(n["seed-app-1"], "dynamodb", "gateway-endpoint", n["seed-dynamodb-gateway"]),
        R(n["seed-app-1"], "sqs", "interface-endpoint", n["seed-sqs-interface"]),
        R(n["seed-private-b"], "s3", "nat-gateway", n["seed-nat"]),
        R(n["seed-private-b"], "dynamodb", "gateway-endpoint", n["seed-dynamodb-gateway"]),
        R(n["seed-private-b"], "sqs", "interface-endpoint", n["seed-sqs-interface"]),
    ],
    "fix_contains": {"from": n["seed-app-1"], "to": "s3",
                     "words": ["associate", n["seed-s3-gateway"], n["seed-private-rt"]]},
    "exit": 0,
}
with open(os.path.join(here, "expected.json"), "w") as f:
    json.dump(exp, f, indent=1)
    f.write("\n")
