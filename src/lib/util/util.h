/* Internal utilities shared by the library modules: arena allocation,
 * string interning / hashing, number parsing. Not part of the public API. */
#ifndef VPCE_UTIL_H
#define VPCE_UTIL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "vpce/common.h"
#include "vpce/error.h"
#include "vpce/buf.h"

/* ---- arena: bump allocator, freed all at once ---------------------------- */
struct vpce_arena_block;
struct vpce_arena {
	struct vpce_arena_block *head;
	size_t block_size;
	size_t total;   /* bytes handed out, for memory reports */
};

VPCE_EXTERN void vpce_arena_init(struct vpce_arena *a, size_t block_size);
VPCE_EXTERN void vpce_arena_release(struct vpce_arena *a);
/* Zeroed, 16-byte aligned memory, or NULL. */
VPCE_EXTERN void *vpce_arena_alloc(struct vpce_arena *a, size_t size);
VPCE_EXTERN char *vpce_arena_strndup(struct vpce_arena *a, const char *s, size_t n);
VPCE_EXTERN char *vpce_arena_strdup(struct vpce_arena *a, const char *s);
VPCE_EXTERN char *vpce_arena_printf(struct vpce_arena *a, const char *fmt, ...) VPCE_PRINTF(2, 3);

/* The 64-bit finaliser of MurmurHash3 (fmix64): every input bit reaches
 * every output bit, so the low bits can index a power-of-two table. */
static inline uint64_t vpce_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

/* ---- hash map: string key -> uint32 value (open addressing) -------------- */
struct vpce_strmap_slot {
	const char *key;   /* not owned; must outlive the map */
	uint32_t hash;
	uint32_t value;
};
struct vpce_strmap {
	struct vpce_strmap_slot *slots;
	size_t cap;   /* power of two */
	size_t count;
};

VPCE_EXTERN uint32_t vpce_hash_str(const char *s, size_t n);
VPCE_EXTERN void vpce_strmap_init(struct vpce_strmap *m);
VPCE_EXTERN void vpce_strmap_release(struct vpce_strmap *m);
/* Insert or overwrite. key must outlive the map. */
VPCE_EXTERN int vpce_strmap_put(struct vpce_strmap *m, const char *key, uint32_t value);
/* Returns true and sets *value when found. */
VPCE_EXTERN bool vpce_strmap_get(const struct vpce_strmap *m, const char *key, uint32_t *value);
VPCE_EXTERN bool vpce_strmap_getn(const struct vpce_strmap *m, const char *key, size_t n,
				  uint32_t *value);

/* ---- growable array of POD elements -------------------------------------- */
/* Ensures room for `need` elements in *items (capacity *alloc). */
VPCE_EXTERN int vpce_array_grow(void **items, size_t *alloc, size_t need, size_t elem_size);
#define VPCE_ARRAY_PUSH(arr, n, alloc, val)                                          \
	(vpce_array_grow((void **)&(arr), &(alloc), (n) + 1, sizeof(*(arr))) == 0      \
		 ? ((arr)[(n)++] = (val), 0)                                             \
		 : VPCE_ENOMEM)

/* ---- strings and numbers ------------------------------------------------- */
VPCE_EXTERN bool vpce_str_startswith(const char *s, const char *prefix);
VPCE_EXTERN bool vpce_str_endswith(const char *s, const char *suffix);
/* qsort comparator for an array of char * (strcmp order). */
VPCE_EXTERN int vpce_strcmp_ptr(const void *a, const void *b);
VPCE_EXTERN bool vpce_str_eqi(const char *a, const char *b);
/* Copy src into dst (size n), always NUL-terminated; returns strlen(src). */
VPCE_EXTERN size_t vpce_strlcpy(char *dst, const char *src, size_t n);
/* Parse a decimal integer in [min, max] from s[0..n). Whole string must match. */
VPCE_EXTERN int vpce_parse_long(const char *s, size_t n, long min, long max, long *out);
/* Same for unsigned 64-bit values. */
VPCE_EXTERN int vpce_parse_u64(const char *s, size_t n, uint64_t *out);

#include "util/banned.h"

#endif
