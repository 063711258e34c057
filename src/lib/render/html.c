/* The HTML report (include/vpce/report.h): no scripts, no external assets;
 * landmarks and headings, a table caption and header scopes, words next to
 * every colour, print CSS. */
#include <stdio.h>
#include <stdlib.h>
#include "vpce/render.h"
#include "vpce/report.h"
#include "util/util.h"

static void h(struct vpce_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': vpce_buf_puts(b, "&amp;"); break;
		case '<': vpce_buf_puts(b, "&lt;"); break;
		case '>': vpce_buf_puts(b, "&gt;"); break;
		case '"': vpce_buf_puts(b, "&quot;"); break;
		case '\'': vpce_buf_puts(b, "&#39;"); break;
		default: vpce_buf_putc(b, *s);
		}
	}
}

static const char *word(const struct vpce_verdict *v)
{
	return v->is_private ? "private" : v->path == VPCE_PATH_BLOCKED ? "blocked" : "public";
}

static const char CSS[] =
	":root{--ok:#1a7f37;--pub:#9a4a00;--bad:#b3261e;--ink:#1b1f24;--mute:#57606a;--line:#d0d7de}"
	"*{box-sizing:border-box}"
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:var(--ink);"
	"margin:0 auto;max-width:1200px;padding:1.5rem}"
	"h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;border-bottom:1px solid var(--line);"
	"padding-bottom:.25rem;margin-top:2rem}"
	".sub{color:var(--mute)}"
	"nav ul{list-style:none;padding:0;display:flex;gap:1rem;flex-wrap:wrap}"
	"a{color:#0550ae}"
	".cards{display:flex;gap:.75rem;flex-wrap:wrap;padding:0;list-style:none}"
	".cards li{border:1px solid var(--line);border-radius:8px;padding:.6rem .9rem;min-width:9rem}"
	".cards .n{display:block;font-size:1.6rem;font-weight:700}"
	"table{border-collapse:collapse;width:100%;margin:.5rem 0}"
	"caption{text-align:left;color:var(--mute);padding:.25rem 0}"
	"th,td{border:1px solid var(--line);padding:.3rem .45rem;text-align:left;vertical-align:top}"
	"thead th{background:#f6f8fa}"
	".private{color:var(--ok)}.public{color:var(--pub)}.blocked{color:var(--bad)}"
	"td.private{background:#eaf6ec}td.public{background:#fff4e5}td.blocked{background:#fdecea}"
	".tag{font-weight:700;text-transform:uppercase;font-size:.8rem;letter-spacing:.03em}"
	".sev-critical,.sev-high{color:var(--bad)}.sev-medium{color:var(--pub)}.sev-low{color:var(--mute)}"
	"code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}"
	"figure{margin:0;overflow:auto;border:1px solid var(--line);border-radius:8px;padding:.5rem}"
	"figure svg{max-width:100%;height:auto}"
	".placeholder{border:2px dashed var(--line);border-radius:8px;padding:1rem;color:var(--mute)}"
	"@media print{body{max-width:none;padding:0;font-size:11px}nav{display:none}"
	"a{color:inherit;text-decoration:none}section{break-inside:auto}tr,li,figure{break-inside:avoid}"
	"h2{break-after:avoid}td.private,td.public,td.blocked,thead th{-webkit-print-color-adjust:exact;"
	"print-color-adjust:exact}}";

/* Index of s in a string map of list positions; adds it when new. */
static size_t intern(struct vpce_strmap *map, const char **list, size_t *n, const char *s, int *rc)
{
	uint32_t v;

	if (vpce_strmap_get(map, s, &v))
		return v;
	if (vpce_strmap_put(map, s, (uint32_t)*n) != 0) {
		*rc = VPCE_ENOMEM;
		return 0;
	}
	list[*n] = s;
	return (*n)++;
}

static int matrix(struct vpce_buf *b, const struct vpce_report_input *in)
{
	size_t n = in->nv, nr = 0, nc = 0, max = in->max_rows ? in->max_rows : 400, shown;
	const char **rows = calloc(n + 1, sizeof(*rows)), **cols = calloc(n + 1, sizeof(*cols));
	size_t *ri = calloc(n + 1, sizeof(*ri)), *ci = calloc(n + 1, sizeof(*ci));
	const struct vpce_verdict **cell = NULL;
	struct vpce_strmap rmap, cmap;
	int rc = 0;

	vpce_strmap_init(&rmap);
	vpce_strmap_init(&cmap);
	if (!rows || !cols || !ri || !ci) {
		rc = VPCE_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		ri[i] = intern(&rmap, rows, &nr, in->v[i].from, &rc);
		ci[i] = intern(&cmap, cols, &nc, in->v[i].to, &rc);
	}
	if (rc)
		goto out;
	shown = nr < max ? nr : max;
	cell = calloc(shown * nc + 1, sizeof(*cell));
	if (!cell) {
		rc = VPCE_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (ri[i] < shown)
			cell[ri[i] * nc + ci[i]] = &in->v[i];
	if (shown < nr)
		vpce_buf_printf(b, "<p role=\"note\" data-truncated=\"rows\">The first %zu of %zu sources are shown; the "
				   "summary counts all of them (every row: <code>vpce check SNAPSHOT --format json</code>)."
				   "</p>\n", shown, nr);
	vpce_buf_puts(b, "<table id=\"path-matrix\"><caption>Each cell: the verdict in words (private, public, blocked), "
			 "the way (gateway or interface endpoint, NAT, internet gateway, or the step that blocks) and the "
			 "resource it goes through.</caption>\n<thead><tr><th scope=\"col\">Source</th>");
	for (size_t c = 0; c < nc; c++) {
		vpce_buf_puts(b, "<th scope=\"col\">");
		h(b, cols[c]);
		vpce_buf_puts(b, "</th>");
	}
	vpce_buf_puts(b, "</tr></thead>\n<tbody>\n");
	for (size_t r = 0; r < shown; r++) {
		vpce_buf_puts(b, "<tr><th scope=\"row\">");
		h(b, rows[r]);
		vpce_buf_puts(b, "</th>");
		for (size_t c = 0; c < nc; c++) {
			const struct vpce_verdict *x = cell[r * nc + c];
			char tmp[64];
			if (!x) {
				vpce_buf_puts(b, "<td>-</td>");
				continue;
			}
			vpce_buf_printf(b, "<td class=\"%s\" data-verdict=\"%s\"><span class=\"tag\">%s</span> ", word(x),
					word(x), word(x));
			h(b, vpce_render_cell(x, tmp, sizeof(tmp)));
			if (x->via) {
				vpce_buf_puts(b, "<br><code>");
				h(b, x->via);
				vpce_buf_puts(b, "</code>");
			}
			if (!x->is_private && x->nfixes) {
				vpce_buf_puts(b, "<br><small>fix: ");
				h(b, x->fixes[0]);
				vpce_buf_puts(b, "</small>");
			}
			vpce_buf_puts(b, "</td>");
		}
		vpce_buf_puts(b, "</tr>\n");
	}
	vpce_buf_puts(b, "</tbody></table>\n");
out:
	vpce_strmap_release(&rmap);
	vpce_strmap_release(&cmap);
	free(rows);
	free(cols);
	free(ri);
	free(ci);
	free(cell);
	return rc;
}

static void findings(struct vpce_buf *b, const struct vpce_audit *a, size_t max)
{
	size_t shown;

	if (!a) {
		vpce_buf_puts(b, "<p>The audit was not run.</p>\n");
		return;
	}
	if (!a->count) {
		vpce_buf_puts(b, "<p>No findings.</p>\n");
		return;
	}
	shown = a->count < max ? a->count : max;
	if (shown < a->count)
		vpce_buf_printf(b, "<p role=\"note\" data-truncated=\"findings\">The first %zu of %zu findings are listed; "
				   "the summary counts all of them (every finding: <code>vpce audit SNAPSHOT --format json"
				   "</code>).</p>\n", shown, a->count);
	vpce_buf_puts(b, "<table id=\"findings-table\"><caption>Audit findings, ordered by rule id (the rules: docs/AUDIT.md)."
			 "</caption>\n<thead><tr><th scope=\"col\">Id</th><th scope=\"col\">Severity</th>"
			 "<th scope=\"col\">Resource</th><th scope=\"col\">Reason</th><th scope=\"col\">Fix</th>"
			 "<th scope=\"col\">AWS documentation</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < shown; i++) {
		const struct vpce_finding *f = &a->findings[i];
		const char *sev = vpce_severity_name(f->severity);
		vpce_buf_printf(b, "<tr data-severity=\"%s\"><td>%s</td><td class=\"sev-%s\"><span class=\"tag\">%s</span></td>"
				   "<td><code>", sev, f->rule_id, sev, sev);
		h(b, f->resource);
		vpce_buf_puts(b, "</code></td><td>");
		h(b, f->reason);
		vpce_buf_puts(b, "</td><td><code>");
		h(b, f->fix);
		vpce_buf_puts(b, "</code></td><td><a href=\"");
		h(b, f->doc_url);
		vpce_buf_puts(b, "\">");
		h(b, f->doc_title);
		vpce_buf_puts(b, "</a></td></tr>\n");
	}
	vpce_buf_puts(b, "</tbody></table>\n");
}

/* The SVG element of Graphviz output (drops the XML prolog and DOCTYPE). */
static void inline_svg(struct vpce_buf *b, const char *svg, size_t len)
{
	const char *end = svg + len, *p = svg;

	for (; p + 4 <= end; p++)
		if (memcmp(p, "<svg", 4) == 0)
			break;
	if (p + 4 > end)
		return;
	vpce_buf_puts(b, "<svg role=\"img\" aria-labelledby=\"diagram-caption\" focusable=\"false\"");
	vpce_buf_put(b, p + 4, (size_t)(end - p - 4));
}

/* The plan section: recommendations with savings and break-even, as a
 * table and two inline SVG bar charts (monthly saving per recommendation;
 * traffic against break-even for interface endpoints). Every bar carries
 * its number as text, and each chart has a title and a description. */
static void render_plan(struct vpce_buf *b, const struct vpce_plan_result *p)
{
	double max_saving = 0, max_gb = 0;
	uint32_t nie = 0;

	vpce_buf_puts(b, "<section id=\"plan\" aria-labelledby=\"h-plan\">\n<h2 id=\"h-plan\">Plan and savings</h2>\n");
	if (!p) {
		vpce_buf_puts(b, "<!-- VPCE-PLAN-SECTION-BEGIN: no flow logs given -->\n"
				 "<p class=\"placeholder\" role=\"note\" data-placeholder=\"plan\">No flow logs were given, so "
				 "no costs are estimated here. Run <code>vpce report SNAPSHOT --flow-logs PATH</code> (or "
				 "<code>vpce plan</code>) to measure which endpoints pay off.</p>\n<!-- VPCE-PLAN-SECTION-END -->\n"
				 "</section>\n");
		return;
	}
	vpce_buf_printf(b, "<p>Measured from VPC Flow Logs: %.2f h observed (%.2f h with records), scaled to a month "
			   "&times;%.1f; %llu records.</p>\n", p->hours, p->covered_hours, p->month_factor,
			(unsigned long long)p->records);
	if (!p->nrecs) {
		vpce_buf_puts(b, "<p>No recommendation: the observed traffic already takes the cheapest path.</p>\n</section>\n");
		return;
	}
	for (uint32_t i = 0; i < p->nrecs; i++) {
		if (p->recs[i].monthly_saving_usd > max_saving)
			max_saving = p->recs[i].monthly_saving_usd;
		if (p->recs[i].break_even_gb_month >= 0) {
			nie++;
			if (p->recs[i].break_even_gb_month > max_gb)
				max_gb = p->recs[i].break_even_gb_month;
			if (p->recs[i].gb_month > max_gb)
				max_gb = p->recs[i].gb_month;
		}
	}
	vpce_buf_puts(b, "<table class=\"plan\">\n<caption>Recommendations</caption>\n<thead><tr><th scope=\"col\">Action</th>"
			 "<th scope=\"col\">Type</th><th scope=\"col\">Service</th><th scope=\"col\">VPC</th>"
			 "<th scope=\"col\">Endpoint</th><th scope=\"col\">Saving (USD/month)</th>"
			 "<th scope=\"col\">Traffic (GB/month)</th><th scope=\"col\">Break-even (GB/month)</th>"
			 "<th scope=\"col\">Why</th></tr></thead>\n<tbody>\n");
	for (uint32_t i = 0; i < p->nrecs; i++) {
		const struct vpce_plan_rec *r = &p->recs[i];
		vpce_buf_puts(b, "<tr><td>");
		h(b, vpce_plan_action_name((enum vpce_plan_action)r->action));
		vpce_buf_puts(b, "</td><td>");
		h(b, r->type ? r->type : "");
		vpce_buf_puts(b, "</td><td>");
		h(b, r->service ? r->service : "");
		vpce_buf_puts(b, "</td><td>");
		h(b, r->vpc ? r->vpc : "");
		vpce_buf_puts(b, "</td><td>");
		h(b, r->endpoint ? r->endpoint : "new");
		vpce_buf_printf(b, "</td><td class=\"num\">%.2f</td><td class=\"num\">%.2f</td><td class=\"num\">", r->monthly_saving_usd,
				r->gb_month);
		if (r->break_even_gb_month >= 0)
			vpce_buf_printf(b, "%.2f", r->break_even_gb_month);
		else
			vpce_buf_puts(b, "&mdash;");
		vpce_buf_puts(b, "</td><td>");
		h(b, r->reason ? r->reason : "");
		vpce_buf_puts(b, "</td></tr>\n");
	}
	vpce_buf_puts(b, "</tbody></table>\n");

	/* Chart 1: monthly saving per recommendation. */
	{
		unsigned rowh = 26, width = 640, label = 260, hgt = rowh * p->nrecs + 30;
		vpce_buf_printf(b, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"plan-s-t plan-s-d\" "
				   "width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\"><title id=\"plan-s-t\">Monthly saving per "
				   "recommendation</title><desc id=\"plan-s-d\">One bar per recommendation, length proportional to the "
				   "saving in US dollars per month; the number is written at the end of each bar.</desc>\n",
				width, hgt, width, hgt);
		for (uint32_t i = 0; i < p->nrecs; i++) {
			const struct vpce_plan_rec *r = &p->recs[i];
			double frac = max_saving > 0 ? r->monthly_saving_usd / max_saving : 0;
			unsigned w = (unsigned)(frac * (width - label - 90));
			unsigned y = 10 + i * rowh;
			vpce_buf_printf(b, "<text x=\"0\" y=\"%u\" font-size=\"12\">", y + 14);
			h(b, vpce_plan_action_name((enum vpce_plan_action)r->action));
			vpce_buf_puts(b, " ");
			h(b, r->service ? r->service : "");
			vpce_buf_printf(b, "</text><rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"18\" fill=\"#2e7d32\"/>"
					   "<text x=\"%u\" y=\"%u\" font-size=\"12\">$%.2f/month</text>\n", label, y, w ? w : 1,
					label + (w ? w : 1) + 6, y + 14, r->monthly_saving_usd);
		}
		vpce_buf_puts(b, "</svg><figcaption>Monthly saving per recommendation (USD).</figcaption></figure>\n");
	}
	/* Chart 2: traffic against break-even, interface endpoints only. */
	if (nie) {
		unsigned rowh = 44, width = 640, label = 260, hgt = rowh * nie + 30, k = 0;
		vpce_buf_printf(b, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"plan-b-t plan-b-d\" "
				   "width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\"><title id=\"plan-b-t\">Traffic against "
				   "break-even</title><desc id=\"plan-b-d\">For each interface-endpoint recommendation, two bars: the "
				   "observed traffic scaled to a month, and the traffic at which the endpoint costs as much as the NAT "
				   "path; values are written beside the bars.</desc>\n", width, hgt, width, hgt);
		for (uint32_t i = 0; i < p->nrecs; i++) {
			const struct vpce_plan_rec *r = &p->recs[i];
			unsigned y = 10 + k * rowh, w1, w2;
			if (r->break_even_gb_month < 0)
				continue;
			k++;
			w1 = max_gb > 0 ? (unsigned)(r->gb_month / max_gb * (width - label - 130)) : 0;
			w2 = max_gb > 0 ? (unsigned)(r->break_even_gb_month / max_gb * (width - label - 130)) : 0;
			vpce_buf_printf(b, "<text x=\"0\" y=\"%u\" font-size=\"12\">", y + 16);
			h(b, r->service ? r->service : "");
			vpce_buf_printf(b, "</text><rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"16\" fill=\"#1565c0\"/>"
					   "<text x=\"%u\" y=\"%u\" font-size=\"11\">traffic %.1f GB</text>"
					   "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"16\" fill=\"#9e9e9e\"/>"
					   "<text x=\"%u\" y=\"%u\" font-size=\"11\">break-even %.1f GB</text>\n",
					label, y, w1 ? w1 : 1, label + (w1 ? w1 : 1) + 6, y + 12, r->gb_month, label, y + 18,
					w2 ? w2 : 1, label + (w2 ? w2 : 1) + 6, y + 30, r->break_even_gb_month);
		}
		vpce_buf_puts(b, "</svg><figcaption>Interface endpoints: monthly traffic against break-even "
				 "(GB/month).</figcaption></figure>\n");
	}
	vpce_buf_puts(b, "</section>\n");
}

int vpce_render_html(struct vpce_buf *b, const struct vpce_report_input *in)
{
	size_t priv = 0, pub = 0, blk = 0;
	const struct vpce_audit *a = in->audit;

	for (size_t i = 0; i < in->nv; i++) {
		if (in->v[i].is_private)
			priv++;
		else if (in->v[i].path == VPCE_PATH_BLOCKED)
			blk++;
		else
			pub++;
	}
	vpce_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			 "<meta name=\"generator\" content=\"vpce ");
	h(b, vpce_version());
	vpce_buf_puts(b, "\">\n<title>vpce report: ");
	h(b, in->snapshot);
	vpce_buf_printf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n", CSS);
	vpce_buf_puts(b, "<header>\n<h1>VPC endpoint report</h1>\n<p class=\"sub\">Snapshot <code>");
	h(b, in->snapshot);
	vpce_buf_puts(b, "</code>, analysed offline by vpce ");
	h(b, vpce_version());
	vpce_buf_puts(b, ".</p>\n</header>\n<nav aria-label=\"Contents\"><ul><li><a href=\"#summary\">Summary</a></li>"
			 "<li><a href=\"#matrix\">Path matrix</a></li><li><a href=\"#findings\">Findings</a></li>"
			 "<li><a href=\"#diagram\">Diagram</a></li><li><a href=\"#plan\">Plan and savings</a></li>"
			 "<li><a href=\"#notes\">Notes</a></li></ul></nav>\n<main>\n");

	/* Summary */
	vpce_buf_puts(b, "<section id=\"summary\" aria-labelledby=\"h-summary\">\n<h2 id=\"h-summary\">Summary</h2>\n");
	vpce_buf_printf(b, "<p>%zu paths from workloads to AWS services (the rows of <code>vpce check</code>).</p>\n"
			   "<ul class=\"cards\" aria-label=\"Paths by verdict\">\n"
			   "<li><span class=\"n\" data-count=\"paths\">%zu</span>paths</li>\n"
			   "<li class=\"private\"><span class=\"n\" data-count=\"private\">%zu</span>private (endpoint)</li>\n"
			   "<li class=\"public\"><span class=\"n\" data-count=\"public\">%zu</span>public (NAT or internet "
			   "gateway)</li>\n"
			   "<li class=\"blocked\"><span class=\"n\" data-count=\"blocked\">%zu</span>blocked</li>\n</ul>\n",
			in->nv, in->nv, priv, pub, blk);
	if (a)
		vpce_buf_printf(b, "<ul class=\"cards\" aria-label=\"Findings by severity\">\n"
				   "<li><span class=\"n\" data-count=\"findings\">%zu</span>findings</li>\n"
				   "<li class=\"sev-critical\"><span class=\"n\" data-count=\"critical\">%zu</span>critical</li>\n"
				   "<li class=\"sev-high\"><span class=\"n\" data-count=\"high\">%zu</span>high</li>\n"
				   "<li class=\"sev-medium\"><span class=\"n\" data-count=\"medium\">%zu</span>medium</li>\n"
				   "<li class=\"sev-low\"><span class=\"n\" data-count=\"low\">%zu</span>low</li>\n</ul>\n",
				a->count, a->by_severity[VPCE_SEV_CRITICAL], a->by_severity[VPCE_SEV_HIGH],
				a->by_severity[VPCE_SEV_MEDIUM], a->by_severity[VPCE_SEV_LOW]);
	vpce_buf_puts(b, "</section>\n");

	vpce_buf_puts(b, "<section id=\"matrix\" aria-labelledby=\"h-matrix\">\n<h2 id=\"h-matrix\">Path matrix</h2>\n");
	if (matrix(b, in) != 0)
		return VPCE_ENOMEM;
	vpce_buf_puts(b, "</section>\n");

	vpce_buf_puts(b, "<section id=\"findings\" aria-labelledby=\"h-findings\">\n<h2 id=\"h-findings\">Findings</h2>\n");
	findings(b, a, in->max_findings ? in->max_findings : 1000);
	vpce_buf_puts(b, "</section>\n");

	vpce_buf_puts(b, "<section id=\"diagram\" aria-labelledby=\"h-diagram\">\n<h2 id=\"h-diagram\">Diagram</h2>\n");
	if (in->svg && in->svg_len) {
		vpce_buf_puts(b, "<figure>\n");
		inline_svg(b, in->svg, in->svg_len);
		vpce_buf_puts(b, "\n<figcaption id=\"diagram-caption\">Subnets, gateways, endpoints and AWS services; each "
				 "subnet-to-service path is labelled with its verdict (private: solid green, public: dashed "
				 "orange, blocked: dotted red).</figcaption>\n</figure>\n");
	} else {
		vpce_buf_puts(b, "<p class=\"placeholder\" role=\"note\">Diagram not included: ");
		h(b, in->diagram_note ? in->diagram_note : "not drawn");
		vpce_buf_puts(b, "</p>\n");
	}
	vpce_buf_puts(b, "</section>\n");

	render_plan(b, in->plan);

	vpce_buf_puts(b, "<section id=\"notes\" aria-labelledby=\"h-notes\">\n<h2 id=\"h-notes\">Notes</h2>\n");
	if (!in->nnotes)
		vpce_buf_puts(b, "<p>None.</p>\n");
	else {
		vpce_buf_puts(b, "<ul>\n");
		for (size_t i = 0; i < in->nnotes; i++) {
			vpce_buf_puts(b, "<li>");
			h(b, in->notes[i]);
			vpce_buf_puts(b, "</li>\n");
		}
		vpce_buf_puts(b, "</ul>\n");
	}
	vpce_buf_puts(b, "</section>\n</main>\n<footer class=\"sub\"><p>Generated by vpce from AWS describe-* output; "
			 "no AWS API was called.</p></footer>\n</body>\n</html>\n");
	return b->failed ? VPCE_ENOMEM : 0;
}
