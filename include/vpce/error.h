/* vpce — errors.
 *
 * Fallible functions return int: 0 on success, a negative VPCE_E* code on
 * failure, and fill a caller-supplied struct vpce_error. The library never
 * prints and never exits.
 */
#ifndef VPCE_ERROR_H
#define VPCE_ERROR_H

#include "common.h"

enum vpce_error_code {
	VPCE_OK = 0,
	VPCE_ENOMEM = -1,   /* allocation failed or a size cap was hit */
	VPCE_EIO = -2,      /* reading or writing a file failed */
	VPCE_EPARSE = -3,   /* malformed input (JSON, policy, flow log, ...) */
	VPCE_EINVAL = -4,   /* well-formed input with wrong types / values */
	VPCE_ENOTFOUND = -5,/* a named thing does not exist */
	VPCE_EUSAGE = -6,   /* bad arguments from the caller */
	VPCE_EUNSUPPORTED = -7,
	VPCE_ENET = -8,     /* network / remote API failure */
	VPCE_EAWS = -9      /* the AWS API answered with an error */
};

#define VPCE_ERROR_MSG_MAX 512
#define VPCE_ERROR_FILE_MAX 1024

/* A position is known when line > 0; file may be empty. */
struct vpce_error {
	int code;
	char file[VPCE_ERROR_FILE_MAX];
	unsigned line;
	unsigned col;
	char message[VPCE_ERROR_MSG_MAX];
};

/* Reset err to "no error". NULL-safe. */
VPCE_EXTERN void vpce_error_clear(struct vpce_error *err);

/* Fill err (if non-NULL) with code and a formatted message, no position.
 * Returns code so callers can `return vpce_error_set(...)`. */
VPCE_EXTERN int vpce_error_set(struct vpce_error *err, int code, const char *fmt, ...)
	VPCE_PRINTF(3, 4);

/* As vpce_error_set, with a file:line:col position (line/col 0 = unknown). */
VPCE_EXTERN int vpce_error_setpos(struct vpce_error *err, int code, const char *file,
				  unsigned line, unsigned col, const char *fmt, ...)
	VPCE_PRINTF(6, 7);

/* Format "file:line:col: message" (omitting unknown parts) into out.
 * Returns out. */
VPCE_EXTERN const char *vpce_error_format(const struct vpce_error *err, char *out, size_t outlen);

/* A short name for a code ("out of memory", "parse error", ...). Static. */
VPCE_EXTERN const char *vpce_error_name(int code);

#endif
