/* Flow log aggregation: open addressing (linear probing, power-of-two
 * capacity, load <= 1/2), 32-byte keys compared with memcmp. */
#include <stdio.h>
#include <stdlib.h>

#include "vpce/flowagg.h"
#include "util/util.h"

struct slot {
	struct vpce_flowagg_key key;
	uint64_t hash;                 /* 0 = empty */
	struct vpce_flowagg_value val;
};

struct vpce_flowagg {
	const struct vpce_ipranges *r;
	unsigned flags;
	struct slot *slots;
	size_t cap, count;
	uint64_t records, skipped;
};

#define MIN_CAP 1024u

static inline uint64_t key_hash(const struct vpce_flowagg_key *k)
{
	uint64_t w[4];

	memcpy(w, k, sizeof(w));
	return vpce_mix64(w[0] ^ vpce_mix64(w[1] ^ vpce_mix64(w[2] ^ vpce_mix64(w[3])))) | 1;
}

int vpce_flowagg_new(const struct vpce_ipranges *r, unsigned flags, struct vpce_flowagg **out,
		     struct vpce_error *err)
{
	struct vpce_flowagg *a;

	*out = NULL;
	if (!r)
		return vpce_error_set(err, VPCE_EUSAGE, "flow aggregation needs ip ranges");
	a = calloc(1, sizeof(*a));
	if (a)
		a->slots = calloc(MIN_CAP, sizeof(*a->slots));
	if (!a || !a->slots) {
		free(a);
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	}
	a->r = r;
	a->flags = flags;
	a->cap = MIN_CAP;
	*out = a;
	return 0;
}

void vpce_flowagg_free(struct vpce_flowagg *a)
{
	if (!a)
		return;
	free(a->slots);
	free(a);
}

static int grow(struct vpce_flowagg *a)
{
	size_t ncap = a->cap * 2;
	struct slot *ns;

	if (ncap > SIZE_MAX / sizeof(*ns))
		return VPCE_ENOMEM;
	ns = calloc(ncap, sizeof(*ns));
	if (!ns)
		return VPCE_ENOMEM;
	for (size_t i = 0; i < a->cap; i++) {
		size_t j;
		if (!a->slots[i].hash)
			continue;
		for (j = a->slots[i].hash & (ncap - 1); ns[j].hash; j = (j + 1) & (ncap - 1))
			;
		ns[j] = a->slots[i];
	}
	free(a->slots);
	a->slots = ns;
	a->cap = ncap;
	return 0;
}

/* The slot for k (found or newly claimed), or NULL when out of memory. */
static struct slot *upsert(struct vpce_flowagg *a, const struct vpce_flowagg_key *k, uint64_t h)
{
	size_t j;

	if ((a->count + 1) * 2 > a->cap && grow(a) != 0)
		return NULL;
	for (j = h & (a->cap - 1);; j = (j + 1) & (a->cap - 1)) {
		struct slot *s = &a->slots[j];
		if (s->hash == h && memcmp(&s->key, k, sizeof(*k)) == 0)
			return s;
		if (!s->hash) {
			s->hash = h;
			s->key = *k;
			a->count++;
			return s;
		}
	}
}

void vpce_flowagg_key_interface(struct vpce_flowagg_key *k, const char *id, size_t len,
				unsigned service, unsigned region)
{
	memset(k, 0, sizeof(*k));
	k->src_kind = VPCE_FLOWAGG_SRC_INTERFACE;
	k->dst_service = (uint16_t)service;
	k->dst_region = (uint16_t)region;
	k->src_len = (uint8_t)(len > 255 ? 255 : len);
	if (len <= VPCE_FLOWAGG_ID_MAX) {
		memcpy(k->src.id, id, len);
	} else {
		/* longer than any interface id: a prefix plus a hash of the whole */
		uint64_t h = vpce_hash_str(id, len);
		h = vpce_mix64(h ^ ((uint64_t)vpce_hash_str(id + len / 2, len - len / 2) << 32));
		memcpy(k->src.id, id, VPCE_FLOWAGG_ID_MAX - 8);
		memcpy(k->src.id + VPCE_FLOWAGG_ID_MAX - 8, &h, 8);
	}
}

void vpce_flowagg_key_addr(struct vpce_flowagg_key *k, const struct vpce_cidr *addr,
			   unsigned service, unsigned region)
{
	memset(k, 0, sizeof(*k));
	k->src_kind = VPCE_FLOWAGG_SRC_ADDR;
	k->family = addr->family;
	k->dst_service = (uint16_t)service;
	k->dst_region = (uint16_t)region;
	k->src.addr.hi = addr->hi;
	k->src.addr.lo = addr->lo;
}

const char *vpce_flowagg_key_src(const struct vpce_flowagg_key *k, char *out, size_t outlen)
{
	if (k->src_kind == VPCE_FLOWAGG_SRC_ADDR) {
		struct vpce_cidr c = { k->family, k->family == 4 ? 32 : 128, k->src.addr.hi,
				       k->src.addr.lo };
		char buf[64];
		char *slash;

		vpce_cidr_format(&c, buf, sizeof(buf));
		slash = strchr(buf, '/');
		if (slash)
			*slash = 0;
		vpce_strlcpy(out, buf, outlen);
	} else {
		size_t n = k->src_len < VPCE_FLOWAGG_ID_MAX ? k->src_len : VPCE_FLOWAGG_ID_MAX - 8;
		snprintf(out, outlen, "%.*s%s", (int)n, k->src.id,
			 k->src_len > VPCE_FLOWAGG_ID_MAX ? "..." : "");
	}
	return out;
}

int vpce_flowagg_add(struct vpce_flowagg *a, const struct vpce_flow_record *recs, size_t n)
{
	const bool by_addr = a->flags & VPCE_FLOWAGG_BY_SRCADDR;
	const bool pkt = a->flags & VPCE_FLOWAGG_PKT_ADDRS;

	for (size_t i = 0; i < n; i++) {
		const struct vpce_flow_record *rec = &recs[i];
		const struct vpce_cidr *src = &rec->srcaddr, *dst = &rec->dstaddr;
		bool have_src = vpce_flow_has(rec, VPCE_FF_SRCADDR);
		bool have_dst = vpce_flow_has(rec, VPCE_FF_DSTADDR);
		unsigned svc = VPCE_IPRANGES_NONE, region = VPCE_IPRANGES_NONE;
		struct vpce_flowagg_key k;
		struct slot *s;

		if (pkt && vpce_flow_has(rec, VPCE_FF_PKT_SRCADDR)) {
			src = &rec->pkt_srcaddr;
			have_src = true;
		}
		if (pkt && vpce_flow_has(rec, VPCE_FF_PKT_DSTADDR)) {
			dst = &rec->pkt_dstaddr;
			have_dst = true;
		}
		if (rec->log_status != VPCE_STATUS_OK || !have_dst ||
		    (by_addr ? !have_src : !vpce_flow_has(rec, VPCE_FF_INTERFACE_ID))) {
			a->skipped++;
			continue;
		}
		if (dst->family == 4) {
			uint32_t key = vpce_ipranges_handle_key(
				a->r, vpce_ipranges_lookup_v4(a->r, vpce_cidr_v4(dst)));
			if (key != 0xffffffffu) {
				svc = key >> 16;
				region = key & 0xffff;
			}
		} else {
			struct vpce_iprange_match m;
			if (vpce_ipranges_lookup(a->r, dst, &m) == 0) {
				svc = m.service_id;
				region = m.region_id;
			}
		}
		if (by_addr)
			vpce_flowagg_key_addr(&k, src, svc, region);
		else
			vpce_flowagg_key_interface(&k, rec->raw[VPCE_FF_INTERFACE_ID].ptr,
						   rec->raw[VPCE_FF_INTERFACE_ID].len, svc, region);
		s = upsert(a, &k, key_hash(&k));
		if (!s)
			return VPCE_ENOMEM;
		s->val.bytes += rec->bytes;
		s->val.packets += rec->packets;
		s->val.records++;
		if (rec->action == VPCE_ACTION_REJECT)
			s->val.rejected_bytes += rec->bytes;
		a->records++;
	}
	return 0;
}

int vpce_flowagg_cb(void *ctx, const struct vpce_flow_record *recs, size_t n)
{
	return vpce_flowagg_add(ctx, recs, n);
}

int vpce_flowagg_merge(struct vpce_flowagg *into, const struct vpce_flowagg *from)
{
	if (into->r != from->r || into->flags != from->flags)
		return VPCE_EINVAL;
	for (size_t i = 0; i < from->cap; i++) {
		const struct slot *f = &from->slots[i];
		struct slot *s;

		if (!f->hash)
			continue;
		s = upsert(into, &f->key, f->hash);
		if (!s)
			return VPCE_ENOMEM;
		s->val.bytes += f->val.bytes;
		s->val.packets += f->val.packets;
		s->val.records += f->val.records;
		s->val.rejected_bytes += f->val.rejected_bytes;
	}
	into->records += from->records;
	into->skipped += from->skipped;
	return 0;
}

size_t vpce_flowagg_count(const struct vpce_flowagg *a)
{
	return a->count;
}

uint64_t vpce_flowagg_records(const struct vpce_flowagg *a)
{
	return a->records;
}

uint64_t vpce_flowagg_skipped(const struct vpce_flowagg *a)
{
	return a->skipped;
}

const struct vpce_flowagg_value *vpce_flowagg_get(const struct vpce_flowagg *a,
						  const struct vpce_flowagg_key *k)
{
	uint64_t h = key_hash(k);

	for (size_t j = h & (a->cap - 1);; j = (j + 1) & (a->cap - 1)) {
		const struct slot *s = &a->slots[j];
		if (!s->hash)
			return NULL;
		if (s->hash == h && memcmp(&s->key, k, sizeof(*k)) == 0)
			return &s->val;
	}
}

static int cmp_entry(const void *pa, const void *pb)
{
	const struct vpce_flowagg_entry *a = pa, *b = pb;

	if (a->value.bytes != b->value.bytes)
		return a->value.bytes > b->value.bytes ? -1 : 1;
	return memcmp(&a->key, &b->key, sizeof(a->key));
}

size_t vpce_flowagg_export(const struct vpce_flowagg *a, struct vpce_flowagg_entry **out)
{
	struct vpce_flowagg_entry *e;
	size_t n = 0;

	*out = NULL;
	if (a->count == 0)
		return 0;
	e = malloc(a->count * sizeof(*e));
	if (!e)
		return (size_t)-1;
	for (size_t i = 0; i < a->cap; i++) {
		if (!a->slots[i].hash)
			continue;
		e[n].key = a->slots[i].key;
		e[n].value = a->slots[i].val;
		n++;
	}
	qsort(e, n, sizeof(*e), cmp_entry);
	*out = e;
	return n;
}
