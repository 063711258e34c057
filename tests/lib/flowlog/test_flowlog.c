/* Flow log reader: every sample file, every record version, headers, gzip,
 * directories, stdin, malformed lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zlib.h>
#include <cmocka.h>
#include "vpce/flowlog.h"

#define SAMPLES VPCE_TEST_DATA "/flowlogs"
#define MAXREC 64

struct rec {
	struct vpce_flow_record r;
	char raw[VPCE_FF_COUNT][128];
};

struct coll {
	struct rec recs[MAXREC];
	size_t n;
	size_t calls;
};

static struct coll C;
static struct vpce_flowlog_stats S;

static int collect(void *ctx, const struct vpce_flow_record *recs, size_t n)
{
	struct coll *c = ctx;

	c->calls++;
	for (size_t i = 0; i < n; i++) {
		if (c->n == MAXREC)
			return 0;
		struct rec *d = &c->recs[c->n++];
		d->r = recs[i];
		for (unsigned f = 0; f < VPCE_FF_COUNT; f++) {
			size_t len = recs[i].raw[f].len < 127 ? recs[i].raw[f].len : 127;
			if (recs[i].raw[f].ptr)
				memcpy(d->raw[f], recs[i].raw[f].ptr, len);
			d->raw[f][len] = 0;
			d->r.raw[f].ptr = NULL;
		}
	}
	return 0;
}

static int collect_sum(void *ctx, const struct vpce_flow_record *recs, size_t n)
{
	uint64_t *sum = ctx;

	for (size_t i = 0; i < n; i++)
		*sum += recs[i].bytes + (recs[i].dstaddr.family == 4 ? vpce_cidr_v4(&recs[i].dstaddr)
								       : recs[i].dstaddr.lo);
	return 0;
}

static int collect_bytes(void *ctx, const struct vpce_flow_record *recs, size_t n)
{
	uint64_t *sum = ctx;

	for (size_t i = 0; i < n; i++)
		*sum += recs[i].bytes;
	return 0;
}

static int stop_after_one(void *ctx, const struct vpce_flow_record *recs, size_t n);

static void reset(void)
{
	memset(&C, 0, sizeof(C));
	memset(&S, 0, sizeof(S));
}

static int read_path(const char *path, const struct vpce_flowlog_opts *opts)
{
	struct vpce_error err;

	reset();
	vpce_error_clear(&err);
	return vpce_flowlog_read_path(path, opts, collect, &C, &S, &err);
}

static void read_sample(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", SAMPLES, name);
	assert_int_equal(read_path(path, NULL), 0);
	assert_int_equal(S.lines, S.records + S.malformed + S.unsupported_lines);
}

static void assert_addr(const struct vpce_cidr *c, const char *text)
{
	struct vpce_cidr want;
	assert_int_equal(vpce_addr_parse(text, strlen(text), &want), 0);
	assert_true(vpce_cidr_equal(c, &want));
}

/* ---- samples -------------------------------------------------------------------- */

static void test_v2_default_sample_with_header(void **state)
{
	const struct vpce_flow_record *r;
	(void)state;

	read_sample("awsdocs-v2-default.log");
	assert_int_equal(S.headers, 1);
	assert_int_equal(S.lines, 7);
	assert_int_equal(S.records, 7);
	assert_int_equal(S.ok, 5);
	assert_int_equal(S.nodata, 1);
	assert_int_equal(S.skipdata, 1);
	assert_int_equal(S.malformed, 0);
	assert_int_equal(C.n, 7);

	r = &C.recs[0].r;
	assert_int_equal(r->version, 2);
	assert_string_equal(C.recs[0].raw[VPCE_FF_ACCOUNT_ID], "123456789010");
	assert_string_equal(C.recs[0].raw[VPCE_FF_INTERFACE_ID], "eni-1235b8ca123456789");
	assert_addr(&r->srcaddr, "172.31.16.139");
	assert_addr(&r->dstaddr, "172.31.16.21");
	assert_int_equal(r->srcport, 20641);
	assert_int_equal(r->dstport, 22);
	assert_int_equal(r->protocol, 6);
	assert_int_equal(r->packets, 20);
	assert_int_equal(r->bytes, 4249);
	assert_int_equal(r->start, 1418530010);
	assert_int_equal(r->end, 1418530070);
	assert_int_equal(r->action, VPCE_ACTION_ACCEPT);
	assert_int_equal(r->log_status, VPCE_STATUS_OK);
	assert_int_equal(r->line, 2);

	assert_int_equal(C.recs[1].r.action, VPCE_ACTION_REJECT);
	assert_int_equal(C.recs[1].r.dstport, 3389);

	r = &C.recs[2].r; /* NODATA: "-" everywhere but ids and times */
	assert_int_equal(r->log_status, VPCE_STATUS_NODATA);
	assert_false(vpce_flow_has(r, VPCE_FF_SRCADDR));
	assert_false(vpce_flow_has(r, VPCE_FF_BYTES));
	assert_false(vpce_flow_has(r, VPCE_FF_ACTION));
	assert_true(vpce_flow_has(r, VPCE_FF_START));
	assert_int_equal(r->bytes, 0);
	assert_int_equal(r->action, VPCE_ACTION_NONE);
	assert_string_equal(C.recs[2].raw[VPCE_FF_SRCADDR], "-");
	assert_int_equal(r->start, 1431280876);

	assert_int_equal(C.recs[3].r.log_status, VPCE_STATUS_SKIPDATA);
	assert_string_equal(C.recs[3].raw[VPCE_FF_INTERFACE_ID], "eni-11111111aaaaaaaaa");

	r = &C.recs[4].r; /* ICMP */
	assert_int_equal(r->protocol, 1);
	assert_int_equal(r->srcport, 0);
	assert_true(vpce_flow_has(r, VPCE_FF_SRCPORT));

	r = &C.recs[6].r; /* IPv6 */
	assert_int_equal(r->srcaddr.family, 6);
	assert_addr(&r->srcaddr, "2001:db8:1234:a100:8d6e:3477:df66:f105");
	assert_addr(&r->dstaddr, "2001:db8:1234:a102:3304:8879:34cf:4071");
	assert_int_equal(r->bytes, 8855);
	assert_int_equal(r->line, 8);
}

static void test_v2_records_without_header_use_default_format(void **state)
{
	const char *text =
		"2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n"
		"2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA\n";
	struct vpce_error err;
	(void)state;

	reset();
	assert_int_equal(vpce_flowlog_parse_buffer(text, strlen(text), "t", NULL, collect, &C, &S,
						   &err), 0);
	assert_int_equal(S.headers, 0);
	assert_int_equal(S.records, 2);
	assert_int_equal(C.recs[0].r.bytes, 4249);
	assert_int_equal(C.recs[0].r.line, 1);
	assert_int_equal(C.recs[1].r.log_status, VPCE_STATUS_NODATA);
}

static void test_v3_tcp_flags_sample(void **state)
{
	const struct vpce_flow_record *r;
	(void)state;

	read_sample("awsdocs-v3-tcp-flags.log");
	assert_int_equal(S.records, 8);
	r = &C.recs[0].r;
	assert_int_equal(r->version, 3);
	assert_string_equal(C.recs[0].raw[VPCE_FF_VPC_ID], "vpc-abcdefab012345678");
	assert_string_equal(C.recs[0].raw[VPCE_FF_SUBNET_ID], "subnet-aaaaaaaa012345678");
	assert_string_equal(C.recs[0].raw[VPCE_FF_INSTANCE_ID], "i-01234567890123456");
	assert_int_equal(r->type, 4);
	assert_addr(&r->srcaddr, "52.213.180.42");
	assert_addr(&r->pkt_dstaddr, "10.0.0.62");
	assert_int_equal(r->srcport, 43416);
	assert_int_equal(r->dstport, 5001);
	assert_int_equal(r->bytes, 568); /* this format lists bytes before packets */
	assert_int_equal(r->packets, 8);
	assert_int_equal(r->tcp_flags, 2);
	assert_int_equal(C.recs[1].r.tcp_flags, 18);
	assert_int_equal(C.recs[5].r.bytes, 23294588);
	assert_int_equal(C.recs[5].r.packets, 15774);
	assert_int_equal(C.recs[7].r.tcp_flags, 19);
	assert_int_equal(C.recs[7].r.end, 1566933193);
}

static void test_nat_gateway_sample_without_version_field(void **state)
{
	const struct vpce_flow_record *r;
	(void)state;

	read_sample("awsdocs-nat-gateway-eni-and-instance.log");
	assert_int_equal(S.headers, 1);
	assert_int_equal(S.records, 6);
	r = &C.recs[0].r;
	assert_false(vpce_flow_has(r, VPCE_FF_INSTANCE_ID));
	assert_false(vpce_flow_has(r, VPCE_FF_VERSION));
	assert_string_equal(C.recs[0].raw[VPCE_FF_INTERFACE_ID], "eni-1235b8ca123456789");
	assert_addr(&r->srcaddr, "10.0.1.5");
	assert_addr(&r->dstaddr, "10.0.0.220");
	assert_addr(&r->pkt_dstaddr, "203.0.113.5");
	r = &C.recs[4].r;
	assert_string_equal(C.recs[4].raw[VPCE_FF_INSTANCE_ID], "i-01234567890123456");
	assert_addr(&r->dstaddr, "203.0.113.5");
}

static void test_v3_transit_gateway_eni_sample_is_a_vpc_log(void **state)
{
	const struct vpce_flow_record *r;
	(void)state;

	read_sample("awsdocs-v3-transit-gateway.log");
	assert_int_equal(S.records, 4);
	assert_int_equal(S.files_unsupported, 0);
	r = &C.recs[2].r;
	assert_string_equal(C.recs[2].raw[VPCE_FF_INTERFACE_ID], "eni-11111111111111111");
	assert_false(vpce_flow_has(r, VPCE_FF_INSTANCE_ID));
	assert_addr(&r->srcaddr, "10.40.1.175");
	assert_addr(&r->pkt_srcaddr, "10.20.33.164");
	assert_int_equal(r->tcp_flags, 3);
	assert_int_equal(r->dstport, 80);
	assert_false(vpce_flow_has(r, VPCE_FF_BYTES)); /* not in this format */
}

static void test_v5_service_and_traffic_path_sample(void **state)
{
	const struct vpce_flow_record *r;
	(void)state;

	read_sample("awsdocs-v5-service-traffic-path.log");
	assert_int_equal(S.records, 2);
	r = &C.recs[0].r;
	assert_int_equal(r->version, 5);
	assert_string_equal(C.recs[0].raw[VPCE_FF_PKT_SRC_AWS_SERVICE], "S3");
	assert_false(vpce_flow_has(r, VPCE_FF_PKT_DST_AWS_SERVICE));
	assert_false(vpce_flow_has(r, VPCE_FF_TRAFFIC_PATH));
	assert_int_equal(r->flow_direction, VPCE_DIR_INGRESS);
	assert_string_equal(C.recs[0].raw[VPCE_FF_REGION], "ap-southeast-2");
	assert_string_equal(C.recs[0].raw[VPCE_FF_AZ_ID], "apse2-az3");
	assert_false(vpce_flow_has(r, VPCE_FF_SUBLOCATION_TYPE));
	assert_int_equal(r->packets, 14);
	assert_int_equal(r->bytes, 15044);
	r = &C.recs[1].r;
	assert_string_equal(C.recs[1].raw[VPCE_FF_PKT_DST_AWS_SERVICE], "S3");
	assert_int_equal(r->traffic_path, 8);
	assert_int_equal(r->flow_direction, VPCE_DIR_EGRESS);
	assert_int_equal(r->tcp_flags, 3);
	assert_addr(&r->dstaddr, "52.95.128.179");
}

static void test_ecs_sample(void **state)
{
	(void)state;
	read_sample("otel-contrib-vpc-flow-ecs.log");
	assert_int_equal(S.records, 1);
	assert_int_equal(C.recs[0].r.version, 5);
	assert_int_equal(C.recs[0].r.bytes, 3500);
	assert_string_equal(C.recs[0].raw[VPCE_FF_ECS_CLUSTER_NAME], "my-cluster");
	assert_string_equal(C.recs[0].raw[VPCE_FF_ECS_TASK_ID], "abcdef1234567890");
	assert_string_equal(C.recs[0].raw[VPCE_FF_ECS_SERVICE_NAME], "my-service");
	assert_string_equal(C.recs[0].raw[VPCE_FF_ECS_SECOND_CONTAINER_ID], "container-2");
	assert_string_equal(C.recs[0].raw[VPCE_FF_ECS_TASK_DEFINITION_ARN],
			    "arn:aws:ecs:us-east-1:123456789012:task-definition/my-task:1");
}

static void test_nodata_sample(void **state)
{
	(void)state;
	read_sample("otel-contrib-vpc-flow-v2-nodata.log");
	assert_int_equal(S.records, 1);
	assert_int_equal(S.nodata, 1);
	assert_string_equal(C.recs[0].raw[VPCE_FF_ACCOUNT_ID], "12345678910");
	assert_int_equal(C.recs[0].r.end, 1742570142);
}

static void test_transit_gateway_log_is_reported_unsupported(void **state)
{
	(void)state;
	read_sample("otel-contrib-tgw-flow-v6.log");
	assert_int_equal(S.files, 1);
	assert_int_equal(S.files_unsupported, 1);
	assert_int_equal(S.records, 0);
	assert_int_equal(C.n, 0);
	assert_int_equal(S.unsupported_lines, 1);
	assert_int_equal(S.malformed, 0);
	assert_int_equal(S.n_issues, 1);
	assert_non_null(strstr(S.issues[0].message, "Transit Gateway"));
	assert_non_null(strstr(S.issues[0].file, "otel-contrib-tgw-flow-v6.log"));
}

static void test_transit_gateway_record_without_header_is_not_misread(void **state)
{
	/* the TGW v6 record from the sample, with the header removed */
	const char *text = "6 123456789012 tgw-0abc12345def67890 tgw-attach-0abc12345def67890 "
			   "vpc-0abc12345def67890 vpc-0def12345abc67890 subnet-0abc12345def67890 "
			   "subnet-0def12345abc67890 eni-0abc12345def67890 eni-0def12345abc67890 "
			   "use1-az1 use1-az2 tgw-attach-0def12345abc67890 10.0.0.1 10.0.1.1 12345 443 "
			   "6 10 1000 1 2 3 4 1700000000 1700000060 OK IPv4 2 ingress us-east-1\n";
	struct vpce_error err;
	(void)state;

	reset();
	assert_int_equal(vpce_flowlog_parse_buffer(text, strlen(text), "t", NULL, collect, &C, &S,
						   &err), 0);
	assert_int_equal(S.records, 0);
	assert_int_equal(S.unsupported_lines, 1);
	assert_int_equal(S.files_unsupported, 1);
}

/* ---- generated: every version ------------------------------------------------------ */

/* A plausible value for every field. */
static const char *sample_value(unsigned f)
{
	switch (f) {
	case VPCE_FF_VERSION: return "10";
	case VPCE_FF_ACCOUNT_ID: return "111122223333";
	case VPCE_FF_INTERFACE_ID: return "eni-0a1b2c3d4e5f60718";
	case VPCE_FF_SRCADDR: return "10.1.2.3";
	case VPCE_FF_DSTADDR: return "52.218.128.5";
	case VPCE_FF_SRCPORT: return "49152";
	case VPCE_FF_DSTPORT: return "443";
	case VPCE_FF_PROTOCOL: return "6";
	case VPCE_FF_PACKETS: return "12";
	case VPCE_FF_BYTES: return "18446744073709551615";
	case VPCE_FF_START: return "1764201600";
	case VPCE_FF_END: return "1764201660";
	case VPCE_FF_ACTION: return "ACCEPT";
	case VPCE_FF_LOG_STATUS: return "OK";
	case VPCE_FF_VPC_ID: return "vpc-0123456789abcdef0";
	case VPCE_FF_SUBNET_ID: return "subnet-0123456789abcdef0";
	case VPCE_FF_INSTANCE_ID: return "i-0123456789abcdef0";
	case VPCE_FF_TCP_FLAGS: return "19";
	case VPCE_FF_TYPE: return "IPv4";
	case VPCE_FF_PKT_SRCADDR: return "10.1.2.3";
	case VPCE_FF_PKT_DSTADDR: return "2600:1f14::5";
	case VPCE_FF_REGION: return "us-west-2";
	case VPCE_FF_AZ_ID: return "usw2-az1";
	case VPCE_FF_SUBLOCATION_TYPE: return "outpost";
	case VPCE_FF_SUBLOCATION_ID: return "op-0123456789abcdef0";
	case VPCE_FF_PKT_SRC_AWS_SERVICE: return "-";
	case VPCE_FF_PKT_DST_AWS_SERVICE: return "S3";
	case VPCE_FF_FLOW_DIRECTION: return "egress";
	case VPCE_FF_TRAFFIC_PATH: return "7";
	case VPCE_FF_REJECT_REASON: return "BPA";
	default: return "x-value";
	}
}

static void test_generated_file_for_every_version(void **state)
{
	static const unsigned versions[] = { 2, 3, 4, 5, 7, 8, 10 };
	(void)state;

	for (size_t v = 0; v < sizeof(versions) / sizeof(versions[0]); v++) {
		char text[4096] = "";
		size_t pos = 0;
		unsigned nf = 0;
		struct vpce_error err;

		/* header: all fields up to this version, in reverse order */
		for (int f = VPCE_FF_COUNT - 1; f >= 0; f--) {
			if (vpce_flowlog_field_version((unsigned)f) > versions[v])
				continue;
			pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "%s%s",
						nf++ ? " " : "", vpce_flowlog_field_name((unsigned)f));
		}
		for (int line = 0; line < 3; line++) {
			unsigned k = 0;
			text[pos++] = '\n';
			for (int f = VPCE_FF_COUNT - 1; f >= 0; f--) {
				if (vpce_flowlog_field_version((unsigned)f) > versions[v])
					continue;
				pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "%s%s",
							k++ ? " " : "", sample_value((unsigned)f));
			}
		}
		text[pos++] = '\n';
		text[pos] = 0;
		reset();
		assert_int_equal(vpce_flowlog_parse_buffer(text, pos, "gen", NULL, collect, &C, &S,
							   &err), 0);
		assert_int_equal(S.headers, 1);
		assert_int_equal(S.malformed, 0);
		assert_int_equal(S.records, 3);
		for (unsigned f = 0; f < VPCE_FF_COUNT; f++) {
			bool in = vpce_flowlog_field_version(f) <= versions[v];
			assert_int_equal(vpce_flow_has(&C.recs[2].r, f),
					 in && strcmp(sample_value(f), "-") != 0);
			if (in)
				assert_string_equal(C.recs[2].raw[f], sample_value(f));
		}
		assert_int_equal(C.recs[2].r.bytes, UINT64_MAX);
		assert_int_equal(C.recs[2].r.dstport, 443);
		if (versions[v] >= 3) {
			assert_int_equal(C.recs[2].r.pkt_dstaddr.family, 6);
			assert_int_equal(C.recs[2].r.tcp_flags, 19);
		}
		if (versions[v] >= 5) {
			assert_int_equal(C.recs[2].r.traffic_path, 7);
			assert_int_equal(C.recs[2].r.flow_direction, VPCE_DIR_EGRESS);
		}
	}
}

/* ---- formats -------------------------------------------------------------------------- */

static void test_format_parse_accepts_dollar_braces_and_names(void **state)
{
	struct vpce_flowlog_format f;
	struct vpce_error err;
	struct vpce_buf b = VPCE_BUF_INIT;
	(void)state;

	assert_int_equal(vpce_flowlog_format_parse("${version} ${srcaddr} ${reject-reason}", 38, &f,
						   &err), 0);
	assert_int_equal(f.nfields, 3);
	assert_int_equal(f.fields[2], VPCE_FF_REJECT_REASON);
	assert_int_equal(f.version, 8);
	assert_int_equal(vpce_flowlog_format_parse("version  srcaddr\tbytes\n", 23, &f, &err), 0);
	assert_int_equal(f.nfields, 3);
	assert_int_equal(vpce_flowlog_format_str(&f, &b), 0);
	assert_string_equal(b.ptr, "${version} ${srcaddr} ${bytes}");
	vpce_buf_release(&b);

	assert_int_equal(vpce_flowlog_format_parse("version srcadr", 14, &f, &err), VPCE_EPARSE);
	assert_int_equal(err.col, 9);
	assert_non_null(strstr(err.message, "srcadr"));
	assert_int_equal(vpce_flowlog_format_parse("version tgw-id", 14, &f, &err), VPCE_EUNSUPPORTED);
	assert_int_equal(vpce_flowlog_format_parse("srcaddr srcaddr", 15, &f, &err), VPCE_EPARSE);
	assert_int_equal(vpce_flowlog_format_parse("  ", 2, &f, &err), VPCE_EPARSE);
}

static void test_caller_format_applies_only_without_header(void **state)
{
	struct vpce_flowlog_format f;
	struct vpce_flowlog_opts o = { .format = &f };
	struct vpce_error err;
	const char *plain = "10.0.0.1 52.95.128.179 500\n";
	const char *hdr = "srcaddr bytes dstaddr\n10.0.0.1 500 52.95.128.179\n";
	(void)state;

	assert_int_equal(vpce_flowlog_format_parse("${srcaddr} ${dstaddr} ${bytes}", 30, &f, &err), 0);
	reset();
	assert_int_equal(vpce_flowlog_parse_buffer(plain, strlen(plain), "a", &o, collect, &C, &S,
						   &err), 0);
	assert_int_equal(S.records, 1);
	assert_int_equal(C.recs[0].r.bytes, 500);
	reset();
	assert_int_equal(vpce_flowlog_parse_buffer(hdr, strlen(hdr), "b", &o, collect, &C, &S, &err),
			 0);
	assert_int_equal(S.headers, 1);
	assert_int_equal(S.records, 1);
	assert_int_equal(C.recs[0].r.bytes, 500);
	assert_addr(&C.recs[0].r.dstaddr, "52.95.128.179");
}

static void test_unknown_header_names_are_skipped(void **state)
{
	const char *text = "version srcaddr some-future-field bytes\n5 10.0.0.1 whatever 77\n";
	struct vpce_error err;
	(void)state;

	reset();
	assert_int_equal(vpce_flowlog_parse_buffer(text, strlen(text), "t", NULL, collect, &C, &S,
						   &err), 0);
	assert_int_equal(S.headers, 1);
	assert_int_equal(S.records, 1);
	assert_int_equal(C.recs[0].r.bytes, 77);
}

static void test_header_detection_does_not_take_id_lines(void **state)
{
	struct vpce_flowlog_format f;
	(void)state;

	assert_int_equal(vpce_flowlog_header_parse("eni-0abc vpc-123", 16, &f), 0);
	assert_int_equal(vpce_flowlog_header_parse("- eni-1 10.0.0.1", 16, &f), 0);
	assert_int_equal(vpce_flowlog_header_parse("interface-id vpc-id", 19, &f), 1);
	assert_int_equal(f.nfields, 2);
	assert_int_equal(vpce_flowlog_header_parse("version tgw-id srcaddr", 22, &f),
			 VPCE_EUNSUPPORTED);
}

/* ---- malformed ------------------------------------------------------------------------- */

static void test_malformed_lines_are_counted_with_line_numbers(void **state)
{
	const char *text =
		"version srcaddr dstaddr bytes action log-status\n"
		"2 10.0.0.1 10.0.0.2 100 ACCEPT OK\n"
		"2 10.0.0.300 10.0.0.2 100 ACCEPT OK\n"
		"\n"
		"2 10.0.0.1 10.0.0.2 100 ACCEPT\n"
		"2 10.0.0.1 10.0.0.2 1x0 ACCEPT OK\n"
		"2 10.0.0.1 10.0.0.2 100 ACCEPT OK extra\n"
		"2 10.0.0.1 10.0.0.2 100 MAYBE OK\n"
		"2 10.0.0.1 10.0.0.2 200 REJECT OK\r\n"
		"2 10.0.0.1 10.0.0.2 300 ACCEPT OK"; /* no final newline */
	struct vpce_error err;
	(void)state;

	reset();
	assert_int_equal(vpce_flowlog_parse_buffer(text, strlen(text), "bad.log", NULL, collect, &C,
						   &S, &err), 0);
	assert_int_equal(S.lines, 8);
	assert_int_equal(S.blank, 1);
	assert_int_equal(S.records, 3);
	assert_int_equal(S.malformed, 5);
	assert_int_equal(S.n_issues, 5);
	assert_int_equal(S.issues[0].line, 3);
	assert_non_null(strstr(S.issues[0].message, "field 2 (srcaddr)"));
	assert_string_equal(S.issues[0].file, "bad.log");
	assert_int_equal(S.issues[1].line, 5);
	assert_non_null(strstr(S.issues[1].message, "too few"));
	assert_int_equal(S.issues[2].line, 6);
	assert_non_null(strstr(S.issues[2].message, "bytes"));
	assert_int_equal(S.issues[3].line, 7);
	assert_non_null(strstr(S.issues[3].message, "too many"));
	assert_int_equal(S.issues[4].line, 8);
	assert_non_null(strstr(S.issues[4].message, "action"));
	assert_int_equal(C.recs[1].r.bytes, 200);
	assert_int_equal(C.recs[1].r.line, 9);
	assert_int_equal(C.recs[2].r.bytes, 300);
}

static void test_only_first_issues_are_kept_but_all_counted(void **state)
{
	char text[4096];
	size_t pos = 0;
	struct vpce_error err;
	(void)state;

	for (int i = 0; i < 50; i++)
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "garbage line %d\n", i);
	reset();
	assert_int_equal(vpce_flowlog_parse_buffer(text, pos, "g", NULL, collect, &C, &S, &err), 0);
	assert_int_equal(S.malformed, 50);
	assert_int_equal(S.n_issues, VPCE_FLOWLOG_LINE_ISSUES_KEPT);
	assert_int_equal(S.issues[VPCE_FLOWLOG_LINE_ISSUES_KEPT - 1].line, VPCE_FLOWLOG_LINE_ISSUES_KEPT);
}

static void test_address_and_number_edge_cases(void **state)
{
	struct vpce_flowlog_format f;
	struct vpce_flow_record r;
	struct vpce_error err;
	unsigned bad;
	const char *why;
	static const char *bad_lines[] = {
		"01.2.3.4 1", "1.2.3 1", "1.2.3.4.5 1", "1.2.3.256 1", "1..3.4 1", "1.2.3.4 -1",
		"1.2.3.4 18446744073709551616", "::g 1", "1.2.3.4. 1",
	};
	(void)state;

	assert_int_equal(vpce_flowlog_format_parse("srcaddr bytes", 13, &f, &err), 0);
	assert_int_equal(vpce_flowlog_parse_line(&f, "0.0.0.0 0", 9, &r, &bad, &why), 0);
	assert_int_equal(vpce_flowlog_parse_line(&f, "255.255.255.255 1", 17, &r, &bad, &why), 0);
	assert_int_equal(vpce_cidr_v4(&r.srcaddr), 0xffffffffu);
	assert_int_equal(vpce_flowlog_parse_line(&f, "::ffff:1.2.3.4 1", 16, &r, &bad, &why), 0);
	assert_int_equal(r.srcaddr.family, 6);
	for (size_t i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++)
		assert_int_equal(vpce_flowlog_parse_line(&f, bad_lines[i], strlen(bad_lines[i]), &r,
							 &bad, &why),
				 VPCE_EPARSE);
	assert_int_equal(vpce_flowlog_parse_line(&f, "1.2.3.4 x", 9, &r, &bad, &why), VPCE_EPARSE);
	assert_int_equal(bad, 1);
}

/* Numbers of every length, with and without 8 readable bytes after them
 * (the scanner converts 8 digits at a time when it can). */
static void test_numbers_of_every_length(void **state)
{
	struct vpce_flowlog_format f;
	struct vpce_flow_record r;
	struct vpce_error err;
	unsigned bad;
	const char *why;
	char digits[32], line[96];
	(void)state;

	assert_int_equal(vpce_flowlog_format_parse("bytes action", 12, &f, &err), 0);
	for (int len = 1; len <= 21; len++) {
		for (int tail = 0; tail < 3; tail++) {
			uint64_t want = 0;
			bool fits = true;
			int n;

			for (int i = 0; i < len; i++) {
				unsigned d = (unsigned)(len * 7 + i * 3) % 10;
				if (i == 0 && len == 20)
					d = 1; /* 1xxxxxxxxxxxxxxxxxxx fits in 64 bits */
				digits[i] = (char)('0' + d);
				if (want > (UINT64_MAX - d) / 10)
					fits = false;
				want = want * 10 + d;
			}
			digits[len] = 0;
			/* tail 0: "N ACCEPT" (8+ bytes follow), 1: "N OK"-like short
			 * tail via a 2-field line ending right after, 2: tab separator */
			n = snprintf(line, sizeof(line), tail == 0 ? "%s ACCEPT" : tail == 1 ? "%s REJECT" : "%s\tACCEPT",
				     digits);
			memset(&r, 0, sizeof(r));
			if (fits) {
				assert_int_equal(vpce_flowlog_parse_line(&f, line, (size_t)n, &r, &bad, &why), 0);
				assert_int_equal(r.bytes, want);
			} else {
				assert_int_equal(vpce_flowlog_parse_line(&f, line, (size_t)n, &r, &bad, &why),
						 VPCE_EPARSE);
				assert_int_equal(bad, 0);
			}
		}
	}
	/* digits run straight into other characters: not a number */
	assert_int_equal(vpce_flowlog_parse_line(&f, "12345678x ACCEPT", 16, &r, &bad, &why), VPCE_EPARSE);
	assert_int_equal(vpce_flowlog_parse_line(&f, "1234567x ACCEPT", 15, &r, &bad, &why), VPCE_EPARSE);
	assert_int_equal(vpce_flowlog_parse_line(&f, "123456789x ACCEPT", 17, &r, &bad, &why), VPCE_EPARSE);
	assert_int_equal(vpce_flowlog_parse_line(&f, "+1234567 ACCEPT", 15, &r, &bad, &why), VPCE_EPARSE);
	assert_int_equal(vpce_flowlog_parse_line(&f, "12\x80" "45678 ACCEPT", 15, &r, &bad, &why), VPCE_EPARSE);
	/* the last field, shorter than 8 bytes to the end */
	assert_int_equal(vpce_flowlog_format_parse("action bytes", 12, &f, &err), 0);
	assert_int_equal(vpce_flowlog_parse_line(&f, "ACCEPT 1234567", 14, &r, &bad, &why), 0);
	assert_int_equal(r.bytes, 1234567);
	assert_int_equal(vpce_flowlog_parse_line(&f, "ACCEPT 12345678901", 18, &r, &bad, &why), 0);
	assert_int_equal(r.bytes, 12345678901ull);
}

/* ---- files ------------------------------------------------------------------------- */

static char tmpdir[64];

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
}

static void write_gz(const char *path, const char *data, size_t len, const char *mode)
{
	gzFile g = gzopen(path, mode);
	assert_non_null(g);
	assert_int_equal(gzwrite(g, data, (unsigned)len), (int)len);
	gzclose(g);
}

static void slurp(const char *path, char **data, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	long n;
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	*data = malloc((size_t)n + 1);
	assert_int_equal(fread(*data, 1, (size_t)n, fp), (size_t)n);
	*len = (size_t)n;
	fclose(fp);
}

static void test_gzip_equals_plain_and_concatenated_members_work(void **state)
{
	char src[512], gz[512];
	char *data;
	size_t len;
	struct rec first;
	(void)state;

	snprintf(src, sizeof(src), "%s/awsdocs-v3-tcp-flags.log", SAMPLES);
	snprintf(gz, sizeof(gz), "%s/v3.log.gz", tmpdir);
	slurp(src, &data, &len);
	read_sample("awsdocs-v3-tcp-flags.log");
	first = C.recs[7];
	for (int threads = 0; threads < 2; threads++) {
		struct vpce_flowlog_opts o = { .no_threads = !threads };

		write_gz(gz, data, len, "wb");
		assert_int_equal(read_path(gz, &o), 0);
		assert_int_equal(S.records, 8);
		assert_int_equal(C.recs[7].r.bytes, first.r.bytes);
		assert_string_equal(C.recs[7].raw[VPCE_FF_VPC_ID], first.raw[VPCE_FF_VPC_ID]);
		assert_int_equal(C.recs[7].r.line, 9);
		assert_true(S.bytes_in < len);
		assert_int_equal(S.bytes_text, len);

		/* two members: the second is again a header + 8 records */
		write_gz(gz, data, len, "ab");
		assert_int_equal(read_path(gz, &o), 0);
		assert_int_equal(S.records, 16);
		assert_int_equal(S.headers, 2);
		assert_int_equal(S.malformed, 0);
		assert_int_equal(S.n_issues, 0);

		/* trailing garbage after the last member */
		{
			FILE *fp = fopen(gz, "ab");
			fputs("not gzip\n", fp);
			fclose(fp);
		}
		assert_int_equal(read_path(gz, &o), 0);
		assert_int_equal(S.records, 16);
		assert_int_equal(S.n_issues, 1);
		assert_non_null(strstr(S.issues[0].message, "trailing"));
	}
	free(data);
}

static void test_truncated_gzip_keeps_records_and_reports(void **state)
{
	char gz[512];
	char *text = malloc(400000), *data;
	size_t pos = 0, len;
	(void)state;

	for (int i = 0; i < 4000; i++)
		pos += (size_t)snprintf(text + pos, 400000 - pos,
					"2 123456789010 eni-1 10.0.%d.%d 10.1.0.1 1000 443 6 1 %d 1 2 ACCEPT OK\n",
					i / 250, i % 250, i);
	snprintf(gz, sizeof(gz), "%s/trunc.log.gz", tmpdir);
	write_gz(gz, text, pos, "wb");
	slurp(gz, &data, &len);
	for (int threads = 0; threads < 2; threads++) {
		struct vpce_flowlog_opts o = { .no_threads = !threads };

		write_file(gz, data, len / 2);
		assert_int_equal(read_path(gz, &o), 0);
		assert_true(S.records > 0 && S.records < 4000);
		assert_int_equal(S.malformed + S.records, S.lines);
		assert_true(S.n_issues >= 1);
		assert_non_null(strstr(S.issues[S.n_issues - 1].message, "truncated"));

		/* corrupt the middle of the deflate data */
		memcpy(text, data, len);
		for (size_t k = len / 2; k < len / 2 + 64; k++)
			text[k] ^= 0x5a;
		write_file(gz, text, len);
		assert_int_equal(read_path(gz, &o), 0);
		assert_true(S.records < 4000);
		assert_non_null(strstr(S.issues[S.n_issues - 1].message, "corrupt"));
		/* restore text for the next round */
		pos = 0;
		for (int i = 0; i < 4000; i++)
			pos += (size_t)snprintf(text + pos, 400000 - pos,
						"2 123456789010 eni-1 10.0.%d.%d 10.1.0.1 1000 443 6 1 %d 1 2 ACCEPT OK\n",
						i / 250, i % 250, i);
	}
	free(data);
	free(text);
}

/* Damage confined to the 8-byte gzip trailer: a wrong CRC-32 is corrupt
 * data, a cut trailer a truncated stream; either way every record (all
 * inflated before the trailer) is kept. Same result with zlib or ISA-L. */
static void test_gzip_bad_checksum_and_cut_trailer(void **state)
{
	char gz[512];
	char *text = malloc(400000), *data;
	size_t pos = 0, len;
	(void)state;

	for (int i = 0; i < 4000; i++)
		pos += (size_t)snprintf(text + pos, 400000 - pos,
					"2 123456789010 eni-1 10.0.%d.%d 10.1.0.1 1000 443 6 1 %d 1 2 ACCEPT OK\n",
					i / 250, i % 250, i);
	snprintf(gz, sizeof(gz), "%s/trailer.log.gz", tmpdir);
	write_gz(gz, text, pos, "wb");
	slurp(gz, &data, &len);
	for (int threads = 0; threads < 2; threads++) {
		struct vpce_flowlog_opts o = { .no_threads = !threads };

		data[len - 8] ^= 0x01; /* CRC-32 */
		write_file(gz, data, len);
		assert_int_equal(read_path(gz, &o), 0);
		assert_int_equal(S.records, 4000);
		assert_int_equal(S.n_issues, 1);
		assert_non_null(strstr(S.issues[0].message, "corrupt"));
		data[len - 8] ^= 0x01;

		write_file(gz, data, len - 3); /* ISIZE cut short */
		assert_int_equal(read_path(gz, &o), 0);
		assert_int_equal(S.records, 4000);
		assert_int_equal(S.n_issues, 1);
		assert_non_null(strstr(S.issues[0].message, "truncated"));

		write_file(gz, data, len); /* intact again */
		assert_int_equal(read_path(gz, &o), 0);
		assert_int_equal(S.records, 4000);
		assert_int_equal(S.n_issues, 0);
	}
	free(data);
	free(text);
}

/* Lines crossing the helper thread's 1 MiB blocks, a line longer than a
 * block and one longer than the text buffer: plain, gzip with the helper
 * thread (complete lines parsed inside each block) and gzip on the calling
 * thread give the same counts and values. */
static void test_gzip_block_boundaries_equal_plain(void **state)
{
	char plain[512], gz[512];
	size_t cap = (size_t)16 << 20, pos = 0;
	char *text = malloc(cap);
	uint64_t want_sum = 0;
	struct vpce_flowlog_stats want;
	struct vpce_error err;
	(void)state;

	assert_non_null(text);
	for (int part = 0; part < 4; part++) {
		int n = part == 0 ? 30000 : part == 1 ? 10000 : part == 2 ? 500 : 7;
		for (int i = 0; i < n; i++)
			pos += (size_t)snprintf(text + pos, cap - pos,
						"2 123456789010 eni-%d 10.0.%d.%d 52.216.%d.9 1000 443 6 %d %d 1 2 ACCEPT OK\n",
						i % 400, i / 250 % 250, i % 250, part, i % 7, i * 13 + part);
		if (part == 0) { /* 1.5 MiB line: spans blocks, shorter than the buffer */
			memset(text + pos, 'x', (size_t)3 << 19);
			pos += (size_t)3 << 19;
			text[pos++] = '\n';
		} else if (part == 1) { /* 5 MiB line: longer than the 4 MiB buffer */
			memset(text + pos, 'y', (size_t)5 << 20);
			pos += (size_t)5 << 20;
			text[pos++] = '\n';
		}
	}
	snprintf(plain, sizeof(plain), "%s/blocks.log", tmpdir);
	snprintf(gz, sizeof(gz), "%s/blocks.log.gz", tmpdir);
	write_file(plain, text, pos);
	write_gz(gz, text, pos, "wb");
	reset();
	assert_int_equal(vpce_flowlog_read_path(plain, NULL, collect_sum, &want_sum, &S, &err), 0);
	want = S;
	assert_int_equal(want.records, 30000 + 10000 + 500 + 7);
	assert_int_equal(want.malformed, 2);
	assert_int_equal(want.bytes_text, pos);
	for (int threads = 0; threads < 2; threads++) {
		struct vpce_flowlog_opts o = { .no_threads = !threads };
		uint64_t sum = 0;

		reset();
		assert_int_equal(vpce_flowlog_read_path(gz, &o, collect_sum, &sum, &S, &err), 0);
		assert_int_equal(S.records, want.records);
		assert_int_equal(S.malformed, want.malformed);
		assert_int_equal(S.lines, want.lines);
		assert_int_equal(S.bytes_text, want.bytes_text);
		assert_int_equal(S.n_issues, want.n_issues);
		for (unsigned k = 0; k < S.n_issues; k++) {
			assert_int_equal(S.issues[k].line, want.issues[k].line);
			assert_string_equal(S.issues[k].message, want.issues[k].message);
		}
		assert_int_equal(sum, want_sum);
	}
	free(text);
}

/* A big gzip file (several pipeline blocks), both thread modes, plus the
 * callback stopping in the middle (the helper thread must wind down). */
static void test_large_gzip_pipeline(void **state)
{
	char gz[512];
	size_t cap = (size_t)12 << 20, pos = 0;
	char *text = malloc(cap);
	uint64_t want = 0;
	int n = 0;
	(void)state;

	while (pos + 200 < cap) {
		pos += (size_t)snprintf(text + pos, cap - pos,
					"2 123456789010 eni-%05d 10.0.%d.%d 52.216.1.1 1000 443 6 1 %d 1 2 ACCEPT OK\n",
					n % 977, (n / 250) % 250, n % 250, n);
		want += (uint64_t)n;
		n++;
	}
	snprintf(gz, sizeof(gz), "%s/big.log.gz", tmpdir);
	write_gz(gz, text, pos, "wb");
	for (int threads = 0; threads < 2; threads++) {
		struct vpce_flowlog_opts o = { .no_threads = !threads, .chunk = 100000 };
		uint64_t got = 0;
		struct vpce_error err;
		size_t seen = 0;

		memset(&S, 0, sizeof(S));
		assert_int_equal(vpce_flowlog_read_path(gz, &o, collect_bytes, &got, &S, &err), 0);
		assert_int_equal(S.records, (uint64_t)n);
		assert_int_equal(S.bytes_text, pos);
		assert_int_equal(got, want);
		memset(&S, 0, sizeof(S));
		assert_int_equal(vpce_flowlog_read_path(gz, &o, stop_after_one, &seen, &S, &err), 42);
		assert_true(seen > 0 && seen < (size_t)n);
	}
	free(text);
}

static void test_small_chunks_and_overlong_line(void **state)
{
	char path[512];
	char text[2048];
	size_t pos = 0;
	struct vpce_flowlog_opts o = { .batch = 3, .chunk = 64 };
	(void)state;

	pos += (size_t)snprintf(text + pos, sizeof(text) - pos,
				"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 11 1 2 ACCEPT OK\n2 ");
	memset(text + pos, 'x', 300);
	pos += 300;
	pos += (size_t)snprintf(text + pos, sizeof(text) - pos,
				"\n2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 22 1 2 ACCEPT OK\n"
				"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 33 1 2 ACCEPT OK\n");
	snprintf(path, sizeof(path), "%s/long.log", tmpdir);
	write_file(path, text, pos);
	assert_int_equal(read_path(path, &o), 0);
	assert_int_equal(S.records, 3);
	assert_int_equal(S.malformed, 1);
	assert_int_equal(S.lines, 4);
	assert_int_equal(C.recs[1].r.bytes, 22);
	assert_int_equal(C.recs[1].r.line, 3);
	assert_int_equal(S.issues[0].line, 2);
	assert_int_equal(S.bytes_text, pos);

	/* every sample parses the same with tiny chunks */
	snprintf(path, sizeof(path), "%s/awsdocs-v5-service-traffic-path.log", SAMPLES);
	{
		struct vpce_flowlog_opts o2 = { .batch = 1, .chunk = 320 };
		assert_int_equal(read_path(path, &o2), 0);
		assert_int_equal(S.records, 2);
		assert_int_equal(C.recs[1].r.traffic_path, 8);
	}
}

static void test_directory_tree_s3_and_hive_layouts(void **state)
{
	char p[700], d1[400], d2[400];
	const char *rec = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"
			  "2 111122223333 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 100 1 2 ACCEPT OK\n";
	(void)state;

	snprintf(d1, sizeof(d1), "%s/tree/AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/27",
		 tmpdir);
	snprintf(d2, sizeof(d2),
		 "%s/tree/AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=11/day=27/hour=07",
		 tmpdir);
	{
		char cmd[1200];
		snprintf(cmd, sizeof(cmd), "mkdir -p '%s' '%s'", d1, d2);
		assert_int_equal(system(cmd), 0);
	}
	snprintf(p, sizeof(p), "%s/a.log.gz", d1);
	write_gz(p, rec, strlen(rec), "wb");
	snprintf(p, sizeof(p), "%s/b.log", d1);
	write_file(p, rec, strlen(rec));
	snprintf(p, sizeof(p), "%s/c.log.gz", d2);
	write_gz(p, rec, strlen(rec), "wb");
	snprintf(p, sizeof(p), "%s/d.parquet", d2);
	write_file(p, "PAR1", 4);
	snprintf(p, sizeof(p), "%s/.hidden", d2);
	write_file(p, "junk\n", 5);
	snprintf(p, sizeof(p), "%s/tree", tmpdir);
	assert_int_equal(read_path(p, NULL), 0);
	assert_int_equal(S.files, 4);
	assert_int_equal(S.files_unsupported, 1);
	assert_int_equal(S.records, 3);
	assert_int_equal(S.headers, 3);
	assert_int_equal(S.malformed, 0);
	assert_non_null(strstr(S.issues[0].message, "Parquet"));

	/* a symlink back up the tree is reported, not followed: nothing is
	 * counted twice; a symlink to a file is read */
	snprintf(p, sizeof(p), "%s/loop", d1);
	assert_int_equal(symlink("..", p), 0);
	snprintf(p, sizeof(p), "%s/zz-link.log", d1);
	assert_int_equal(symlink("b.log", p), 0);
	snprintf(p, sizeof(p), "%s/tree", tmpdir);
	assert_int_equal(read_path(p, NULL), 0);
	assert_int_equal(S.records, 4);
	assert_int_equal(S.malformed, 0);
	assert_int_equal(S.n_issues, 2);
	assert_non_null(strstr(S.issues[0].message, "not followed"));
}

static void test_stdin_plain_and_gzip(void **state)
{
	char path[512];
	const char *rec = "2 111122223333 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 100 1 2 ACCEPT OK\n";
	int saved = dup(0), fd;
	(void)state;

	snprintf(path, sizeof(path), "%s/stdin.gz", tmpdir);
	write_gz(path, rec, strlen(rec), "wb");
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	dup2(fd, 0);
	close(fd);
	assert_int_equal(read_path("-", NULL), 0);
	assert_int_equal(S.records, 1);
	assert_int_equal(S.n_issues, 0);
	dup2(saved, 0);
	close(saved);
	assert_int_equal(C.recs[0].r.bytes, 100);
}

static void test_missing_path_is_io_error(void **state)
{
	(void)state;
	assert_int_equal(read_path("/nonexistent/flow.log", NULL), VPCE_EIO);
}

static int stop_after_one(void *ctx, const struct vpce_flow_record *recs, size_t n)
{
	(void)recs;
	*(size_t *)ctx += n;
	return 42;
}

static void test_callback_can_stop_reading(void **state)
{
	char path[512];
	struct vpce_error err;
	size_t seen = 0;
	struct vpce_flowlog_opts o = { .batch = 2 };
	(void)state;

	snprintf(path, sizeof(path), "%s/awsdocs-v3-tcp-flags.log", SAMPLES);
	memset(&S, 0, sizeof(S));
	assert_int_equal(vpce_flowlog_read_path(path, &o, stop_after_one, &seen, &S, &err), 42);
	assert_int_equal(seen, 2);
}

/* The reader (fast path over whole buffers, chunk boundaries anywhere)
 * gives exactly what vpce_flowlog_parse_line gives line by line, for a
 * random mix of valid, damaged, blank and CRLF lines in two formats. */
static void test_reader_equals_line_parser_on_random_lines(void **state)
{
	static const char *v2_ok = "2 111122223333 eni-0a1b2c3d4e5f60718 10.0.1.5 52.216.8.9 49152 443 6 12 3400 1764201600 1764201660 ACCEPT OK";
	static const char *v5_hdr = "version srcaddr dstaddr bytes action log-status pkt-dst-aws-service flow-direction traffic-path";
	static const char *v5_ok = "5 10.0.1.5 2600:1f14::5 77 REJECT OK S3 egress 8";
	char *text = malloc(1 << 20);
	size_t pos = 0;
	uint64_t x = 99;
	struct vpce_flowlog_format fmt;
	struct vpce_error err;
	uint64_t want_records = 0, want_malformed = 0, want_bytes = 0;
	(void)state;

	for (int part = 0; part < 2; part++) {
		const char *ok = part ? v5_ok : v2_ok;
		if (part) {
			pos += (size_t)snprintf(text + pos, 4096, "%s\n", v5_hdr);
			assert_int_equal(vpce_flowlog_header_parse(v5_hdr, strlen(v5_hdr), &fmt), 1);
		} else {
			vpce_flowlog_format_default(&fmt);
		}
		for (int i = 0; i < 3000; i++) {
			char line[512];
			size_t n = strlen(ok);
			struct vpce_flow_record r;
			unsigned bad;
			const char *why;

			memcpy(line, ok, n + 1);
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			switch (x % 8) {
			case 0: /* damage one byte */
				line[(x >> 8) % n] = "x-: 9\t."[(x >> 20) % 7];
				break;
			case 1: /* cut */
				n = (x >> 8) % n;
				line[n] = 0;
				break;
			case 2: /* trailing spaces / CR */
				n += (size_t)snprintf(line + n, 8, "%s", (x >> 8) & 1 ? "  " : "\r");
				break;
			default:
				break;
			}
			memcpy(text + pos, line, n);
			pos += n;
			text[pos++] = '\n';
			memset(&r, 0, sizeof(r));
			{
				size_t k = n;
				while (k && (line[k - 1] == ' ' || line[k - 1] == '\r' || line[k - 1] == '\t'))
					k--;
				if (k == 0)
					continue; /* blank */
			}
			if (vpce_flowlog_parse_line(&fmt, line, n, &r, &bad, &why) == 0) {
				want_records++;
				want_bytes += r.bytes + (r.dstaddr.family == 4 ? vpce_cidr_v4(&r.dstaddr) : r.dstaddr.lo);
			} else {
				want_malformed++;
			}
		}
	}
	for (size_t chunk = 300; chunk <= 1 << 20; chunk = chunk * 5 + 7) {
		char path[512];
		struct vpce_flowlog_opts o = { .batch = 7, .chunk = chunk };
		uint64_t got_bytes = 0;

		snprintf(path, sizeof(path), "%s/random.log", tmpdir);
		write_file(path, text, pos);
		reset();
		assert_int_equal(vpce_flowlog_read_path(path, &o, collect_sum, &got_bytes, &S, &err), 0);
		assert_int_equal(S.records, want_records);
		assert_int_equal(S.malformed, want_malformed);
		assert_int_equal(got_bytes, want_bytes);
		assert_int_equal(S.bytes_text, pos);
	}
	free(text);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vpce-flowlog-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v2_default_sample_with_header),
		cmocka_unit_test(test_v2_records_without_header_use_default_format),
		cmocka_unit_test(test_v3_tcp_flags_sample),
		cmocka_unit_test(test_nat_gateway_sample_without_version_field),
		cmocka_unit_test(test_v3_transit_gateway_eni_sample_is_a_vpc_log),
		cmocka_unit_test(test_v5_service_and_traffic_path_sample),
		cmocka_unit_test(test_ecs_sample),
		cmocka_unit_test(test_nodata_sample),
		cmocka_unit_test(test_transit_gateway_log_is_reported_unsupported),
		cmocka_unit_test(test_transit_gateway_record_without_header_is_not_misread),
		cmocka_unit_test(test_generated_file_for_every_version),
		cmocka_unit_test(test_format_parse_accepts_dollar_braces_and_names),
		cmocka_unit_test(test_caller_format_applies_only_without_header),
		cmocka_unit_test(test_unknown_header_names_are_skipped),
		cmocka_unit_test(test_header_detection_does_not_take_id_lines),
		cmocka_unit_test(test_malformed_lines_are_counted_with_line_numbers),
		cmocka_unit_test(test_only_first_issues_are_kept_but_all_counted),
		cmocka_unit_test(test_address_and_number_edge_cases),
		cmocka_unit_test(test_numbers_of_every_length),
		cmocka_unit_test(test_gzip_equals_plain_and_concatenated_members_work),
		cmocka_unit_test(test_truncated_gzip_keeps_records_and_reports),
		cmocka_unit_test(test_gzip_bad_checksum_and_cut_trailer),
		cmocka_unit_test(test_gzip_block_boundaries_equal_plain),
		cmocka_unit_test(test_large_gzip_pipeline),
		cmocka_unit_test(test_small_chunks_and_overlong_line),
		cmocka_unit_test(test_directory_tree_s3_and_hive_layouts),
		cmocka_unit_test(test_stdin_plain_and_gzip),
		cmocka_unit_test(test_missing_path_is_io_error),
		cmocka_unit_test(test_callback_can_stop_reading),
		cmocka_unit_test(test_reader_equals_line_parser_on_random_lines),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
