/* plan's fast path for plain files in the v2 default format: the file is
 * mapped, each line is scanned once for exactly what plan keeps
 * (interface-id, srcaddr, dstaddr, bytes, start, end, action, log-status) and
 * added to the aggregate in batches without building a struct
 * vpce_flow_record. Three tiers, each taking only what it can prove:
 *   1. on x86-64 with AVX2 (run-time check), a SIMD line scanner (line_avx2);
 *   2. a scalar scanner (fast_line) for the plain lines the first leaves;
 *   3. the public reader (vpce_flowlog_parse_buffer) on any other line ("-"
 *      values, NODATA, IPv6, a mid-file header, anything malformed), so
 *      counts, issues (file:line) and records are the reader's; a format
 *      change or a Transit Gateway header hands the rest of the file to it.
 * Files it does not take (gzip, another format, not a regular file) return 1
 * untouched. A big file can be split over threads (plan_fast_file_split).
 * The equivalence of all tiers with the reader is tested
 * (tests/lib/plan/test_plan.c) and fuzzed (fuzz/fuzz_plan_flowlogs.c). */
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <pthread.h>
#include <unistd.h>
#include "plan_int.h"
#include "flowlog/internal.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define VPCE_FAST_AVX2 1
#else
#define VPCE_FAST_AVX2 0
#endif

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

	while (q < e && *q != ' ' && *q != '\t' && *q != '\r') /* the reader's separators */
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
	if (ver > 255 || sp > 65535 || dp > 65535 || proto > 255) /* the reader's ranges */
		return 1;
	if (e - p == 9 && memcmp(p, "ACCEPT OK", 9) == 0) {
	} else if (e - p == 9 && memcmp(p, "REJECT OK", 9) == 0) {
	} else {
		return 1;
	}
	(void)acct;
	(void)nacct;
	o->id = id;
	o->idlen = nid;
	o->src = src;
	o->dst = dst;
	o->bytes = by;
	o->start = st;
	o->end = en;
	return 0;
}

/* ---- AVX2 line scanner ----------------------------------------------------
 *
 * For x86-64 CPUs with AVX2 (checked at run time): the line's first
 * FAST_WIN bytes are classified 32 at a time into bit masks (space,
 * whitespace or control byte, digit, dot), the first twelve spaces give the
 * field boundaries, and the line is accepted only when every rule below
 * holds; any other line goes to the scalar scanner above, which hands what
 * it does not take to the reader. What it accepts is exactly a subset of
 * what fast_line accepts, with the same values (the differential fuzzer and
 * tests/lib/plan/test_plan.c hold both to the reader):
 *   - version "2"; account-id and interface-id any bytes above 0x20, not "-";
 *   - srcaddr and dstaddr dotted quads (1-3 digit octets, no leading zero,
 *     each <= 255), converted with one shuffle chosen by the octet lengths;
 *   - srcport, dstport, protocol, packets, bytes, start, end all digits,
 *     ports <= 65535 and protocol <= 255 (compared as text of equal length),
 *     at most 16 digits of bytes (SIMD conversion), 19 of the rest;
 *   - then exactly "ACCEPT OK\n" or "REJECT OK\n" (so CRLF, trailing blanks,
 *     NODATA/SKIPDATA, "-" fields and IPv6 all take the scalar path);
 *   - the whole line within FAST_WIN bytes.
 * start and end are converted only when their text differs from the
 * previous accepted line's (flow logs repeat them for a whole capture
 * window). */
#if VPCE_FAST_AVX2
#include <immintrin.h>

#define TGT __attribute__((target("avx2,bmi,bmi2,popcnt")))
/* the rules reject few lines: keep the accepting path straight */
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
/* GCC's SLP vectorizer packs the position stores below into shifted
 * words (measured: ~130 instructions instead of ~50); keep them scalar. */
#if defined(__GNUC__) && !defined(__clang__)
#define NOSLP __attribute__((optimize("no-tree-slp-vectorize")))
#else
#define NOSLP
#endif
#define FAST_WIN 128
#define FAST_MARGIN 160 /* bytes that must be readable from a line's start */

/* Octet-length pattern (l1-1) | (l2-1) << 2 | (l3-1) << 4 | (l4-1) << 6 ->
 * shuffle placing each octet's digits at bytes 4g..4g+2 (hundreds, tens,
 * units; 0x80 = zero), and the smallest value each octet may have (10 for
 * two digits, 100 for three: no leading zero). */
#define O1(a) 0
#define O2(a, b) ((a) + 1)
#define O3(a, b, c) ((a) + (b) + 2)
#define O4(a, b, c, d) ((a) + (b) + (c) + 3)
#define G(s, l) (char)((l) == 3 ? (s) : 0x80), (char)((l) >= 2 ? (s) + (l) - 2 : 0x80), (char)((s) + (l) - 1), (char)0x80
#define E(a, b, c, d)                                                                                    \
	[((a) - 1) | ((b) - 1) << 2 | ((c) - 1) << 4 | ((d) - 1) << 6] = {                            \
		{ G(O1(a), a), G(O2(a, b), b), G(O3(a, b, c), c), G(O4(a, b, c, d), d) },                \
		{ (a) == 1 ? 0 : (a) == 2 ? 10 : 100, (b) == 1 ? 0 : (b) == 2 ? 10 : 100,              \
		  (c) == 1 ? 0 : (c) == 2 ? 10 : 100, (d) == 1 ? 0 : (d) == 2 ? 10 : 100 } }
#define E4(a, b, c) E(a, b, c, 1), E(a, b, c, 2), E(a, b, c, 3)
#define E3(a, b) E4(a, b, 1), E4(a, b, 2), E4(a, b, 3)
#define E2(a) E3(a, 1), E3(a, 2), E3(a, 3)

struct quad_pat {
	char shuf[16];
	int32_t min[4];
};

static const struct quad_pat quad_pats[256] = { E2(1), E2(2), E2(3) };

#undef E2
#undef E3
#undef E4
#undef E
#undef G
#undef O1
#undef O2
#undef O3
#undef O4

/* 16 zero bytes then 16 0xff: loading at zmask + n keeps the last n bytes. */
static const unsigned char zmask[32] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

struct avx2_prev {
	char times[32];       /* "start end" text of the last accepted line */
	unsigned tlen;        /* 0: none yet */
	uint64_t start, end;
};

static inline TGT uint64_t mask64(__m256i lo, __m256i hi)
{
	return (uint64_t)(uint32_t)_mm256_movemask_epi8(lo) | (uint64_t)(uint32_t)_mm256_movemask_epi8(hi) << 32;
}

/* The dotted quad of len bytes at q (16 bytes readable): only digits and
 * three dots, octets of 1-3 digits without a leading zero, each <= 255. */
static inline TGT __attribute__((always_inline)) int quad_avx2(const char *q, unsigned len, uint32_t *out)
{
	const __m128i raw = _mm_loadu_si128((const __m128i *)(const void *)q);
	const __m128i x0 = _mm_sub_epi8(raw, _mm_set1_epi8('0'));
	unsigned d1, d2, d3, l1, l2, l3, l4, pat, dots, ok;
	const struct quad_pat *qp;
	__m128i x, v, big;

	dots = _bzhi_u32((uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(raw, _mm_set1_epi8('.'))), len);
	ok = _bzhi_u32((uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(x0, _mm_set1_epi8(9)), x0)), len);
	if (UNLIKELY((ok | dots) != _bzhi_u32(0xffffu, len) || len > 15))
		return 1;
	d1 = (unsigned)_tzcnt_u32(dots);
	dots = _blsr_u32(dots);
	d2 = (unsigned)_tzcnt_u32(dots);
	dots = _blsr_u32(dots);
	d3 = (unsigned)_tzcnt_u32(dots);
	if (UNLIKELY(_blsr_u32(dots) != 0 || d3 >= len))
		return 1;
	l1 = d1 - 1;            /* lengths minus one, each must be 0..2 */
	l2 = d2 - d1 - 2;
	l3 = d3 - d2 - 2;
	l4 = len - d3 - 2;
	if (UNLIKELY(l1 > 2 || l2 > 2 || l3 > 2 || l4 > 2))
		return 1;
	pat = l1 | l2 << 2 | l3 << 4 | l4 << 6;
	qp = &quad_pats[pat];
	x = _mm_shuffle_epi8(x0, _mm_loadu_si128((const __m128i *)(const void *)qp->shuf));
	v = _mm_madd_epi16(_mm_maddubs_epi16(x, _mm_setr_epi8(100, 10, 1, 0, 100, 10, 1, 0, 100, 10, 1, 0, 100, 10, 1, 0)),
			   _mm_set1_epi16(1));
	big = _mm_or_si128(_mm_cmpgt_epi32(v, _mm_set1_epi32(255)),
			   _mm_cmpgt_epi32(_mm_loadu_si128((const __m128i *)(const void *)qp->min), v));
	if (UNLIKELY(_mm_movemask_epi8(big)))
		return 1;
	v = _mm_packus_epi16(_mm_packus_epi32(v, v), v);
	*out = __builtin_bswap32((uint32_t)_mm_cvtsi128_si32(v));
	return 0;
}

/* n (1..16) ASCII digits ending just before e, already checked. */
static inline TGT uint64_t digits16(const char *e, unsigned n)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(e - 16));

	x = _mm_and_si128(_mm_sub_epi8(x, _mm_set1_epi8('0')),
			  _mm_loadu_si128((const __m128i *)(const void *)(zmask + n)));
	x = _mm_maddubs_epi16(x, _mm_setr_epi8(10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1));
	x = _mm_madd_epi16(x, _mm_setr_epi16(100, 1, 100, 1, 100, 1, 100, 1));
	x = _mm_packus_epi32(x, x);
	x = _mm_madd_epi16(x, _mm_setr_epi16(10000, 1, 10000, 1, 10000, 1, 10000, 1));
	return (uint64_t)(uint32_t)_mm_cvtsi128_si32(x) * 100000000u +
	       (uint32_t)_mm_extract_epi32(x, 1);
}

/* Up to 19 digits (checked) from p to e, scalar: only when times change. */
static inline uint64_t digits_n(const char *p, const char *e)
{
	uint64_t v = 0;

	while (p < e)
		v = v * 10 + (uint64_t)(*p++ - '0');
	return v;
}

/* Big-endian value of the first n (<= 8) bytes at p, for comparing digit
 * strings of equal length. */
static inline uint64_t be_text(const char *p, unsigned n)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return __builtin_bswap64(w) >> (64 - 8 * n);
}

/* Interface ids seen by the scanner: 2048 direct-mapped slots keyed by the
 * id's bytes (up to 32, zero-padded, compared as one vector), each holding
 * the interned index. Kept in the aggregate (a->idvec) across files. */
struct idvec {
	char text[32];
	uint32_t len, idx;
	uint32_t pad[6];
};
#define IDVEC_BITS 11

/* 32 0xff bytes then 32 zeros: loading at idmask + 32 - n keeps n bytes. */
static const unsigned char idmask[64] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/* The slot for the id ending at e: hashed from the 8 bytes before e (for
 * ids shorter than 8 bytes that takes in bytes before the id: the same id
 * may then use several slots, which only costs a miss). Computed early so
 * that the slot can be prefetched while the line is checked. */
static inline struct idvec *id_slot(const struct vpce_plan_agg *a, const char *e)
{
	uint64_t w;

	memcpy(&w, e - 8, 8);
	return (struct idvec *)a->idvec + ((w * 0x9e3779b97f4a7c15ull) >> (64 - IDVEC_BITS));
}

/* The interned index of the id at id (len bytes, 32 readable) whose slot
 * is e; 0 when out of memory. */
static inline TGT __attribute__((always_inline)) uint32_t id_avx2(struct vpce_plan_agg *a, struct idvec *e,
								   const char *id, unsigned len)
{
	__m256i cur;

	if (len > 32)
		return plan_intern(a, id, len);
	cur = _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(const void *)id),
			       _mm256_loadu_si256((const __m256i *)(const void *)(idmask + 32 - len)));
	if ((uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(cur, _mm256_load_si256((const __m256i *)(void *)e->text))) ==
		    0xffffffffu &&
	    e->len == len && e->idx)
		return e->idx;
	e->idx = plan_intern(a, id, len);
	e->len = len;
	_mm256_store_si256((__m256i *)(void *)e->text, cur);
	return e->idx;
}

/* 0: the line at p (p + FAST_MARGIN readable) is a plain v2 record, *o
 * filled; 1: not taken. *next is set either way (after the line's first
 * blank or control byte other than a space: its newline when taken). */
static inline TGT __attribute__((always_inline)) int line_avx2(struct vpce_plan_agg *a, const char *p, struct plan_v4 *o, const char **next,
			 struct avx2_prev *prev)
{
	const __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)p);
	const __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
	const __m256i v2 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 64));
	const __m256i v3 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 96));
	const __m256i csp = _mm256_set1_epi8(' '), c20 = _mm256_set1_epi8(0x20), c0 = _mm256_set1_epi8('0'),
		      c9 = _mm256_set1_epi8(9);
	const __m256i t0 = _mm256_sub_epi8(v0, c0), t1 = _mm256_sub_epi8(v1, c0), t2 = _mm256_sub_epi8(v2, c0),
		      t3 = _mm256_sub_epi8(v3, c0);
	uint64_t sp[2], ctl[2], dig[2], below[2], nd[2], lo, hi;
	unsigned nlpos, last, s[13], n, l6, l7, l8, l9, l10, l11, l12;
	uint32_t pos[64 + 12];
	struct idvec *slot;
	uint64_t tail;
	uint16_t k;

	sp[0] = mask64(_mm256_cmpeq_epi8(v0, csp), _mm256_cmpeq_epi8(v1, csp));
	sp[1] = mask64(_mm256_cmpeq_epi8(v2, csp), _mm256_cmpeq_epi8(v3, csp));
	ctl[0] = mask64(_mm256_cmpeq_epi8(_mm256_min_epu8(v0, c20), v0), _mm256_cmpeq_epi8(_mm256_min_epu8(v1, c20), v1));
	ctl[1] = mask64(_mm256_cmpeq_epi8(_mm256_min_epu8(v2, c20), v2), _mm256_cmpeq_epi8(_mm256_min_epu8(v3, c20), v3));
	/* The line ends at its first blank or control byte other than a
	 * space; found first (a short dependency chain) so that the next line's
	 * loads need not wait for the checks below. */
	lo = ctl[0] ^ sp[0];
	hi = ctl[1] ^ sp[1];
	nlpos = lo ? (unsigned)_tzcnt_u64(lo) : 64u + (unsigned)_tzcnt_u64(hi);
	*next = p + nlpos + 1;
	/* The first twelve spaces, each word's positions written without
	 * branches (the high word's after the low word's count): at least 4 and
	 * at most 10 of them in the first 64 bytes, as in any usual v2 line. */
	lo = sp[0];
	hi = sp[1];
	n = (unsigned)_mm_popcnt_u64(lo);
	if (UNLIKELY(n < 4 || n > 10))
		return 1;
#if defined(__clang__)
#pragma clang loop unroll(full)
#elif defined(__GNUC__)
#pragma GCC unroll 10
#endif
	for (unsigned i = 0; i < 10; i++) {
		pos[i] = (uint32_t)_tzcnt_u64(lo);
		lo = _blsr_u64(lo);
	}
#if defined(__clang__)
#pragma clang loop unroll(full)
#elif defined(__GNUC__)
#pragma GCC unroll 8
#endif
	for (unsigned i = 0; i < 8; i++) {
		pos[n + i] = (uint32_t)(64 + _tzcnt_u64(hi));
		hi = _blsr_u64(hi);
	}
#if defined(__clang__)
#pragma clang loop unroll(full)
#elif defined(__GNUC__)
#pragma GCC unroll 12
#endif
	for (unsigned i = 0; i < 12; i++)
		s[i + 1] = pos[i];
	/* the interface id's cache slot, fetched while the line is checked
	 * (s3 >= 8 in any line that passes; the clamp keeps the load in the
	 * line otherwise) */
	slot = id_slot(a, p + (s[3] >= 8 ? s[3] : 8));
	__builtin_prefetch(slot);
	/* version "2"; the twelve fields, then "ACCEPT OK" or "REJECT OK"
	 * (checked below), then the newline, all within FAST_WIN bytes */
	if (UNLIKELY(p[0] != '2' || s[1] != 1 || s[12] > FAST_WIN - 11 || nlpos != s[12] + 10))
		return 1;
	memcpy(&tail, p + s[12] + 1, 8);
	memcpy(&k, p + s[12] + 9, 2);
	if (UNLIKELY((tail != 0x4f20545045434341ull /* "ACCEPT O" */ && tail != 0x4f205443454a4552ull /* "REJECT O" */) ||
		     k != 0x0a4b /* "K\n" */))
		return 1;
	/* Bits 0 .. s12-1. No empty field there (two spaces in a row), and
	 * after s5 only digits and spaces (fields 6-12): the last byte before
	 * s12 that is neither lies before s5. */
	below[0] = _bzhi_u64(~0ull, s[12]);
	below[1] = s[12] >= 64 ? _bzhi_u64(~0ull, s[12] - 64) : 0;
	if (UNLIKELY((((sp[0] >> 1 | sp[1] << 63) & sp[0] & below[0]) | ((sp[1] >> 1) & sp[1] & below[1])) != 0))
		return 1;
	dig[0] = mask64(_mm256_cmpeq_epi8(_mm256_min_epu8(t0, c9), t0), _mm256_cmpeq_epi8(_mm256_min_epu8(t1, c9), t1));
	dig[1] = mask64(_mm256_cmpeq_epi8(_mm256_min_epu8(t2, c9), t2), _mm256_cmpeq_epi8(_mm256_min_epu8(t3, c9), t3));
	nd[0] = ~(dig[0] | sp[0]) & below[0];
	nd[1] = ~(dig[1] | sp[1]) & below[1];
	last = nd[1] ? 127u - (unsigned)__builtin_clzll(nd[1]) : nd[0] ? 63u - (unsigned)__builtin_clzll(nd[0]) : ~0u;
	if (UNLIKELY(last >= s[5]))
		return 1;
	/* "-" account-id or interface-id: the reader's business */
	if (UNLIKELY((s[2] == 3 && p[2] == '-') || (s[3] == s[2] + 2 && p[s[2] + 1] == '-')))
		return 1;
	l6 = s[6] - s[5] - 1;
	l7 = s[7] - s[6] - 1;
	l8 = s[8] - s[7] - 1;
	l9 = s[9] - s[8] - 1;
	l10 = s[10] - s[9] - 1;
	l11 = s[11] - s[10] - 1;
	l12 = s[12] - s[11] - 1;
	if (UNLIKELY(l6 > 5 || l7 > 5 || l8 > 3 || l9 > 19 || l10 > 16 || l11 > 19 || l12 > 19))
		return 1;
	if (UNLIKELY((l6 == 5 && be_text(p + s[5] + 1, 5) > 0x3635353335ull) ||
	    (l7 == 5 && be_text(p + s[6] + 1, 5) > 0x3635353335ull) ||
	    (l8 == 3 && be_text(p + s[7] + 1, 3) > 0x323535ull)))
		return 1;
	if (UNLIKELY(quad_avx2(p + s[3] + 1, s[4] - s[3] - 1, &o->src) ||
		     quad_avx2(p + s[4] + 1, s[5] - s[4] - 1, &o->dst)))
		return 1;
	o->bytes = digits16(p + s[10], l10);
	{
		/* start and end: converted only when their text changes */
		unsigned tl = s[12] - s[10] - 1;
		__m256i cur = _mm256_loadu_si256((const __m256i *)(const void *)(p + s[10] + 1));
		__m256i old = _mm256_loadu_si256((const __m256i *)(const void *)prev->times);
		uint32_t eq = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(cur, old));
		if (tl > 32 || tl != prev->tlen || (~eq & (uint32_t)_bzhi_u64(~0ull, tl))) {
			prev->start = digits_n(p + s[10] + 1, p + s[11]);
			prev->end = digits_n(p + s[11] + 1, p + s[12]);
			_mm256_storeu_si256((__m256i *)(void *)prev->times, cur);
			prev->tlen = tl <= 32 ? tl : 0;
		}
	}
	o->start = prev->start;
	o->end = prev->end;
	o->id = p + s[2] + 1;
	o->idlen = s[3] - s[2] - 1;
	o->iface = id_avx2(a, slot, o->id, (unsigned)o->idlen);
	return 0;
}

/* Plain v2 records from *pp on, into recs (at most max), while lines have
 * FAST_MARGIN readable bytes (up to limit) and are taken; *pp moves past
 * them. One call per run of lines, so the constants and the registers stay
 * put. */
static TGT NOSLP size_t scan_avx2(struct vpce_plan_agg *a, const char **pp, const char *limit, struct plan_v4 *recs,
				  size_t max, struct avx2_prev *prev)
{
	const char *p = *pp, *nx;
	size_t n = 0;

	while (n < max && p <= limit && line_avx2(a, p, &recs[n], &nx, prev) == 0) {
		/* the hardware's stream prefetch stops at page ends: ask for the
		 * text a few pages ahead (dropped past the end of the mapping) */
		__builtin_prefetch((const void *)((uintptr_t)p + 16384)); /* (an address, not a pointer past the map) */
		n++;
		p = nx;
	}
	*pp = p;
	return n;
}

static bool have_avx2(void)
{
	static int v = -1;

	if (v < 0) {
		__builtin_cpu_init();
		v = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
		    __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
	}
	return v == 1;
}

/* The interface-id cache of a, allocated on first use. */
static int ensure_idvec(struct vpce_plan_agg *a)
{
	if (a->idvec)
		return 0;
	a->idvec = aligned_alloc(64, sizeof(struct idvec) << IDVEC_BITS);
	if (!a->idvec)
		return VPCE_ENOMEM;
	memset(a->idvec, 0, sizeof(struct idvec) << IDVEC_BITS);
	return 0;
}
#endif

#define PENDING 256

/* The reader notes a Transit Gateway file once (issue + files_unsupported);
 * lines handed to it one at a time must not note it again. */
static void add_stats(struct vpce_flowlog_stats *to, const struct vpce_flowlog_stats *f, uint64_t line_base,
		      const char *name, bool *tgw_noted)
{
	bool tgw_here = f->files_unsupported > 0;

	plan_stats_add_lines(to, f);
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

/* What a part of a split file tells its caller: how many lines it had (for
 * the next parts' line numbers) and whether it met a header that changes
 * the format for the lines after it (then the split is undone). */
struct part_info {
	uint64_t lines;
	bool switched;
};

static int fast_buffer(struct vpce_plan_agg *a, const char *map, size_t size, const char *path,
		       const struct vpce_flowlog_opts *opts, struct vpce_flowlog_stats *st, struct vpce_error *err,
		       struct part_info *info);

int plan_fast_buffer(struct vpce_plan_agg *a, const char *map, size_t size, const char *path,
		     const struct vpce_flowlog_opts *opts, struct vpce_flowlog_stats *st, struct vpce_error *err)
{
	return fast_buffer(a, map, size, path, opts, st, err, NULL);
}

static int fast_buffer(struct vpce_plan_agg *a, const char *map, size_t size, const char *path,
		       const struct vpce_flowlog_opts *opts, struct vpce_flowlog_stats *st, struct vpce_error *err,
		       struct part_info *info)
{
	const char *p, *end;
	struct vpce_flowlog_format def, hf;
	struct vpce_flowlog_stats file_st;
	uint64_t lineno = 0;
	struct plan_v4 pend[PENDING];
	size_t npend = 0;
	bool seen = false, tgw_noted = false;
	int rc = 0;
#if VPCE_FAST_AVX2
	struct avx2_prev prev;
	bool simd = !a->no_simd && have_avx2();

	memset(&prev, 0, sizeof(prev));
	if (simd && ensure_idvec(a) != 0)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
#endif

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
#if VPCE_FAST_AVX2
		if (simd && seen && end - p >= FAST_MARGIN) {
			size_t got = scan_avx2(a, &p, end - FAST_MARGIN, &pend[npend], PENDING - npend, &prev);
			if (got) {
				a->simd_records += got;
				lineno += got;
				file_st.lines += got;
				file_st.records += got;
				file_st.ok += got;
				npend += got;
				if (npend == PENDING) {
					if (plan_add_v4_batch(a, pend, npend) != 0) {
						rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
						break;
					}
					npend = 0;
				}
				continue;
			}
		}
#endif
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
			/* interned now, in file order, like the lines around it */
			pend[npend].iface = plan_intern(a, pend[npend].id, pend[npend].idlen);
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
			if (rest) {
				if (info)
					info->switched = true;
				break;
			}
		}
		seen = true;
		p = nl ? nl + 1 : end;
	}
	if (rc == 0 && npend && plan_add_v4_batch(a, pend, npend) != 0)
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	if (info) {
		info->lines = lineno;
		info->switched |= tgw_noted;
	}
	plan_stats_add(st, &file_st);
	return rc;
}

/* A regular file of at least min bytes (>= 2), in the default format,
 * mapped for reading sequentially; NULL when the fast path does not take it
 * (stdin, another format, not regular, too small, cannot map): the reader
 * then reads it and reports what is wrong. */
static const char *map_file(const char *path, const struct vpce_flowlog_opts *opts, size_t min, size_t *size)
{
	struct stat sb;
	const char *map = MAP_FAILED;
	int fd;

	if (strcmp(path, "-") == 0 || (opts && opts->format && !opts->format->is_default))
		return NULL;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size >= 2 && (size_t)sb.st_size >= min) {
		*size = (size_t)sb.st_size;
		map = mmap(NULL, *size, PROT_READ, MAP_PRIVATE, fd, 0);
	}
	close(fd);
	if (map == MAP_FAILED)
		return NULL;
	posix_madvise((void *)map, *size, POSIX_MADV_SEQUENTIAL);
	return map;
}

int plan_fast_file(struct vpce_plan_agg *a, const char *path, const struct vpce_flowlog_opts *opts,
		   struct vpce_flowlog_stats *st, struct vpce_error *err)
{
	size_t size = 0;
	const char *map = map_file(path, opts, 2, &size);
	int rc;

	if (!map)
		return 1;
	rc = plan_fast_buffer(a, map, size, path, opts, st, err);
	munmap((void *)map, size);
	return rc;
}

/* ---- inside the reader (gzip, pipes, directories) ----------------------- */

#if VPCE_FAST_AVX2
struct plan_hook_ctx {
	struct vpce_plan_agg *a;
	struct avx2_prev prev;
	int rc;               /* VPCE_ENOMEM once an add failed */
};

/* flowlog_hook.scan: the SIMD scanner on the reader's text, records added
 * in batches before returning (the reader's own come after). */
static const char *hook_scan(void *ctx, const char *p, const char *end, uint64_t *n)
{
	struct plan_hook_ctx *h = ctx;
	struct plan_v4 pend[PENDING];
	uint64_t total = 0;

	while (end - p >= FAST_MARGIN) {
		size_t got = scan_avx2(h->a, &p, end - FAST_MARGIN, pend, PENDING, &h->prev);
		if (got && plan_add_v4_batch(h->a, pend, got) != 0)
			h->rc = VPCE_ENOMEM;
		total += got;
		if (got < PENDING)
			break;
	}
	h->a->simd_records += total;
	*n = total;
	return p;
}
#endif

/* Runs read (the reader over a path or a buffer) with the hook when the
 * SIMD scanner applies, else without. */
struct hooked_read {
	const char *path, *text, *name;
	size_t len;
};

static int run_hooked(struct vpce_plan_agg *a, const struct hooked_read *in, const struct vpce_flowlog_opts *opts,
		      struct vpce_flowlog_stats *st, struct vpce_error *err)
{
	const struct flowlog_hook *hp = NULL;
	int rc;
#if VPCE_FAST_AVX2
	struct plan_hook_ctx *h = NULL;
	struct flowlog_hook hook;

	if (!a->no_simd && have_avx2()) {
		h = calloc(1, sizeof(*h));
		if (!h || ensure_idvec(a) != 0) {
			free(h);
			return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		}
		h->a = a;
		hook.scan = hook_scan;
		hook.ctx = h;
		hp = &hook;
	}
#endif
	if (in->path)
		rc = flowlog_read_path_hooked(in->path, opts, vpce_plan_agg_cb, a, hp, st, err);
	else
		rc = flowlog_parse_buffer_hooked(in->text, in->len, in->name, opts, vpce_plan_agg_cb, a, hp, st, err);
#if VPCE_FAST_AVX2
	if (rc == 0 && h && h->rc)
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	free(h);
#endif
	return rc;
}

int plan_parse_buffer_hooked(struct vpce_plan_agg *a, const char *text, size_t len, const char *name,
			     const struct vpce_flowlog_opts *opts, struct vpce_flowlog_stats *st,
			     struct vpce_error *err)
{
	struct hooked_read in = { NULL, text, name, len };

	return run_hooked(a, &in, opts, st, err);
}

int plan_read_hooked(struct vpce_plan_agg *a, const char *path, const struct vpce_flowlog_opts *opts,
		     struct vpce_flowlog_stats *st, struct vpce_error *err)
{
	struct hooked_read in = { path, NULL, NULL, 0 };

	return run_hooked(a, &in, opts, st, err);
}

/* ---- one file over several threads -------------------------------------- */

#define SPLIT_MAX_PARTS 16

struct part {
	struct vpce_plan_agg *agg;
	const char *text, *path;
	size_t len;
	const struct vpce_flowlog_opts *opts;
	struct vpce_flowlog_stats st;
	struct vpce_error err;
	struct part_info info;
	int rc;
};

static void *part_worker(void *arg)
{
	struct part *p = arg;

	p->rc = fast_buffer(p->agg, p->text, p->len, p->path, p->opts, &p->st, &p->err, &p->info);
	return NULL;
}

/* Parts' statistics into st as one file's, as fast_buffer would have
 * gathered them in one piece: issue lines moved by the lines of the parts
 * before, the file's line issues capped as add_stats caps them. */
static void add_parts(struct vpce_flowlog_stats *st, const struct part *parts, unsigned n)
{
	struct vpce_flowlog_stats whole;
	uint64_t base = 0;

	memset(&whole, 0, sizeof(whole));
	whole.files = 1;
	for (unsigned k = 0; k < n; k++) {
		const struct vpce_flowlog_stats *f = &parts[k].st;
		whole.bytes_in += f->bytes_in;
		whole.bytes_text += f->bytes_text;
		plan_stats_add_lines(&whole, f);
		for (unsigned i = 0; i < f->n_issues && whole.n_issues < VPCE_FLOWLOG_ISSUES_KEPT; i++) {
			if (f->issues[i].line && whole.n_issues >= VPCE_FLOWLOG_LINE_ISSUES_KEPT)
				continue;
			whole.issues[whole.n_issues] = f->issues[i];
			if (f->issues[i].line)
				whole.issues[whole.n_issues].line += base;
			whole.n_issues++;
		}
		base += parts[k].info.lines;
	}
	plan_stats_add(st, &whole);
}

int plan_fast_file_split(struct vpce_plan_agg *a, const char *path, const struct vpce_flowlog_opts *opts,
			 unsigned threads, struct vpce_flowlog_stats *st, struct vpce_error *err)
{
	struct part parts[SPLIT_MAX_PARTS];
	pthread_t tids[SPLIT_MAX_PARTS];
	bool started[SPLIT_MAX_PARTS];
	const char *map;
	size_t size = 0, at = 0;
	unsigned n, k;
	int rc = 1;

	if (threads < 2 || !(map = map_file(path, opts, a->split_min, &size)))
		return 1;
	n = threads < SPLIT_MAX_PARTS ? threads : SPLIT_MAX_PARTS;
	memset(parts, 0, sizeof(parts));
	memset(started, 0, sizeof(started));
	/* parts end after a newline, near equal in size */
	for (k = 0; k < n; k++) {
		size_t end = k + 1 == n ? size : size / n * (k + 1);
		if (end < at)
			end = at;
		if (k + 1 < n && end < size) {
			const char *nl = memchr(map + end, '\n', size - end);
			end = nl ? (size_t)(nl - map) + 1 : size;
		}
		parts[k].text = map + at;
		parts[k].len = end - at;
		parts[k].path = path;
		parts[k].opts = opts;
		at = end;
		if (vpce_plan_agg_new(a->m, a->r, &parts[k].agg, err) != 0) {
			rc = VPCE_ENOMEM;
			goto out;
		}
		parts[k].agg->fast = a->fast;
		parts[k].agg->no_simd = a->no_simd;
	}
	for (k = 1; k < n; k++)
		started[k] = pthread_create(&tids[k], NULL, part_worker, &parts[k]) == 0;
	part_worker(&parts[0]);
	for (k = 1; k < n; k++) {
		if (started[k])
			pthread_join(tids[k], NULL);
		else
			part_worker(&parts[k]); /* no thread: do it here */
	}
	/* A part not taken, or a header that changes the format of what
	 * follows: undo, and the caller reads the file in one piece. */
	for (k = 0; k < n; k++)
		if (parts[k].rc == 1 || parts[k].info.switched)
			goto out;
	for (k = 0; k < n; k++)
		if (parts[k].rc != 0) {
			rc = parts[k].rc;
			if (err)
				*err = parts[k].err;
			goto out;
		}
	for (k = 0; k < n; k++)
		if (vpce_plan_agg_merge(a, parts[k].agg) != 0) {
			rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
			goto out;
		}
	add_parts(st, parts, n);
	a->split_parts = n;
	rc = 0;
out:
	for (k = 0; k < n; k++)
		vpce_plan_agg_free(parts[k].agg);
	munmap((void *)map, size);
	return rc;
}
