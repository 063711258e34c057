/* INI parser for the AWS shared config and credentials files.
 *
 * Format as described in "Configuration and credential file settings in the
 * AWS CLI" (AWS CLI User Guide, cli-configure-files.html): [section] headers
 * ("[profile name]" in config, "[name]" in credentials), "key = value"
 * settings, comment lines starting with '#' or ';', and nested settings
 * (a key with an empty value followed by indented "sub = value" lines, e.g.
 * "s3 =\n  max_concurrent_requests = 20").
 */
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include "vpce/aws.h"
#include "util/util.h"

struct ini_entry {
	const char *section;
	const char *key;
	const char *value;
	unsigned line;
};

struct vpce_ini {
	struct vpce_arena arena;
	struct ini_entry *entries;
	size_t n, alloc;
	const char **sections;   /* every section header seen, even empty ones */
	size_t nsec, secalloc;
};

static const char *trim(const char *s, const char *e, size_t *len)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	*len = (size_t)(e - s);
	return s;
}

static int add(struct vpce_ini *ini, const char *section, const char *key, size_t klen,
	       const char *val, size_t vlen, unsigned line, const char **stored_key)
{
	char *k = vpce_arena_strndup(&ini->arena, key, klen);
	char *v = vpce_arena_strndup(&ini->arena, val, vlen);
	struct ini_entry e;

	if (!k || !v)
		return VPCE_ENOMEM;
	for (char *p = k; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	/* last value wins: overwrite an existing entry in place */
	for (size_t i = 0; i < ini->n; i++)
		if (strcmp(ini->entries[i].section, section) == 0 &&
		    strcmp(ini->entries[i].key, k) == 0) {
			ini->entries[i].value = v;
			ini->entries[i].line = line;
			*stored_key = ini->entries[i].key;
			return 0;
		}
	e.section = section;
	e.key = k;
	e.value = v;
	e.line = line;
	*stored_key = k;
	return VPCE_ARRAY_PUSH(ini->entries, ini->n, ini->alloc, e);
}

int vpce_ini_parse(const char *text, size_t len, const char *name, struct vpce_ini **out,
		   struct vpce_error *err)
{
	struct vpce_ini *ini = calloc(1, sizeof(*ini));
	const char *p = text, *end = text + len, *section = NULL;
	const char *parent = NULL; /* key with empty value: nested settings follow */
	unsigned line = 0;
	int rc = 0;

	*out = NULL;
	if (!ini)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	vpce_arena_init(&ini->arena, 4096);
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end, *s, *eq;
		size_t n;
		bool indented;

		line++;
		indented = p < le && (*p == ' ' || *p == '\t');
		s = trim(p, le, &n);
		if (memchr(s, 0, n)) {
			rc = vpce_error_setpos(err, VPCE_EPARSE, name, line, 1,
					       "NUL byte in configuration file");
			goto out;
		}
		if (n == 0 || *s == '#' || *s == ';')
			goto next;
		if (*s == '[') {
			const char *close = memchr(s, ']', n), *rest = NULL;
			size_t sn, rn = 0;
			const char *sname;
			if (close)
				rest = trim(close + 1, s + n, &rn);
			if (!close || (rn && *rest != '#' && *rest != ';')) {
				rc = vpce_error_setpos(err, VPCE_EPARSE, name, line,
						       (unsigned)(s - p) + 1,
						       "section header must be '[name]'");
				goto out;
			}
			sname = trim(s + 1, close, &sn);
			if (sn == 0) {
				rc = vpce_error_setpos(err, VPCE_EPARSE, name, line,
						       (unsigned)(s - p) + 1, "empty section name");
				goto out;
			}
			section = vpce_arena_strndup(&ini->arena, sname, sn);
			if (!section || VPCE_ARRAY_PUSH(ini->sections, ini->nsec, ini->secalloc,
							 section) != 0)
				goto nomem;
			parent = NULL;
			goto next;
		}
		if (!section) {
			rc = vpce_error_setpos(err, VPCE_EPARSE, name, line, (unsigned)(s - p) + 1,
					       "setting before any [section] header");
			goto out;
		}
		eq = memchr(s, '=', n);
		if (!eq) {
			rc = vpce_error_setpos(err, VPCE_EPARSE, name, line, (unsigned)(s - p) + 1,
					       "expected 'key = value'");
			goto out;
		}
		{
			size_t kn, vn;
			const char *k = trim(s, eq, &kn), *v = trim(eq + 1, s + n, &vn);
			if (kn == 0) {
				rc = vpce_error_setpos(err, VPCE_EPARSE, name, line,
						       (unsigned)(s - p) + 1, "empty key before '='");
				goto out;
			}
			if (indented && parent) {
				char full[256];
				int fl = snprintf(full, sizeof(full), "%s.%.*s", parent, (int)kn, k);
				if (fl < 0 || (size_t)fl >= sizeof(full)) {
					rc = vpce_error_setpos(err, VPCE_EPARSE, name, line,
							       (unsigned)(s - p) + 1,
							       "nested key too long");
					goto out;
				}
				const char *sk;
				if (add(ini, section, full, (size_t)fl, v, vn, line, &sk))
					goto nomem;
				goto next;
			}
			const char *sk;
			if (add(ini, section, k, kn, v, vn, line, &sk))
				goto nomem;
			parent = vn == 0 ? sk : NULL;
		}
next:
		p = eol ? eol + 1 : end;
	}
	*out = ini;
	return 0;
nomem:
	rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
out:
	vpce_ini_free(ini);
	return rc;
}

int vpce_ini_load(const char *path, struct vpce_ini **out, struct vpce_error *err)
{
	struct vpce_buf b = VPCE_BUF_INIT;
	FILE *f;
	int rc;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f)
		return vpce_error_set(err, VPCE_ENOTFOUND, "%s: not found", path);
	fclose(f);
	vpce_buf_init(&b, (size_t)16 << 20);
	rc = vpce_buf_read_file(&b, path, err);
	if (rc == 0)
		rc = vpce_ini_parse(b.ptr ? b.ptr : "", b.len, path, out, err);
	vpce_buf_release(&b);
	return rc;
}

void vpce_ini_free(struct vpce_ini *ini)
{
	if (!ini)
		return;
	free(ini->entries);
	free(ini->sections);
	vpce_arena_release(&ini->arena);
	free(ini);
}

const char *vpce_ini_get(const struct vpce_ini *ini, const char *section, const char *key)
{
	if (!ini || !section || !key)
		return NULL;
	for (size_t i = 0; i < ini->n; i++)
		if (strcmp(ini->entries[i].section, section) == 0 &&
		    vpce_str_eqi(ini->entries[i].key, key))
			return ini->entries[i].value;
	return NULL;
}

bool vpce_ini_has_section(const struct vpce_ini *ini, const char *section)
{
	if (!ini || !section)
		return false;
	for (size_t i = 0; i < ini->nsec; i++)
		if (strcmp(ini->sections[i], section) == 0)
			return true;
	return false;
}

size_t vpce_ini_count(const struct vpce_ini *ini)
{
	return ini ? ini->n : 0;
}

void vpce_ini_entry(const struct vpce_ini *ini, size_t i, const char **section, const char **key,
		    const char **value, unsigned *line)
{
	const struct ini_entry *e = &ini->entries[i];
	if (section)
		*section = e->section;
	if (key)
		*key = e->key;
	if (value)
		*value = e->value;
	if (line)
		*line = e->line;
}
