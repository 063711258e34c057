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
	char error_code[128];
	char error[VPCE_ERROR_MSG_MAX];
	struct vpce_buf counts;     /* JSON object members "Key": n, ... */
	unsigned files;
	unsigned requests, retries;
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

static int mkdir_p(const char *path)
{
	char tmp[4096];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	}
	return mkdir(tmp, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* Write data to dir/name atomically (temporary file, then rename). */
static int write_file(const char *dir, const char *name, const struct vpce_buf *data,
		      struct vpce_error *err)
{
	char path[4096], tmp[4200];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return vpce_error_set(err, VPCE_EIO, "%s/%s: path too long", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	f = fopen(tmp, "wb");
	if (!f)
		return vpce_error_set(err, VPCE_EIO, "%s: cannot create (errno %d)", tmp, errno);
	if (fwrite(data->ptr ? data->ptr : "", 1, data->len, f) != data->len || fclose(f) != 0) {
		unlink(tmp);
		return vpce_error_set(err, VPCE_EIO, "%s: write failed", tmp);
	}
	if (rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return vpce_error_set(err, VPCE_EIO, "%s: cannot rename (errno %d)", path, e);
	}
	return 0;
}

struct call {
	const char *op;
	const char *key;   /* top-level key = file name */
};

static const struct call region_calls[] = {
	{ "DescribeVpcs", "Vpcs" },
	{ "DescribeSubnets", "Subnets" },
	{ "DescribeRouteTables", "RouteTables" },
	{ "DescribeSecurityGroups", "SecurityGroups" },
	{ "DescribeNetworkAcls", "NetworkAcls" },
	{ "DescribeVpcEndpoints", "VpcEndpoints" },
	{ "DescribeNatGateways", "NatGateways" },
	{ "DescribeInternetGateways", "InternetGateways" },
	{ "DescribePrefixLists", "PrefixLists" },
	{ "DescribeManagedPrefixLists", "PrefixLists" },
	{ "DescribeNetworkInterfaces", "NetworkInterfaces" },
	{ "DescribeInstances", "Reservations" },
	{ "DescribeVpcEndpointServices", "ServiceDetails" },
};

/* Call op, write file, add the count of root[key] to the job; *doc_out (if
 * non-NULL) receives the parsed JSON for the caller to walk. */
static int capture(struct snap *s, struct region_job *job, struct vpce_aws_client *ec2,
		   const char *dir, const char *op, const char *key, const char *file,
		   const struct vpce_aws_param *params, size_t np, struct vpce_json_doc **doc_out,
		   struct vpce_error *err)
{
	struct vpce_buf out = VPCE_BUF_INIT;
	struct vpce_json_doc *doc = NULL;
	const struct vpce_json *arr;
	int rc;

	if (doc_out)
		*doc_out = NULL;
	rc = vpce_ec2_call_json(ec2, op, params, np, s->page_size, &out, err);
	if (rc == 0)
		rc = write_file(dir, file, &out, err);
	if (rc == 0)
		rc = vpce_json_parse(out.ptr, out.len, file, &doc, err);
	if (rc)
		goto out;
	job->files++;
	arr = vpce_json_get(vpce_json_root(doc), key);
	if (arr && arr->type == VPCE_JSON_ARRAY) {
		progress(s, "%s: %s %u", job->name, file, (unsigned)arr->count);
		vpce_buf_printf(&job->counts, "%s\"%s\": %u", job->counts.len ? ", " : "", file,
				(unsigned)arr->count);
	}
	if (doc_out) {
		*doc_out = doc;
		doc = NULL;
	}
out:
	vpce_json_doc_free(doc);
	vpce_buf_release(&out);
	return rc;
}

static int run_region(struct snap *s, struct region_job *job, struct vpce_error *err)
{
	struct vpce_aws_client *ec2 = NULL;
	char dir[4096];
	struct vpce_json_doc *vpcs = NULL, *mpl = NULL;
	unsigned entries = 0;
	int rc;

	snprintf(dir, sizeof(dir), "%s/%s", s->account_dir, job->name);
	if (mkdir_p(dir) != 0)
		return vpce_error_set(err, VPCE_EIO, "%s: cannot create directory", dir);
	if ((rc = vpce_aws_client_new(s->session, "ec2", job->name, &ec2, err)) != 0)
		return rc;
	for (size_t i = 0; i < sizeof(region_calls) / sizeof(region_calls[0]); i++) {
		const struct call *c = &region_calls[i];
		const char *file = strcmp(c->op, "DescribeManagedPrefixLists") == 0
					   ? "ManagedPrefixLists"
					   : c->key;
		char fname[128];
		struct vpce_json_doc **keep = strcmp(c->op, "DescribeVpcs") == 0 ? &vpcs
					      : strcmp(file, "ManagedPrefixLists") == 0 ? &mpl
											: NULL;
		snprintf(fname, sizeof(fname), "%s.json", file);
		rc = capture(s, job, ec2, dir, c->op, c->key, fname, NULL, 0, keep, err);
		if (rc)
			goto out;
	}
	/* entries of every managed prefix list */
	vpce_json_foreach(pl, vpce_json_get(vpce_json_root(mpl), "PrefixLists")) {
		const char *id = vpce_json_get_str(pl, "PrefixListId");
		struct vpce_aws_param p = { "PrefixListId", id };
		struct vpce_json_doc *d = NULL;
		char fname[160];
		if (!id || strchr(id, '/'))
			continue;
		snprintf(fname, sizeof(fname), "Entries-%s.json", id);
		rc = capture(s, job, ec2, dir, "GetManagedPrefixListEntries", "Entries", fname, &p,
			     1, &d, err);
		if (rc)
			goto out;
		entries += vpce_json_get(vpce_json_root(d), "Entries")
				   ? vpce_json_get(vpce_json_root(d), "Entries")->count
				   : 0;
		vpce_json_doc_free(d);
	}
	/* DNS attributes of every VPC */
	vpce_json_foreach(v, vpce_json_get(vpce_json_root(vpcs), "Vpcs")) {
		static const char *attrs[2][2] = { { "enableDnsSupport", "EnableDnsSupport" },
						   { "enableDnsHostnames", "EnableDnsHostnames" } };
		const char *id = vpce_json_get_str(v, "VpcId");
		if (!id || strchr(id, '/'))
			continue;
		for (int a = 0; a < 2; a++) {
			struct vpce_aws_param p[2] = { { "VpcId", id }, { "Attribute", attrs[a][0] } };
			char fname[160];
			snprintf(fname, sizeof(fname), "%s-%s.json", attrs[a][1], id);
			rc = capture(s, job, ec2, dir, "DescribeVpcAttribute", attrs[a][1], fname, p,
				     2, NULL, err);
			if (rc)
				goto out;
		}
	}
	(void)entries;
	rc = 0;
out:
	if (ec2) {
		const struct vpce_aws_stats *st = vpce_aws_client_stats(ec2);
		job->requests = st->requests;
		job->retries = st->retries;
		if (rc)
			snprintf(job->error_code, sizeof(job->error_code), "%s",
				 vpce_aws_error_code(ec2));
	}
	vpce_json_doc_free(vpcs);
	vpce_json_doc_free(mpl);
	vpce_aws_client_free(ec2);
	return rc;
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
		job->status = run_region(s, job, &err);
		if (job->status) {
			vpce_error_format(&err, job->error, sizeof(job->error));
			progress(s, "%s: FAILED: %s", job->name, job->error);
		} else {
			progress(s, "%s: done (%u files, %u requests, %u retries)", job->name,
				 job->files, job->requests, job->retries);
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
	vpce_buf_init(&jobs[*n].counts, (size_t)1 << 20);
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
				jobs[i].status ? "error" : "ok", jobs[i].files, jobs[i].requests,
				jobs[i].retries, jobs[i].counts.ptr ? jobs[i].counts.ptr : "");
		if (jobs[i].status) {
			vpce_buf_puts(&m, ", \"error\": {\"code\": ");
			vpce_buf_put_json_str(&m, jobs[i].error_code);
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
		vpce_buf_put_json_str(&m, jobs[i].error_code);
		vpce_buf_puts(&m, ", \"message\": ");
		vpce_buf_put_json_str(&m, jobs[i].error);
		vpce_buf_putc(&m, '}');
	}
	vpce_buf_puts(&m, nerr ? "\n  ]\n}\n" : "]\n}\n");
	rc = m.failed ? vpce_error_set(err, VPCE_ENOMEM, "manifest too large")
		      : write_file(dir, "manifest.json", &m, err);
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
	    mkdir_p(account_dir) != 0) {
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
			vpce_buf_release(&jobs[i].counts);
	free(jobs);
	vpce_aws_client_free(sts);
	vpce_aws_session_free(session);
	return ret;
}
