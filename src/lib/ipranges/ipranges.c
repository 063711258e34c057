/* AWS ip-ranges.json: loading, listing by (service, region), longest-prefix match.
 *
 * Follows https://docs.aws.amazon.com/vpc/latest/userguide/aws-ip-syntax.html
 * for the file format and the meaning of the AMAZON subset.
 *
 * Layout after loading:
 *   pfx[]      distinct CIDRs, IPv4 then IPv6, ascending (address, length);
 *              handle = index + 1; each knows its enclosing prefix (parent).
 *   labels[]   per prefix, its service ids (preferred first).
 *   list[]     distinct (service, region, cidr) triples sorted by service,
 *              region, family, address; lidx[] gives each (service, region)
 *              its slice.
 *   top/chunks IPv4 multibit trie, strides 16-8-8. An entry is 0 (no match),
 *              a handle, or CHILD|chunk index of the next level's 256 entries.
 */
#include <stdio.h>
#include <stdlib.h>

#include "vpce/ipranges.h"
#include "vpce/json.h"
#include "util/util.h"

#define CHILD 0x80000000u
#define TOP_SIZE 65536u

struct prefix {
	struct vpce_cidr cidr;
	int32_t parent;    /* index of the enclosing listed prefix, or -1 */
	uint32_t label_off;/* into labels[] */
	uint16_t nlabels;
	uint16_t region;
	uint16_t nbg;
	uint16_t pad;
};

struct entry {
	struct vpce_cidr cidr;
	uint16_t svc, region, nbg;
};

struct slice_idx {
	uint32_t start, count;
};

struct vpce_ipranges {
	struct vpce_arena arena;
	char *sync_token;
	char *create_date;

	const char **svc_names;
	size_t nsvc, svc_alloc;
	uint32_t *svc_prefix_count; /* distinct prefixes per service (tie-break) */
	struct vpce_strmap svc_map;
	const char **region_names;
	size_t nregion, region_alloc;
	struct vpce_strmap region_map;
	const char **nbg_names;
	size_t nnbg, nbg_alloc;
	struct vpce_strmap nbg_map;

	struct prefix *pfx;
	size_t npfx, nv4;
	uint16_t *labels;
	uint32_t *keys;    /* per handle-1: preferred service << 16 | region */

	struct vpce_cidr *list;
	size_t nlist;
	struct slice_idx *lidx; /* nsvc * nregion */

	uint32_t *top;          /* TOP_SIZE entries */
	uint32_t *chunks;       /* nchunks * 256 */
	size_t nchunks, chunk_alloc;
};

/* ---- id tables -------------------------------------------------------------- */

static int intern(struct vpce_ipranges *r, struct vpce_strmap *map, const char ***names,
		  size_t *n, size_t *alloc, const char *s, uint16_t *id)
{
	uint32_t v;
	char *copy;

	if (vpce_strmap_get(map, s, &v)) {
		*id = (uint16_t)v;
		return 0;
	}
	if (*n >= VPCE_IPRANGES_NONE)
		return VPCE_ENOMEM;
	copy = vpce_arena_strdup(&r->arena, s);
	if (!copy || VPCE_ARRAY_PUSH(*names, *n, *alloc, copy) != 0)
		return VPCE_ENOMEM;
	if (vpce_strmap_put(map, copy, (uint32_t)(*n - 1)) != 0)
		return VPCE_ENOMEM;
	*id = (uint16_t)(*n - 1);
	return 0;
}

/* ---- ordering ------------------------------------------------------------------ */

static int cmp_cidr(const struct vpce_cidr *a, const struct vpce_cidr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return 0;
}

static int cmp_entry_cidr(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int c = cmp_cidr(&a->cidr, &b->cidr);

	if (c)
		return c;
	return a->svc < b->svc ? -1 : a->svc > b->svc;
}

static int cmp_entry_list(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;

	if (a->svc != b->svc)
		return a->svc < b->svc ? -1 : 1;
	if (a->region != b->region)
		return a->region < b->region ? -1 : 1;
	return cmp_cidr(&a->cidr, &b->cidr);
}

/* Rank of a label for "preferred service": lower is better. */
static uint64_t label_rank(const struct vpce_ipranges *r, uint16_t svc)
{
	const char *name = r->svc_names[svc];
	uint64_t cls = 0;

	if (strcmp(name, "AMAZON") == 0)
		cls = 2;
	else if (strcmp(name, "EC2") == 0)
		cls = 1;
	return cls << 48 | (uint64_t)r->svc_prefix_count[svc] << 16 | svc;
}

/* ---- IPv4 trie ------------------------------------------------------------------ */

static int new_chunk(struct vpce_ipranges *r, uint32_t fill, uint32_t *idx)
{
	size_t need = (r->nchunks + 1) * 256;

	if (r->nchunks >= (1u << 23)) /* chunk index << 8 must fit 31 bits */
		return VPCE_ENOMEM;
	if (vpce_array_grow((void **)&r->chunks, &r->chunk_alloc, need, sizeof(uint32_t)) != 0)
		return VPCE_ENOMEM;
	for (size_t i = 0; i < 256; i++)
		r->chunks[r->nchunks * 256 + i] = fill;
	*idx = (uint32_t)r->nchunks++;
	return 0;
}

/* Returns the chunk index behind *slot, creating it (filled with the slot's
 * current value) when the slot holds a plain value. slot is given as an
 * offset so that a realloc of chunks cannot leave it dangling. */
static int child_of(struct vpce_ipranges *r, uint32_t *base_top, size_t slot_off, uint32_t *idx)
{
	uint32_t v = base_top ? base_top[slot_off] : r->chunks[slot_off];

	if (v & CHILD) {
		*idx = v & ~CHILD;
		return 0;
	}
	if (new_chunk(r, v, idx) != 0)
		return VPCE_ENOMEM;
	if (base_top)
		base_top[slot_off] = CHILD | *idx;
	else
		r->chunks[slot_off] = CHILD | *idx;
	return 0;
}

static int cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return a < b ? -1 : a > b;
}

static int build_trie(struct vpce_ipranges *r)
{
	uint64_t *order = NULL; /* length << 32 | prefix index */
	int rc = VPCE_ENOMEM;

	r->top = calloc(TOP_SIZE, sizeof(uint32_t));
	if (!r->top || new_chunk(r, 0, &(uint32_t){ 0 }) != 0) /* chunk 0: the zero chunk */
		goto out;
	if (r->nv4) {
		order = malloc(r->nv4 * sizeof(*order));
		if (!order)
			goto out;
		for (size_t i = 0; i < r->nv4; i++)
			order[i] = (uint64_t)r->pfx[i].cidr.len << 32 | i;
		/* Paint shorter prefixes first so that longer ones overwrite them. */
		qsort(order, r->nv4, sizeof(*order), cmp_u64);
	}
	for (size_t k = 0; k < r->nv4; k++) {
		uint32_t idx = (uint32_t)order[k];
		const struct prefix *p = &r->pfx[idx];
		uint32_t a = vpce_cidr_v4(&p->cidr), h = idx + 1;
		unsigned len = p->cidr.len;
		uint32_t c2, c3;

		if (len <= 16) {
			uint32_t first = a >> 16, n = 1u << (16 - len);
			for (uint32_t i = 0; i < n; i++)
				r->top[first + i] = h;
			continue;
		}
		if (child_of(r, r->top, a >> 16, &c2) != 0)
			goto out;
		if (len <= 24) {
			uint32_t first = (a >> 8) & 255, n = 1u << (24 - len);
			for (uint32_t i = 0; i < n; i++)
				r->chunks[(size_t)c2 * 256 + first + i] = h;
			continue;
		}
		if (child_of(r, NULL, (size_t)c2 * 256 + ((a >> 8) & 255), &c3) != 0)
			goto out;
		{
			uint32_t first = a & 255, n = 1u << (32 - len);
			for (uint32_t i = 0; i < n; i++)
				r->chunks[(size_t)c3 * 256 + first + i] = h;
		}
	}
	rc = 0;
out:
	free(order);
	return rc;
}

/* Branch-free walk: a plain entry "descends" into the all-zero chunk 0 and
 * keeps its value, so every lookup is three dependent loads and no
 * mispredicted branch (mixes of hits and misses are the common case). */
static inline uint32_t lookup_v4(const uint32_t *top, const uint32_t *ch, uint32_t addr)
{
	uint32_t v = top[addr >> 16];
	uint32_t m = 0u - (v >> 31);
	uint32_t w = ch[(size_t)(m & (((v & ~CHILD) << 8) | ((addr >> 8) & 255)))];

	v = (m & w) | (~m & v);
	m = 0u - (v >> 31);
	w = ch[(size_t)(m & (((v & ~CHILD) << 8) | (addr & 255)))];
	return (m & w) | (~m & v);
}

uint32_t vpce_ipranges_lookup_v4(const struct vpce_ipranges *r, uint32_t addr)
{
	return lookup_v4(r->top, r->chunks, addr);
}

void vpce_ipranges_lookup_v4_batch(const struct vpce_ipranges *r, const uint32_t *addrs,
				   uint32_t *handles, size_t n)
{
	const uint32_t *top = r->top, *ch = r->chunks;
	size_t i;

	/* Groups of 16 in three stages (top entry, then each chunk level), with
	 * each stage's loads prefetched by the stage before: the addresses'
	 * cache misses overlap instead of queueing one after the other. */
	for (i = 0; i + 16 <= n; i += 16) {
		uint32_t v[16], at[16];
		for (unsigned k = 0; k < 16; k++)
			__builtin_prefetch(&top[addrs[i + k] >> 16]);
		for (unsigned k = 0; k < 16; k++) {
			uint32_t m;
			v[k] = top[addrs[i + k] >> 16];
			m = 0u - (v[k] >> 31);
			at[k] = m & (((v[k] & ~CHILD) << 8) | ((addrs[i + k] >> 8) & 255));
			__builtin_prefetch(&ch[at[k]]);
		}
		for (unsigned k = 0; k < 16; k++) {
			uint32_t m = 0u - (v[k] >> 31), w = ch[at[k]];
			v[k] = (m & w) | (~m & v[k]);
			m = 0u - (v[k] >> 31);
			at[k] = m & (((v[k] & ~CHILD) << 8) | (addrs[i + k] & 255));
			__builtin_prefetch(&ch[at[k]]);
		}
		for (unsigned k = 0; k < 16; k++) {
			uint32_t m = 0u - (v[k] >> 31), w = ch[at[k]];
			handles[i + k] = (m & w) | (~m & v[k]);
		}
	}
	for (; i < n; i++)
		handles[i] = lookup_v4(top, ch, addrs[i]);
}

bool vpce_ipranges_v4_block_uniform(const struct vpce_ipranges *r, uint32_t block, uint32_t *handle)
{
	uint32_t v;

	if (block > 0xffffu)
		return false;
	v = r->top[block];
	if (v & CHILD)
		return false;
	*handle = v;
	return true;
}

/* ---- loading ------------------------------------------------------------------- */

static int read_entries(struct vpce_ipranges *r, struct vpce_json_doc *doc,
			const struct vpce_json *arr, const char *key, const char *cidr_key,
			int family, const char *name, struct entry **entries, size_t *n,
			size_t *alloc, struct vpce_error *err)
{
	unsigned line, col;

	if (!arr)
		return 0; /* an empty file section is allowed */
	if (arr->type != VPCE_JSON_ARRAY) {
		vpce_json_position(doc, arr, &line, &col);
		return vpce_error_setpos(err, VPCE_EINVAL, name, line, col,
					 "\"%s\" must be an array, not %s", key,
					 vpce_json_type_name(arr));
	}
	vpce_json_foreach(e, arr) {
		const char *cidr = vpce_json_get_str(e, cidr_key);
		const char *region = vpce_json_get_str(e, "region");
		const char *svc = vpce_json_get_str(e, "service");
		const char *nbg = vpce_json_get_str(e, "network_border_group");
		struct entry ent;

		memset(&ent, 0, sizeof(ent));
		/* vpce_json_position scans from the start: only on errors */
		if (e->type != VPCE_JSON_OBJECT || !cidr || !region || !svc)
			vpce_json_position(doc, e, &line, &col);
		if (e->type != VPCE_JSON_OBJECT)
			return vpce_error_setpos(err, VPCE_EINVAL, name, line, col,
						 "%s entry must be an object", key);
		if (!cidr || !region || !svc)
			return vpce_error_setpos(err, VPCE_EINVAL, name, line, col,
						 "%s entry lacks a string \"%s\"", key,
						 !cidr ? cidr_key : !region ? "region" : "service");
		if (vpce_cidr_parse(cidr, strlen(cidr), &ent.cidr) != 0 ||
		    ent.cidr.family != family) {
			const struct vpce_json *cv = vpce_json_get(e, cidr_key);
			vpce_json_position(doc, cv, &line, &col);
			return vpce_error_setpos(err, VPCE_EINVAL, name, line, col,
						 "bad %s \"%s\"", cidr_key, cidr);
		}
		if (!nbg)
			nbg = region; /* older files have no network_border_group */
		if (intern(r, &r->svc_map, &r->svc_names, &r->nsvc, &r->svc_alloc, svc, &ent.svc) ||
		    intern(r, &r->region_map, &r->region_names, &r->nregion, &r->region_alloc,
			   region, &ent.region) ||
		    intern(r, &r->nbg_map, &r->nbg_names, &r->nnbg, &r->nbg_alloc, nbg, &ent.nbg) ||
		    VPCE_ARRAY_PUSH(*entries, *n, *alloc, ent) != 0)
			return vpce_error_set(err, VPCE_ENOMEM, "out of memory loading ip ranges");
	}
	return 0;
}

static int build(struct vpce_ipranges *r, struct entry *ents, size_t n)
{
	size_t i, j, nl = 0;
	int32_t *stack = NULL;
	size_t depth = 0;
	int rc = VPCE_ENOMEM;

	/* distinct prefixes */
	qsort(ents, n, sizeof(*ents), cmp_entry_cidr);
	r->pfx = calloc(n ? n : 1, sizeof(*r->pfx));
	r->labels = malloc((n ? n : 1) * sizeof(*r->labels));
	r->svc_prefix_count = calloc(r->nsvc ? r->nsvc : 1, sizeof(uint32_t));
	if (!r->pfx || !r->labels || !r->svc_prefix_count)
		goto out;
	for (i = 0; i < n; i = j) {
		struct prefix *p = &r->pfx[r->npfx++];

		p->cidr = ents[i].cidr;
		p->region = ents[i].region; /* a CIDR is listed in one region */
		p->nbg = ents[i].nbg;
		p->label_off = (uint32_t)nl;
		for (j = i; j < n && cmp_cidr(&ents[j].cidr, &p->cidr) == 0; j++) {
			if (j > i && ents[j].svc == ents[j - 1].svc)
				continue; /* same label listed twice */
			r->labels[nl++] = ents[j].svc;
			r->svc_prefix_count[ents[j].svc]++;
			p->nlabels++;
		}
		if (p->cidr.family == 4)
			r->nv4++;
	}
	/* preferred label first (insertion sort: at most a handful of labels) */
	r->keys = malloc((r->npfx ? r->npfx : 1) * sizeof(*r->keys));
	if (!r->keys)
		goto out;
	for (i = 0; i < r->npfx; i++) {
		uint16_t *l = r->labels + r->pfx[i].label_off;
		for (size_t a = 1; a < r->pfx[i].nlabels; a++)
			for (size_t b = a; b > 0 && label_rank(r, l[b]) < label_rank(r, l[b - 1]); b--) {
				uint16_t t = l[b];
				l[b] = l[b - 1];
				l[b - 1] = t;
			}
		r->keys[i] = (uint32_t)l[0] << 16 | r->pfx[i].region;
	}
	/* parents: the pfx order is a pre-order of the containment forest */
	stack = malloc((r->npfx ? r->npfx : 1) * sizeof(*stack));
	if (!stack)
		goto out;
	for (i = 0; i < r->npfx; i++) {
		while (depth && !vpce_cidr_contains(&r->pfx[stack[depth - 1]].cidr, &r->pfx[i].cidr))
			depth--;
		r->pfx[i].parent = depth ? stack[depth - 1] : -1;
		stack[depth++] = (int32_t)i;
	}
	/* listing */
	qsort(ents, n, sizeof(*ents), cmp_entry_list);
	r->list = malloc((n ? n : 1) * sizeof(*r->list));
	r->lidx = calloc(r->nsvc * r->nregion + 1, sizeof(*r->lidx));
	if (!r->list || !r->lidx)
		goto out;
	for (i = 0; i < n; i++) {
		struct slice_idx *s = &r->lidx[(size_t)ents[i].svc * r->nregion + ents[i].region];
		if (i > 0 && cmp_entry_list(&ents[i], &ents[i - 1]) == 0)
			continue;
		if (s->count == 0)
			s->start = (uint32_t)r->nlist;
		s->count++;
		r->list[r->nlist++] = ents[i].cidr;
	}
	rc = build_trie(r);
out:
	free(stack);
	return rc;
}

int vpce_ipranges_load_mem(const char *text, size_t len, const char *name,
			   struct vpce_ipranges **out, struct vpce_error *err)
{
	struct vpce_json_doc *doc = NULL;
	struct vpce_ipranges *r = NULL;
	struct entry *ents = NULL;
	size_t nents = 0, ents_alloc = 0;
	const struct vpce_json *root;
	const char *s;
	unsigned line, col;
	int rc;

	*out = NULL;
	if (!name)
		name = "ip-ranges.json";
	rc = vpce_json_parse(text, len, name, &doc, err);
	if (rc != 0)
		goto out;
	rc = VPCE_ENOMEM;
	r = calloc(1, sizeof(*r));
	if (!r) {
		vpce_error_set(err, rc, "out of memory loading ip ranges");
		goto out;
	}
	vpce_arena_init(&r->arena, 0);
	vpce_strmap_init(&r->svc_map);
	vpce_strmap_init(&r->region_map);
	vpce_strmap_init(&r->nbg_map);
	root = vpce_json_root(doc);
	if (root->type != VPCE_JSON_OBJECT) {
		vpce_json_position(doc, root, &line, &col);
		rc = vpce_error_setpos(err, VPCE_EINVAL, name, line, col,
				       "ip ranges: top level must be an object");
		goto out;
	}
	if (!vpce_json_get(root, "prefixes") && !vpce_json_get(root, "ipv6_prefixes")) {
		vpce_json_position(doc, root, &line, &col);
		rc = vpce_error_setpos(err, VPCE_EINVAL, name, line, col,
				       "ip ranges: neither \"prefixes\" nor \"ipv6_prefixes\" present");
		goto out;
	}
	s = vpce_json_get_str(root, "syncToken");
	r->sync_token = vpce_arena_strdup(&r->arena, s ? s : "");
	s = vpce_json_get_str(root, "createDate");
	r->create_date = vpce_arena_strdup(&r->arena, s ? s : "");
	if (!r->sync_token || !r->create_date) {
		vpce_error_set(err, rc, "out of memory loading ip ranges");
		goto out;
	}
	rc = read_entries(r, doc, vpce_json_get(root, "prefixes"), "prefixes", "ip_prefix", 4,
			  name, &ents, &nents, &ents_alloc, err);
	if (rc == 0)
		rc = read_entries(r, doc, vpce_json_get(root, "ipv6_prefixes"), "ipv6_prefixes",
				  "ipv6_prefix", 6, name, &ents, &nents, &ents_alloc, err);
	if (rc != 0)
		goto out;
	rc = build(r, ents, nents);
	if (rc != 0) {
		vpce_error_set(err, rc, "out of memory indexing ip ranges");
		goto out;
	}
	*out = r;
	r = NULL;
out:
	free(ents);
	vpce_ipranges_free(r);
	vpce_json_doc_free(doc);
	return rc;
}

int vpce_ipranges_default_path(char *out, size_t outlen)
{
	const char *dir = getenv("VPCE_DATA_DIR");
	int n;

	if (!dir || !*dir)
		dir = VPCE_DATA_DIR;
	n = snprintf(out, outlen, "%s/aws-ip-ranges.json", dir);
	return n < 0 || (size_t)n >= outlen ? VPCE_EUSAGE : 0;
}

int vpce_ipranges_load(const char *path, struct vpce_ipranges **out, struct vpce_error *err)
{
	struct vpce_buf b = VPCE_BUF_INIT;
	char def[VPCE_ERROR_FILE_MAX];
	int rc;

	*out = NULL;
	if (!path) {
		if (vpce_ipranges_default_path(def, sizeof(def)) != 0)
			return vpce_error_set(err, VPCE_EUSAGE, "data directory path too long");
		path = def;
	}
	rc = vpce_buf_read_file(&b, path, err);
	if (rc == 0)
		rc = vpce_ipranges_load_mem(b.ptr ? b.ptr : "", b.len, path, out, err);
	vpce_buf_release(&b);
	return rc;
}

void vpce_ipranges_free(struct vpce_ipranges *r)
{
	if (!r)
		return;
	vpce_strmap_release(&r->svc_map);
	vpce_strmap_release(&r->region_map);
	vpce_strmap_release(&r->nbg_map);
	free(r->svc_names);
	free(r->region_names);
	free(r->nbg_names);
	free(r->svc_prefix_count);
	free(r->pfx);
	free(r->labels);
	free(r->keys);
	free(r->list);
	free(r->lidx);
	free(r->top);
	free(r->chunks);
	vpce_arena_release(&r->arena);
	free(r);
}

/* ---- queries ------------------------------------------------------------------- */

const char *vpce_ipranges_sync_token(const struct vpce_ipranges *r)
{
	return r->sync_token;
}

const char *vpce_ipranges_create_date(const struct vpce_ipranges *r)
{
	return r->create_date;
}

size_t vpce_ipranges_prefixes(const struct vpce_ipranges *r, const char *service,
			      const char *region, const struct vpce_cidr **out)
{
	uint32_t s, g;
	const struct slice_idx *x;

	*out = NULL;
	if (!service || !region || !vpce_strmap_get(&r->svc_map, service, &s) ||
	    !vpce_strmap_get(&r->region_map, region, &g))
		return 0;
	x = &r->lidx[(size_t)s * r->nregion + g];
	if (x->count)
		*out = r->list + x->start;
	return x->count;
}

static void fill_match(const struct vpce_ipranges *r, size_t i, struct vpce_iprange_match *m)
{
	const struct prefix *p = &r->pfx[i];

	m->prefix = p->cidr;
	m->handle = (uint32_t)i + 1;
	m->service_ids = r->labels + p->label_off;
	m->n_services = p->nlabels;
	m->service_id = m->service_ids[0];
	m->region_id = p->region;
	m->nbg_id = p->nbg;
	m->service = r->svc_names[m->service_id];
	m->region = r->region_names[p->region];
	m->network_border_group = r->nbg_names[p->nbg];
}

int vpce_ipranges_lookup(const struct vpce_ipranges *r, const struct vpce_cidr *addr,
			 struct vpce_iprange_match *m)
{
	size_t lo, hi;
	int32_t q;
	struct vpce_cidr start = *addr;

	if (addr->family == 4) {
		lo = 0;
		hi = r->nv4;
	} else if (addr->family == 6) {
		lo = r->nv4;
		hi = r->npfx;
	} else {
		return VPCE_EINVAL;
	}
	/* last prefix whose (start, len) <= (addr start, max len) */
	start.len = 255;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_cidr(&r->pfx[mid].cidr, &start) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == (addr->family == 4 ? 0 : r->nv4))
		return VPCE_ENOTFOUND;
	/* The containing prefixes of addr are that prefix or its ancestors. */
	for (q = (int32_t)(lo - 1); q >= 0; q = r->pfx[q].parent) {
		if (vpce_cidr_contains(&r->pfx[q].cidr, addr)) {
			fill_match(r, (size_t)q, m);
			return 0;
		}
	}
	return VPCE_ENOTFOUND;
}

size_t vpce_ipranges_handle_count(const struct vpce_ipranges *r)
{
	return r->npfx;
}

int vpce_ipranges_handle_info(const struct vpce_ipranges *r, uint32_t handle,
			      struct vpce_iprange_match *m)
{
	if (handle == 0 || handle > r->npfx)
		return VPCE_EINVAL;
	fill_match(r, handle - 1, m);
	return 0;
}

uint32_t vpce_ipranges_handle_key(const struct vpce_ipranges *r, uint32_t handle)
{
	if (handle == 0 || handle > r->npfx)
		return 0xffffffffu;
	return r->keys[handle - 1];
}

size_t vpce_ipranges_service_count(const struct vpce_ipranges *r)
{
	return r->nsvc;
}

const char *vpce_ipranges_service_name(const struct vpce_ipranges *r, unsigned id)
{
	return id < r->nsvc ? r->svc_names[id] : NULL;
}

unsigned vpce_ipranges_service_id(const struct vpce_ipranges *r, const char *name)
{
	uint32_t v;

	return name && vpce_strmap_get(&r->svc_map, name, &v) ? v : VPCE_IPRANGES_NONE;
}

size_t vpce_ipranges_region_count(const struct vpce_ipranges *r)
{
	return r->nregion;
}

const char *vpce_ipranges_region_name(const struct vpce_ipranges *r, unsigned id)
{
	return id < r->nregion ? r->region_names[id] : NULL;
}

unsigned vpce_ipranges_region_id(const struct vpce_ipranges *r, const char *name)
{
	uint32_t v;

	return name && vpce_strmap_get(&r->region_map, name, &v) ? v : VPCE_IPRANGES_NONE;
}

size_t vpce_ipranges_nbg_count(const struct vpce_ipranges *r)
{
	return r->nnbg;
}

const char *vpce_ipranges_nbg_name(const struct vpce_ipranges *r, unsigned id)
{
	return id < r->nnbg ? r->nbg_names[id] : NULL;
}
