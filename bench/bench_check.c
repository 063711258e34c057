/* Benchmark: snapshot load speed and full-matrix check verdicts per second.
 * usage: bench_check SNAPSHOT_DIR [brief]   (make one with gen_estate; "brief": decisions only)
 * Prints input size, load time and MB/s, model memory, peak RSS, the number
 * of sources and services, and verdicts per second on one core (rates use
 * the thread's CPU time; wall time is shown beside it). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include "vpce/path.h"
#include "vpce/snapshot.h"

/* CPU time of this thread: the figures stay meaningful on a shared, loaded
 * machine (wall time is printed too). */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct vpce_model *m = NULL;
	struct vpce_engine *e = NULL;
	struct vpce_error err;
	struct vpce_source *src = NULL;
	const char **svc = NULL;
	size_t ns = 0, nv = 0, verdicts = 0, private_n = 0;
	struct rusage ru;
	double t0, t1, t2, t3, w0, w1;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_check SNAPSHOT_DIR\n");
		return 2;
	}
	t0 = now();
	w0 = wall();
	if (vpce_snapshot_load(argv[1], NULL, &m, &err) != 0) {
		fprintf(stderr, "load: %s:%u:%u: %s\n", err.file, err.line, err.col, err.message);
		return 2;
	}
	t1 = now();
	w1 = wall();
	if (vpce_engine_new(m, NULL, &e, &err) != 0 || vpce_engine_default_sources(e, &src, &ns, &err) != 0 ||
	    vpce_engine_default_services(e, &svc, &nv, &err) != 0) {
		fprintf(stderr, "engine: %s\n", err.message);
		return 2;
	}
	t2 = now();
	for (int mode = 0; mode < (argc > 2 ? 1 : 2); mode++) {
	struct vpce_engine_options o = { 0 };
	double ta, tb, wa, wb;
	verdicts = private_n = 0;
	o.brief = mode == 0;
	vpce_engine_free(e);
	if (vpce_engine_new(m, &o, &e, &err) != 0)
		return 2;
	ta = now();
	wa = wall();
	for (size_t i = 0; i < ns; i++) {
		for (size_t k = 0; k < nv; k++) {
			struct vpce_verdict v;
			if (vpce_engine_check(e, &src[i], svc[k], &v, &err) != 0) {
				fprintf(stderr, "check: %s\n", err.message);
				return 2;
			}
			private_n += v.is_private;
			verdicts++;
		}
		if (i % 4096 == 4095)
			vpce_engine_reset(e); /* verdict strings are not kept */
	}
	tb = now();
	wb = wall();
	printf("matrix:     %zu sources x %zu services = %zu verdicts (%zu private) in %.3f s CPU (%.3f s wall) = %.0f verdicts/s (%s)\n",
	       ns, nv, verdicts, private_n, tb - ta, wb - wa, (double)verdicts / (tb - ta),
	       mode == 0 ? "decisions only" : "with hop details, notes and fixes");
	}
	t3 = now();
	(void)t3;
	getrusage(RUSAGE_SELF, &ru);
	printf("input:      %.1f MB JSON (%u VPCs, %u subnets, %u ENIs, %u endpoints, %u SGs, %u route tables)\n",
	       (double)m->input_bytes / 1e6, m->nvpcs, m->nsubnets, m->nenis, m->nendpoints, m->nsgs, m->nrtbs);
	printf("load:       %.3f s CPU (%.3f s wall) = %.0f MB/s\n", t1 - t0, w1 - w0, (double)m->input_bytes / 1e6 / (t1 - t0));
	printf("model:      %.1f MB held (JSON text + nodes + indexes); peak RSS %.1f MB\n",
	       (double)vpce_model_memory(m) / 1e6, (double)ru.ru_maxrss / 1024.0);
	printf("engine:     %.3f s to build indexes\n", t2 - t1);
	free(src);
	free(svc);
	vpce_engine_free(e);
	vpce_model_free(m);
	return 0;
}
