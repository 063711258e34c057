/* vpce — growable byte buffer with a hard size cap, and non-owning slices.
 *
 * struct vpce_buf owns its memory: vpce_buf_init() then vpce_buf_release().
 * The content is always NUL-terminated (ptr[len] == 0) once anything was
 * appended. Appends fail with VPCE_ENOMEM when the cap would be exceeded;
 * after a failure the buffer keeps its previous content and `failed` is set,
 * so a sequence of appends can be checked once at the end.
 */
#ifndef VPCE_BUF_H
#define VPCE_BUF_H

#include "common.h"
#include <stdarg.h>

#define VPCE_BUF_DEFAULT_CAP ((size_t)1 << 30) /* 1 GiB */

struct vpce_buf {
	char *ptr;
	size_t len;
	size_t alloc;
	size_t cap;   /* hard maximum of len */
	bool failed;  /* an append hit the cap or ran out of memory */
};

/* A non-owning view of bytes; not NUL-terminated in general. */
struct vpce_slice {
	const char *ptr;
	size_t len;
};

#define VPCE_BUF_INIT { NULL, 0, 0, VPCE_BUF_DEFAULT_CAP, false }

VPCE_EXTERN void vpce_buf_init(struct vpce_buf *b, size_t cap);
VPCE_EXTERN void vpce_buf_release(struct vpce_buf *b);
VPCE_EXTERN void vpce_buf_clear(struct vpce_buf *b);
VPCE_EXTERN int vpce_buf_grow(struct vpce_buf *b, size_t extra);
VPCE_EXTERN int vpce_buf_put(struct vpce_buf *b, const void *data, size_t len);
VPCE_EXTERN int vpce_buf_puts(struct vpce_buf *b, const char *s);
VPCE_EXTERN int vpce_buf_putc(struct vpce_buf *b, char c);
VPCE_EXTERN int vpce_buf_printf(struct vpce_buf *b, const char *fmt, ...) VPCE_PRINTF(2, 3);
VPCE_EXTERN int vpce_buf_vprintf(struct vpce_buf *b, const char *fmt, va_list ap)
	VPCE_PRINTF(2, 0);
/* Append s as a JSON string literal (with quotes and escapes). */
VPCE_EXTERN int vpce_buf_put_json_str(struct vpce_buf *b, const char *s);
VPCE_EXTERN int vpce_buf_put_json_strn(struct vpce_buf *b, const char *s, size_t len);
/* Hand the memory to the caller (caller frees) and reset b. Never NULL on
 * success: an empty buffer yields "". Returns NULL on allocation failure. */
VPCE_EXTERN char *vpce_buf_detach(struct vpce_buf *b, size_t *len);

/* Read a whole file into b (appending). Fills err with the file name. */
struct vpce_error;
VPCE_EXTERN int vpce_buf_read_file(struct vpce_buf *b, const char *path, struct vpce_error *err);

static inline struct vpce_slice vpce_slice_from(const char *p, size_t n)
{
	struct vpce_slice s = { p, n };
	return s;
}
VPCE_EXTERN bool vpce_slice_eq(struct vpce_slice s, const char *lit);
VPCE_EXTERN bool vpce_slice_eqi(struct vpce_slice s, const char *lit);

#endif
