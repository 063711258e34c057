/* libFuzzer harness: ip-ranges loading must accept or reject any bytes
 * without crashing; an accepted file must answer lookups and listings, and
 * the IPv4 trie must agree with the sorted-array search. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include "vpce/ipranges.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vpce_ipranges *r = NULL;
	struct vpce_error err;

	if (vpce_ipranges_load_mem((const char *)data, size, "fuzz", &r, &err) != 0)
		return 0;
	for (size_t h = 1; h <= vpce_ipranges_handle_count(r); h++) {
		struct vpce_iprange_match m, l;
		const struct vpce_cidr *list;

		if (vpce_ipranges_handle_info(r, (uint32_t)h, &m) != 0)
			abort();
		/* the prefix's own first address maps to it or to a longer prefix */
		if (vpce_ipranges_lookup(r, &m.prefix, &l) != 0 || l.prefix.len < m.prefix.len)
			abort();
		if (m.prefix.family == 4) {
			uint32_t a = vpce_cidr_v4(&m.prefix);
			struct vpce_cidr c = { 4, 32, 0, a };
			uint32_t got = vpce_ipranges_lookup_v4(r, a);
			if (vpce_ipranges_lookup(r, &c, &l) != 0 || l.handle != got)
				abort();
		}
		(void)vpce_ipranges_prefixes(r, m.service, m.region, &list);
	}
	vpce_ipranges_free(r);
	return 0;
}
