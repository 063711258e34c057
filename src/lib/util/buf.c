#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "util/util.h"

void vpce_buf_init(struct vpce_buf *b, size_t cap)
{
	b->ptr = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap ? cap : VPCE_BUF_DEFAULT_CAP;
	b->failed = false;
}

void vpce_buf_release(struct vpce_buf *b)
{
	if (!b)
		return;
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->alloc = 0;
	b->failed = false;
}

void vpce_buf_clear(struct vpce_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
	b->failed = false;
}

int vpce_buf_grow(struct vpce_buf *b, size_t extra)
{
	size_t need, nalloc;
	char *p;

	if (extra > b->cap || b->len > b->cap - extra) {
		b->failed = true;
		return VPCE_ENOMEM;
	}
	need = b->len + extra + 1;
	if (need <= b->alloc)
		return 0;
	nalloc = b->alloc ? b->alloc : 64;
	while (nalloc < need)
		nalloc = nalloc > SIZE_MAX / 2 ? need : nalloc * 2;
	p = realloc(b->ptr, nalloc);
	if (!p) {
		b->failed = true;
		return VPCE_ENOMEM;
	}
	b->ptr = p;
	b->alloc = nalloc;
	return 0;
}

int vpce_buf_put(struct vpce_buf *b, const void *data, size_t len)
{
	if (vpce_buf_grow(b, len) != 0)
		return VPCE_ENOMEM;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int vpce_buf_puts(struct vpce_buf *b, const char *s)
{
	return vpce_buf_put(b, s, strlen(s));
}

int vpce_buf_putc(struct vpce_buf *b, char c)
{
	return vpce_buf_put(b, &c, 1);
}

int vpce_buf_vprintf(struct vpce_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->failed = true;
		return VPCE_EINVAL;
	}
	if (vpce_buf_grow(b, (size_t)n) != 0)
		return VPCE_ENOMEM;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int vpce_buf_printf(struct vpce_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vpce_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

int vpce_buf_put_json_strn(struct vpce_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, start = 0;
	int rc = vpce_buf_putc(b, '"');

	for (i = 0; i < len && rc == 0; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7];
		size_t elen = 0;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			elen = 2;
		} else if (c == '\n') {
			esc[0] = '\\'; esc[1] = 'n'; elen = 2;
		} else if (c == '\r') {
			esc[0] = '\\'; esc[1] = 'r'; elen = 2;
		} else if (c == '\t') {
			esc[0] = '\\'; esc[1] = 't'; elen = 2;
		} else if (c < 0x20 || c == 0x7f) {
			esc[0] = '\\'; esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
			esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
			elen = 6;
		}
		if (elen) {
			rc = vpce_buf_put(b, s + start, i - start);
			if (rc == 0)
				rc = vpce_buf_put(b, esc, elen);
			start = i + 1;
		}
	}
	if (rc == 0)
		rc = vpce_buf_put(b, s + start, len - start);
	if (rc == 0)
		rc = vpce_buf_putc(b, '"');
	return rc;
}

int vpce_buf_put_json_str(struct vpce_buf *b, const char *s)
{
	if (!s)
		return vpce_buf_puts(b, "null");
	return vpce_buf_put_json_strn(b, s, strlen(s));
}

char *vpce_buf_detach(struct vpce_buf *b, size_t *len)
{
	char *p;

	if (!b->ptr && vpce_buf_grow(b, 0) != 0)
		return NULL;
	b->ptr[b->len] = '\0';
	p = b->ptr;
	if (len)
		*len = b->len;
	b->ptr = NULL;
	b->len = b->alloc = 0;
	return p;
}

int vpce_buf_read_file(struct vpce_buf *b, const char *path, struct vpce_error *err)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int rc = 0;

	if (!f)
		return vpce_error_setpos(err, VPCE_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (vpce_buf_put(b, chunk, n) != 0) {
			rc = vpce_error_setpos(err, VPCE_ENOMEM, path, 0, 0,
					       "file too large (limit %zu bytes)", b->cap);
			goto out;
		}
	}
	if (ferror(f))
		rc = vpce_error_setpos(err, VPCE_EIO, path, 0, 0, "read error: %s", strerror(errno));
	else if (!b->ptr)
		rc = vpce_buf_grow(b, 0);
out:
	fclose(f);
	return rc;
}

bool vpce_slice_eq(struct vpce_slice s, const char *lit)
{
	size_t n = strlen(lit);
	return s.len == n && memcmp(s.ptr, lit, n) == 0;
}

bool vpce_slice_eqi(struct vpce_slice s, const char *lit)
{
	size_t n = strlen(lit);

	if (s.len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char a = s.ptr[i], c = lit[i];
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (a != c)
			return false;
	}
	return true;
}
