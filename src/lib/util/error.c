#include <stdio.h>
#include "util/util.h"

const char *vpce_version(void)
{
	return VPCE_VERSION;
}

void vpce_error_clear(struct vpce_error *err)
{
	if (!err)
		return;
	err->code = 0;
	err->file[0] = '\0';
	err->line = err->col = 0;
	err->message[0] = '\0';
}

static void error_vset(struct vpce_error *err, int code, const char *file, unsigned line,
		       unsigned col, const char *fmt, va_list ap) VPCE_PRINTF(6, 0);

static void error_vset(struct vpce_error *err, int code, const char *file, unsigned line,
		       unsigned col, const char *fmt, va_list ap)
{
	err->code = code;
	vpce_strlcpy(err->file, file ? file : "", sizeof(err->file));
	err->line = line;
	err->col = col;
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
}

int vpce_error_set(struct vpce_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	error_vset(err, code, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return code;
}

int vpce_error_setpos(struct vpce_error *err, int code, const char *file, unsigned line,
		      unsigned col, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	error_vset(err, code, file, line, col, fmt, ap);
	va_end(ap);
	return code;
}

const char *vpce_error_format(const struct vpce_error *err, char *out, size_t outlen)
{
	if (!out || outlen == 0)
		return out;
	if (!err) {
		out[0] = '\0';
		return out;
	}
	if (err->file[0] && err->line > 0 && err->col > 0)
		snprintf(out, outlen, "%s:%u:%u: %s", err->file, err->line, err->col, err->message);
	else if (err->file[0] && err->line > 0)
		snprintf(out, outlen, "%s:%u: %s", err->file, err->line, err->message);
	else if (err->file[0])
		snprintf(out, outlen, "%s: %s", err->file, err->message);
	else
		snprintf(out, outlen, "%s", err->message[0] ? err->message : vpce_error_name(err->code));
	return out;
}

const char *vpce_error_name(int code)
{
	switch (code) {
	case VPCE_OK: return "ok";
	case VPCE_ENOMEM: return "out of memory or size limit";
	case VPCE_EIO: return "i/o error";
	case VPCE_EPARSE: return "parse error";
	case VPCE_EINVAL: return "invalid input";
	case VPCE_ENOTFOUND: return "not found";
	case VPCE_EUSAGE: return "usage error";
	case VPCE_EUNSUPPORTED: return "unsupported";
	case VPCE_ENET: return "network error";
	case VPCE_EAWS: return "AWS API error";
	default: return "unknown error";
	}
}
