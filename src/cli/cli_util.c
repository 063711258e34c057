#include <errno.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "vpce/buf.h"
#include "vpce/ipranges.h"
#include "vpce/path.h"
#include "util/util.h"

int cli_fail(const struct vpce_error *err)
{
	char msg[2048];

	fprintf(stderr, "vpce: %s\n", vpce_error_format(err, msg, sizeof(msg)));
	return VPCE_EXIT_USAGE;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vpce %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see 'vpce help %s')\n", cmd);
	return VPCE_EXIT_USAGE;
}

bool cli_use_color(FILE *f)
{
	const char *nc = getenv("NO_COLOR");

	if (nc && nc[0])
		return false;
	return isatty(fileno(f)) != 0;
}

int cli_parse_int(const char *s, long min, long max, long *out)
{
	return vpce_parse_long(s, strlen(s), min, max, out);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_init(struct cli_progress *p, const char *label)
{
	const char *nc = getenv("VPCE_NO_PROGRESS");

	p->label = label;
	p->tty = isatty(fileno(stderr)) != 0 && !(nc && nc[0]);
	p->shown = false;
	p->last = 0;
}

void cli_progress_cb(void *ctx, size_t done, size_t total)
{
	struct cli_progress *p = ctx;
	double t;

	if (!p || !p->tty)
		return;
	t = now_s();
	if (done < total && t - p->last < 0.1)
		return;
	p->last = t;
	p->shown = true;
	fprintf(stderr, "\r%s %zu/%zu", p->label, done, total);
	fflush(stderr);
}

void cli_progress_done(struct cli_progress *p)
{
	if (p && p->tty && p->shown) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
		p->shown = false;
	}
}

size_t cli_public_prefixes(void *vctx, const char *service, const char *region, const struct vpce_cidr **out)
{
	struct cli_ipr *x = vctx;

	if (!x->tried) {
		struct vpce_error err;
		x->tried = true;
		if (vpce_ipranges_load(x->path, &x->r, &err) != 0) {
			char msg[512];
			snprintf(x->failure, sizeof(x->failure),
				 "ip-ranges not available (%s): public addresses approximated",
				 vpce_error_format(&err, msg, sizeof(msg)));
			x->r = NULL;
		}
	}
	return x->r ? vpce_ipranges_prefixes(x->r, service, region, out) : 0;
}

int cli_snapshot_notes(const struct vpce_model *m, struct cli_ipr *x, const char ***out, size_t *n)
{
	const char **notes = NULL;
	size_t cnt = 0, alloc = 0;

	for (uint32_t i = 0; i < m->nnotes; i++)
		if (VPCE_ARRAY_PUSH(notes, cnt, alloc, m->notes[i]) != 0)
			goto oom;
	if (x->r) {
		snprintf(x->sync, sizeof(x->sync), "public service addresses from ip-ranges.json syncToken %s (%s)",
			 vpce_ipranges_sync_token(x->r), vpce_ipranges_create_date(x->r));
		if (VPCE_ARRAY_PUSH(notes, cnt, alloc, x->sync) != 0)
			goto oom;
	} else if (x->failure[0] && VPCE_ARRAY_PUSH(notes, cnt, alloc, x->failure) != 0) {
		goto oom;
	}
	*out = notes;
	*n = cnt;
	return 0;
oom:
	free(notes);
	return -1;
}

void cli_ipr_release(struct cli_ipr *x)
{
	vpce_ipranges_free(x->r);
	x->r = NULL;
}

extern char **environ;

int cli_check_all(struct vpce_engine *e, struct cli_paths *p, const char *what, struct vpce_error *err)
{
	struct vpce_source *sources = NULL;
	size_t nsources = 0;
	struct cli_progress prog;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = vpce_engine_default_sources(e, &sources, &nsources, err);
	if (rc == 0)
		rc = vpce_engine_default_services(e, &p->services, &p->nservices, err);
	if (rc)
		goto out;
	p->v = calloc(nsources * p->nservices + 1, sizeof(*p->v));
	p->src = calloc(nsources * p->nservices + 1, sizeof(*p->src));
	if (!p->v || !p->src) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto out;
	}
	cli_progress_init(&prog, what);
	for (size_t s = 0; s < nsources && rc == 0; s++) {
		for (size_t t = 0; t < p->nservices && rc == 0; t++) {
			rc = vpce_engine_check(e, &sources[s], p->services[t], &p->v[p->n], err);
			p->src[p->n] = sources[s];
			if (rc == 0)
				p->n++;
		}
		cli_progress_cb(&prog, s + 1, nsources);
	}
	cli_progress_done(&prog);
out:
	free(sources);
	if (rc)
		cli_paths_release(p);
	return rc;
}

void cli_paths_release(struct cli_paths *p)
{
	free(p->v);
	free(p->src);
	free(p->services);
	memset(p, 0, sizeof(*p));
}

int cli_run_dot(const char *format, const char *text, size_t len, struct vpce_buf *out, char *msg, size_t msglen)
{
	const char *tmp = getenv("TMPDIR");
	char in_path[1024], out_path[1024], fmt_arg[32];
	char *argv[] = { "dot", fmt_arg, in_path, "-o", out_path, NULL };
	struct vpce_error err;
	int fd_in = -1, fd_out = -1, status = 0, rc = -2;
	pid_t pid;
	FILE *f;

	if (!tmp || !tmp[0])
		tmp = "/tmp";
	snprintf(in_path, sizeof(in_path), "%s/vpce-dot-XXXXXX", tmp);
	snprintf(out_path, sizeof(out_path), "%s/vpce-out-XXXXXX", tmp);
	snprintf(fmt_arg, sizeof(fmt_arg), "-T%s", format);
	fd_in = mkstemp(in_path);
	fd_out = mkstemp(out_path);
	if (fd_in < 0 || fd_out < 0) {
		snprintf(msg, msglen, "cannot create a temporary file in %s: %s", tmp, strerror(errno));
		goto out;
	}
	f = fdopen(fd_in, "wb");
	if (!f) {
		snprintf(msg, msglen, "cannot write %s: %s", in_path, strerror(errno));
		goto out;
	}
	fd_in = -1;
	if (fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		snprintf(msg, msglen, "cannot write %s", in_path);
		goto out;
	}
	if (posix_spawnp(&pid, "dot", NULL, NULL, argv, environ) != 0) {
		snprintf(msg, msglen, "Graphviz 'dot' is not installed (Debian: apt-get install graphviz); "
				      "use --format dot");
		rc = -1;
		goto out;
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
			snprintf(msg, msglen, "Graphviz 'dot' is not installed (Debian: apt-get install graphviz); "
					      "use --format dot");
			rc = -1;
		} else {
			snprintf(msg, msglen, "dot -T%s failed (exit status %d)", format,
				 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		}
		goto out;
	}
	vpce_error_clear(&err);
	if (vpce_buf_read_file(out, out_path, &err) != 0) {
		snprintf(msg, msglen, "cannot read dot's output: %s", err.message);
		goto out;
	}
	rc = 0;
out:
	if (fd_in >= 0)
		close(fd_in);
	if (fd_out >= 0)
		close(fd_out);
	unlink(in_path);
	unlink(out_path);
	return rc;
}
