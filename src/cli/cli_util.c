#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
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

#include <time.h>
#include "vpce/ipranges.h"

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

void cli_ipr_release(struct cli_ipr *x)
{
	vpce_ipranges_free(x->r);
	x->r = NULL;
}
