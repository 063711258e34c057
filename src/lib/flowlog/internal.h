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

#endif
