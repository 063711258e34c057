/* libFuzzer harness: the snapshot loader and the path engine must accept or
 * reject any single JSON document cleanly; an accepted model must answer
 * every default question. The input is split at the first NUL-free "\n--\n"
 * into up to three documents so that cross-file references get exercised. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "vpce/path.h"
#include "vpce/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *names[3] = { "us-east-1/a.json", "us-east-1/pl-0abc123-entries.json", "c.json" };
	const char *texts[3];
	size_t lens[3], n = 0, start = 0;
	struct vpce_model *m = NULL;
	struct vpce_engine *e = NULL;
	struct vpce_error err;

	for (size_t i = 0; i + 4 <= size && n < 2; i++) {
		if (memcmp(data + i, "\n--\n", 4) == 0) {
			texts[n] = (const char *)data + start;
			lens[n++] = i - start;
			start = i + 4;
			i += 3;
		}
	}
	texts[n] = (const char *)data + start;
	lens[n++] = size - start;
	if (vpce_snapshot_load_buffers(names, texts, lens, n, NULL, &m, &err) == 0 &&
	    vpce_engine_new(m, NULL, &e, &err) == 0) {
		struct vpce_source *src = NULL;
		const char **svc = NULL;
		size_t ns = 0, nv = 0;
		if (vpce_engine_default_sources(e, &src, &ns, &err) == 0 &&
		    vpce_engine_default_services(e, &svc, &nv, &err) == 0) {
			for (size_t i = 0; i < ns && i < 16; i++)
				for (size_t k = 0; k < nv && k < 8; k++) {
					struct vpce_verdict v;
					(void)vpce_engine_check(e, &src[i], svc[k], &v, &err);
				}
		}
		free(src);
		free(svc);
	}
	vpce_engine_free(e);
	vpce_model_free(m);
	return 0;
}
