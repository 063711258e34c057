/* VPC flow log reader: buffers, files, gzip, directories, stdin.
 *
 * Text is processed a buffer at a time: records are parsed in place
 * straight from the buffer (the parser finds each line's end), odd lines
 * go through memchr + the line parser, and each batch of records is handed
 * to the callback before the buffer is reused; the partial last line is
 * moved to the front. gzip input is inflated by a helper thread into a ring
 * of blocks that are copied into the same buffer (or, single-threaded,
 * inflated straight into it). The inflater is ISA-L's igzip when the build
 * found it (about twice zlib's speed on flow logs), else zlib; both check
 * each member's CRC and handle the same damaged-stream cases.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#ifdef VPCE_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "vpce/flowlog.h"
#include "util/util.h"
#include "flowlog/internal.h"

#define DEFAULT_BATCH 256
#define DEFAULT_CHUNK ((size_t)4 << 20)
/* Plain files are read this much at a time (the buffer still holds lines up
 * to the chunk size): the text is parsed while it is still in L2 after the
 * kernel copied it. */
#define READ_STEP ((size_t)128 << 10)
#define MAX_DEPTH 64

struct rd {
	const struct vpce_flowlog_format *user_fmt;
	vpce_flowlog_cb cb;
	void *ctx;
	struct vpce_flowlog_stats *st;
	struct vpce_error *err;
	struct vpce_flow_record *batch;
	size_t nbatch, batch_cap;
	/* per file */
	const char *name;
	uint64_t lineno;
	struct vpce_flowlog_format fmt;
	bool seen_data;      /* a non-blank line was seen in this file */
	bool unsupported;    /* a Transit Gateway log */
	bool tgw_noted;
	bool skip_long;      /* discarding an over-long line up to its newline */
	int stop;            /* the callback's non-zero result */
	bool threads;        /* inflate gzip on a helper thread */
	const struct flowlog_hook *hook; /* the consumer's own scanner, or NULL */
	unsigned hook_skip, hook_backoff; /* lines left to the reader; refusals in a row */
};

static void issue(struct rd *rd, uint64_t line, const char *fmt, ...) VPCE_PRINTF(3, 4);
static void issue(struct rd *rd, uint64_t line, const char *fmt, ...)
{
	struct vpce_flowlog_issue *is;
	va_list ap;

	if (rd->st->n_issues >= (line ? VPCE_FLOWLOG_LINE_ISSUES_KEPT : VPCE_FLOWLOG_ISSUES_KEPT))
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

/* A parsed record r (the batch's next slot) counted and kept. */
static inline void take(struct rd *rd, const struct vpce_flow_record *r)
{
	rd->st->records++;
	rd->st->ok += r->log_status == VPCE_STATUS_OK;
	rd->st->nodata += r->log_status == VPCE_STATUS_NODATA;
	rd->st->skipdata += r->log_status == VPCE_STATUS_SKIPDATA;
	if (++rd->nbatch == rd->batch_cap)
		flush(rd);
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
		take(rd, r);
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

		/* The consumer's scanner first (its records are added by it, so
		 * the reader's pending batch goes first to keep the file order). */
		if (rd->hook && rd->seen_data && !rd->unsupported && !rd->skip_long && rd->fmt.is_default) {
			uint64_t n = 0;
			const char *q;

			if (rd->hook_skip) {
				/* after refusals in a row, the next lines straight to us:
				 * a file of lines the hook never takes costs no flush
				 * and call per line */
				rd->hook_skip--;
			} else {
				if (rd->nbatch && flush(rd))
					break;
				q = rd->hook->scan(rd->hook->ctx, p, end, &n);
				if (n) {
					rd->hook_backoff = 0;
					rd->lineno += n;
					rd->st->lines += n;
					rd->st->records += n;
					rd->st->ok += n;
					p = q;
					if (p >= end)
						break;
					/* the line here is one the hook left: ours */
				} else {
					/* refusals in a row: the next 0, 1, 3, 7 ... 255 lines skip it */
					if (rd->hook_backoff < 9)
						rd->hook_backoff++;
					rd->hook_skip = (1u << (rd->hook_backoff - 1)) - 1;
				}
			}
		}
		/* Fast path: records parsed without a separate search for the
		 * line end. Anything unusual takes the general path below, which
		 * finds the line end and reports problems. */
		if (rd->seen_data && !rd->unsupported && !rd->skip_long) {
			struct vpce_flow_record *r = &rd->batch[rd->nbatch];
			const char *q = flowlog_parse_stream(&rd->fmt, p, end, r);

			if (q && (q < end || final)) {
				r->line = ++rd->lineno;
				rd->st->lines++;
				take(rd, r);
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
	return flowlog_parse_buffer_hooked(text, len, name, opts, cb, ctx, NULL, st, err);
}

int flowlog_parse_buffer_hooked(const char *text, size_t len, const char *name,
				const struct vpce_flowlog_opts *opts, vpce_flowlog_cb cb, void *ctx,
				const struct flowlog_hook *hook, struct vpce_flowlog_stats *st,
				struct vpce_error *err)
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
	rd.hook = hook;
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
		size_t room = t->cap - t->have;
		ssize_t r = read_full(fd, t->p + t->have, room < READ_STEP ? room : READ_STEP);
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

/* ---- gzip ---------------------------------------------------------------------- */

enum gz_status { GZ_OK, GZ_TRUNCATED, GZ_TRAILING, GZ_CORRUPT, GZ_IOERR, GZ_NOMEM };

/* An inflater over a file descriptor, producing text in caller buffers.
 * Used by one thread at a time (the reader, or its decompression thread). */
struct gz {
#ifdef VPCE_HAVE_ISAL
	struct inflate_state *is;
#else
	z_stream z;
#endif
	int fd;
	char *in;
	size_t in_cap;
	bool eof, member_done, finished;
	uint64_t bytes_in;
	int status;     /* enum gz_status, once finished */
	int err_no;
	char msg[96];
};

static bool gz_refill(struct gz *g)
{
	ssize_t r = read_full(g->fd, g->in, g->in_cap);

	if (r < 0) {
		g->err_no = errno;
		g->status = GZ_IOERR;
		g->finished = true;
		return false;
	}
	g->bytes_in += (uint64_t)r;
	g->eof = (size_t)r < g->in_cap;
#ifdef VPCE_HAVE_ISAL
	g->is->next_in = (uint8_t *)g->in;
	g->is->avail_in = (uint32_t)r;
#else
	g->z.next_in = (Bytef *)g->in;
	g->z.avail_in = (uInt)r;
#endif
	return true;
}

static int gz_init(struct gz *g, int fd, const char *first, size_t nfirst)
{
	memset(g, 0, sizeof(*g));
	g->fd = fd;
	g->in_cap = (size_t)1 << 20;
	g->in = malloc(g->in_cap);
	if (!g->in)
		return VPCE_ENOMEM;
	memcpy(g->in, first, nfirst);
#ifdef VPCE_HAVE_ISAL
	g->is = malloc(sizeof(*g->is));
	if (!g->is) {
		free(g->in);
		return VPCE_ENOMEM;
	}
	isal_inflate_init(g->is);
	g->is->crc_flag = ISAL_GZIP; /* parse the gzip header, check CRC-32 and size */
	g->is->next_in = (uint8_t *)g->in;
	g->is->avail_in = (uint32_t)nfirst;
#else
	if (inflateInit2(&g->z, 15 + 16) != Z_OK) {
		free(g->in);
		return VPCE_ENOMEM;
	}
	g->z.next_in = (Bytef *)g->in;
	g->z.avail_in = (uInt)nfirst;
#endif
	return 0;
}

static void gz_release(struct gz *g)
{
#ifdef VPCE_HAVE_ISAL
	free(g->is);
#else
	inflateEnd(&g->z);
#endif
	free(g->in);
}

#ifdef VPCE_HAVE_ISAL
static const char *isal_reason(int rc)
{
	switch (rc) {
	case ISAL_INVALID_BLOCK: return "invalid block";
	case ISAL_INVALID_SYMBOL: return "invalid code";
	case ISAL_INVALID_LOOKBACK: return "invalid distance too far back";
	case ISAL_INVALID_WRAPPER: return "incorrect header";
	case ISAL_UNSUPPORTED_METHOD: return "unknown compression method";
	case ISAL_INCORRECT_CHECKSUM: return "incorrect data check";
	case ISAL_NEED_DICT: return "needs a dictionary";
	default: return "inflate error";
	}
}

/* As the zlib version below, with ISA-L. A member is complete when igzip
 * reports ISAL_BLOCK_FINISH (trailer read and checked); input that ends
 * before that, once igzip makes no more progress, is a truncated stream. */
static bool gz_fill(struct gz *g, char *out, size_t cap, size_t *got)
{
	struct inflate_state *st = g->is;

	while (*got < cap && !g->finished) {
		uint32_t before;
		int rc;

		if (st->avail_in == 0 && !g->eof && !gz_refill(g))
			break;
		st->next_out = (uint8_t *)(out + *got);
		st->avail_out = (uint32_t)(cap - *got);
		before = st->avail_out;
		rc = isal_inflate(st);
		*got = cap - st->avail_out;
		if (rc < 0 || rc == ISAL_NEED_DICT) {
			g->finished = true;
			g->status = GZ_CORRUPT;
			vpce_strlcpy(g->msg, isal_reason(rc), sizeof(g->msg));
			break;
		}
		if (st->block_state == ISAL_BLOCK_FINISH) {
			g->member_done = true;
			if (st->avail_in == 0 && !g->eof && !gz_refill(g))
				break;
			if (st->avail_in == 0) {
				g->finished = true;
				g->status = GZ_OK;
				break;
			}
			/* another member follows (concatenated .gz files) */
			if (st->next_in[0] != 0x1f) {
				g->finished = true;
				g->status = GZ_TRAILING;
				break;
			}
			{
				uint8_t *next = st->next_in;
				uint32_t avail = st->avail_in;

				isal_inflate_reset(st);
				st->crc_flag = ISAL_GZIP;
				st->next_in = next;
				st->avail_in = avail;
			}
			continue;
		}
		g->member_done = false;
		if (st->avail_in == 0 && g->eof && st->avail_out == before) {
			g->finished = true;
			g->status = GZ_TRUNCATED;
			break;
		}
	}
	return !g->finished;
}
#else
/* Inflate into out[*got..cap) until it is full or the stream ends
 * (multi-member streams continue across members). Returns false once the
 * stream is finished; g->status then says how. */
static bool gz_fill(struct gz *g, char *out, size_t cap, size_t *got)
{
	while (*got < cap && !g->finished) {
		int zrc;

		if (g->z.avail_in == 0 && !g->eof && !gz_refill(g))
			break;
		if (g->z.avail_in == 0 && g->eof) {
			g->finished = true;
			g->status = g->member_done ? GZ_OK : GZ_TRUNCATED;
			break;
		}
		g->z.next_out = (Bytef *)(out + *got);
		g->z.avail_out = (uInt)(cap - *got);
		zrc = inflate(&g->z, Z_NO_FLUSH);
		*got = cap - g->z.avail_out;
		g->member_done = false;
		if (zrc == Z_STREAM_END) {
			g->member_done = true;
			if (g->z.avail_in == 0 && !g->eof && !gz_refill(g))
				break;
			if (g->z.avail_in == 0) {
				g->finished = true;
				g->status = GZ_OK;
				break;
			}
			/* another member follows (concatenated .gz files) */
			if (g->z.next_in[0] != 0x1f) {
				g->finished = true;
				g->status = GZ_TRAILING;
				break;
			}
			inflateReset(&g->z);
		} else if (zrc == Z_MEM_ERROR) {
			g->finished = true;
			g->status = GZ_NOMEM;
		} else if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
			g->finished = true;
			g->status = GZ_CORRUPT;
			vpce_strlcpy(g->msg, g->z.msg ? g->z.msg : "inflate error", sizeof(g->msg));
		}
	}
	return !g->finished;
}
#endif

/* Append n bytes of text to the text buffer, processing lines as it fills. */
static void feed(struct rd *rd, struct tbuf *t, const char *src, size_t n)
{
	size_t off = 0;

	while (off < n && !rd->stop) {
		size_t k = n - off < t->cap - t->have ? n - off : t->cap - t->have;
		memcpy(t->p + t->have, src + off, k);
		t->have += k;
		off += k;
		consume(rd, t, false);
	}
}

/* The decompress-ahead pipeline: a helper thread inflates into a ring of
 * blocks while the reader parses the previous ones. */
#define GZ_BLOCKS 4
#define GZ_BLOCK ((size_t)1 << 20)

struct gz_pipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct gz *g;
	char *blk[GZ_BLOCKS];
	size_t len[GZ_BLOCKS];
	unsigned head, count;
	bool done, cancel;
};

static void *gz_worker(void *arg)
{
	struct gz_pipe *pp = arg;
	unsigned tail = 0;

	for (;;) {
		size_t got = 0;
		bool more;

		pthread_mutex_lock(&pp->mu);
		while (pp->count == GZ_BLOCKS && !pp->cancel)
			pthread_cond_wait(&pp->cv, &pp->mu);
		if (pp->cancel) {
			pp->done = true;
			pthread_cond_broadcast(&pp->cv);
			pthread_mutex_unlock(&pp->mu);
			return NULL;
		}
		pthread_mutex_unlock(&pp->mu);
		more = gz_fill(pp->g, pp->blk[tail], GZ_BLOCK, &got);
		pthread_mutex_lock(&pp->mu);
		pp->len[tail] = got;
		pp->count++;
		tail = (tail + 1) % GZ_BLOCKS;
		if (!more)
			pp->done = true;
		pthread_cond_broadcast(&pp->cv);
		pthread_mutex_unlock(&pp->mu);
		if (!more)
			return NULL;
	}
}

/* A block from the helper thread: its complete lines are parsed where they
 * are (records point into the block, which the worker reuses only after
 * this returns); only a line crossing a block boundary is copied, through
 * the text buffer. Parsing in place is used only when the text buffer is
 * larger than a block, so every line inside a block is also short enough
 * for the buffer and over-long lines are found exactly as by feed(). */
static void feed_block(struct rd *rd, struct tbuf *t, const char *blk, size_t len)
{
	size_t off = 0, used;

	if (t->cap <= GZ_BLOCK) {
		feed(rd, t, blk, len);
		return;
	}
	if (t->have) {
		/* finish the pending line first */
		const char *nl = memchr(blk, '\n', len);

		if (!nl) {
			feed(rd, t, blk, len);
			return;
		}
		off = (size_t)(nl - blk) + 1;
		feed(rd, t, blk, off);
		if (t->have || rd->stop) {
			/* not expected (the line ended); stay on the copying path */
			feed(rd, t, blk + off, len - off);
			return;
		}
	}
	used = process(rd, blk + off, len - off, false);
	if (!rd->stop)
		feed(rd, t, blk + off + used, len - off - used); /* the partial last line */
}

/* Returns 0 when the pipeline ran (or was cut short by the callback), or
 * VPCE_ENOMEM / -1 when it could not start (the caller then inflates on
 * its own thread; nothing was consumed). */
static int gz_piped(struct rd *rd, struct tbuf *t, struct gz *g)
{
	struct gz_pipe pp;
	pthread_t th;
	int rc = 0;
	unsigned i;

	memset(&pp, 0, sizeof(pp));
	pp.g = g;
	for (i = 0; i < GZ_BLOCKS; i++) {
		pp.blk[i] = malloc(GZ_BLOCK);
		if (!pp.blk[i]) {
			rc = VPCE_ENOMEM;
			goto out;
		}
	}
	if (pthread_mutex_init(&pp.mu, NULL) != 0) {
		rc = -1;
		goto out;
	}
	if (pthread_cond_init(&pp.cv, NULL) != 0) {
		pthread_mutex_destroy(&pp.mu);
		rc = -1;
		goto out;
	}
	if (pthread_create(&th, NULL, gz_worker, &pp) != 0) {
		pthread_cond_destroy(&pp.cv);
		pthread_mutex_destroy(&pp.mu);
		rc = -1;
		goto out;
	}
	for (;;) {
		unsigned slot;

		pthread_mutex_lock(&pp.mu);
		while (pp.count == 0 && !pp.done)
			pthread_cond_wait(&pp.cv, &pp.mu);
		if (pp.count == 0) {
			pthread_mutex_unlock(&pp.mu);
			break;
		}
		slot = pp.head;
		pthread_mutex_unlock(&pp.mu);
		feed_block(rd, t, pp.blk[slot], pp.len[slot]);
		pthread_mutex_lock(&pp.mu);
		pp.head = (pp.head + 1) % GZ_BLOCKS;
		pp.count--;
		if (rd->stop)
			pp.cancel = true;
		pthread_cond_broadcast(&pp.cv);
		pthread_mutex_unlock(&pp.mu);
		if (rd->stop)
			break;
	}
	pthread_join(th, NULL);
	pthread_cond_destroy(&pp.cv);
	pthread_mutex_destroy(&pp.mu);
out:
	for (i = 0; i < GZ_BLOCKS; i++)
		free(pp.blk[i]);
	return rc;
}

/* Inflate (possibly multi-member) gzip from fd into the text buffer. The
 * first nfirst bytes were already read (the magic check). */
static int read_gzip(struct rd *rd, int fd, struct tbuf *t, const char *first, size_t nfirst,
		     bool threaded)
{
	struct gz g;
	int rc;

	if (gz_init(&g, fd, first, nfirst) != 0)
		return vpce_error_set(rd->err, VPCE_ENOMEM, "%s: zlib init failed", rd->name);
	rc = threaded ? gz_piped(rd, t, &g) : -1;
	if (rc != 0) {
		/* on this thread: inflate straight into the text buffer */
		for (;;) {
			size_t got = 0;
			bool more = gz_fill(&g, t->p + t->have, t->cap - t->have, &got);

			t->have += got;
			if (!more)
				break;
			consume(rd, t, false);
			if (rd->stop)
				break;
		}
	}
	rd->st->bytes_in += g.bytes_in;
	if (!rd->stop)
		consume(rd, t, true);
	t->have = 0;
	rc = rd->stop;
	if (!rd->stop) {
		switch (g.status) {
		case GZ_TRUNCATED:
			issue(rd, 0, "gzip stream truncated");
			break;
		case GZ_TRAILING:
			issue(rd, 0, "trailing bytes after the gzip stream ignored");
			break;
		case GZ_CORRUPT:
			issue(rd, 0, "corrupt gzip data (%s); rest of file skipped", g.msg);
			break;
		case GZ_IOERR:
			rc = vpce_error_set(rd->err, VPCE_EIO, "%s: read failed: %s", rd->name,
					    strerror(g.err_no));
			break;
		case GZ_NOMEM:
			rc = vpce_error_set(rd->err, VPCE_ENOMEM, "%s: out of memory inflating",
					    rd->name);
			break;
		default:
			break;
		}
	}
	gz_release(&g);
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
		return read_gzip(rd, fd, t, magic, 2, rd->threads);
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

static int read_any(struct rd *rd, const char *path, struct tbuf *t, int depth);

static int read_dir(struct rd *rd, const char *path, struct tbuf *t, int depth)
{
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, alloc = 0;
	int rc = 0;

	if (depth > MAX_DEPTH) {
		const char *saved = rd->name;
		rd->name = path;
		issue(rd, 0, "directories nested more than %d deep; not descended", MAX_DEPTH);
		rd->name = saved;
		return 0;
	}
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
		qsort(names, n, sizeof(*names), vpce_strcmp_ptr);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = read_any(rd, names[i], t, depth + 1);
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

/* The path the caller gave is followed if it is a symlink; inside a tree,
 * symlinks to files are read but symlinks to directories are not descended
 * (as `find` without -L): a link back up the tree would otherwise count the
 * same records again. */
static int read_any(struct rd *rd, const char *path, struct tbuf *t, int depth)
{
	struct stat st;

	if (strcmp(path, "-") == 0)
		return read_fd(rd, 0, "<stdin>", t);
	if ((depth > 0 ? lstat(path, &st) : stat(path, &st)) != 0)
		return vpce_error_set(rd->err, VPCE_EIO, "%s: %s", path, strerror(errno));
	if (S_ISLNK(st.st_mode)) {
		if (stat(path, &st) != 0)
			return 0; /* a dangling link */
		if (S_ISDIR(st.st_mode)) {
			const char *saved = rd->name;
			rd->name = path;
			issue(rd, 0, "symbolic link to a directory not followed");
			rd->name = saved;
			return 0;
		}
	}
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
	return flowlog_read_path_hooked(path, opts, cb, ctx, NULL, st, err);
}

int flowlog_read_path_hooked(const char *path, const struct vpce_flowlog_opts *opts, vpce_flowlog_cb cb,
			     void *ctx, const struct flowlog_hook *hook, struct vpce_flowlog_stats *st,
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
	rd.threads = !(opts && opts->no_threads);
	rd.hook = hook;
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
