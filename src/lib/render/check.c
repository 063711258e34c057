/* Rendering of check verdicts: JSON (stable contract) and a table. */
#include <stdio.h>
#include <stdlib.h>
#include "util/util.h"
#include "vpce/render.h"

static void json_str_array(struct vpce_buf *b, const char *const *s, size_t n)
{
	vpce_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			vpce_buf_puts(b, ", ");
		vpce_buf_put_json_str(b, s[i]);
	}
	vpce_buf_putc(b, ']');
}

int vpce_render_check_json(struct vpce_buf *b, const struct vpce_verdict *v, size_t n, const char *const *notes,
			   size_t nnotes)
{
	vpce_buf_puts(b, "{\n  \"results\": [");
	for (size_t i = 0; i < n; i++) {
		const struct vpce_verdict *r = &v[i];
		vpce_buf_puts(b, i ? ",\n    {" : "\n    {");
		vpce_buf_puts(b, "\"from\": ");
		vpce_buf_put_json_str(b, r->from);
		vpce_buf_puts(b, ", \"to\": ");
		vpce_buf_put_json_str(b, r->to);
		vpce_buf_puts(b, ", \"service\": ");
		vpce_buf_put_json_str(b, r->service);
		vpce_buf_puts(b, ", \"region\": ");
		vpce_buf_put_json_str(b, r->region);
		vpce_buf_printf(b, ", \"port\": %d, \"path\": \"%s\", \"private\": %s, \"via\": ", r->port,
				vpce_path_name((enum vpce_path_kind)r->path), r->is_private ? "true" : "false");
		vpce_buf_put_json_str(b, r->via);
		vpce_buf_puts(b, ", \"blocked_at\": ");
		if (r->blocked_at >= 0)
			vpce_buf_put_json_str(b, vpce_step_name((enum vpce_step)r->blocked_at));
		else
			vpce_buf_puts(b, "null");
		vpce_buf_puts(b, ",\n     \"hops\": [");
		for (uint32_t h = 0; h < r->nhops; h++) {
			const struct vpce_hop *hp = &r->hops[h];
			vpce_buf_printf(b, "%s{\"step\": \"%s\", \"result\": \"%s\", \"resource\": ", h ? ", " : "",
					vpce_step_name((enum vpce_step)hp->step),
					vpce_hop_result_name((enum vpce_hop_result)hp->result));
			vpce_buf_put_json_str(b, hp->resource);
			vpce_buf_puts(b, ", \"detail\": ");
			vpce_buf_put_json_str(b, hp->detail);
			vpce_buf_putc(b, '}');
		}
		vpce_buf_puts(b, "],\n     \"notes\": ");
		json_str_array(b, r->notes, r->nnotes);
		vpce_buf_puts(b, ",\n     \"fix\": ");
		json_str_array(b, r->fixes, r->nfixes);
		vpce_buf_putc(b, '}');
	}
	vpce_buf_puts(b, n ? "\n  ],\n  \"notes\": " : "],\n  \"notes\": ");
	json_str_array(b, notes, nnotes);
	vpce_buf_puts(b, "\n}\n");
	return b->failed ? VPCE_ENOMEM : 0;
}

const char *vpce_render_cell(const struct vpce_verdict *v, char *buf, size_t len)
{
	switch ((enum vpce_path_kind)v->path) {
	case VPCE_PATH_GATEWAY_ENDPOINT: return "GATEWAY";
	case VPCE_PATH_INTERFACE_ENDPOINT: return "INTERFACE";
	case VPCE_PATH_NAT_GATEWAY: return "NAT";
	case VPCE_PATH_INTERNET_GATEWAY: return "IGW";
	case VPCE_PATH_TRANSIT_GATEWAY: return "TGW";
	case VPCE_PATH_PEERING: return "PEERING";
	case VPCE_PATH_VPN_GATEWAY: return "VGW";
	case VPCE_PATH_NETWORK_INTERFACE: return "ENI";
	default:
		snprintf(buf, len, "BLOCKED:%s", v->blocked_at >= 0 ? vpce_step_name((enum vpce_step)v->blocked_at) : "?");
		return buf;
	}
}

static const char *color_of(const struct vpce_verdict *v)
{
	if (v->is_private)
		return "\033[32m";
	if (v->path == VPCE_PATH_BLOCKED)
		return "\033[31m";
	return "\033[33m";
}

static size_t find_index(const char **list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return n;
}

int vpce_render_check_table(struct vpce_buf *b, const struct vpce_verdict *v, size_t n, const char *const *notes,
			    size_t nnotes, const struct vpce_render_options *opts)
{
	const char **rows = calloc(n ? n : 1, sizeof(*rows)), **cols = calloc(n ? n : 1, sizeof(*cols));
	const struct vpce_verdict **cell = NULL;
	size_t nrows = 0, ncols = 0, w0 = 4, *w = NULL;
	bool color = opts && opts->color;
	int rc = 0;

	if (!rows || !cols) {
		rc = VPCE_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (find_index(rows, nrows, v[i].from) == nrows)
			rows[nrows++] = v[i].from;
		if (find_index(cols, ncols, v[i].to) == ncols)
			cols[ncols++] = v[i].to;
	}
	cell = calloc(nrows * ncols + 1, sizeof(*cell));
	w = calloc(ncols + 1, sizeof(*w));
	if (!cell || !w) {
		rc = VPCE_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		cell[find_index(rows, nrows, v[i].from) * ncols + find_index(cols, ncols, v[i].to)] = &v[i];
	for (size_t r = 0; r < nrows; r++)
		if (strlen(rows[r]) > w0)
			w0 = strlen(rows[r]);
	for (size_t c = 0; c < ncols; c++) {
		w[c] = strlen(cols[c]);
		for (size_t r = 0; r < nrows; r++) {
			char tmp[64];
			const struct vpce_verdict *x = cell[r * ncols + c];
			size_t l = x ? strlen(vpce_render_cell(x, tmp, sizeof(tmp))) : 1;
			if (l > w[c])
				w[c] = l;
		}
	}
	vpce_buf_printf(b, "%-*s", (int)w0, "FROM");
	for (size_t c = 0; c < ncols; c++) {
		char up[128];
		size_t k;
		for (k = 0; cols[c][k] && k < sizeof(up) - 1; k++)
			up[k] = cols[c][k] >= 'a' && cols[c][k] <= 'z' ? (char)(cols[c][k] - 32) : cols[c][k];
		up[k] = '\0';
		vpce_buf_printf(b, "  %-*s", (int)w[c], up);
	}
	vpce_buf_putc(b, '\n');
	for (size_t r = 0; r < nrows; r++) {
		vpce_buf_printf(b, "%-*s", (int)w0, rows[r]);
		for (size_t c = 0; c < ncols; c++) {
			char tmp[64];
			const struct vpce_verdict *x = cell[r * ncols + c];
			const char *label = x ? vpce_render_cell(x, tmp, sizeof(tmp)) : "-";
			if (color && x)
				vpce_buf_printf(b, "  %s%-*s\033[0m", color_of(x), (int)w[c], label);
			else
				vpce_buf_printf(b, "  %-*s", (int)w[c], label);
		}
		vpce_buf_putc(b, '\n');
	}
	if (opts && opts->explain) {
		for (size_t i = 0; i < n; i++) {
			const struct vpce_verdict *x = &v[i];
			char tmp[64];
			if (x->is_private)
				continue;
			vpce_buf_printf(b, "\n%s%s -> %s (%s): %s%s%s%s\n", color ? "\033[1m" : "", x->from, x->to, x->service,
					vpce_render_cell(x, tmp, sizeof(tmp)), x->via ? " via " : "", x->via ? x->via : "",
					color ? "\033[0m" : "");
			for (uint32_t h = 0; h < x->nhops; h++) {
				const struct vpce_hop *hp = &x->hops[h];
				vpce_buf_printf(b, "  %-4s %-24s %s\n",
						hp->result == VPCE_HOP_PASS ? "ok" : hp->result == VPCE_HOP_FAIL ? "FAIL"
										      : hp->result == VPCE_HOP_SKIP ? "skip" : "info",
						vpce_step_name((enum vpce_step)hp->step), hp->detail ? hp->detail : "");
			}
			for (uint32_t k = 0; k < x->nnotes; k++)
				vpce_buf_printf(b, "  note: %s\n", x->notes[k]);
			for (uint32_t k = 0; k < x->nfixes; k++)
				vpce_buf_printf(b, "  fix:  %s\n", x->fixes[k]);
		}
	}
	for (size_t k = 0; k < nnotes; k++)
		vpce_buf_printf(b, "%snote: %s\n", k == 0 ? "\n" : "", notes[k]);
	rc = b->failed ? VPCE_ENOMEM : 0;
out:
	free(rows);
	free(cols);
	free(cell);
	free(w);
	return rc;
}
