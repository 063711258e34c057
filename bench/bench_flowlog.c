/* Benchmark: VPC flow log reading.
 *
 *   bench_flowlog [-r repeats] [-F format] [-a] [-1] file...
 *
 * For each file: vpce_flowlog_read_path() end to end (read + gunzip when
 * gzip + parse), and for plain files also the parser alone over the file
 * already in memory. The callback sums bytes per record (so the parsed
 * values are used); with -a it instead feeds a vpce_flowagg (per-ENI, per
 * destination service and region, classified with the bundled
 * ip-ranges.json), the real aggregation workload. Best of `repeats` runs
 * (default 3) by process CPU time (all threads); wall time is printed too.
 * -1: inflate gzip on the calling thread instead of the helper thread.
 * For .gz files the floors are printed too: zlib inflate alone ("zlib") and,
 * when the library was built with ISA-L (the inflater the reader then uses),
 * ISA-L inflate alone ("isa-l"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#ifdef VPCE_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "vpce/flowagg.h"
#include "vpce/flowlog.h"

struct sums {
	uint64_t records, bytes;
};

static int sum_cb(void *ctx, const struct vpce_flow_record *recs, size_t n)
{
	struct sums *s = ctx;

	for (size_t i = 0; i < n; i++)
		s->bytes += recs[i].bytes + vpce_cidr_v4(&recs[i].dstaddr);
	s->records += n;
	return 0;
}

/* CPU time of this process: the benchmark machine is shared, and wall time
 * would count the time other processes held the core. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double last_wall; /* wall seconds of the run reported next */

#ifdef VPCE_HAVE_ISAL
/* ISA-L inflate alone (the inflater the reader uses in this build), output
 * discarded; multi-member streams continue. Returns text bytes or 0. */
static uint64_t isal_alone(const char *file)
{
	static uint8_t in[1 << 20], out[4 << 20];
	struct inflate_state *st = malloc(sizeof(*st));
	FILE *f = fopen(file, "rb");
	uint64_t total = 0;
	size_t n;

	if (!st || !f) {
		free(st);
		if (f)
			fclose(f);
		return 0;
	}
	isal_inflate_init(st);
	st->crc_flag = ISAL_GZIP;
	while ((n = fread(in, 1, sizeof(in), f)) > 0) {
		st->next_in = in;
		st->avail_in = (uint32_t)n;
		while (st->avail_in > 0) {
			st->next_out = out;
			st->avail_out = sizeof(out);
			if (isal_inflate(st) < 0)
				goto done;
			total += sizeof(out) - st->avail_out;
			if (st->block_state == ISAL_BLOCK_FINISH && st->avail_in > 0) {
				uint8_t *next = st->next_in;
				uint32_t avail = st->avail_in;
				isal_inflate_reset(st);
				st->crc_flag = ISAL_GZIP;
				st->next_in = next;
				st->avail_in = avail;
			}
		}
	}
	for (;;) { /* drain */
		st->next_out = out;
		st->avail_out = sizeof(out);
		if (isal_inflate(st) < 0 || st->avail_out == sizeof(out))
			break;
		total += sizeof(out) - st->avail_out;
	}
done:
	fclose(f);
	free(st);
	return total;
}
#endif

static void report(const char *what, const char *file, double dt, const struct vpce_flowlog_stats *st,
		   const struct sums *s)
{
	printf("%-10s %-40s %7.2f M records/s  %8.1f MB/s text  %8.1f MB/s input  (%llu records, %.3f s CPU, %.3f s wall, malformed %llu, checksum %llu)\n",
	       what, file, (double)st->records / dt / 1e6, (double)st->bytes_text / dt / 1e6,
	       (double)st->bytes_in / dt / 1e6, (unsigned long long)st->records, dt, last_wall,
	       (unsigned long long)st->malformed, (unsigned long long)s->bytes);
}

int main(int argc, char **argv)
{
	int repeats = 3;
	struct vpce_flowlog_format fmt;
	struct vpce_flowlog_opts opts;
	struct vpce_error err;

	struct vpce_ipranges *ipr = NULL;
	vpce_flowlog_cb cb = sum_cb;
	const char *label = "read_path";

	memset(&opts, 0, sizeof(opts));
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
			repeats = (int)strtol(argv[++i], NULL, 10);
			continue;
		}
		if (strcmp(argv[i], "-1") == 0) {
			opts.no_threads = true; /* gzip on the calling thread */
			continue;
		}
		if (strcmp(argv[i], "-a") == 0) {
			if (vpce_ipranges_load(NULL, &ipr, &err) != 0) {
				fprintf(stderr, "bench_flowlog: %s\n", err.message);
				return 1;
			}
			label = "aggregate";
			continue;
		}
		if (strcmp(argv[i], "-F") == 0 && i + 1 < argc) {
			i++;
			if (vpce_flowlog_format_parse(argv[i], strlen(argv[i]), &fmt, &err) != 0) {
				fprintf(stderr, "bench_flowlog: bad format: %s\n", err.message);
				return 2;
			}
			opts.format = &fmt;
			continue;
		}
		{
			const char *file = argv[i];
			double best = 1e30;
			struct vpce_flowlog_stats st, best_st = { 0 };
			struct sums s, best_s = { 0, 0 };
			struct vpce_buf b = VPCE_BUF_INIT;
			size_t n = strlen(file);
			int gz = n > 3 && strcmp(file + n - 3, ".gz") == 0;

			for (int r = 0; r < repeats; r++) {
				double t0, dt;
				struct vpce_flowagg *agg = NULL;
				void *ctx = &s;

				memset(&st, 0, sizeof(st));
				memset(&s, 0, sizeof(s));
				if (ipr) {
					if (vpce_flowagg_new(ipr, 0, &agg, &err) != 0)
						return 1;
					cb = vpce_flowagg_cb;
					ctx = agg;
				}
				double w0 = wall_now(), w;

				t0 = now();
				if (vpce_flowlog_read_path(file, &opts, cb, ctx, &st, &err) != 0) {
					fprintf(stderr, "bench_flowlog: %s\n", err.message);
					return 1;
				}
				dt = now() - t0;
				w = wall_now() - w0;
				if (agg) {
					s.bytes = vpce_flowagg_count(agg);
					vpce_flowagg_free(agg);
				}
				if (dt < best) {
					best = dt;
					best_st = st;
					best_s = s;
					last_wall = w;
				}
			}
			report(label, file, best, &best_st, &best_s);
			if (gz) {
				/* the floor: zlib inflate alone, output discarded */
				static char zbuf[4 << 20];
				double best_read = best, best_read_w = last_wall, best_z = 1e30, best_zw = 0;
				uint64_t total = 0;

				for (int r = 0; r < repeats; r++) {
					double t0 = now(), dt, w0 = wall_now();
					gzFile g = gzopen(file, "rb");
					int got;

					if (!g)
						return 1;
					gzbuffer(g, 1 << 20);
					total = 0;
					while ((got = gzread(g, zbuf, sizeof(zbuf))) > 0)
						total += (uint64_t)got;
					gzclose(g);
					dt = now() - t0;
					if (dt < best_z) {
						best_z = dt;
						best_zw = wall_now() - w0;
					}
				}
				printf("%-10s %-40s %8.1f MB/s text, %.3f s CPU, %.3f s wall; %s / inflate = %.2fx CPU, %.2fx wall\n",
				       "zlib", file, (double)total / best_z / 1e6, best_z, best_zw, label,
				       best_read / best_z, best_read_w / best_zw);
#ifdef VPCE_HAVE_ISAL
				best_z = 1e30;
				for (int r = 0; r < repeats; r++) {
					double t0 = now(), dt, w0 = wall_now();
					total = isal_alone(file);
					dt = now() - t0;
					if (dt < best_z) {
						best_z = dt;
						best_zw = wall_now() - w0;
					}
				}
				printf("%-10s %-40s %8.1f MB/s text, %.3f s CPU, %.3f s wall; %s / inflate = %.2fx CPU, %.2fx wall\n",
				       "isa-l", file, (double)total / best_z / 1e6, best_z, best_zw, label,
				       best_read / best_z, best_read_w / best_zw);
#endif
			}
			if (gz || ipr)
				continue;
			vpce_buf_init(&b, (size_t)8 << 30);
			if (vpce_buf_read_file(&b, file, &err) != 0) {
				fprintf(stderr, "bench_flowlog: %s\n", err.message);
				return 1;
			}
			best = 1e30;
			for (int r = 0; r < repeats; r++) {
				double t0, dt;
				memset(&st, 0, sizeof(st));
				memset(&s, 0, sizeof(s));
				t0 = now();
				last_wall = wall_now();
				vpce_flowlog_parse_buffer(b.ptr, b.len, file, &opts, sum_cb, &s, &st, &err);
				dt = now() - t0;
				last_wall = wall_now() - last_wall;
				if (dt < best) {
					best = dt;
					best_st = st;
					best_s = s;
				}
			}
			report("in-memory", file, best, &best_st, &best_s);
			vpce_buf_release(&b);
		}
	}
	vpce_ipranges_free(ipr);
	return 0;
}
