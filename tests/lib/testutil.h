/* Test helpers: build snapshots from inline JSON written with single quotes
 * (turned into double quotes) so fixtures stay readable in C. */
#ifndef VPCE_TESTUTIL_H
#define VPCE_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vpce/path.h"
#include "vpce/snapshot.h"

static inline char *tu_quote(const char *s)
{
	size_t n = strlen(s);
	char *d = malloc(n + 1);
	for (size_t i = 0; i <= n; i++)
		d[i] = s[i] == '\'' ? '"' : s[i];
	return d;
}

/* Load docs (name, json, name, json, ..., NULL). Fails the test on error. */
static inline struct vpce_model *tu_load_v(struct vpce_error *err, int expect_rc, const char *first, va_list ap)
{
	const char *names[32];
	char *texts[32];
	size_t lens[32], n = 0;
	const char *name = first;
	struct vpce_model *m = NULL;
	int rc;

	while (name && n < 32) {
		const char *json = va_arg(ap, const char *);
		names[n] = name;
		texts[n] = tu_quote(json);
		lens[n] = strlen(texts[n]);
		n++;
		name = va_arg(ap, const char *);
	}
	rc = vpce_snapshot_load_buffers(names, (const char *const *)texts, lens, n, NULL, &m, err);
	for (size_t i = 0; i < n; i++)
		free(texts[i]);
	if (rc != expect_rc) {
		print_error("load returned %d, expected %d: %s:%u:%u: %s\n", rc, expect_rc, err->file, err->line, err->col,
			    err->message);
		fail();
	}
	return m;
}

static inline struct vpce_model *tu_load(const char *first, ...)
{
	struct vpce_error err;
	struct vpce_model *m;
	va_list ap;
	va_start(ap, first);
	m = tu_load_v(&err, 0, first, ap);
	va_end(ap);
	return m;
}

static inline void tu_load_fail(struct vpce_error *err, int expect_rc, const char *first, ...)
{
	va_list ap;
	va_start(ap, first);
	(void)tu_load_v(err, expect_rc, first, ap);
	va_end(ap);
}

/* Run one check; the verdict's strings live in *e. */
static inline struct vpce_verdict tu_check(struct vpce_engine *e, const char *from, const char *to)
{
	struct vpce_source src;
	struct vpce_verdict v;
	struct vpce_error err;

	if (vpce_engine_source(e, from, &src, &err) != 0 || vpce_engine_check(e, &src, to, &v, &err) != 0) {
		print_error("check %s -> %s: %s\n", from, to, err.message);
		fail();
	}
	return v;
}

static inline bool tu_has(const char *const *list, uint32_t n, const char *needle)
{
	for (uint32_t i = 0; i < n; i++)
		if (strstr(list[i], needle))
			return true;
	return false;
}

#endif
