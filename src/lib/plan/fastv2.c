/* plan's fast path for plain files in the v2 default format: the file is
 * mapped, each line is scanned once for exactly what plan keeps
 * (interface-id, srcaddr, dstaddr, bytes, start, end, action, log-status) and
 * added to the aggregate without building a struct vpce_flow_record. Every
 * line this scanner does not accept as a plain v2 record ("-" values, NODATA,
 * IPv6, a mid-file header, anything malformed) goes through the public
 * reader (vpce_flowlog_parse_buffer) on that line, so counts, issues
 * (file:line) and records are the reader's; a format change or a Transit
 * Gateway header hands the rest of the file to the reader. Files it does not
 * take (gzip, another format, not a regular file) return 1 untouched. The
 * equivalence with the reader is tested (tests/lib/plan/test_plan.c). */
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "plan_int.h"

/* Eight ASCII digits at p as a number, or -1 when they are not all digits
 * (little-endian loads: the first byte is the lowest). */
static inline int64_t eight_digits(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	if ((w & 0xf0f0f0f0f0f0f0f0ull) != 0x3030303030303030ull ||
	    ((w + 0x0606060606060606ull) & 0xf0f0f0f0f0f0f0f0ull) != 0x3030303030303030ull)
		return -1;
	w -= 0x3030303030303030ull;
	w = w * 10 + (w >> 8);                                   /* pairs: d0d1, d2d3, ... in bytes 0, 2, 4, 6 */
	w = ((w & 0x000000ff000000ffull) * (100 + (1000000ull << 32)) +
	     ((w >> 16) & 0x000000ff000000ffull) * (1 + (10000ull << 32))) >> 32;
	return (int64_t)w;
}

static inline const char *digits(const char *p, const char *e, uint64_t *out)
{
	const char *s = p;
	uint64_t v = 0;

	if (e - p > 8) {
		int64_t d8 = eight_digits(p);
		if (d8 >= 0) {
			v = (uint64_t)d8;
			p += 8;
		}
	}
	while (p < e && (unsigned)(*p - '0') < 10)
		v = v * 10 + (uint64_t)(*p++ - '0');
	if (p == s || p - s > 19 || (p - s > 1 && *s == '0') || p == e || *p != ' ')
		return NULL;
	*out = v;
	return p + 1;
}

static inline const char *octet(const char *p, const char *e, uint32_t *v, char sep)
{
	unsigned x = 0, n = 0;

	while (p < e && (unsigned)(*p - '0') < 10 && n < 4) {
		x = x * 10 + (unsigned)(*p++ - '0');
		n++;
	}
	if (n == 0 || n > 3 || x > 255 || (n > 1 && p[-(int)n] == '0') || p == e || *p != sep)
		return NULL;
	*v = *v << 8 | x;
	return p + 1;
}

static inline const char *quad(const char *p, const char *e, uint32_t *out)
{
	uint32_t v = 0;

	if (!(p = octet(p, e, &v, '.')) || !(p = octet(p, e, &v, '.')) || !(p = octet(p, e, &v, '.')) ||
	    !(p = octet(p, e, &v, ' ')))
		return NULL;
	*out = v;
	return p;
}

static inline const char *token(const char *p, const char *e, const char **s, size_t *n)
{
	const char *q = p;

	while (q < e && *q != ' ' && *q != '\t')
		q++;
	if (q == p || q == e || *q != ' ' || (q - p == 1 && *p == '-'))
		return NULL;
	*s = p;
	*n = (size_t)(q - p);
	return q + 1;
}

/* 0: parsed into *o; 1: not a plain v2 OK record (the reader decides). */
static int fast_line(const char *p, const char *e, struct plan_v4 *o)
{
	const char *acct, *id;
	size_t nacct, nid;
	uint64_t ver, sp, dp, proto, pk, by, st, en;
	uint32_t src, dst;

	if (!(p = digits(p, e, &ver)) || !(p = token(p, e, &acct, &nacct)) || !(p = token(p, e, &id, &nid)) ||
	    !(p = quad(p, e, &src)) || !(p = quad(p, e, &dst)) || !(p = digits(p, e, &sp)) || !(p = digits(p, e, &dp)) ||
	    !(p = digits(p, e, &proto)) || !(p = digits(p, e, &pk)) || !(p = digits(p, e, &by)) ||
	    !(p = digits(p, e, &st)) || !(p = digits(p, e, &en)))
		return 1;
	if (sp > 65535 || dp > 65535 || proto > 255)
		return 1;
	if (e - p == 9 && memcmp(p, "ACCEPT OK", 9) == 0) {
	} else if (e - p == 9 && memcmp(p, "REJECT OK", 9) == 0) {
	} else {
		return 1;
	}
	(void)acct;
	(void)nacct;
	(void)ver;
	o->id = id;
	o->idlen = nid;
	o->src = src;
	o->dst = dst;
	o->bytes = by;
	o->start = st;
	o->end = en;
	return 0;
}

#define PENDING 256

/* The reader notes a Transit Gateway file once (issue + files_unsupported);
 * lines handed to it one at a time must not note it again. */
static void add_stats(struct vpce_flowlog_stats *to, const struct vpce_flowlog_stats *f, uint64_t line_base,
		      const char *name, bool *tgw_noted)
{
	bool tgw_here = f->files_unsupported > 0;

	to->lines += f->lines;
	to->records += f->records;
	to->ok += f->ok;
	to->nodata += f->nodata;
	to->skipdata += f->skipdata;
	to->malformed += f->malformed;
	to->unsupported_lines += f->unsupported_lines;
	to->headers += f->headers;
	to->blank += f->blank;
	if (tgw_here && !*tgw_noted)
		to->files_unsupported++;
	for (unsigned i = 0; i < f->n_issues && to->n_issues < VPCE_FLOWLOG_ISSUES_KEPT; i++) {
		struct vpce_flowlog_issue *is;
		if (tgw_here && *tgw_noted && strncmp(f->issues[i].message, "Transit Gateway flow log", 24) == 0)
			continue;
		/* Same caps as the reader: line issues stop at LINE_ISSUES_KEPT. */
		if (f->issues[i].line && to->n_issues >= VPCE_FLOWLOG_LINE_ISSUES_KEPT)
			continue;
		is = &to->issues[to->n_issues++];
		*is = f->issues[i];
		snprintf(is->file, sizeof(is->file), "%s", name);
		if (is->line)
			is->line += line_base;
	}
	if (tgw_here)
		*tgw_noted = true;
}

int plan_fast_buffer(struct vpce_plan_agg *a, const char *map, size_t size, const char *path,
		     const struct vpce_flowlog_opts *opts, struct vpce_flowlog_stats *st, struct vpce_error *err)
{
	const char *p, *end;
	struct vpce_flowlog_format def, hf;
	struct vpce_flowlog_stats file_st;
	uint64_t lineno = 0;
	struct plan_v4 pend[PENDING];
	size_t npend = 0;
	bool seen = false, tgw_noted = false;
	int rc = 0;

	if (size < 2 || (opts && opts->format && !opts->format->is_default))
		return 1;
	if ((unsigned char)map[0] == 0x1f && (unsigned char)map[1] == 0x8b)
		return 1;
	vpce_flowlog_format_default(&def);
	p = map;
	end = map + size;
	/* The first non-blank line: a header must be the default format. */
	{
		const char *q = p;
		while (q < end) {
			const char *nl = memchr(q, '\n', (size_t)(end - q));
			const char *le = nl ? nl : end;
			const char *k = le;
			while (k > q && (k[-1] == '\r' || k[-1] == ' ' || k[-1] == '\t'))
				k--;
			if (k > q) {
				int h = vpce_flowlog_header_parse(q, (size_t)(le - q), &hf);
				if (h == VPCE_EUNSUPPORTED || (h == 1 && !hf.is_default))
					return 1;
				break;
			}
			q = nl ? nl + 1 : end;
		}
	}
	memset(&file_st, 0, sizeof(file_st));
	file_st.files = 1;
	file_st.bytes_in = file_st.bytes_text = (uint64_t)size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *k = le;
		int fr;

		lineno++;
		while (k > p && (k[-1] == '\r' || k[-1] == ' ' || k[-1] == '\t'))
			k--;
		if (k == p) {
			file_st.blank++;
			p = nl ? nl + 1 : end;
			continue;
		}
		fr = seen ? fast_line(p, k, &pend[npend]) : 1;
		if (fr == 0) {
			file_st.lines++;
			file_st.records++;
			file_st.ok++;
			if (++npend == PENDING) {
				if (plan_add_v4_batch(a, pend, npend) != 0) {
					rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
					break;
				}
				npend = 0;
			}
		} else {
			/* Keep the order of records: what is pending goes first. */
			if (npend && plan_add_v4_batch(a, pend, npend) != 0) {
				rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
				break;
			}
			npend = 0;
			/* The reader decides this line (or, on a format change, the rest). */
			struct vpce_flowlog_stats one;
			struct vpce_flowlog_opts o;
			int h = vpce_flowlog_header_parse(p, (size_t)(le - p), &hf);
			bool rest = h == VPCE_EUNSUPPORTED || (h == 1 && !hf.is_default);
			size_t len = rest ? (size_t)(end - p) : (size_t)(le - p);

			memset(&one, 0, sizeof(one));
			memset(&o, 0, sizeof(o));
			o.format = &def;
			o.batch = rest ? 0 : 1;
			if (!seen && h == 1) {
				file_st.headers++;
			} else if (seen && h == 1 && !rest) {
				file_st.headers++; /* a default-format header again (concatenated objects) */
			} else {
				rc = vpce_flowlog_parse_buffer(p, len, path, &o, vpce_plan_agg_cb, a, &one, err);
				add_stats(&file_st, &one, lineno - 1, path, &tgw_noted);
				if (rc)
					break;
			}
			if (rest)
				break;
		}
		seen = true;
		p = nl ? nl + 1 : end;
	}
	if (rc == 0 && npend && plan_add_v4_batch(a, pend, npend) != 0)
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	st->files += file_st.files;
	st->files_unsupported += file_st.files_unsupported;
	st->bytes_in += file_st.bytes_in;
	st->bytes_text += file_st.bytes_text;
	st->lines += file_st.lines;
	st->records += file_st.records;
	st->ok += file_st.ok;
	st->nodata += file_st.nodata;
	st->skipdata += file_st.skipdata;
	st->malformed += file_st.malformed;
	st->unsupported_lines += file_st.unsupported_lines;
	st->headers += file_st.headers;
	st->blank += file_st.blank;
	for (unsigned i = 0; i < file_st.n_issues && st->n_issues < VPCE_FLOWLOG_ISSUES_KEPT; i++)
		st->issues[st->n_issues++] = file_st.issues[i];
	return rc;
}

int plan_fast_file(struct vpce_plan_agg *a, const char *path, const struct vpce_flowlog_opts *opts,
		   struct vpce_flowlog_stats *st, struct vpce_error *err)
{
	struct stat sb;
	const char *map;
	int fd, rc;

	if (strcmp(path, "-") == 0 || (opts && opts->format && !opts->format->is_default))
		return 1;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 1;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < 2) {
		close(fd);
		return 1;
	}
	map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return 1;
	posix_madvise((void *)map, (size_t)sb.st_size, POSIX_MADV_SEQUENTIAL);
	rc = plan_fast_buffer(a, map, (size_t)sb.st_size, path, opts, st, err);
	munmap((void *)map, (size_t)sb.st_size);
	return rc;
}
