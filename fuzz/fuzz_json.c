/* libFuzzer harness: the JSON reader must accept or reject any bytes
 * without crashing, and every accepted tree must be walkable. */
#include <stdint.h>
#include <stddef.h>
#include "vpce/json.h"

static size_t walk(const struct vpce_json *v)
{
	size_t n = 1;
	vpce_json_foreach(c, v)
		n += walk(c);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vpce_json_doc *doc = NULL;
	struct vpce_error err;

	if (vpce_json_parse((const char *)data, size, "fuzz", &doc, &err) == 0) {
		unsigned line, col;
		const struct vpce_json *root = vpce_json_root(doc);
		vpce_json_position(doc, root, &line, &col);
		(void)walk(root);
	}
	vpce_json_doc_free(doc);
	return 0;
}
