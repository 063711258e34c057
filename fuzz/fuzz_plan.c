/* libFuzzer harness: plan.json reader and both exporters must accept or
 * reject any bytes without crashing. */
#include <stdint.h>
#include <stddef.h>
#include "vpce/apply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vpce_planfile *p = NULL;
	struct vpce_error err;

	if (vpce_planfile_parse((const char *)data, size, "fuzz", &p, &err) == 0) {
		struct vpce_buf out = VPCE_BUF_INIT, notes = VPCE_BUF_INIT;
		(void)vpce_export_cloudformation(p, &out, &notes, &err);
		vpce_buf_release(&out);
		vpce_buf_release(&notes);
	}
	vpce_planfile_free(p);
	return 0;
}
