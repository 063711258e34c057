#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include "util/util.h"

/* ---- arena --------------------------------------------------------------- */
struct vpce_arena_block {
	struct vpce_arena_block *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

void vpce_arena_init(struct vpce_arena *a, size_t block_size)
{
	a->head = NULL;
	a->block_size = block_size ? block_size : 64 * 1024;
	a->total = 0;
}

void vpce_arena_release(struct vpce_arena *a)
{
	struct vpce_arena_block *b, *next;

	if (!a)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
	a->total = 0;
}

void *vpce_arena_alloc(struct vpce_arena *a, size_t size)
{
	struct vpce_arena_block *b = a->head;
	size_t rounded = (size + 15) & ~(size_t)15;
	void *p;

	if (size == 0)
		rounded = 16;
	if (rounded < size)
		return NULL;
	if (!b || b->size - b->used < rounded) {
		size_t bsize = rounded > a->block_size ? rounded : a->block_size;
		if (bsize > SIZE_MAX - sizeof(*b))
			return NULL;
		b = malloc(sizeof(*b) + bsize);
		if (!b)
			return NULL;
		b->size = bsize;
		b->used = 0;
		/* A large one-off block goes behind the current one so the rest
		 * of the current block stays usable. */
		if (a->head && bsize > a->block_size) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	p = b->data + b->used;
	b->used += rounded;
	a->total += rounded;
	memset(p, 0, size);
	return p;
}

char *vpce_arena_strndup(struct vpce_arena *a, const char *s, size_t n)
{
	char *p = vpce_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *vpce_arena_strdup(struct vpce_arena *a, const char *s)
{
	return vpce_arena_strndup(a, s, strlen(s));
}

char *vpce_arena_printf(struct vpce_arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = vpce_arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* ---- hash map ------------------------------------------------------------ */
uint32_t vpce_hash_str(const char *s, size_t n)
{
	/* FNV-1a, 32-bit. */
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h ? h : 1;
}

void vpce_strmap_init(struct vpce_strmap *m)
{
	m->slots = NULL;
	m->cap = 0;
	m->count = 0;
}

void vpce_strmap_release(struct vpce_strmap *m)
{
	if (!m)
		return;
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}

static int strmap_resize(struct vpce_strmap *m, size_t ncap)
{
	struct vpce_strmap_slot *ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return VPCE_ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		struct vpce_strmap_slot *s = &m->slots[i];
		size_t j;
		if (!s->key)
			continue;
		for (j = s->hash & (ncap - 1); ns[j].key; j = (j + 1) & (ncap - 1))
			;
		ns[j] = *s;
	}
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
	return 0;
}

int vpce_strmap_put(struct vpce_strmap *m, const char *key, uint32_t value)
{
	size_t n = strlen(key);
	uint32_t h = vpce_hash_str(key, n);
	size_t j;

	if ((m->count + 1) * 4 >= m->cap * 3) {
		if (strmap_resize(m, m->cap ? m->cap * 2 : 16) != 0)
			return VPCE_ENOMEM;
	}
	for (j = h & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
		if (m->slots[j].hash == h && strcmp(m->slots[j].key, key) == 0) {
			m->slots[j].value = value;
			return 0;
		}
	}
	m->slots[j].key = key;
	m->slots[j].hash = h;
	m->slots[j].value = value;
	m->count++;
	return 0;
}

bool vpce_strmap_getn(const struct vpce_strmap *m, const char *key, size_t n, uint32_t *value)
{
	uint32_t h;
	size_t j;

	if (!m->cap)
		return false;
	h = vpce_hash_str(key, n);
	for (j = h & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
		const struct vpce_strmap_slot *s = &m->slots[j];
		if (s->hash == h && strncmp(s->key, key, n) == 0 && s->key[n] == '\0') {
			if (value)
				*value = s->value;
			return true;
		}
	}
	return false;
}

bool vpce_strmap_get(const struct vpce_strmap *m, const char *key, uint32_t *value)
{
	return vpce_strmap_getn(m, key, strlen(key), value);
}

/* ---- arrays -------------------------------------------------------------- */
int vpce_array_grow(void **items, size_t *alloc, size_t need, size_t elem_size)
{
	size_t nalloc;
	void *p;

	if (need <= *alloc)
		return 0;
	nalloc = *alloc ? *alloc : 8;
	while (nalloc < need)
		nalloc *= 2;
	if (nalloc > SIZE_MAX / elem_size)
		return VPCE_ENOMEM;
	p = realloc(*items, nalloc * elem_size);
	if (!p)
		return VPCE_ENOMEM;
	*items = p;
	*alloc = nalloc;
	return 0;
}

/* ---- strings ------------------------------------------------------------- */
bool vpce_str_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int vpce_strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

bool vpce_str_endswith(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

bool vpce_str_eqi(const char *a, const char *b)
{
	return vpce_slice_eqi(vpce_slice_from(a, strlen(a)), b);
}

size_t vpce_strlcpy(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);

	if (n) {
		size_t c = len < n - 1 ? len : n - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return len;
}

int vpce_parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0)
		return VPCE_EPARSE;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (d > 9)
			return VPCE_EPARSE;
		if (v > (UINT64_MAX - d) / 10)
			return VPCE_EPARSE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int vpce_parse_long(const char *s, size_t n, long min, long max, long *out)
{
	bool neg = false;
	uint64_t v;

	if (n && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++;
		n--;
	}
	if (vpce_parse_u64(s, n, &v) != 0 || v > (uint64_t)LONG_MAX)
		return VPCE_EPARSE;
	{
		long r = neg ? -(long)v : (long)v;
		if (r < min || r > max)
			return VPCE_EPARSE;
		*out = r;
	}
	return 0;
}
