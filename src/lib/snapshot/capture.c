/* vpce — capture one region's VPC resources as AWS CLI JSON files (the
 * describe-* calls `vpce check` reads). Used by `vpce snapshot` and by
 * `vpce apply` for its before/after check. Layout: docs/AWS.md. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "vpce/snapshot.h"
#include "vpce/json.h"
#include "util/util.h"

int vpce_mkdir_p(const char *path)
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
int vpce_write_file_atomic(const char *dir, const char *name, const struct vpce_buf *data,
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
struct cap {
	const struct vpce_capture_options *o;
	struct vpce_capture_result *job;
	const char *region;
};

static void cap_progress(struct cap *s, const char *fmt, ...) VPCE_PRINTF(2, 3);
static void cap_progress(struct cap *s, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!s->o || !s->o->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->o->progress(s->o->progress_ud, line);
}

static int capture(struct cap *s, struct vpce_capture_result *job, struct vpce_aws_client *ec2,
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
	rc = vpce_ec2_call_json(ec2, op, params, np, s->o ? s->o->page_size : 0, &out, err);
	if (rc == 0)
		rc = vpce_write_file_atomic(dir, file, &out, err);
	if (rc == 0)
		rc = vpce_json_parse(out.ptr, out.len, file, &doc, err);
	if (rc)
		goto out;
	job->files++;
	arr = vpce_json_get(vpce_json_root(doc), key);
	if (arr && arr->type == VPCE_JSON_ARRAY) {
		cap_progress(s, "%s: %s %u", s->region, file, (unsigned)arr->count);
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

int vpce_snapshot_capture_region(const struct vpce_aws_session *session, const char *region,
				 const char *dir, const struct vpce_capture_options *opts,
				 struct vpce_capture_result *job, struct vpce_error *err)
{
	struct cap cs = { opts, job, region };
	struct cap *s = &cs;
	struct vpce_aws_client *ec2 = NULL;
	struct vpce_json_doc *vpcs = NULL, *mpl = NULL;
	unsigned entries = 0;
	int rc;

	if (vpce_mkdir_p(dir) != 0)
		return vpce_error_set(err, VPCE_EIO, "%s: cannot create directory", dir);
	if ((rc = vpce_aws_client_new(session, "ec2", region, &ec2, err)) != 0)
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
		struct vpce_aws_param fp[1 + 2 * VPCE_CAPTURE_MAX_VPCS];
		char names[VPCE_CAPTURE_MAX_VPCS][40];
		size_t nfp = 0;
		snprintf(fname, sizeof(fname), "%s.json", file);
		/* only some VPCs: the per-VPC calls take a filter (EC2 API Reference,
		 * "Filter" of each Describe action: vpc-id; attachment.vpc-id for
		 * internet gateways; DescribeVpcs takes VpcId.N) */
		if (opts && opts->nvpc_ids && strcmp(c->key, "PrefixLists") != 0 &&
		    strcmp(c->key, "ServiceDetails") != 0) {
			bool vpcs_call = strcmp(c->op, "DescribeVpcs") == 0;
			if (!vpcs_call) {
				fp[nfp].name = "Filter.1.Name";
				fp[nfp++].value = strcmp(c->op, "DescribeInternetGateways") == 0
							  ? "attachment.vpc-id"
							  : "vpc-id";
			}
			for (size_t v = 0; v < opts->nvpc_ids && v < VPCE_CAPTURE_MAX_VPCS; v++) {
				snprintf(names[v], sizeof(names[v]),
					 vpcs_call ? "VpcId.%zu" : "Filter.1.Value.%zu", v + 1);
				fp[nfp].name = names[v];
				fp[nfp++].value = opts->vpc_ids[v];
			}
		}
		rc = capture(s, job, ec2, dir, c->op, c->key, fname, nfp ? fp : NULL, nfp, keep,
			     err);
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
