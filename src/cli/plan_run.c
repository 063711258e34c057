/* Shared by plan, audit and report: read flow logs against a model and
 * produce a plan result (the library does the work; this only wires files,
 * threads and the bundled data together). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "util/util.h"

struct names {
	char **v;
	size_t n, a;
};

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
		qsort(here.v, here.n, sizeof(char *), vpce_strcmp_ptr);
	for (size_t i = 0; i < here.n; i++) {
		if (rc == 0 && list_files(here.v[i], out) != 0)
			rc = -1;
		free(here.v[i]);
	}
	free(here.v);
	return rc;
}

int cli_plan_run(const struct vpce_model *m, const char *const *logs, size_t nlogs, const char *ipr_path,
		 const char *prices_path, const struct vpce_flowlog_opts *fopts, unsigned threads,
		 struct cli_plan_run *run)
{
	struct names files = { NULL, 0, 0 };
	struct vpce_error err;
	int rc = VPCE_EXIT_USAGE;

	vpce_error_clear(&err);
	if (threads == 0)
		threads = 2;
	if (vpce_ipranges_load(ipr_path, &run->ipr, &err) != 0 || vpce_prices_load(prices_path, &run->prices, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	for (size_t i = 0; i < nlogs; i++) {
		struct stat sb;
		if (strcmp(logs[i], "-") != 0 && stat(logs[i], &sb) != 0) {
			fprintf(stderr, "vpce: %s: cannot read flow logs\n", logs[i]);
			goto out;
		}
		if (list_files(logs[i], &files) != 0) {
			fprintf(stderr, "vpce: out of memory\n");
			goto out;
		}
	}
	if (vpce_plan_agg_new(m, run->ipr, &run->agg, &err) != 0 ||
	    vpce_plan_read(run->agg, (const char *const *)files.v, files.n, fopts, threads, &run->st, &err) != 0 ||
	    vpce_plan_finish(run->agg, run->prices, &run->res, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	rc = VPCE_EXIT_OK;
out:
	for (size_t i = 0; i < files.n; i++)
		free(files.v[i]);
	free(files.v);
	return rc;
}

void cli_plan_run_release(struct cli_plan_run *run)
{
	vpce_plan_result_free(run->res);
	vpce_plan_agg_free(run->agg);
	vpce_prices_free(run->prices);
	vpce_ipranges_free(run->ipr);
	memset(run, 0, sizeof(*run));
}

void cli_plan_warnings(const struct vpce_flowlog_stats *st)
{
	for (unsigned i = 0; i < st->n_issues; i++)
		fprintf(stderr, "vpce: warning: %s:%llu: %s\n", st->issues[i].file, (unsigned long long)st->issues[i].line,
			st->issues[i].message);
	if (st->malformed > st->n_issues)
		fprintf(stderr, "vpce: warning: %llu malformed flow log lines in all\n", (unsigned long long)st->malformed);
}
