/* bench_policy — policy evaluations per second on one core.
 *
 * Builds realistic endpoint policies of 10, 30 and 60 statements (data
 * perimeter Deny statements with IfExists conditions, per-bucket Allow
 * statements with org / principal / network conditions, NotAction and
 * variables) and evaluates a rotating set of requests against them.
 * Usage: bench_policy [cpu-seconds-per-size]   (default 1.0)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "vpce/buf.h"
#include "vpce/policy.h"

/* CPU time of this thread: the figure is evaluations per second of one
 * core even when the machine is shared with other work. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void build_policy(struct vpce_buf *b, int nstmt)
{
	vpce_buf_puts(b, "{\"Version\":\"2012-10-17\",\"Statement\":[");
	for (int i = 0; i < nstmt; i++) {
		if (i)
			vpce_buf_putc(b, ',');
		switch (i % 6) {
		case 0:
			vpce_buf_printf(b, "{\"Sid\":\"DenyOutsideOrg%d\",\"Effect\":\"Deny\",\"Principal\":\"*\","
				    "\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{"
				    "\"StringNotEqualsIfExists\":{\"aws:ResourceOrgID\":\"o-abcdefghij\"},"
				    "\"BoolIfExists\":{\"aws:PrincipalIsAWSService\":\"false\"},"
				    "\"ArnNotLikeIfExists\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:role/exempt-%d\"}}}", i, i);
			break;
		case 1:
			vpce_buf_printf(b, "{\"Sid\":\"ReadBucket%d\",\"Effect\":\"Allow\",\"Principal\":\"*\","
				    "\"Action\":[\"s3:GetObject\",\"s3:GetObjectVersion\",\"s3:ListBucket\"],"
				    "\"Resource\":[\"arn:aws:s3:::data-%d\",\"arn:aws:s3:::data-%d/*\"],"
				    "\"Condition\":{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-abcdefghij\"}}}", i, i, i);
			break;
		case 2:
			vpce_buf_printf(b, "{\"Sid\":\"WriteTeam%d\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
				    "[\"arn:aws:iam::123456789012:role/writer-%d\",\"210987654321\"]},"
				    "\"Action\":\"s3:Put*\",\"Resource\":\"arn:aws:s3:::team-%d/${aws:PrincipalTag/team}/*\","
				    "\"Condition\":{\"StringEquals\":{\"s3:x-amz-server-side-encryption\":\"aws:kms\"},"
				    "\"IpAddressIfExists\":{\"aws:SourceIp\":[\"10.0.0.0/8\",\"2001:db8::/32\"]}}}", i, i, i);
			break;
		case 3:
			vpce_buf_printf(b, "{\"Sid\":\"Tags%d\",\"Effect\":\"Allow\",\"Principal\":\"*\","
				    "\"Action\":[\"dynamodb:GetItem\",\"dynamodb:Query\",\"dynamodb:BatchGet*\"],"
				    "\"Resource\":\"arn:aws:dynamodb:us-east-1:123456789012:table/t%d*\","
				    "\"Condition\":{\"ForAllValues:StringLike\":{\"aws:TagKeys\":[\"app-*\",\"Name\"]},"
				    "\"StringEqualsIgnoreCase\":{\"aws:PrincipalTag/env\":\"prod\"}}}", i, i);
			break;
		case 4:
			vpce_buf_printf(b, "{\"Sid\":\"DenyTls%d\",\"Effect\":\"Deny\",\"Principal\":\"*\","
				    "\"NotAction\":[\"s3:Get*\",\"s3:List*\"],\"Resource\":\"arn:aws:s3:::data-*\","
				    "\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"},"
				    "\"DateGreaterThan\":{\"aws:CurrentTime\":\"2025-0%d-01T00:00:00Z\"}}}", i, 1 + i % 9);
			break;
		default:
			vpce_buf_printf(b, "{\"Sid\":\"Services%d\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
				    "[\"cloudtrail.amazonaws.com\",\"config.amazonaws.com\"]},\"Action\":\"s3:PutObject\","
				    "\"Resource\":\"arn:aws:s3:::logs-%d/AWSLogs/*\",\"Condition\":{\"NumericLessThanEquals\":"
				    "{\"s3:max-keys\":\"1000\"},\"StringLike\":{\"aws:SourceArn\":\"arn:aws:cloudtrail:*:123456789012:trail/*\"}}}", i, i);
			break;
		}
	}
	vpce_buf_puts(b, "]}");
}

#define NREQ 8

static void build_requests(struct vpce_policy_request *r, int nstmt, char res[NREQ][96])
{
	static const char *actions[NREQ] = { "s3:GetObject", "s3:PutObject", "s3:ListBucket",
					     "dynamodb:Query", "s3:DeleteObject", "s3:PutObject",
					     "sqs:SendMessage", "s3:GetObjectVersion" };
	static const char *principals[NREQ] = {
		"arn:aws:iam::123456789012:role/app", "arn:aws:iam::123456789012:role/writer-2",
		"arn:aws:sts::123456789012:assumed-role/reader/s", "arn:aws:iam::123456789012:user/u",
		"arn:aws:iam::999999999999:role/x", "cloudtrail.amazonaws.com",
		"arn:aws:iam::123456789012:role/app", "arn:aws:iam::210987654321:role/y" };

	for (int i = 0; i < NREQ; i++) {
		int k = (i * 7 + 1) % (nstmt > 0 ? nstmt : 1);
		vpce_policy_request_init(&r[i]);
		switch (i % 4) {
		case 0: snprintf(res[i], 96, "arn:aws:s3:::data-%d/reports/2025/q1.csv", k - k % 6 + 1); break;
		case 1: snprintf(res[i], 96, "arn:aws:s3:::team-%d/red/file", k - k % 6 + 2); break;
		case 2: snprintf(res[i], 96, "arn:aws:dynamodb:us-east-1:123456789012:table/t%d-orders", k - k % 6 + 3); break;
		default: snprintf(res[i], 96, "arn:aws:s3:::logs-%d/AWSLogs/123456789012/x", k - k % 6 + 5); break;
		}
		vpce_policy_request_set_action(&r[i], actions[i]);
		vpce_policy_request_set_resource(&r[i], res[i]);
		vpce_policy_request_set_principal(&r[i], principals[i]);
		vpce_policy_request_add(&r[i], "aws:PrincipalOrgID", i == 4 ? "o-zzzzzzzzzz" : "o-abcdefghij");
		vpce_policy_request_add(&r[i], "aws:ResourceOrgID", "o-abcdefghij");
		vpce_policy_request_add(&r[i], "aws:SecureTransport", i == 4 ? "false" : "true");
		vpce_policy_request_add(&r[i], "aws:SourceVpce", "vpce-0123456789abcdef0");
		vpce_policy_request_add(&r[i], "aws:CurrentTime", "2025-06-01T12:00:00Z");
		vpce_policy_request_add(&r[i], "aws:PrincipalTag/team", "red");
		vpce_policy_request_add(&r[i], "aws:PrincipalTag/env", "Prod");
		vpce_policy_request_add(&r[i], "aws:TagKeys", "app-x");
		vpce_policy_request_add(&r[i], "aws:TagKeys", "Name");
		vpce_policy_request_add(&r[i], "s3:x-amz-server-side-encryption", "aws:kms");
		vpce_policy_request_add(&r[i], "aws:SourceArn", "arn:aws:cloudtrail:us-east-1:123456789012:trail/main");
		vpce_policy_request_add(&r[i], "s3:max-keys", "100");
	}
}

int main(int argc, char **argv)
{
	static struct vpce_policy_request reqs[NREQ];
	static char res[NREQ][96];
	const int sizes[] = { 10, 30, 60 };
	double secs = argc > 1 ? strtod(argv[1], NULL) : 1.0;

	if (secs <= 0)
		secs = 1.0;
	printf("%-10s %-14s %-16s %s\n", "statements", "evaluations", "evals/s", "decisions (allow/explicit/implicit)");
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct vpce_buf b = VPCE_BUF_INIT;
		struct vpce_policy *p = NULL;
		struct vpce_error err;
		struct vpce_policy_decision d;
		unsigned long n = 0, counts[3] = { 0, 0, 0 };
		double t0, t1;

		build_policy(&b, sizes[s]);
		if (vpce_policy_parse(b.ptr, b.len, "bench", &p, &err) != 0) {
			fprintf(stderr, "bench policy does not parse: %u:%u: %s\n", err.line, err.col, err.message);
			return 1;
		}
		build_requests(reqs, sizes[s], res);
		t0 = now();
		do {
			for (int k = 0; k < 4096; k++) {
				vpce_policy_eval(p, &reqs[k & (NREQ - 1)], &d);
				counts[d.result]++;
			}
			n += 4096;
			t1 = now();
		} while (t1 - t0 < secs);
		printf("%-10d %-14lu %-16.0f %lu/%lu/%lu\n", sizes[s], n, (double)n / (t1 - t0),
		       counts[VPCE_POLICY_ALLOW], counts[VPCE_POLICY_EXPLICIT_DENY],
		       counts[VPCE_POLICY_IMPLICIT_DENY]);
		vpce_policy_free(p);
		vpce_buf_release(&b);
	}
	return 0;
}
