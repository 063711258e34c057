/* Benchmark: vpce plan's flow log pass end to end.
 *
 *   bench_plan [-r repeats] [-t threads] [-S | -R] SNAPSHOT file...
 *
 * -S: plan's scalar scanner only (no SIMD); -R: the flowlog reader only
 * (no plan scanner): the same work by the slower paths, for comparison.
 *
 * Loads the snapshot, the bundled ip-ranges and prices once, then per run:
 * vpce_plan_read() over all files (read + gunzip when gzip + parse +
 * classify + aggregate; with -t N > 1 the files are shared among N threads
 * and merged) and vpce_plan_finish() (attribution, cost, recommendations).
 * Reports records/s and MB/s of text and of input on the process's CPU time
 * (the machine is shared) and the wall time. Best of `repeats` (default 3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vpce/plan.h"
#include "vpce/snapshot.h"
#include "plan/plan_int.h"

static double clock_s(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int repeats = 3, i = 1;
	unsigned threads = 1;
	bool no_simd = false, reader = false;
	struct vpce_error err;
	struct vpce_model *m = NULL;
	struct vpce_ipranges *r = NULL;
	struct vpce_prices *p = NULL;
	struct vpce_snapshot_options so = { NULL, NULL, NULL };
	double best_cpu = 1e30, best_wall = 0, best_fin = 0;
	struct vpce_flowlog_stats best_st;
	size_t cells = 0, rows = 0, recs = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
			repeats = (int)strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			threads = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "-S") == 0)
			no_simd = true;
		else if (strcmp(argv[i], "-R") == 0)
			reader = true;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: bench_plan [-r repeats] [-t threads] [-S | -R] SNAPSHOT file...\n");
		return 2;
	}
	if (vpce_snapshot_load(argv[i], &so, &m, &err) != 0 || vpce_ipranges_load(NULL, &r, &err) != 0 ||
	    vpce_prices_load(NULL, &p, &err) != 0) {
		fprintf(stderr, "bench_plan: %s\n", err.message);
		return 1;
	}
	memset(&best_st, 0, sizeof(best_st));
	for (int k = 0; k < repeats; k++) {
		struct vpce_flowlog_stats st;
		struct vpce_plan_agg *a = NULL;
		struct vpce_plan_result *res = NULL;
		double c0, w0, c1, dt, wall, fin;
		memset(&st, 0, sizeof(st));
		c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		w0 = clock_s(CLOCK_MONOTONIC);
		if (vpce_plan_agg_new(m, r, &a, &err) == 0) {
			a->no_simd = no_simd;
			vpce_plan_agg_set_fast(a, !reader);
		}
		if (!a ||
		    vpce_plan_read(a, (const char *const *)&argv[i + 1], (size_t)(argc - i - 1), NULL, threads, &st, &err) != 0) {
			fprintf(stderr, "bench_plan: %s\n", err.message);
			return 1;
		}
		c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		if (vpce_plan_finish(a, p, &res, &err) != 0) {
			fprintf(stderr, "bench_plan: %s\n", err.message);
			return 1;
		}
		dt = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
		fin = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c1;
		wall = clock_s(CLOCK_MONOTONIC) - w0;
		if (dt < best_cpu) {
			best_cpu = dt;
			best_wall = wall;
			best_fin = fin;
			best_st = st;
			cells = vpce_plan_agg_cells(a);
			rows = res->ntraffic;
			recs = res->nrecs;
		}
		vpce_plan_result_free(res);
		vpce_plan_agg_free(a);
	}
	printf("plan%s  %u thread(s), %d file(s): %.2f M records/s  %.1f MB/s text  %.1f MB/s input  (CPU %.3f s of which finish %.4f s; wall %.3f s; %llu records, %zu cells, %zu rows, %zu recommendations)\n",
	       reader ? " (reader only)" : no_simd ? " (scalar scanner)" : "", threads, argc - i - 1, (double)best_st.records / best_cpu / 1e6, (double)best_st.bytes_text / best_cpu / 1e6,
	       (double)best_st.bytes_in / best_cpu / 1e6, best_cpu, best_fin, best_wall,
	       (unsigned long long)best_st.records, cells, rows, recs);
	vpce_prices_free(p);
	vpce_ipranges_free(r);
	vpce_model_free(m);
	return 0;
}
