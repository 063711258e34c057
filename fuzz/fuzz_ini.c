/* libFuzzer harness: the AWS config/credentials INI parser must accept or
 * reject any bytes without crashing; accepted files must be walkable. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include "vpce/aws.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vpce_ini *ini = NULL;
	struct vpce_error err;

	if (vpce_ini_parse((const char *)data, size, "fuzz", &ini, &err) == 0) {
		for (size_t i = 0; i < vpce_ini_count(ini); i++) {
			const char *s, *k, *v;
			unsigned line;
			vpce_ini_entry(ini, i, &s, &k, &v, &line);
			if (vpce_ini_get(ini, s, k) == NULL)
				__builtin_trap();
		}
	}
	vpce_ini_free(ini);
	return 0;
}
