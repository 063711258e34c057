/* vpce — the HTML report: one self-contained, offline, accessible and
 * printable page with the summary (paths private/public/blocked, findings
 * by severity), the path matrix, the audit findings, the diagram (inline
 * SVG) and a marked place for the plan/savings section. The renderer only
 * formats what it is given: the same verdicts `check` prints and the same
 * audit `audit` prints, so the numbers agree.
 */
#ifndef VPCE_REPORT_H
#define VPCE_REPORT_H

#include "audit.h"
#include "buf.h"
#include "path.h"
#include "plan.h"

struct vpce_report_input {
	const char *snapshot;               /* shown as the report's subject */
	const struct vpce_verdict *v;       /* check's default rows, in check's order */
	size_t nv;
	const char *const *notes;           /* snapshot-wide notes */
	size_t nnotes;
	const struct vpce_audit *audit;     /* may be NULL */
	const char *svg;                    /* Graphviz SVG of the diagram, or NULL */
	size_t svg_len;
	const char *diagram_note;           /* shown instead of the diagram when svg is NULL */
	size_t max_rows;                    /* matrix rows shown (sources); 0: 400. The summary
					       always counts every row. */
	size_t max_findings;                /* findings listed; 0: 1000 (summary counts all) */
	const struct vpce_plan_result *plan;/* from flow logs, or NULL: the plan section says how
					       to get one */
};

/* Appends a complete HTML document to out. */
VPCE_EXTERN int vpce_render_html(struct vpce_buf *out, const struct vpce_report_input *in);

#endif
