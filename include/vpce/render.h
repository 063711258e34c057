/* vpce — renderers: verdicts to JSON (a documented contract, docs/CHECK.md)
 * and to a terminal table. Renderers only format; they decide nothing. */
#ifndef VPCE_RENDER_H
#define VPCE_RENDER_H

#include "buf.h"
#include "path.h"

struct vpce_render_options {
	bool color;      /* ANSI colors (tables) */
	bool explain;    /* tables: hops and fixes for every non-private cell */
};

/* {"results": [...], "notes": [...]} — see docs/CHECK.md. Appends to out. */
VPCE_EXTERN int vpce_render_check_json(struct vpce_buf *out, const struct vpce_verdict *v, size_t n,
				       const char *const *notes, size_t nnotes);
/* Sources x services table; appends to out. */
VPCE_EXTERN int vpce_render_check_table(struct vpce_buf *out, const struct vpce_verdict *v, size_t n,
					const char *const *notes, size_t nnotes,
					const struct vpce_render_options *opts);
/* Short cell label: "GATEWAY", "INTERFACE", "NAT", "BLOCKED:route", … (static or in buf). */
VPCE_EXTERN const char *vpce_render_cell(const struct vpce_verdict *v, char *buf, size_t len);

#endif
