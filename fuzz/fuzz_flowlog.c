/* libFuzzer harness: the flow log header parser, format parser, line parser
 * and buffer reader must accept or reject any bytes without crashing, and
 * the reader's counters must always add up. */
#include <stdint.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vpce/flowlog.h"

static int count_cb(void *ctx, const struct vpce_flow_record *recs, size_t n)
{
	size_t *total = ctx;

	for (size_t i = 0; i < n; i++) {
		/* touch every slice so ASan checks it points into the input */
		for (unsigned f = 0; f < VPCE_FF_COUNT; f++)
			if (recs[i].raw[f].ptr && recs[i].raw[f].len)
				*total += (unsigned char)recs[i].raw[f].ptr[recs[i].raw[f].len - 1];
	}
	*total += n;
	return 0;
}

/* The same bytes through the file reader: small text buffers (so lines
 * cross chunk boundaries and overlong lines happen; or the default buffer),
 * gzip when the input
 * starts with the gzip magic, with and without the inflate thread. */
static char path[64];

static void remove_file(void)
{
	unlink(path);
}

static void through_file(const uint8_t *data, size_t size)
{
	struct vpce_flowlog_stats st;
	struct vpce_flowlog_opts o;
	struct vpce_error err;
	size_t total = 0;
	int fd;

	if (!path[0]) {
		memcpy(path, "/tmp/fuzz_flowlog_XXXXXX", 25);
		fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
		atexit(remove_file);
	}
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
	memset(&o, 0, sizeof(o));
	/* last byte 0xff: the default 4 MiB buffer (gzip blocks then parsed in
	 * place by the helper-thread path); else tiny buffers */
	o.chunk = size && data[size - 1] == 0xff ? 0 : 64 + (size ? data[size - 1] : 0);
	o.batch = 5;
	o.no_threads = size > 1 && (data[size - 2] & 1);
	memset(&st, 0, sizeof(st));
	vpce_flowlog_read_path(path, &o, count_cb, &total, &st, &err);
	if (st.lines != st.records + st.malformed + st.unsupported_lines)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nl = memchr(s, '\n', size);
	size_t first = nl ? (size_t)(nl - s) : size;
	struct vpce_flowlog_format f;
	struct vpce_flow_record r;
	struct vpce_flowlog_stats st;
	struct vpce_flowlog_opts o;
	struct vpce_error err;
	size_t total = 0;
	unsigned bad;
	const char *why;

	/* the first line as a header, then every later line with that format */
	if (vpce_flowlog_header_parse(s, first, &f) != 1)
		vpce_flowlog_format_default(&f);
	for (const char *p = nl ? nl + 1 : s + size; p < s + size;) {
		const char *e = memchr(p, '\n', (size_t)(s + size - p));
		size_t n = e ? (size_t)(e - p) : (size_t)(s + size - p);
		if (vpce_flowlog_parse_line(&f, p, n, &r, &bad, &why) != 0 && bad > f.nfields)
			abort();
		p += n + 1;
	}
	/* the first line as a caller-given format */
	memset(&o, 0, sizeof(o));
	if (vpce_flowlog_format_parse(s, first, &f, &err) == 0)
		o.format = &f;
	/* the whole input through the reader, with a tiny batch */
	o.batch = 3;
	memset(&st, 0, sizeof(st));
	vpce_flowlog_parse_buffer(s, size, "fuzz", &o, count_cb, &total, &st, &err);
	if (st.lines != st.records + st.malformed + st.unsupported_lines)
		abort();
	if (st.n_issues > VPCE_FLOWLOG_ISSUES_KEPT)
		abort();
	through_file(data, size);
	return 0;
}
