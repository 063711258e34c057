/* VPC flow log reader: buffers, files, gzip, directories, stdin.
 *
 * Text is processed a chunk at a time: complete lines are split with memchr,
 * parsed in place into a batch of records, and the batch is handed to the
 * callback before the buffer is reused; the partial last line is moved to
 * the front. gzip input is inflated straight into the same buffer.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "vpce/flowlog.h"
#include "util/util.h"
#include "flowlog/internal.h"

#define DEFAULT_BATCH 256
#define DEFAULT_CHUNK ((size_t)4 << 20)
#define MAX_DEPTH 64

struct rd {
	const struct vpce_flowlog_format *user_fmt;
	vpce_flowlog_cb cb;
	void *ctx;
	struct vpce_flowlog_stats *st;
	struct vpce_error *err;
	struct vpce_flow_record *batch;
	size_t nbatch, batch_cap;
	size_t chunk;
	/* per file */
	const char *name;
	uint64_t lineno;
	struct vpce_flowlog_format fmt;
	bool seen_data;      /* a non-blank line was seen in this file */
	bool unsupported;    /* a Transit Gateway log */
	bool tgw_noted;
	bool skip_long;      /* discarding an over-long line up to its newline */
	int stop;            /* the callback's non-zero result */
};

static void issue(struct rd *rd, uint64_t line, const char *fmt, ...) VPCE_PRINTF(3, 4);
static void issue(struct rd *rd, uint64_t line, const char *fmt, ...)
{
	struct vpce_flowlog_issue *is;
	va_list ap;

	if (rd->st->n_issues >= VPCE_FLOWLOG_ISSUES_KEPT)
		return;
	is = &rd->st->issues[rd->st->n_issues++];
	vpce_strlcpy(is->file, rd->name, sizeof(is->file));
	is->line = line;
	va_start(ap, fmt);
	vsnprintf(is->message, sizeof(is->message), fmt, ap);
	va_end(ap);
}

static int flush(struct rd *rd)
{
	if (rd->nbatch && !rd->stop) {
		int rc = rd->cb ? rd->cb(rd->ctx, rd->batch, rd->nbatch) : 0;
		if (rc)
			rd->stop = rc;
	}
	rd->nbatch = 0;
	return rd->stop;
}

/* Records keep raw[] empty for fields outside the current format: after a
 * format change, wipe the batch slots (flushing what they hold first). */
static void set_format(struct rd *rd, const struct vpce_flowlog_format *f)
{
	if (memcmp(&rd->fmt, f, sizeof(*f)) == 0)
		return;
	flush(rd);
	rd->fmt = *f;
	memset(rd->batch, 0, rd->batch_cap * sizeof(*rd->batch));
}

static void file_begin(struct rd *rd, const char *name)
{
	struct vpce_flowlog_format f;

	rd->name = name;
	rd->lineno = 0;
	if (rd->user_fmt)
		f = *rd->user_fmt;
	else
		vpce_flowlog_format_default(&f);
	set_format(rd, &f);
	rd->seen_data = false;
	rd->unsupported = false;
	rd->tgw_noted = false;
	rd->skip_long = false;
	rd->st->files++;
}

static void mark_tgw(struct rd *rd)
{
	if (!rd->tgw_noted) {
		rd->tgw_noted = true;
		rd->st->files_unsupported++;
		issue(rd, rd->lineno, "Transit Gateway flow log: not supported (only VPC flow logs)");
	}
}

static bool looks_tgw(const char *s, size_t n)
{
	static const char pat[] = " tgw-attach-";
	for (size_t i = 0; i + sizeof(pat) - 1 <= n; i++) {
		const char *q = memchr(s + i, ' ', n - i);
		if (!q || (size_t)(q - s) + sizeof(pat) - 1 > n)
			return false;
		if (memcmp(q, pat, sizeof(pat) - 1) == 0)
			return true;
		i = (size_t)(q - s);
	}
	return false;
}

static void one_line(struct rd *rd, const char *s, size_t n)
{
	struct vpce_flow_record *r;
	unsigned bad = 0;
	const char *why = "";
	size_t k = n;

	rd->lineno++;
	while (k && (s[k - 1] == '\r' || s[k - 1] == ' ' || s[k - 1] == '\t'))
		k--;
	if (k == 0) {
		rd->st->blank++;
		return;
	}
	if (!rd->seen_data) {
		int h;

		struct vpce_flowlog_format hf;

		rd->seen_data = true;
		h = vpce_flowlog_header_parse(s, n, &hf);
		if (h == 1) {
			rd->st->headers++;
			set_format(rd, &hf);
			return;
		}
		if (h == VPCE_EUNSUPPORTED) {
			rd->st->headers++;
			rd->unsupported = true;
			mark_tgw(rd);
			return;
		}
	}
	rd->st->lines++;
	if (rd->unsupported) {
		rd->st->unsupported_lines++;
		return;
	}
	r = &rd->batch[rd->nbatch];
	if (vpce_flowlog_parse_line(&rd->fmt, s, n, r, &bad, &why) == 0) {
		r->line = rd->lineno;
		rd->st->records++;
		rd->st->ok += r->log_status == VPCE_STATUS_OK;
		rd->st->nodata += r->log_status == VPCE_STATUS_NODATA;
		rd->st->skipdata += r->log_status == VPCE_STATUS_SKIPDATA;
		if (++rd->nbatch == rd->batch_cap)
			flush(rd);
		return;
	}
	/* A header in the middle (concatenated S3 objects) switches the format. */
	{
		struct vpce_flowlog_format hf;
		int h = vpce_flowlog_header_parse(s, n, &hf);

		if (h == 1) {
			rd->st->lines--;
			rd->st->headers++;
			set_format(rd, &hf);
			return;
		}
		if (h == VPCE_EUNSUPPORTED || looks_tgw(s, n)) {
			if (h == VPCE_EUNSUPPORTED) {
				rd->st->lines--;
				rd->st->headers++;
				rd->unsupported = true;
			} else {
				rd->st->unsupported_lines++;
			}
			mark_tgw(rd);
			return;
		}
	}
	rd->st->malformed++;
	if (bad < rd->fmt.nfields) {
		unsigned fld = rd->fmt.fields[bad];
		issue(rd, rd->lineno, "field %u (%s): %s", bad + 1,
		      fld < VPCE_FF_COUNT ? vpce_flowlog_field_name(fld) : "unknown", why);
	} else {
		issue(rd, rd->lineno, "%s: expected %u", why, rd->fmt.nfields);
	}
}

/* Process the complete lines of buf[0..len); with final, the tail too.
 * Returns the number of bytes consumed. Flushes the batch before returning,
 * because the records point into buf. */
static size_t process(struct rd *rd, const char *buf, size_t len, bool final)
{
	const char *p = buf, *end = buf + len;

	rd->st->bytes_text += len; /* adjusted below for the unconsumed tail */
	while (p < end && !rd->stop) {
		const char *nl;

		/* Fast path: records parsed without a separate search for the
		 * line end. Anything unusual takes the general path below, which
		 * finds the line end and reports problems. */
		if (rd->seen_data && !rd->unsupported && !rd->skip_long) {
			struct vpce_flow_record *r = &rd->batch[rd->nbatch];
			const char *q = flowlog_parse_stream(&rd->fmt, p, end, r);

			if (q && (q < end || final)) {
				r->line = ++rd->lineno;
				rd->st->lines++;
				rd->st->records++;
				rd->st->ok += r->log_status == VPCE_STATUS_OK;
				rd->st->nodata += r->log_status == VPCE_STATUS_NODATA;
				rd->st->skipdata += r->log_status == VPCE_STATUS_SKIPDATA;
				if (++rd->nbatch == rd->batch_cap)
					flush(rd);
				p = q < end ? q + 1 : end;
				continue;
			}
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			if (!final)
				break;
			nl = end;
		}
		if (rd->skip_long) {
			rd->skip_long = false; /* the rest of an over-long line */
		} else {
			one_line(rd, p, (size_t)(nl - p));
		}
		p = nl < end ? nl + 1 : end;
	}
	flush(rd);
	rd->st->bytes_text -= (size_t)(end - p);
	return (size_t)(p - buf);
}

int vpce_flowlog_parse_buffer(const char *text, size_t len, const char *name,
			      const struct vpce_flowlog_opts *opts, vpce_flowlog_cb cb, void *ctx,
			      struct vpce_flowlog_stats *st, struct vpce_error *err)
{
	struct rd rd;
	struct vpce_flow_record *batch;
	size_t cap = opts && opts->batch ? opts->batch : DEFAULT_BATCH;

	memset(&rd, 0, sizeof(rd));
	batch = calloc(cap, sizeof(*batch));
	if (!batch)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	rd.user_fmt = opts ? opts->format : NULL;
	rd.cb = cb;
	rd.ctx = ctx;
	rd.st = st;
	rd.err = err;
	rd.batch = batch;
	rd.batch_cap = cap;
	file_begin(&rd, name ? name : "<buffer>");
	st->bytes_in += len;
	process(&rd, text, len, true);
	free(batch);
	return rd.stop;
}

/* ---- files ------------------------------------------------------------------------ */

static ssize_t read_some(int fd, char *buf, size_t n)
{
	for (;;) {
		ssize_t r = read(fd, buf, n);
		if (r >= 0 || errno != EINTR)
			return r;
	}
}

/* Fill buf[have..cap) as far as the input allows. Returns bytes added, or -1. */
static ssize_t read_full(int fd, char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read_some(fd, buf + got, n - got);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* The text buffer: cap bytes; have bytes are pending (a partial line). */
struct tbuf {
	char *p;
	size_t have, cap;
};

/* After adding text: process complete lines, keep the partial tail. */
static void consume(struct rd *rd, struct tbuf *t, bool final)
{
	size_t used = process(rd, t->p, t->have, final);

	if (used == 0 && t->have == t->cap) {
		/* one line fills the whole buffer: count it once, skip the rest */
		if (!rd->skip_long) {
			rd->lineno++;
			rd->st->lines++;
			rd->st->malformed++;
			issue(rd, rd->lineno, "line longer than %zu bytes", t->cap);
			rd->skip_long = true;
		}
		rd->st->bytes_text += t->have;
		used = t->have;
	}
	memmove(t->p, t->p + used, t->have - used);
	t->have -= used;
}

static int read_plain(struct rd *rd, int fd, struct tbuf *t)
{
	for (;;) {
		ssize_t r = read_full(fd, t->p + t->have, t->cap - t->have);
		if (r < 0)
			return vpce_error_set(rd->err, VPCE_EIO, "%s: read failed: %s", rd->name,
					      strerror(errno));
		rd->st->bytes_in += (uint64_t)r;
		t->have += (size_t)r;
		if (r == 0) {
			consume(rd, t, true);
			return rd->stop;
		}
		consume(rd, t, false);
		if (rd->stop)
			return rd->stop;
	}
}

static int refill(struct rd *rd, int fd, z_stream *z, char *in, size_t in_cap, bool *eof)
{
	ssize_t r = read_full(fd, in, in_cap);

	if (r < 0)
		return vpce_error_set(rd->err, VPCE_EIO, "%s: read failed: %s", rd->name,
				      strerror(errno));
	rd->st->bytes_in += (uint64_t)r;
	*eof = (size_t)r < in_cap;
	z->next_in = (Bytef *)in;
	z->avail_in = (uInt)r;
	return 0;
}

/* Inflate (possibly multi-member) gzip from fd into the text buffer. The
 * first nfirst bytes were already read (the magic check). */
static int read_gzip(struct rd *rd, int fd, struct tbuf *t, const char *first, size_t nfirst)
{
	z_stream z;
	char *in = NULL;
	size_t in_cap = (size_t)1 << 20;
	bool eof = false, member_done = false;
	int rc = 0, zrc;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return vpce_error_set(rd->err, VPCE_ENOMEM, "%s: zlib init failed", rd->name);
	if (in_cap < nfirst)
		in_cap = nfirst;
	in = malloc(in_cap);
	if (!in) {
		rc = vpce_error_set(rd->err, VPCE_ENOMEM, "out of memory");
		goto out;
	}
	memcpy(in, first, nfirst);
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)nfirst;
	for (;;) {
		if (z.avail_in == 0 && !eof && (rc = refill(rd, fd, &z, in, in_cap, &eof)) != 0)
			goto out;
		if (z.avail_in == 0 && eof)
			break;
		z.next_out = (Bytef *)(t->p + t->have);
		z.avail_out = (uInt)(t->cap - t->have);
		zrc = inflate(&z, Z_NO_FLUSH);
		t->have = t->cap - z.avail_out;
		member_done = false;
		if (zrc == Z_STREAM_END) {
			member_done = true;
			if (z.avail_in == 0 && !eof &&
			    (rc = refill(rd, fd, &z, in, in_cap, &eof)) != 0)
				goto out;
			if (z.avail_in == 0)
				break;
			/* another member follows (concatenated .gz files) */
			if (z.next_in[0] != 0x1f) {
				issue(rd, 0, "trailing bytes after the gzip stream ignored");
				break;
			}
			inflateReset(&z);
		} else if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
			consume(rd, t, true);
			t->have = 0;
			issue(rd, 0, "corrupt gzip data (%s); rest of file skipped",
			      z.msg ? z.msg : "inflate error");
			rc = rd->stop;
			goto out;
		}
		consume(rd, t, false);
		if (rd->stop)
			goto out;
	}
	consume(rd, t, true);
	if (!member_done && !rd->stop)
		issue(rd, 0, "gzip stream truncated");
	rc = rd->stop;
out:
	inflateEnd(&z);
	free(in);
	return rc;
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && memcmp(s + n - m, suf, m) == 0;
}

/* Read one open file (or stdin). */
static int read_fd(struct rd *rd, int fd, const char *name, struct tbuf *t)
{
	ssize_t r;

	file_begin(rd, name);
	t->have = 0;
	r = read_full(fd, t->p, 2);
	if (r < 0)
		return vpce_error_set(rd->err, VPCE_EIO, "%s: read failed: %s", name, strerror(errno));
	if (r == 2 && (unsigned char)t->p[0] == 0x1f && (unsigned char)t->p[1] == 0x8b) {
		char magic[2] = { t->p[0], t->p[1] };
		rd->st->bytes_in += 2;
		return read_gzip(rd, fd, t, magic, 2);
	}
	rd->st->bytes_in += (uint64_t)r;
	t->have = (size_t)r;
	return read_plain(rd, fd, t);
}

static int read_file(struct rd *rd, const char *path, struct tbuf *t)
{
	int fd, rc;

	if (has_suffix(path, ".parquet")) {
		const char *saved = rd->name;
		rd->name = path;
		rd->st->files++;
		rd->st->files_unsupported++;
		issue(rd, 0, "Parquet flow logs are not supported; deliver as plain text");
		rd->name = saved;
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vpce_error_set(rd->err, VPCE_EIO, "%s: cannot open: %s", path, strerror(errno));
	rc = read_fd(rd, fd, path, t);
	close(fd);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_any(struct rd *rd, const char *path, struct tbuf *t, int depth);

static int read_dir(struct rd *rd, const char *path, struct tbuf *t, int depth)
{
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, alloc = 0;
	int rc = 0;

	if (depth > MAX_DEPTH)
		return vpce_error_set(rd->err, VPCE_EIO, "%s: directories nested too deeply", path);
	d = opendir(path);
	if (!d)
		return vpce_error_set(rd->err, VPCE_EIO, "%s: cannot open directory: %s", path,
				      strerror(errno));
	while ((e = readdir(d)) != NULL) {
		char *full;
		size_t len;

		if (e->d_name[0] == '.')
			continue; /* ., .., hidden files */
		len = strlen(path) + strlen(e->d_name) + 2;
		full = malloc(len);
		if (!full) {
			rc = vpce_error_set(rd->err, VPCE_ENOMEM, "out of memory");
			goto out;
		}
		snprintf(full, len, "%s/%s", path, e->d_name);
		if (VPCE_ARRAY_PUSH(names, n, alloc, full) != 0) {
			free(full);
			rc = vpce_error_set(rd->err, VPCE_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = read_any(rd, names[i], t, depth + 1);
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

static int read_any(struct rd *rd, const char *path, struct tbuf *t, int depth)
{
	struct stat st;

	if (strcmp(path, "-") == 0)
		return read_fd(rd, 0, "<stdin>", t);
	if (stat(path, &st) != 0)
		return vpce_error_set(rd->err, VPCE_EIO, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return read_dir(rd, path, t, depth);
	if (!S_ISREG(st.st_mode) && depth > 0)
		return 0; /* sockets, fifos found while walking a tree */
	return read_file(rd, path, t);
}

int vpce_flowlog_read_path(const char *path, const struct vpce_flowlog_opts *opts,
			   vpce_flowlog_cb cb, void *ctx, struct vpce_flowlog_stats *st,
			   struct vpce_error *err)
{
	struct rd rd;
	struct tbuf t = { NULL, 0, 0 };
	int rc;

	memset(&rd, 0, sizeof(rd));
	rd.user_fmt = opts ? opts->format : NULL;
	rd.cb = cb;
	rd.ctx = ctx;
	rd.st = st;
	rd.err = err;
	rd.batch_cap = opts && opts->batch ? opts->batch : DEFAULT_BATCH;
	t.cap = opts && opts->chunk ? opts->chunk : DEFAULT_CHUNK;
	if (t.cap < 64)
		t.cap = 64;
	rd.batch = calloc(rd.batch_cap, sizeof(*rd.batch));
	t.p = malloc(t.cap);
	if (!rd.batch || !t.p) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto out;
	}
	rc = read_any(&rd, path, &t, 0);
out:
	free(rd.batch);
	free(t.p);
	return rc;
}
