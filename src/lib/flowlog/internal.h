/* Flow log internals shared by parse.c and reader.c. */
#ifndef VPCE_FLOWLOG_INTERNAL_H
#define VPCE_FLOWLOG_INTERNAL_H

#include "vpce/flowlog.h"

/* Parse one line in format f starting at p inside a larger buffer
 * ending at end, without knowing where the line ends. Returns the position
 * of the newline ending it (or end), or NULL when the line is not a clean
 * record (the caller then finds the line end itself and
 * uses vpce_flowlog_parse_line, which reports the exact problem). *r is
 * written as by vpce_flowlog_parse_line. */
const char *flowlog_parse_stream(const struct vpce_flowlog_format *f, const char *p,
				 const char *end, struct vpce_flow_record *r);

/* A consumer's own scanner for plain records of the default format, called
 * by the reader where its next line starts (a record line already seen in
 * the file, default format, nothing pending): scan takes the complete lines
 * it can prove to be plain v2 "OK" records from p (before end), adds them
 * itself, and returns the position after them with their count in *n (0
 * and p when it takes none). The reader counts them as lines, records and
 * OK records and goes on after them; everything else stays the reader's.
 * plan uses it to run its SIMD scanner inside gzip and piped input. */
struct flowlog_hook {
	const char *(*scan)(void *ctx, const char *p, const char *end, uint64_t *n);
	void *ctx;
};

/* vpce_flowlog_read_path / vpce_flowlog_parse_buffer with a hook (NULL:
 * the same as those). */
int flowlog_read_path_hooked(const char *path, const struct vpce_flowlog_opts *opts, vpce_flowlog_cb cb,
			     void *ctx, const struct flowlog_hook *hook, struct vpce_flowlog_stats *st,
			     struct vpce_error *err);
int flowlog_parse_buffer_hooked(const char *text, size_t len, const char *name,
				const struct vpce_flowlog_opts *opts, vpce_flowlog_cb cb, void *ctx,
				const struct flowlog_hook *hook, struct vpce_flowlog_stats *st,
				struct vpce_error *err);

#endif
