/* vpce snapshot OUTDIR: capture every resource kind `vpce check` reads, as
 * the JSON `aws ec2 describe-… --output json` prints, one file per call under
 * OUTDIR/<account>/<region>/, plus OUTDIR/<account>/manifest.json. Regions
 * run in parallel threads; a failing region is recorded and the others go on.
 * Layout: docs/AWS.md. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "vpce/aws.h"
#include "vpce/json.h"
#include "vpce/snapshot.h"
#include "util/util.h"

#define MAX_REGIONS 64
#define MAX_THREADS 8

void cmd_snapshot_help(FILE *out)
{
	fprintf(out,
		"usage: vpce snapshot OUTDIR [--regions R,...|all] [--region R] [--profile P]\n"
		"                     [--endpoint-url URL] [--max-attempts N] [--timeout SECONDS]\n"
		"                     [--page-size N]\n\n"
		"Capture the VPC resources `vpce check` reads from the EC2 API, written exactly\n"
		"as `aws ec2 describe-... --output json` prints them, one file per call:\n"
		"  OUTDIR/<account>/<region>/Vpcs.json, Subnets.json, RouteTables.json,\n"
		"  SecurityGroups.json, NetworkAcls.json, VpcEndpoints.json, NatGateways.json,\n"
		"  InternetGateways.json, PrefixLists.json, ManagedPrefixLists.json,\n"
		"  Entries-<pl-id>.json, NetworkInterfaces.json, Reservations.json,\n"
		"  ServiceDetails.json, EnableDnsSupport-<vpc-id>.json, EnableDnsHostnames-<vpc-id>.json\n"
		"and OUTDIR/<account>/manifest.json (time, account, regions, counts, errors).\n\n"
		"  --regions R,...|all  regions to capture (default: the configured region);\n"
		"                       'all' asks DescribeRegions\n"
		"  --region R           the home region (STS, DescribeRegions, default)\n"
		"  --profile P          named profile from ~/.aws/config / ~/.aws/credentials\n"
		"  --endpoint-url URL   send every API call (EC2 and STS) to URL\n"
		"  --max-attempts N     attempts per call including retries (default 5)\n"
		"  --timeout SECONDS    per HTTP request (default 30)\n"
		"  --page-size N        MaxResults per page of paginated calls (default: the\n"
		"                       service's own page size)\n\n"
		"Credentials, region and endpoints are resolved like the AWS CLI (docs/AWS.md).\n"
		"Exit: 0 every region captured, 1 some regions failed (see manifest.json),\n"
		"2 usage error or nothing captured.\n");
}

struct region_job {
	char name[64];
	int status;                 /* 0 ok, else VPCE_E* */
	char error[VPCE_ERROR_MSG_MAX];
	struct vpce_capture_result r;
};

struct snap {
	const struct vpce_aws_session *session;
	const char *account_dir;
	int page_size;
	struct region_job *jobs;
	size_t njobs;
	size_t next;
	pthread_mutex_t lock;
};

static void progress(struct snap *s, const char *fmt, ...) VPCE_PRINTF(2, 3);
static void progress(struct snap *s, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&s->lock);
	fputs("vpce snapshot: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	pthread_mutex_unlock(&s->lock);
}

static void capture_progress(void *ud, const char *line)
{
	progress(ud, "%s", line);
}

static void *worker(void *arg)
{
	struct snap *s = arg;

	for (;;) {
		struct region_job *job;
		struct vpce_error err;
		pthread_mutex_lock(&s->lock);
		job = s->next < s->njobs ? &s->jobs[s->next++] : NULL;
		pthread_mutex_unlock(&s->lock);
		if (!job)
			return NULL;
		vpce_error_clear(&err);
		progress(s, "%s: started", job->name);
		{
			char dir[4096];
			struct vpce_capture_options co = { s->page_size, capture_progress, s, NULL, 0 };
			snprintf(dir, sizeof(dir), "%s/%s", s->account_dir, job->name);
			job->status = vpce_snapshot_capture_region(s->session, job->name, dir, &co,
								   &job->r, &err);
		}
		if (job->status) {
			vpce_error_format(&err, job->error, sizeof(job->error));
			progress(s, "%s: FAILED: %s", job->name, job->error);
		} else {
			progress(s, "%s: done (%u files, %u requests, %u retries)", job->name,
				 job->r.files, job->r.requests, job->r.retries);
		}
	}
}

static int add_region(struct region_job *jobs, size_t *n, const char *name, size_t len)
{
	if (len == 0 || len >= sizeof(jobs[0].name) || *n >= MAX_REGIONS)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '-'))
			return -1;
	for (size_t i = 0; i < *n; i++)
		if (strlen(jobs[i].name) == len && memcmp(jobs[i].name, name, len) == 0)
			return 0;
	memcpy(jobs[*n].name, name, len);
	jobs[*n].name[len] = 0;
	vpce_buf_init(&jobs[*n].r.counts, (size_t)1 << 20);
	(*n)++;
	return 0;
}

static int all_regions(const struct vpce_aws_session *session, const char *home,
		       struct region_job *jobs, size_t *n, struct vpce_error *err)
{
	struct vpce_aws_client *ec2 = NULL;
	struct vpce_xml_doc *doc = NULL;
	struct vpce_aws_param p = { "AllRegions", "false" };
	int rc;

	if ((rc = vpce_aws_client_new(session, "ec2", home, &ec2, err)) != 0)
		return rc;
	rc = vpce_aws_query(ec2, "DescribeRegions", "2016-11-15", &p, 1, &doc, err);
	if (rc == 0) {
		const struct vpce_xml_node *info = vpce_xml_child(vpce_xml_root(doc), "regionInfo");
		for (const struct vpce_xml_node *it = info ? info->child : NULL; it; it = it->next) {
			const struct vpce_xml_node *nm = vpce_xml_child(it, "regionName");
			if (nm && add_region(jobs, n, nm->text, nm->text_len) != 0) {
				rc = vpce_error_set(err, VPCE_EINVAL, "DescribeRegions: bad region '%.64s'",
						    nm->text);
				break;
			}
		}
	}
	vpce_xml_doc_free(doc);
	vpce_aws_client_free(ec2);
	return rc;
}

static int write_manifest(const char *dir, const char *account, const char *profile,
			  const char *endpoint, const struct region_job *jobs, size_t n,
			  const char *started, struct vpce_error *err)
{
	struct vpce_buf m = VPCE_BUF_INIT;
	char finished[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t nerr = 0;
	int rc;

	gmtime_r(&now, &tm);
	strftime(finished, sizeof(finished), "%Y-%m-%dT%H:%M:%SZ", &tm);
	vpce_buf_puts(&m, "{\n  \"format\": \"vpce-snapshot/1\",\n  \"tool\": \"vpce ");
	vpce_buf_puts(&m, vpce_version());
	vpce_buf_printf(&m, "\",\n  \"started\": \"%s\",\n  \"finished\": \"%s\",\n", started,
			finished);
	vpce_buf_puts(&m, "  \"account\": ");
	vpce_buf_put_json_str(&m, account);
	vpce_buf_puts(&m, ",\n  \"profile\": ");
	vpce_buf_put_json_str(&m, profile ? profile : "default");
	vpce_buf_puts(&m, ",\n  \"endpoint_url\": ");
	if (endpoint)
		vpce_buf_put_json_str(&m, endpoint);
	else
		vpce_buf_puts(&m, "null");
	vpce_buf_puts(&m, ",\n  \"regions\": {");
	for (size_t i = 0; i < n; i++) {
		vpce_buf_printf(&m, "%s\n    ", i ? "," : "");
		vpce_buf_put_json_str(&m, jobs[i].name);
		vpce_buf_printf(&m, ": {\"status\": \"%s\", \"files\": %u, \"requests\": %u, "
				    "\"retries\": %u, \"counts\": {%s}",
				jobs[i].status ? "error" : "ok", jobs[i].r.files, jobs[i].r.requests,
				jobs[i].r.retries, jobs[i].r.counts.ptr ? jobs[i].r.counts.ptr : "");
		if (jobs[i].status) {
			vpce_buf_puts(&m, ", \"error\": {\"code\": ");
			vpce_buf_put_json_str(&m, jobs[i].r.error_code);
			vpce_buf_puts(&m, ", \"message\": ");
			vpce_buf_put_json_str(&m, jobs[i].error);
			vpce_buf_putc(&m, '}');
		}
		vpce_buf_putc(&m, '}');
	}
	vpce_buf_puts(&m, "\n  },\n  \"errors\": [");
	for (size_t i = 0; i < n; i++) {
		if (!jobs[i].status)
			continue;
		vpce_buf_printf(&m, "%s\n    {\"region\": ", nerr++ ? "," : "");
		vpce_buf_put_json_str(&m, jobs[i].name);
		vpce_buf_puts(&m, ", \"code\": ");
		vpce_buf_put_json_str(&m, jobs[i].r.error_code);
		vpce_buf_puts(&m, ", \"message\": ");
		vpce_buf_put_json_str(&m, jobs[i].error);
		vpce_buf_putc(&m, '}');
	}
	vpce_buf_puts(&m, nerr ? "\n  ]\n}\n" : "]\n}\n");
	rc = m.failed ? vpce_error_set(err, VPCE_ENOMEM, "manifest too large")
		      : vpce_write_file_atomic(dir, "manifest.json", &m, err);
	vpce_buf_release(&m);
	return rc;
}

int cmd_snapshot(int argc, char **argv)
{
	struct vpce_aws_options opts;
	struct vpce_aws_session *session = NULL;
	struct vpce_aws_client *sts = NULL;
	struct vpce_error err;
	struct region_job *jobs = NULL;
	size_t njobs = 0, nfailed = 0;
	const char *outdir = NULL, *regions = NULL;
	char account[32], account_dir[4096], started[32];
	pthread_t threads[MAX_THREADS];
	size_t nthreads = 0;
	struct snap s;
	time_t now = time(NULL);
	struct tm tm;
	int ret = VPCE_EXIT_USAGE;
	long v;
	int page_size = 0;

	memset(&opts, 0, sizeof(opts));
	vpce_error_clear(&err);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--regions") == 0 && val) {
			regions = val;
			i++;
		} else if (strcmp(a, "--region") == 0 && val) {
			opts.region = val;
			i++;
		} else if (strcmp(a, "--profile") == 0 && val) {
			opts.profile = val;
			i++;
		} else if (strcmp(a, "--endpoint-url") == 0 && val) {
			opts.endpoint_url = val;
			i++;
		} else if (strcmp(a, "--max-attempts") == 0 && val) {
			if (cli_parse_int(val, 1, 100, &v) != 0)
				return cli_usage("snapshot", "--max-attempts wants 1..100");
			opts.max_attempts = (int)v;
			i++;
		} else if (strcmp(a, "--page-size") == 0 && val) {
			if (cli_parse_int(val, 5, 1000, &v) != 0)
				return cli_usage("snapshot", "--page-size wants 5..1000");
			page_size = (int)v;
			i++;
		} else if (strcmp(a, "--timeout") == 0 && val) {
			if (cli_parse_int(val, 1, 3600, &v) != 0)
				return cli_usage("snapshot", "--timeout wants 1..3600 seconds");
			opts.timeout_ms = v * 1000;
			i++;
		} else if (a[0] == '-' && a[1]) {
			return cli_usage("snapshot", "unknown or incomplete option '%s'", a);
		} else if (!outdir) {
			outdir = a;
		} else {
			return cli_usage("snapshot", "unexpected argument '%s'", a);
		}
	}
	if (!outdir)
		return cli_usage("snapshot", "OUTDIR is required");
	jobs = calloc(MAX_REGIONS, sizeof(*jobs));
	if (!jobs)
		return cli_fail(&err);
	gmtime_r(&now, &tm);
	strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", &tm);

	if (vpce_aws_session_new(&opts, &session, &err) != 0) {
		cli_fail(&err);
		goto out;
	}
	{
		const char *home = vpce_aws_session_region(session);
		if (!home && regions && strcmp(regions, "all") != 0) {
			size_t l = strcspn(regions, ",");
			static char first[64];
			snprintf(first, sizeof(first), "%.*s", (int)l, regions);
			home = first;
		}
		if (!home) {
			fprintf(stderr, "vpce snapshot: no region: use --region/--regions, AWS_REGION "
					"or 'region' in the profile\n");
			goto out;
		}
		if (vpce_aws_client_new(session, "sts", home, &sts, &err) != 0 ||
		    vpce_aws_account_id(sts, account, sizeof(account), &err) != 0) {
			char msg[2048];
			fprintf(stderr, "vpce snapshot: cannot identify the account (STS "
					"GetCallerIdentity): %s\n",
				vpce_error_format(&err, msg, sizeof(msg)));
			goto out;
		}
		if (!regions) {
			add_region(jobs, &njobs, home, strlen(home));
		} else if (strcmp(regions, "all") == 0) {
			if (all_regions(session, home, jobs, &njobs, &err) != 0) {
				cli_fail(&err);
				goto out;
			}
		} else {
			for (const char *p = regions; *p;) {
				size_t l = strcspn(p, ",");
				if (add_region(jobs, &njobs, p, l) != 0) {
					cli_usage("snapshot", "bad region in --regions: '%.*s'", (int)l,
						  p);
					goto out;
				}
				p += l;
				if (*p == ',')
					p++;
			}
		}
	}
	if (njobs == 0) {
		fprintf(stderr, "vpce snapshot: no regions to capture\n");
		goto out;
	}
	if ((size_t)snprintf(account_dir, sizeof(account_dir), "%s/%s", outdir, account) >=
		    sizeof(account_dir) ||
	    vpce_mkdir_p(account_dir) != 0) {
		fprintf(stderr, "vpce snapshot: cannot create %s/%s\n", outdir, account);
		goto out;
	}
	fprintf(stderr, "vpce snapshot: account %s, %zu region%s, credentials from %s\n", account,
		njobs, njobs == 1 ? "" : "s", vpce_aws_session_credential_source(session));

	memset(&s, 0, sizeof(s));
	s.session = session;
	s.account_dir = account_dir;
	s.page_size = page_size;
	s.jobs = jobs;
	s.njobs = njobs;
	pthread_mutex_init(&s.lock, NULL);
	for (size_t i = 0; i < njobs && i < MAX_THREADS; i++) {
		if (pthread_create(&threads[nthreads], NULL, worker, &s) != 0)
			break;
		nthreads++;
	}
	if (nthreads == 0)
		worker(&s);
	for (size_t i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&s.lock);

	for (size_t i = 0; i < njobs; i++)
		nfailed += jobs[i].status != 0;
	if (write_manifest(account_dir, account, vpce_aws_session_profile(session),
			   opts.endpoint_url, jobs, njobs, started, &err) != 0) {
		cli_fail(&err);
		goto out;
	}
	fprintf(stderr, "vpce snapshot: wrote %s (%zu of %zu regions ok)\n", account_dir,
		njobs - nfailed, njobs);
	printf("%s\n", account_dir);
	ret = nfailed == 0 ? VPCE_EXIT_OK : nfailed < njobs ? VPCE_EXIT_EXPECT : VPCE_EXIT_USAGE;
out:
	if (jobs)
		for (size_t i = 0; i < MAX_REGIONS; i++)
			vpce_buf_release(&jobs[i].r.counts);
	free(jobs);
	vpce_aws_client_free(sts);
	vpce_aws_session_free(session);
	return ret;
}
