#!/usr/bin/env bash
# Build the bundled example VPC in moto's EC2 server with the AWS CLI and dump it as a vpce
# snapshot into examples/seed/us-east-1/ (one file per describe-* call, as the AWS CLI prints
# it), then patch what moto cannot model (tests/integration/moto_util.py patch_snapshot, listed
# in README.md). Needs: python3 with moto, the aws CLI. Offline: moto listens on 127.0.0.1.
#
# The architecture is a careful hands-on VPC endpoint setup with ONE deliberate mistake: the S3
# gateway endpoint is associated with the public route table only, so the private instance's
# S3 traffic leaves through the NAT gateway.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
util="$root/tests/integration/moto_util.py"
out="$here/us-east-1"
work=$(mktemp -d)
pidfile="$work/moto.pid"

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
unset AWS_PROFILE || true

cleanup() {
	if [ -f "$pidfile" ]; then python3 "$util" stop "$pidfile" || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

url=$(python3 "$util" start "$pidfile")
echo "moto at $url" >&2

ec2() { aws --endpoint-url "$url" --region us-east-1 --output json ec2 "$@"; }
id() { aws --endpoint-url "$url" --region us-east-1 --output text ec2 "$@"; }
name() { ec2 create-tags --resources "$1" --tags "Key=Name,Value=$2"; }

# --- VPC, DNS support + hostnames (required for interface endpoint private DNS) -----------
vpc=$(id create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId)
name "$vpc" seed-vpc
ec2 modify-vpc-attribute --vpc-id "$vpc" --enable-dns-support '{"Value":true}'
ec2 modify-vpc-attribute --vpc-id "$vpc" --enable-dns-hostnames '{"Value":true}'

# --- subnets: one public (NAT), private in two AZs ----------------------------------------
pub_a=$(id create-subnet --vpc-id "$vpc" --cidr-block 10.0.0.0/24 --availability-zone us-east-1a --query Subnet.SubnetId)
name "$pub_a" seed-public-a
ec2 modify-subnet-attribute --subnet-id "$pub_a" --map-public-ip-on-launch
priv_a=$(id create-subnet --vpc-id "$vpc" --cidr-block 10.0.10.0/24 --availability-zone us-east-1a --query Subnet.SubnetId)
name "$priv_a" seed-private-a
priv_b=$(id create-subnet --vpc-id "$vpc" --cidr-block 10.0.11.0/24 --availability-zone us-east-1b --query Subnet.SubnetId)
name "$priv_b" seed-private-b

# --- internet gateway, NAT gateway, route tables -----------------------------------------
igw=$(id create-internet-gateway --query InternetGateway.InternetGatewayId)
name "$igw" seed-igw
ec2 attach-internet-gateway --internet-gateway-id "$igw" --vpc-id "$vpc"

pub_rt=$(id create-route-table --vpc-id "$vpc" --query RouteTable.RouteTableId)
name "$pub_rt" seed-public-rt
ec2 create-route --route-table-id "$pub_rt" --destination-cidr-block 0.0.0.0/0 --gateway-id "$igw" >/dev/null
ec2 associate-route-table --route-table-id "$pub_rt" --subnet-id "$pub_a" >/dev/null

eip=$(id allocate-address --domain vpc --query AllocationId)
nat=$(id create-nat-gateway --subnet-id "$pub_a" --allocation-id "$eip" --query NatGateway.NatGatewayId)
name "$nat" seed-nat

priv_rt=$(id create-route-table --vpc-id "$vpc" --query RouteTable.RouteTableId)
name "$priv_rt" seed-private-rt
ec2 create-route --route-table-id "$priv_rt" --destination-cidr-block 0.0.0.0/0 --nat-gateway-id "$nat" >/dev/null
ec2 associate-route-table --route-table-id "$priv_rt" --subnet-id "$priv_a" >/dev/null
ec2 associate-route-table --route-table-id "$priv_rt" --subnet-id "$priv_b" >/dev/null

# --- security groups ------------------------------------------------------------------------
# app-sg: no inbound (Session Manager needs none); outbound HTTPS only (AWS APIs, endpoints).
app_sg=$(id create-security-group --vpc-id "$vpc" --group-name seed-app-sg --description "private app instances" --query GroupId)
name "$app_sg" seed-app-sg
ec2 revoke-security-group-egress --group-id "$app_sg" --protocol -1 --cidr 0.0.0.0/0 >/dev/null
ec2 authorize-security-group-egress --group-id "$app_sg" --protocol tcp --port 443 --cidr 0.0.0.0/0 >/dev/null
# endpoint-sg: HTTPS from the VPC only; an endpoint never initiates connections.
ep_sg=$(id create-security-group --vpc-id "$vpc" --group-name seed-endpoint-sg --description "interface endpoints: HTTPS from the VPC" --query GroupId)
name "$ep_sg" seed-endpoint-sg
ec2 authorize-security-group-ingress --group-id "$ep_sg" --protocol tcp --port 443 --cidr 10.0.0.0/16 >/dev/null
ec2 revoke-security-group-egress --group-id "$ep_sg" --protocol -1 --cidr 0.0.0.0/0 >/dev/null

# --- the private EC2 instance --------------------------------------------------------------
inst=$(id run-instances --image-id ami-03cf127a --instance-type t3.micro --subnet-id "$priv_a" \
	--security-group-ids "$app_sg" --count 1 --query 'Instances[0].InstanceId')
name "$inst" seed-app-1

# --- VPC endpoints ------------------------------------------------------------------------
# THE MISTAKE: the S3 gateway endpoint is associated with the public route table only.
s3_ep=$(id create-vpc-endpoint --vpc-id "$vpc" --vpc-endpoint-type Gateway \
	--service-name com.amazonaws.us-east-1.s3 --route-table-ids "$pub_rt" --query VpcEndpoint.VpcEndpointId)
name "$s3_ep" seed-s3-gateway
ddb_ep=$(id create-vpc-endpoint --vpc-id "$vpc" --vpc-endpoint-type Gateway \
	--service-name com.amazonaws.us-east-1.dynamodb --route-table-ids "$priv_rt" --query VpcEndpoint.VpcEndpointId)
name "$ddb_ep" seed-dynamodb-gateway
sqs_ep=$(id create-vpc-endpoint --vpc-id "$vpc" --vpc-endpoint-type Interface \
	--service-name com.amazonaws.us-east-1.sqs --subnet-ids "$priv_a" "$priv_b" \
	--security-group-ids "$ep_sg" --private-dns-enabled --query VpcEndpoint.VpcEndpointId)
name "$sqs_ep" seed-sqs-interface

# --- dump --------------------------------------------------------------------------------
rm -rf "$out"
mkdir -p "$out"
f="Name=vpc-id,Values=$vpc"
ec2 describe-vpcs --vpc-ids "$vpc" >"$out/Vpcs.json"
ec2 describe-vpc-attribute --vpc-id "$vpc" --attribute enableDnsSupport >"$out/VpcAttribute-enableDnsSupport.json"
ec2 describe-vpc-attribute --vpc-id "$vpc" --attribute enableDnsHostnames >"$out/VpcAttribute-enableDnsHostnames.json"
ec2 describe-subnets --filters "$f" >"$out/Subnets.json"
ec2 describe-route-tables --filters "$f" >"$out/RouteTables.json"
ec2 describe-security-groups --filters "$f" >"$out/SecurityGroups.json"
ec2 describe-network-acls --filters "$f" >"$out/NetworkAcls.json"
ec2 describe-vpc-endpoints --filters "$f" >"$out/VpcEndpoints.json"
ec2 describe-nat-gateways --filter "$f" >"$out/NatGateways.json"
ec2 describe-internet-gateways --filters "Name=attachment.vpc-id,Values=$vpc" >"$out/InternetGateways.json"
ec2 describe-network-interfaces --filters "$f" >"$out/NetworkInterfaces.json"
ec2 describe-instances --filters "$f" >"$out/Reservations.json"
ec2 describe-managed-prefix-lists --filters Name=owner-id,Values=AWS \
	--query 'PrefixLists[?PrefixListName==`com.amazonaws.us-east-1.s3` || PrefixListName==`com.amazonaws.us-east-1.dynamodb`] | {PrefixLists: @}' \
	>"$out/ManagedPrefixLists.json"
for pl in $(python3 -c 'import json,sys; print(" ".join(p["PrefixListId"] for p in json.load(open(sys.argv[1]))["PrefixLists"]))' "$out/ManagedPrefixLists.json"); do
	ec2 get-managed-prefix-list-entries --prefix-list-id "$pl" >"$out/ManagedPrefixListEntries-$pl.json"
done

python3 "$util" patch "$out" >&2
for j in "$out"/*.json; do python3 -m json.tool "$j" >/dev/null; done
python3 "$here/write_expected.py"
echo "wrote $out" >&2
