/* vpce plan — which endpoints pay off, measured from VPC Flow Logs. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "vpce/plan.h"
#include "vpce/snapshot.h"
#include "util/util.h"

void cmd_plan_help(FILE *out)
{
	fprintf(out,
		"usage: vpce plan SNAPSHOT --flow-logs PATH... [--format table|json] [--out plan.json]\n"
		"                 [--prices FILE] [--format-fields \"${version} ...\"] [--threads N]\n"
		"                 [--ip-ranges FILE] [--region R]\n\n"
		"Measures from VPC Flow Logs which traffic goes through NAT gateways, internet\n"
		"gateways and endpoints (each connection once), prices it per region, scales the\n"
		"window to a 730-hour month, and recommends gateway endpoints, interface endpoints,\n"
		"endpoint deletions and AZ changes with their monthly saving (docs/PLAN.md).\n\n"
		"  SNAPSHOT            a directory of AWS CLI describe-* JSON files, or one file\n"
		"  --flow-logs PATH... flow log files or directories (plain or gzip), or -\n"
		"  --format F          table (default) or json (the plan.json document)\n"
		"  --out FILE          also write plan.json to FILE\n"
		"  --prices FILE       prices (default: the bundled data/prices.json)\n"
		"  --format-fields F   field order of files without a header line\n"
		"  --threads N         files read in parallel (default: online cores, max 8)\n"
		"  --ip-ranges FILE    AWS ip-ranges.json (default: the bundled copy)\n"
		"  --region R          region when folder and AZ names don't tell\n\n"
		"Exit: 0 ran, 2 usage or input error (unreadable snapshot, bad prices file).\n");
}

static void note_skipped(void *ctx, const char *path, const char *why)
{
	(void)ctx;
	fprintf(stderr, "vpce: note: skipped %s: %s\n", path, why);
}

struct names {
	char **v;
	size_t n, a;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_files_push(const char *path, struct names *out)
{
	char *s = strdup(path);

	if (!s || VPCE_ARRAY_PUSH(out->v, out->n, out->a, s) != 0) {
		free(s);
		return -1;
	}
	return 0;
}

/* Files below path, recursively, in name order (so threads can share them). */
static int list_files(const char *path, struct names *out)
{
	struct stat sb;
	DIR *d;
	struct dirent *de;
	struct names here = { NULL, 0, 0 };
	int rc = 0;

	if (strcmp(path, "-") == 0 || stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return list_files_push(path, out);
	d = opendir(path);
	if (!d)
		return list_files_push(path, out);
	while ((de = readdir(d)) != NULL) {
		struct vpce_buf b = VPCE_BUF_INIT;
		char *s;
		if (de->d_name[0] == '.')
			continue;
		vpce_buf_printf(&b, "%s/%s", path, de->d_name);
		s = vpce_buf_detach(&b, NULL);
		if (!s || VPCE_ARRAY_PUSH(here.v, here.n, here.a, s) != 0) {
			free(s);
			rc = -1;
			break;
		}
	}
	closedir(d);
	if (here.n)
		qsort(here.v, here.n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < here.n; i++) {
		if (rc == 0 && list_files(here.v[i], out) != 0)
			rc = -1;
		free(here.v[i]);
	}
	free(here.v);
	return rc;
}

static int write_file(const char *path, const struct vpce_buf *b)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(b->ptr, 1, b->len, f) == b->len;
	ok = fclose(f) == 0 && ok;
	return ok ? 0 : -1;
}

int cmd_plan(int argc, char **argv)
{
	const char *snapshot = NULL, *format = "table", *outpath = NULL, *prices_path = NULL, *fields = NULL;
	const char *ipr_path = NULL, *region = NULL;
	const char **logs = NULL;
	size_t nlogs = 0, alogs = 0;
	struct names files = { NULL, 0, 0 };
	struct vpce_snapshot_options sopts = { NULL, note_skipped, NULL };
	struct vpce_model *m = NULL;
	struct vpce_ipranges *ipr = NULL;
	struct vpce_prices *prices = NULL;
	struct vpce_plan_agg *agg = NULL;
	struct vpce_plan_result *res = NULL;
	struct vpce_flowlog_format fmt;
	struct vpce_flowlog_opts fopts;
	struct vpce_flowlog_stats st;
	struct vpce_buf out = VPCE_BUF_INIT, json = VPCE_BUF_INIT;
	struct vpce_error err;
	long threads = 0;
	int rc = VPCE_EXIT_USAGE;

	memset(&fopts, 0, sizeof(fopts));
	memset(&st, 0, sizeof(st));
	vpce_error_clear(&err);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--flow-logs") == 0) {
			if (!val || (val[0] == '-' && val[1] == '-')) {
				rc = cli_usage("plan", "--flow-logs needs at least one PATH");
				goto out;
			}
			while (i + 1 < argc && !(argv[i + 1][0] == '-' && argv[i + 1][1] == '-'))
				if (VPCE_ARRAY_PUSH(logs, nlogs, alogs, argv[++i]) != 0)
					goto oom;
			continue;
		}
		if ((strcmp(a, "--format") == 0 || strcmp(a, "--out") == 0 || strcmp(a, "--prices") == 0 ||
		     strcmp(a, "--format-fields") == 0 || strcmp(a, "--threads") == 0 || strcmp(a, "--ip-ranges") == 0 ||
		     strcmp(a, "--region") == 0) && !val) {
			rc = cli_usage("plan", "%s needs a value", a);
			goto out;
		}
		if (strcmp(a, "--format") == 0) {
			if (strcmp(val, "table") != 0 && strcmp(val, "json") != 0) {
				rc = cli_usage("plan", "--format: expected table or json, got '%s'", val);
				goto out;
			}
			format = val;
		} else if (strcmp(a, "--out") == 0) {
			outpath = val;
		} else if (strcmp(a, "--prices") == 0) {
			prices_path = val;
		} else if (strcmp(a, "--format-fields") == 0) {
			fields = val;
		} else if (strcmp(a, "--ip-ranges") == 0) {
			ipr_path = val;
		} else if (strcmp(a, "--region") == 0) {
			region = val;
		} else if (strcmp(a, "--threads") == 0) {
			if (cli_parse_int(val, 1, 64, &threads) != 0) {
				rc = cli_usage("plan", "--threads: expected 1-64, got '%s'", val);
				goto out;
			}
		} else if (a[0] == '-' && a[1]) {
			rc = cli_usage("plan", "unknown option '%s'", a);
			goto out;
		} else if (!snapshot) {
			snapshot = a;
			continue;
		} else {
			rc = cli_usage("plan", "unexpected argument '%s'", a);
			goto out;
		}
		i++;
	}
	if (!snapshot) {
		rc = cli_usage("plan", "missing SNAPSHOT");
		goto out;
	}
	if (!nlogs) {
		rc = cli_usage("plan", "missing --flow-logs PATH");
		goto out;
	}
	if (fields) {
		if (vpce_flowlog_format_parse(fields, strlen(fields), &fmt, &err) != 0) {
			fprintf(stderr, "vpce plan: --format-fields:%u: %s\n", err.col, err.message);
			goto out;
		}
		fopts.format = &fmt;
	}
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n < 1 ? 1 : n > 8 ? 8 : n;
	}
	sopts.region = region;
	if (vpce_snapshot_load(snapshot, &sopts, &m, &err) != 0 || vpce_ipranges_load(ipr_path, &ipr, &err) != 0 ||
	    vpce_prices_load(prices_path, &prices, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	for (size_t i = 0; i < nlogs; i++) {
		struct stat sb;
		if (strcmp(logs[i], "-") != 0 && stat(logs[i], &sb) != 0) {
			fprintf(stderr, "vpce: %s: cannot read flow logs\n", logs[i]);
			goto out;
		}
		if (list_files(logs[i], &files) != 0)
			goto oom;
	}
	if (vpce_plan_agg_new(m, ipr, &agg, &err) != 0 ||
	    vpce_plan_read(agg, (const char *const *)files.v, files.n, &fopts, (unsigned)threads, &st, &err) != 0 ||
	    vpce_plan_finish(agg, prices, &res, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (strcmp(format, "json") == 0 || outpath) {
		char src[512];
		snprintf(src, sizeof(src), "%s (ip-ranges syncToken %s)", prices_path ? prices_path : "bundled data/prices.json",
			 vpce_ipranges_sync_token(ipr));
		if (vpce_plan_render_json(&json, res, &st, src) != 0)
			goto oom;
	}
	if (outpath && write_file(outpath, &json) != 0) {
		fprintf(stderr, "vpce: %s: cannot write\n", outpath);
		goto out;
	}
	if (strcmp(format, "json") == 0) {
		fwrite(json.ptr, 1, json.len, stdout);
	} else {
		if (vpce_plan_render_table(&out, res, &st) != 0)
			goto oom;
		fwrite(out.ptr, 1, out.len, stdout);
	}
	fflush(stdout);
	for (unsigned i = 0; i < st.n_issues; i++)
		fprintf(stderr, "vpce: warning: %s:%llu: %s\n", st.issues[i].file, (unsigned long long)st.issues[i].line,
			st.issues[i].message);
	if (st.malformed > st.n_issues)
		fprintf(stderr, "vpce: warning: %llu malformed flow log lines in all\n", (unsigned long long)st.malformed);
	rc = VPCE_EXIT_OK;
	goto out;
oom:
	fprintf(stderr, "vpce plan: out of memory\n");
	rc = VPCE_EXIT_USAGE;
out:
	vpce_buf_release(&out);
	vpce_buf_release(&json);
	for (size_t i = 0; i < files.n; i++)
		free(files.v[i]);
	free(files.v);
	free(logs);
	vpce_plan_result_free(res);
	vpce_plan_agg_free(agg);
	vpce_prices_free(prices);
	vpce_ipranges_free(ipr);
	vpce_model_free(m);
	return rc;
}
