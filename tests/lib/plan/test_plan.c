/* plan: units (bytes -> GB as AWS bills, 10^9; interface endpoint tiers),
 * attribution (a NAT connection counted once whichever of its three
 * observations are logged; NAT-only v2 logs apportioned), cost arithmetic
 * (written out next to each expectation), the prices file's errors. The
 * snapshot is tests/data/plan/multi/us-east-1 (see build_plan_data.py):
 * NAT nat-0aaaaaaaaaaaaaaa1 (ENI eni-0000000000000000a, 10.1.0.10) in
 * us-east-1a; eni-a 10.1.10.5 (us-east-1a), eni-b 10.1.11.5 (us-east-1b).
 * Addresses: 52.216.10.20 is S3 us-east-1, 52.218.128.10 S3 us-west-2,
 * 52.94.0.10 DynamoDB us-east-1 (bundled ip-ranges.json, syncToken
 * 1787411825). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>
#include <cmocka.h>
#include <zlib.h>

#include "plan/plan_int.h"
#include "vpce/plan.h"
#include "vpce/snapshot.h"

static struct vpce_model *M;
static struct vpce_ipranges *R;
static struct vpce_prices *P;

static int setup(void **state)
{
	struct vpce_error err;
	struct vpce_snapshot_options so = { NULL, NULL, NULL };
	(void)state;
	unsetenv("VPCE_DATA_DIR");
	if (vpce_ipranges_load(NULL, &R, &err) != 0 || vpce_prices_load(NULL, &P, &err) != 0 ||
	    vpce_snapshot_load(VPCE_TEST_DATA "/plan/multi/us-east-1", &so, &M, &err) != 0) {
		fprintf(stderr, "setup: %s\n", err.message);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vpce_model_free(M);
	vpce_ipranges_free(R);
	vpce_prices_free(P);
	return 0;
}

/* Run the plan over an in-memory log text. */
static struct vpce_plan_result *plan_text(const char *text)
{
	struct vpce_plan_agg *a = NULL;
	struct vpce_plan_result *res = NULL;
	struct vpce_flowlog_stats st;
	struct vpce_error err;

	memset(&st, 0, sizeof(st));
	assert_int_equal(vpce_plan_agg_new(M, R, &a, &err), 0);
	assert_int_equal(vpce_flowlog_parse_buffer(text, strlen(text), "t", NULL, vpce_plan_agg_cb, a, &st, &err), 0);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(vpce_plan_finish(a, P, &res, &err), 0);
	vpce_plan_agg_free(a);
	return res;
}

static const struct vpce_plan_traffic *row(const struct vpce_plan_result *r, const char *eni, const char *service)
{
	for (uint32_t i = 0; i < r->ntraffic; i++) {
		const struct vpce_plan_traffic *t = &r->traffic[i];
		bool e = eni ? (t->eni && strcmp(t->eni, eni) == 0) : !t->eni;
		bool s = service ? (t->service && strcmp(t->service, service) == 0) : !t->service;
		if (e && s)
			return t;
	}
	return NULL;
}

static const struct vpce_plan_rec *rec(const struct vpce_plan_result *r, const char *service, const char *type)
{
	for (uint32_t i = 0; i < r->nrecs; i++)
		if (r->recs[i].service && strcmp(r->recs[i].service, service) == 0 && strcmp(r->recs[i].type, type) == 0)
			return &r->recs[i];
	return NULL;
}

#define S3E "com.amazonaws.us-east-1.s3"
#define HDR_PKT "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status pkt-srcaddr pkt-dstaddr\n"
#define HDR_V2 "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"
/* One hour: 1764201600 .. 1764205200 (month factor 730). */

static void test_gb_is_ten_to_the_ninth_bytes(void **state)
{
	(void)state;
	assert_true(VPCE_BYTES_PER_GB == 1e9);
	assert_true(VPCE_HOURS_PER_MONTH == 730.0);
}

static void test_interface_tiers_at_their_boundaries(void **state)
{
	const struct vpce_price_region *r = vpce_prices_region(P, "us-east-1");
	(void)state;
	assert_non_null(r);
	/* Tier edges as the AWS Price List gives them (VpcEndpoint-Bytes
	 * ranges 0-1048576-5242880 GB). First "1 PB" at $0.01: 1,048,576 GB ->
	 * $10,485.76. */
	assert_true(fabs(vpce_prices_interface_data(r, 0, 1048576) - 10485.76) < 1e-6);
	/* Straddling the first edge: 1 GB at $0.01 + 1 GB at $0.006 = $0.016. */
	assert_true(fabs(vpce_prices_interface_data(r, 1048575, 2) - 0.016) < 1e-9);
	/* Below it everything is $0.01 (10^6 GB is not the edge). */
	assert_true(fabs(vpce_prices_interface_data(r, 999999, 2) - 0.02) < 1e-9);
	/* Next "4 PB" at $0.006: 1048576..5242880 GB -> 4194304 x 0.006 = $25,165.824. */
	assert_true(fabs(vpce_prices_interface_data(r, 1048576, 4194304) - 25165.824) < 1e-6);
	/* Beyond "5 PB" at $0.004: 10 GB -> $0.04. */
	assert_true(fabs(vpce_prices_interface_data(r, 5242880, 10) - 0.04) < 1e-9);
	/* A region whose interface prices were not sourced: unknown. */
	assert_true(vpce_prices_interface_data(vpce_prices_region(P, "us-east-2"), 0, 1) < 0);
	assert_null(vpce_prices_region(P, "xx-nowhere-1"));
}

/* Only the NAT gateway's ENI is logged, with pkt-* fields: the inside legs
 * name the source and (pkt-dstaddr) the destination; the outside legs carry
 * the same bytes again. 6e8 + 2.4e9 inside, 6e8 + 2.4e9 outside -> 3e9 once. */
static void test_nat_eni_both_legs_counted_once(void **state)
{
	const char *text = HDR_PKT
		"5 1 eni-0000000000000000a 10.1.10.5 10.1.0.10 40000 443 6 1 600000000 1764201600 1764205200 ACCEPT OK 10.1.10.5 52.216.10.20\n"
		"5 1 eni-0000000000000000a 10.1.0.10 52.216.10.20 61000 443 6 1 600000000 1764201600 1764205200 ACCEPT OK 10.1.0.10 52.216.10.20\n"
		"5 1 eni-0000000000000000a 52.216.10.20 10.1.0.10 443 61000 6 1 2400000000 1764201600 1764205200 ACCEPT OK 52.216.10.20 10.1.0.10\n"
		"5 1 eni-0000000000000000a 10.1.0.10 10.1.10.5 443 40000 6 1 2400000000 1764201600 1764205200 ACCEPT OK 52.216.10.20 10.1.10.5\n";
	struct vpce_plan_result *r = plan_text(text);
	const struct vpce_plan_traffic *t = row(r, "eni-000000000000000a1", S3E);
	const struct vpce_plan_rec *g;
	(void)state;
	assert_non_null(t);
	assert_int_equal(t->bytes, 3000000000ull);
	assert_string_equal(t->path, "nat-gateway");
	assert_string_equal(t->attribution, "leg");
	assert_int_equal(r->bytes_total, 3000000000ull);
	assert_int_equal(r->bytes_duplicate, 3000000000ull);
	/* 3 GB x 730 = 2190 GB/month x $0.045 = $98.55; same AZ, no cross-AZ. */
	g = rec(r, S3E, "Gateway");
	assert_non_null(g);
	assert_true(fabs(g->monthly_saving_usd - 98.55) < 1e-6);
	assert_int_equal(g->nroute_tables, 1);
	assert_string_equal(g->route_tables[0], "rtb-0aaaaaaaaaaaapriva");
	vpce_plan_result_free(r);
}

/* The workload's ENI and the NAT's ENI both logged: the workload's records
 * win, every NAT leg is a duplicate. */
static void test_workload_and_nat_eni_counted_once(void **state)
{
	const char *text = HDR_PKT
		"2 1 eni-000000000000000a1 10.1.10.5 52.216.10.20 40000 443 6 1 600000000 1764201600 1764205200 ACCEPT OK - -\n"
		"2 1 eni-000000000000000a1 52.216.10.20 10.1.10.5 443 40000 6 1 2400000000 1764201600 1764205200 ACCEPT OK - -\n"
		"5 1 eni-0000000000000000a 10.1.10.5 10.1.0.10 40000 443 6 1 600000000 1764201600 1764205200 ACCEPT OK 10.1.10.5 52.216.10.20\n"
		"5 1 eni-0000000000000000a 10.1.0.10 52.216.10.20 61000 443 6 1 600000000 1764201600 1764205200 ACCEPT OK 10.1.0.10 52.216.10.20\n"
		"5 1 eni-0000000000000000a 52.216.10.20 10.1.0.10 443 61000 6 1 2400000000 1764201600 1764205200 ACCEPT OK 52.216.10.20 10.1.0.10\n"
		"5 1 eni-0000000000000000a 10.1.0.10 10.1.10.5 443 40000 6 1 2400000000 1764201600 1764205200 ACCEPT OK 52.216.10.20 10.1.10.5\n";
	struct vpce_plan_result *r = plan_text(text);
	const struct vpce_plan_traffic *t = row(r, "eni-000000000000000a1", S3E);
	(void)state;
	assert_non_null(t);
	assert_int_equal(t->bytes, 3000000000ull);
	assert_string_equal(t->attribution, "source");
	assert_int_equal(r->ntraffic, 1);
	assert_int_equal(r->bytes_duplicate, 6000000000ull);
	vpce_plan_result_free(r);
}

/* v2 logs on the NAT's ENI only (no pkt-* fields): inside legs name the
 * sources but not the destination; the outside legs name the destinations.
 * eni-a sent/received 3e9 and eni-b 1e9 through the NAT; outside legs: 3e9
 * to S3 us-east-1 and 1e9 to DynamoDB. Apportioned by the sources' shares
 * (3/4 and 1/4): eni-a S3 2.25e9, DynamoDB 0.75e9; eni-b S3 0.75e9,
 * DynamoDB 0.25e9. Total 4e9: each connection once. */
static void test_nat_only_v2_logs_apportioned(void **state)
{
	const char *text = HDR_V2
		"2 1 eni-0000000000000000a 10.1.10.5 10.1.0.10 40000 443 6 1 3000000000 1764201600 1764205200 ACCEPT OK\n"
		"2 1 eni-0000000000000000a 10.1.11.5 10.1.0.10 40000 443 6 1 1000000000 1764201600 1764205200 ACCEPT OK\n"
		"2 1 eni-0000000000000000a 52.216.10.20 10.1.0.10 443 61000 6 1 3000000000 1764201600 1764205200 ACCEPT OK\n"
		"2 1 eni-0000000000000000a 10.1.0.10 52.94.0.10 61001 443 6 1 1000000000 1764201600 1764205200 ACCEPT OK\n";
	struct vpce_plan_result *r = plan_text(text);
	const struct vpce_plan_traffic *a3 = row(r, "eni-000000000000000a1", S3E);
	const struct vpce_plan_traffic *bd = row(r, "eni-000000000000000b1", "com.amazonaws.us-east-1.dynamodb");
	(void)state;
	assert_non_null(a3);
	assert_non_null(bd);
	assert_int_equal(a3->bytes, 2250000000ull);
	assert_int_equal(bd->bytes, 250000000ull);
	assert_string_equal(a3->attribution, "apportioned");
	assert_true(bd->cross_az);
	assert_int_equal(r->bytes_total, 4000000000ull);
	vpce_plan_result_free(r);
}

static const char *find_note(const struct vpce_plan_result *r, const char *prefix)
{
	for (uint32_t i = 0; i < r->nnotes; i++)
		if (strncmp(r->notes[i], prefix, strlen(prefix)) == 0)
			return r->notes[i];
	return NULL;
}

/* Cross-AZ traffic to a NAT gateway: one note per VPC, source AZ and NAT
 * gateway, with the inter-AZ cost (2 x $0.01/GB) against a NAT gateway of
 * its own in the source AZ ($0.045/h x 730 = $32.85/month). eni-b (us-east-1b)
 * reaches the NAT in us-east-1a with 1 GB + 1 GB per hour (two rows): 2 GB x
 * 730 = 1460 GB/month x 2 x 0.01 = $29.20 < $32.85; at 3 GB per hour
 * (2190 GB/month: $43.80) the NAT gateway saves $10.95. */
static void test_cross_az_nat_note_compares_a_nat_per_az(void **state)
{
	const char *below = HDR_V2
		"2 1 eni-000000000000000b1 10.1.11.5 8.8.8.8 40000 443 6 1 1000000000 1764201600 1764205200 ACCEPT OK\n"
		"2 1 eni-000000000000000b1 10.1.11.5 52.216.10.20 40000 443 6 1 1000000000 1764201600 1764205200 ACCEPT OK\n";
	const char *above = HDR_V2
		"2 1 eni-000000000000000b1 10.1.11.5 8.8.8.8 40000 443 6 1 2000000000 1764201600 1764205200 ACCEPT OK\n"
		"2 1 eni-000000000000000b1 10.1.11.5 52.216.10.20 40000 443 6 1 1000000000 1764201600 1764205200 ACCEPT OK\n";
	struct vpce_plan_result *r = plan_text(below);
	const char *n = find_note(r, "cross-AZ: ");
	(void)state;
	assert_non_null(n);
	assert_non_null(strstr(n, "1460.000 GB/month"));
	assert_non_null(strstr(n, "(2 rows)"));
	assert_non_null(strstr(n, "$29.20/month in inter-AZ transfer"));
	assert_non_null(strstr(n, "costs $32.85/month: it costs more than it saves"));
	vpce_plan_result_free(r);
	r = plan_text(above);
	n = find_note(r, "cross-AZ: ");
	assert_non_null(n);
	assert_non_null(strstr(n, "$43.80/month in inter-AZ transfer"));
	assert_non_null(strstr(n, "it saves $10.95/month"));
	vpce_plan_result_free(r);
}

/* Two regions, two AZs, a non-AWS address: a gateway endpoint only for the
 * VPC's own region; cross-AZ bytes add 2 x $0.01/GB. Per hour: eni-a -> S3
 * us-east-1 1e9, eni-b -> S3 us-east-1 1e9 (cross-AZ), eni-a -> S3
 * us-west-2 5e8, eni-a -> 8.8.8.8 1e8. */
static void test_multi_region_multi_az(void **state)
{
	const char *text = HDR_V2
		"2 1 eni-000000000000000a1 10.1.10.5 52.216.10.20 40000 443 6 1 1000000000 1764201600 1764205200 ACCEPT OK\n"
		"2 1 eni-000000000000000b1 10.1.11.5 52.216.10.20 40000 443 6 1 1000000000 1764201600 1764205200 ACCEPT OK\n"
		"2 1 eni-000000000000000a1 10.1.10.5 52.218.128.10 40000 443 6 1 500000000 1764201600 1764205200 ACCEPT OK\n"
		"2 1 eni-000000000000000a1 10.1.10.5 8.8.8.8 40000 443 6 1 100000000 1764201600 1764205200 ACCEPT OK\n";
	struct vpce_plan_result *r = plan_text(text);
	const struct vpce_plan_traffic *w2 = row(r, "eni-000000000000000a1", "com.amazonaws.us-west-2.s3");
	const struct vpce_plan_traffic *net = row(r, "eni-000000000000000a1", NULL);
	const struct vpce_plan_rec *g = rec(r, S3E, "Gateway");
	(void)state;
	assert_non_null(w2);
	assert_string_equal(w2->region, "us-west-2");
	assert_non_null(net);
	assert_null(net->ip_service);
	assert_int_equal(r->nrecs, 1);
	assert_non_null(g);
	/* 2 GB x 730 = 1460 GB x 0.045 = 65.70; eni-b 1 GB x 730 = 730 GB x 2 x 0.01 = 14.60 -> 80.30 */
	assert_true(fabs(g->monthly_saving_usd - 80.30) < 1e-6);
	assert_true(fabs(g->gb_month - 1460.0) < 1e-9);
	assert_int_equal(g->action, VPCE_PLAN_CREATE);
	assert_int_equal(g->nroute_tables, 2);
	assert_true(fabs(r->month_factor - 730.0) < 1e-9);
	vpce_plan_result_free(r);
}

/* A 2-hour window: monthly = observed x 730 / 2. 1e9 bytes -> 365 GB/month
 * -> $16.425 through NAT. 7 of the 12 10-minute slots have records (the
 * first hour, and the NODATA interval): confidence 7/12. */
static void test_window_scaling_and_confidence(void **state)
{
	const char *text = HDR_V2
		"2 1 eni-000000000000000a1 10.1.10.5 52.216.10.20 40000 443 6 1 1000000000 1764201600 1764205200 ACCEPT OK\n"
		"2 1 eni-000000000000000a1 - - - - - - - 1764208200 1764208800 - NODATA\n";
	struct vpce_plan_result *r = plan_text(text);
	const struct vpce_plan_rec *g = rec(r, S3E, "Gateway");
	(void)state;
	/* 1764201600 .. 1764208800 = 7200 s; slots with records: 6 + 1 of 12 */
	assert_true(fabs(r->hours - 2.0) < 1e-9);
	assert_true(fabs(r->month_factor - 365.0) < 1e-9);
	assert_non_null(g);
	assert_true(fabs(g->monthly_saving_usd - 16.425) < 1e-9);
	assert_true(fabs(g->confidence - 7.0 / 12.0) < 1e-9);
	vpce_plan_result_free(r);
}

/* An interface endpoint for API Gateway (3.216.135.10 is API_GATEWAY in
 * us-east-1): 1e9 B/h x 730 = 730 GB/month. NAT: 730 x 0.045 = $32.85.
 * Endpoint in 1 AZ: 0.01 x 730 h = $7.30 + 730 x 0.01 = $7.30 -> $14.60.
 * Saving $18.25; break-even 7.30 / (0.045 - 0.01) = 208.571 GB/month.
 * At 1e8 B/h (73 GB/month: NAT $3.285 < endpoint $8.03) no recommendation. */
static void test_interface_endpoint_break_even(void **state)
{
	const char *big = HDR_V2
		"2 1 eni-000000000000000a1 10.1.10.5 3.216.135.10 40000 443 6 1 1000000000 1764201600 1764205200 ACCEPT OK\n";
	const char *small = HDR_V2
		"2 1 eni-000000000000000a1 10.1.10.5 3.216.135.10 40000 443 6 1 100000000 1764201600 1764205200 ACCEPT OK\n";
	struct vpce_plan_result *r = plan_text(big);
	const struct vpce_plan_rec *i = rec(r, "com.amazonaws.us-east-1.execute-api", "Interface");
	(void)state;
	assert_non_null(i);
	assert_int_equal(i->action, VPCE_PLAN_CREATE);
	assert_true(fabs(i->monthly_saving_usd - 18.25) < 1e-6);
	assert_true(fabs(i->break_even_gb_month - 7.30 / 0.035) < 1e-6);
	assert_int_equal(i->nsubnets, 1);
	assert_string_equal(i->subnets[0], "subnet-0aaaaaaaaaaaaaa0a");
	vpce_plan_result_free(r);
	r = plan_text(small);
	assert_int_equal(r->nrecs, 0);
	vpce_plan_result_free(r);
}

/* The fast v2 scanner and the flowlog reader give the same statistics,
 * issues (file:line) and plan on a file mixing plain records with every
 * line the scanner hands to the reader: NODATA, "-" fields, a malformed
 * line, blank lines, CRLF, a repeated default header, an IPv6 record, and
 * finally a custom-format header that switches the rest of the file. */
enum scan_mode { SCAN_READER, SCAN_SCALAR, SCAN_SIMD };

/* Reads path with the reader, the scalar fast scanner only, or the SIMD
 * scanner (with the scalar one for what it leaves); returns how many
 * records the SIMD scanner took. */
static uint64_t run_file_threads(const char *path, enum scan_mode mode, unsigned threads, struct vpce_flowlog_stats *st,
				 struct vpce_plan_result **res)
{
	struct vpce_plan_agg *a = NULL;
	struct vpce_error err;
	uint64_t simd;

	memset(st, 0, sizeof(*st));
	assert_int_equal(vpce_plan_agg_new(M, R, &a, &err), 0);
	vpce_plan_agg_set_fast(a, mode != SCAN_READER);
	a->no_simd = mode == SCAN_SCALAR;
	a->split_min = 256; /* split even small files when threads > 1 */
	assert_int_equal(vpce_plan_read(a, &path, 1, NULL, threads, st, &err), 0);
	if (mode != SCAN_READER)
		assert_int_equal(a->split_parts, threads > 1 ? threads : 0);
	assert_int_equal(vpce_plan_finish(a, P, res, &err), 0);
	simd = a->simd_records;
	vpce_plan_agg_free(a);
	return simd;
}

static uint64_t run_file(const char *path, enum scan_mode mode, struct vpce_flowlog_stats *st,
			 struct vpce_plan_result **res)
{
	return run_file_threads(path, mode, 1, st, res);
}

/* A temporary flow log file (path: a "...XXXXXX" template, filled in),
 * opened for writing with the v2 header already in it. */
static FILE *temp_log(char *path)
{
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(HDR_V2, f);
	return f;
}

static void assert_same_reading(const struct vpce_flowlog_stats *s1, const struct vpce_plan_result *r1,
				const struct vpce_flowlog_stats *s2, const struct vpce_plan_result *r2)
{
	assert_int_equal(s1->files, s2->files);
	assert_int_equal(s1->lines, s2->lines);
	assert_int_equal(s1->records, s2->records);
	assert_int_equal(s1->ok, s2->ok);
	assert_int_equal(s1->nodata, s2->nodata);
	assert_int_equal(s1->malformed, s2->malformed);
	assert_int_equal(s1->headers, s2->headers);
	assert_int_equal(s1->blank, s2->blank);
	assert_int_equal(s1->bytes_in, s2->bytes_in);
	assert_int_equal(s1->n_issues, s2->n_issues);
	for (unsigned i = 0; i < s1->n_issues; i++) {
		assert_int_equal(s1->issues[i].line, s2->issues[i].line);
		assert_string_equal(s1->issues[i].message, s2->issues[i].message);
	}
	assert_int_equal(r1->records, r2->records);
	assert_int_equal(r1->skipped, r2->skipped);
	assert_int_equal(r1->bytes_total, r2->bytes_total);
	assert_int_equal(r1->bytes_duplicate, r2->bytes_duplicate);
	assert_int_equal(r1->ntraffic, r2->ntraffic);
	for (uint32_t i = 0; i < r1->ntraffic; i++)
		assert_int_equal(r1->traffic[i].bytes, r2->traffic[i].bytes);
	assert_true(r1->start == r2->start && r1->end == r2->end && r1->covered_hours == r2->covered_hours);
}

static void test_fast_scanner_matches_reader(void **state)
{
	char path[] = "/tmp/vpce-plan-fast-XXXXXX";
	FILE *f = temp_log(path);
	struct vpce_flowlog_stats s1, s2;
	struct vpce_plan_result *r1, *r2;
	(void)state;
	for (int i = 0; i < 50; i++)
		fprintf(f, "2 1 eni-000000000000000a1 10.1.10.5 52.216.10.%d 40000 443 6 1 %d 1764201600 1764202200 %s OK\n",
			i, 1000 + i, i % 7 ? "ACCEPT" : "REJECT");
	fputs("2 1 eni-000000000000000a1 - - - - - - - 1764202200 1764202800 - NODATA\n", f);
	fputs("\n   \n", f);
	fputs("2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 777 1764202200 1764202800 ACCEPT OK\r\n", f);
	fputs("2 1 eni-000000000000000b1 10.1.11.5 52.94.0.300 40000 443 6 1 777 1764202200 1764202800 ACCEPT OK\n", f);
	fputs("2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 888\n", f);
	fputs("2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 0400 443 6 1 999 1764202200 1764202800 ACCEPT OK\n", f);
	fputs("2 1 eni-000000000000000a1 2600:1f18::1 2600:1f18::2 40000 443 6 1 5 1764202200 1764202800 ACCEPT OK\n", f);
	/* numbers of 8, 9, 19 and 20 digits, and a leading zero (the scanner
	 * reads eight digits at a time) */
	fputs("2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 12345678 1764202200 1764202800 ACCEPT OK\n", f);
	fputs("2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 123456789 1764202200 1764202800 ACCEPT OK\n", f);
	fputs("2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 1234567890123456789 1764202200 1764202800 ACCEPT OK\n", f);
	fputs("2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 12345678901234567890 1764202200 1764202800 ACCEPT OK\n", f);
	fputs("2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 012345678 1764202200 1764202800 ACCEPT OK\n", f);
	fputs("2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 1234567a9 1764202200 1764202800 ACCEPT OK\n", f);
	fputs(HDR_V2, f);
	fputs("2 1 eni-000000000000000a1 10.1.10.5 8.8.8.8 40000 53 17 1 64 1764202800 1764203400 ACCEPT OK\n", f);
	fputs(HDR_PKT, f);
	fputs("5 1 eni-0000000000000000a 10.1.10.5 10.1.0.10 40000 443 6 1 600 1764202800 1764203400 ACCEPT OK 10.1.10.5 52.216.10.20\n", f);
	fputs("5 1 eni-0000000000000000a 10.1.10.5 10.1.0.10 40000 443 6 1 600 1764202800 1764203400 ACCEPT OK\n", f);
	fclose(f);
	run_file(path, SCAN_SIMD, &s1, &r1);
	run_file(path, SCAN_READER, &s2, &r2);
	unlink(path);
	assert_true(s1.malformed >= 2);
	assert_same_reading(&s1, r1, &s2, r2);
	vpce_plan_result_free(r1);
	vpce_plan_result_free(r2);
}

/* The SIMD scanner (fastv2.c, AVX2) takes only lines it can prove plain;
 * each line below breaks one of its rules, between runs of plain lines (it
 * needs 160 readable bytes after a line's start), and the three readings
 * (reader, scalar scanner, SIMD scanner) must agree. On a CPU without AVX2
 * the SIMD reading is the scalar one and only agreement is checked. */
static void test_simd_scanner_matches_reader(void **state)
{
	static const char *const odd[] = {
		"2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 65536 443 6 1 100 1764202200 1764202800 ACCEPT OK\n",
		"2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 65535 443 6 1 101 1764202200 1764202800 ACCEPT OK\n",
		"2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 443 99999 6 1 102 1764202200 1764202800 ACCEPT OK\n",
		"2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 256 1 103 1764202200 1764202800 ACCEPT OK\n",
		"2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 255 1 104 1764202200 1764202800 ACCEPT OK\n",
		"2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 040000 443 6 1 105 1764202200 1764202800 ACCEPT OK\n",
		"2 1 eni-000000000000000b1 10.01.11.5 52.94.0.10 40000 443 6 1 106 1764202200 1764202800 ACCEPT OK\n",
		"2 1 eni-000000000000000b1 10.1.11.5 52.94.0.256 40000 443 6 1 107 1764202200 1764202800 ACCEPT OK\n",
		"2 1 eni-000000000000000b1 10.1.11.5.6 52.94.0.10 40000 443 6 1 108 1764202200 1764202800 ACCEPT OK\n",
		"2 1 eni-000000000000000b1 10.1.11 52.94.0.10 40000 443 6 1 109 1764202200 1764202800 ACCEPT OK\n",
		"2 1 eni-000000000000000b1 10..11.5 52.94.0.10 40000 443 6 1 110 1764202200 1764202800 ACCEPT OK\n",
		"2 1 eni-000000000000000b1 1000.1.11.5 52.94.0.10 40000 443 6 1 111 1764202200 1764202800 ACCEPT OK\n",
		"2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 1234567890123456 1764202200 1764202800 ACCEPT OK\n",
		"2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 12345678901234567 1764202200 1764202800 ACCEPT OK\n",
		"2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 0000000000000112 1764202200 1764202800 ACCEPT OK\n",
		"2 - eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 113 1764202200 1764202800 ACCEPT OK\n",
		"2 1 - 10.1.11.5 52.94.0.10 40000 443 6 1 114 1764202200 1764202800 ACCEPT OK\n",
		"2 1\teni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 115 1764202200 1764202800 ACCEPT OK\n",
		"2 1 eni-000000000000000b1  10.1.11.5 52.94.0.10 40000 443 6 1 116 1764202200 1764202800 ACCEPT OK\n",
		"3 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 117 1764202200 1764202800 ACCEPT OK\n",
		"2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 118 1764202200 1764202800 ACCEPT OK \n",
		"2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 119 1764202200 1764202800 ACCEPT OKAY\n",
		"2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 120 1764202200 1764202800 ACCEPT NODATA\n",
		"2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 121 1764202200 1764202800 ACCEPT OK extra\n",
		"2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 122 1764202200 1764202800 ACCEPT\n",
		"2 \xc3\xa9t\xc3\xa9 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 123 1764202200 1764202800 ACCEPT OK\n",
		"2 1 e1 10.1.11.5 52.94.0.10 40000 443 6 1 124 1764202200 1764202800 ACCEPT OK\n",
		"2 22 e1 10.1.11.5 52.94.0.10 40000 443 6 1 125 1764202200 1764202800 ACCEPT OK\n",
		"2 111122223333444455556666777788889999 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 126 1764202200 1764202800 ACCEPT OK\n",
		"2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 40000 443 6 1 127 1764202200 1764202900 REJECT OK\n",
		"2 1 eni-0123456789abcdef0123456789abcdef0 10.1.11.5 52.94.0.10 40000 443 6 1 128 1764202200 1764202800 ACCEPT OK\n",
	};
	char path[] = "/tmp/vpce-plan-simd-XXXXXX";
	FILE *f = temp_log(path);
	struct vpce_flowlog_stats s1, s2, s3;
	struct vpce_plan_result *r1, *r2, *r3;
	uint64_t simd;
	(void)state;
	for (size_t k = 0; k < sizeof(odd) / sizeof(odd[0]); k++) {
		for (int i = 0; i < 4; i++)
			fprintf(f, "2 1 eni-000000000000000a%d 10.1.10.%d 52.216.%d.%d %d 443 6 1 %zu 1764201600 1764202200 ACCEPT OK\n",
				i, 5 + i, (int)k, 200 + i, 40000 + i, 1000 * k + (size_t)i);
		fputs(odd[k], f);
	}
	for (int i = 0; i < 4; i++)
		fprintf(f, "2 1 eni-000000000000000a1 10.1.10.5 8.8.%d.8 40000 53 17 1 64 1764202800 1764203400 ACCEPT OK\n", i);
	fclose(f);
	simd = run_file(path, SCAN_SIMD, &s1, &r1);
	run_file(path, SCAN_READER, &s2, &r2);
	run_file(path, SCAN_SCALAR, &s3, &r3);
	unlink(path);
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2"))
		assert_true(simd >= 4 * sizeof(odd) / sizeof(odd[0]));
#endif
	(void)simd;
	assert_true(s2.malformed >= 10);
	assert_same_reading(&s1, r1, &s2, r2);
	assert_same_reading(&s3, r3, &s2, r2);
	vpce_plan_result_free(r1);
	vpce_plan_result_free(r2);
	vpce_plan_result_free(r3);
}

/* gzip input goes through the flowlog reader (inflate on a helper thread),
 * which hands plain runs of lines to plan's SIMD scanner through its hook:
 * the same statistics, issues and plan as the reader alone, with most
 * records taken by the scanner on an AVX2 CPU. */
static void test_gzip_through_reader_hook_matches_reader(void **state)
{
	char path[] = "/tmp/vpce-plan-gz-XXXXXX", gzpath[64];
	FILE *f = temp_log(path), *in;
	gzFile gz;
	char buf[4096];
	size_t n;
	struct vpce_flowlog_stats s1, s2;
	struct vpce_plan_result *r1, *r2;
	uint64_t simd;
	(void)state;
	for (int i = 0; i < 3000; i++) {
		if (i % 97 == 13)
			fputs("2 1 eni-000000000000000b1 10.1.11.5 52.94.0.10 65536 443 6 1 5 1764202200 1764202800 ACCEPT OK\n", f);
		else if (i % 89 == 11)
			fputs("2 1 eni-000000000000000a1 - - - - - - - 1764202200 1764202800 - NODATA\n", f);
		else
			fprintf(f, "2 1 eni-000000000000000a%d 10.1.10.%d 52.216.%d.%d %d 443 6 1 %d 1764201600 1764202200 ACCEPT OK\n",
				i % 3, 5 + i % 2, i % 200, i % 250, 40000 + i % 20000, 100 + i);
	}
	fclose(f);
	snprintf(gzpath, sizeof(gzpath), "%s.gz", path);
	in = fopen(path, "rb");
	gz = gzopen(gzpath, "wb6");
	assert_non_null(in);
	assert_non_null(gz);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(gzwrite(gz, buf, (unsigned)n), (int)n);
	fclose(in);
	assert_int_equal(gzclose(gz), Z_OK);
	unlink(path);
	simd = run_file(gzpath, SCAN_SIMD, &s1, &r1);
	run_file(gzpath, SCAN_READER, &s2, &r2);
	unlink(gzpath);
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2"))
		assert_true(simd > 2500);
#endif
	(void)simd;
	assert_true(s2.malformed >= 30);
	assert_same_reading(&s1, r1, &s2, r2);
	vpce_plan_result_free(r1);
	vpce_plan_result_free(r2);
}

/* One file over several threads (split at newlines, one aggregate per part,
 * merged in order): the same statistics, issue line numbers and plan as one
 * thread, for 2, 3 and 7 parts of a file with malformed lines, blank lines,
 * a repeated header and NODATA records scattered through it. */
static void test_split_file_matches_one_thread(void **state)
{
	char path[] = "/tmp/vpce-plan-split-XXXXXX";
	FILE *f = temp_log(path);
	struct vpce_flowlog_stats s1, s2;
	struct vpce_plan_result *r1, *r2;
	(void)state;
	for (int i = 0; i < 400; i++) {
		if (i % 37 == 5)
			fprintf(f, "2 1 eni-000000000000000b1 10.1.11.5 52.94.0.%d 40000 443 6 1 %d 1764202200\n", i % 250, i);
		else if (i % 53 == 7)
			fputs("\n", f);
		else if (i % 101 == 9)
			fputs(HDR_V2, f);
		else if (i % 41 == 3)
			fputs("2 1 eni-000000000000000a1 - - - - - - - 1764202200 1764202800 - NODATA\n", f);
		else
			fprintf(f, "2 1 eni-000000000000000a%d 10.1.10.%d 52.216.%d.%d %d 443 6 1 %d %d %d ACCEPT OK\n",
				i % 3, 5 + i % 2, i % 200, i % 250, 40000 + i, 100 + i, 1764201600 + 600 * (i / 100),
				1764202200 + 600 * (i / 100));
	}
	fclose(f);
	run_file_threads(path, SCAN_SIMD, 1, &s1, &r1);
	for (unsigned t = 2; t <= 7; t += t == 3 ? 4 : 1) {
		run_file_threads(path, SCAN_SIMD, t, &s2, &r2);
		assert_true(s2.malformed >= 10);
		assert_same_reading(&s2, r2, &s1, r1);
		vpce_plan_result_free(r2);
	}
	unlink(path);
	vpce_plan_result_free(r1);
}

/* traffic-path (v5) names the gateway when the record has it: 8 = internet
 * gateway, 7 = gateway endpoint, whatever the route table says (eni-a's
 * table sends 0.0.0.0/0 to the NAT gateway). */
static void test_traffic_path_field_wins(void **state)
{
	const char *text = "version interface-id srcaddr dstaddr bytes start end log-status traffic-path\n"
		"5 eni-000000000000000a1 10.1.10.5 52.216.10.20 1000 1764201600 1764205200 OK 7\n"
		"5 eni-000000000000000a1 10.1.10.5 8.8.8.8 2000 1764201600 1764205200 OK 8\n"
		"5 eni-000000000000000a1 10.1.10.5 52.94.0.10 4000 1764201600 1764205200 OK 1\n";
	struct vpce_plan_result *r = plan_text(text);
	const struct vpce_plan_traffic *s3 = row(r, "eni-000000000000000a1", S3E);
	const struct vpce_plan_traffic *net = row(r, "eni-000000000000000a1", NULL);
	const struct vpce_plan_traffic *ddb = row(r, "eni-000000000000000a1", "com.amazonaws.us-east-1.dynamodb");
	(void)state;
	assert_non_null(s3);
	assert_non_null(net);
	assert_non_null(ddb);
	assert_string_equal(s3->path, "gateway-endpoint");
	assert_string_equal(net->path, "internet-gateway");
	assert_string_equal(ddb->path, "nat-gateway"); /* 1 is ambiguous: the route decides */
	vpce_plan_result_free(r);
}

/* The seed snapshot (examples/seed/us-east-1): SQS interface endpoint
 * vpce-1750804c506963ca8 with ENIs 10.0.10.200 (us-east-1a) and
 * 10.0.11.200 (us-east-1b); seed-app-1's ENI eni-7b3d39a7e712f13a1
 * (10.0.10.4, us-east-1a); NAT gateway nat-a0c38f6d0511403cb. */
static struct vpce_plan_result *seed_plan(const char *text, struct vpce_model **mout)
{
	struct vpce_snapshot_options so = { NULL, NULL, NULL };
	struct vpce_model *m = NULL;
	struct vpce_plan_agg *a = NULL;
	struct vpce_plan_result *res = NULL;
	struct vpce_flowlog_stats st;
	struct vpce_error err;

	memset(&st, 0, sizeof(st));
	assert_int_equal(vpce_snapshot_load(VPCE_TEST_DATA "/../../examples/seed/us-east-1", &so, &m, &err), 0);
	assert_int_equal(vpce_plan_agg_new(m, R, &a, &err), 0);
	assert_int_equal(vpce_flowlog_parse_buffer(text, strlen(text), "t", NULL, vpce_plan_agg_cb, a, &st, &err), 0);
	assert_int_equal(vpce_plan_finish(a, P, &res, &err), 0);
	vpce_plan_agg_free(a);
	*mout = m; /* the result's strings point into the model: freed after it */
	return res;
}

/* Idle: the app's ENI is logged, nothing reaches the SQS endpoint's ENIs:
 * delete it, 2 AZ x $0.01 x 730 h = $14.60/month. */
static void test_idle_interface_endpoint_deleted(void **state)
{
	const char *text = HDR_V2
		"2 1 eni-7b3d39a7e712f13a1 10.0.10.4 52.94.0.10 40000 443 6 1 1000 1764201600 1764205200 ACCEPT OK\n";
	struct vpce_model *m;
	struct vpce_plan_result *r = seed_plan(text, &m);
	const struct vpce_plan_rec *d = rec(r, "com.amazonaws.us-east-1.sqs", "Interface");
	(void)state;
	assert_non_null(d);
	assert_int_equal(d->action, VPCE_PLAN_DELETE);
	assert_string_equal(d->endpoint, "vpce-1750804c506963ca8");
	assert_true(fabs(d->monthly_saving_usd - 14.60) < 1e-9);
	vpce_plan_result_free(r);
	vpce_model_free(m);
}

/* Cross-AZ to an endpoint that already has an ENI in the source AZ: 1e9 B/h
 * from us-east-1a to the us-east-1b ENI = 730 GB/month x 2 x $0.01 = $14.60
 * cross-AZ, reported as a note (no ENI to add); the endpoint is kept: it
 * costs 14.60 + 730 x 0.01 = $21.90 against 730 x 0.045 = $32.85 via NAT. */
static void test_cross_az_to_endpoint_with_eni_in_az(void **state)
{
	const char *text = HDR_V2
		"2 1 eni-7b3d39a7e712f13a1 10.0.10.4 10.0.11.200 40000 443 6 1 1000000000 1764201600 1764205200 ACCEPT OK\n";
	struct vpce_model *m;
	struct vpce_plan_result *r = seed_plan(text, &m);
	const struct vpce_plan_traffic *t = row(r, "eni-7b3d39a7e712f13a1", "com.amazonaws.us-east-1.sqs");
	bool noted = false;
	(void)state;
	assert_non_null(t);
	assert_true(t->cross_az);
	assert_string_equal(t->path, "interface-endpoint");
	assert_string_equal(t->via_az, "us-east-1b");
	assert_null(rec(r, "com.amazonaws.us-east-1.sqs", "Interface"));
	for (uint32_t i = 0; i < r->nnotes; i++)
		noted = noted || strstr(r->notes[i], "$14.60/month cross-AZ") != NULL;
	assert_true(noted);
	vpce_plan_result_free(r);
	vpce_model_free(m);
}

static void test_prices_errors_have_positions(void **state)
{
	struct vpce_prices *p = NULL;
	struct vpce_error err;
	const char *bad = "{\"regions\": {\"us-east-1\": {\n  \"nat_gateway_gb\": {\"usd\": -1}}}}";
	const char *tiers = "{\"regions\": {\"r\": {\"interface_endpoint_gb\": {\"tiers\": [{\"up_to_gb\": 5, \"usd\": 1}, {\"up_to_gb\": 4, \"usd\": 1}]}}}}";
	(void)state;
	assert_int_equal(vpce_prices_load_mem(bad, strlen(bad), "p.json", &p, &err), VPCE_EINVAL);
	assert_null(p);
	assert_int_equal(err.line, 2);
	assert_true(err.col > 0);
	assert_int_equal(vpce_prices_load_mem(tiers, strlen(tiers), "p.json", &p, &err), VPCE_EINVAL);
	assert_int_equal(vpce_prices_load_mem("{", 1, "p.json", &p, &err), VPCE_EPARSE);
	assert_int_equal(err.line, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gb_is_ten_to_the_ninth_bytes),
		cmocka_unit_test(test_interface_tiers_at_their_boundaries),
		cmocka_unit_test(test_nat_eni_both_legs_counted_once),
		cmocka_unit_test(test_workload_and_nat_eni_counted_once),
		cmocka_unit_test(test_nat_only_v2_logs_apportioned),
		cmocka_unit_test(test_multi_region_multi_az),
		cmocka_unit_test(test_window_scaling_and_confidence),
		cmocka_unit_test(test_interface_endpoint_break_even),
		cmocka_unit_test(test_fast_scanner_matches_reader),
		cmocka_unit_test(test_simd_scanner_matches_reader),
		cmocka_unit_test(test_split_file_matches_one_thread),
		cmocka_unit_test(test_gzip_through_reader_hook_matches_reader),
		cmocka_unit_test(test_cross_az_nat_note_compares_a_nat_per_az),
		cmocka_unit_test(test_traffic_path_field_wins),
		cmocka_unit_test(test_idle_interface_endpoint_deleted),
		cmocka_unit_test(test_cross_az_to_endpoint_with_eni_in_az),
		cmocka_unit_test(test_prices_errors_have_positions),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
