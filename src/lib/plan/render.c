/* plan.json (docs/PLAN.md, a contract: fields are only ever added) and the
 * table for people. */
#include <stdio.h>
#include <time.h>
#include "plan_int.h"

static void jnum(struct vpce_buf *b, double v, int prec)
{
	if (v < 0 || v != v || v > 1e300)
		vpce_buf_puts(b, "null");
	else
		vpce_buf_printf(b, "%.*f", prec, v);
}

static void iso(char *out, size_t n, uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm)) {
		snprintf(out, n, "?");
		return;
	}
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void jstrs(struct vpce_buf *b, const char *const *s, uint32_t n)
{
	vpce_buf_putc(b, '[');
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			vpce_buf_puts(b, ", ");
		vpce_buf_put_json_str(b, s[i]);
	}
	vpce_buf_putc(b, ']');
}

int vpce_plan_render_json(struct vpce_buf *b, const struct vpce_plan_result *r, const struct vpce_flowlog_stats *st,
			  const char *prices_source)
{
	char t0[32], t1[32];

	iso(t0, sizeof(t0), r->start);
	iso(t1, sizeof(t1), r->end);
	vpce_buf_puts(b, "{\n  \"version\": 1,\n  \"window\": {\"start\": ");
	if (r->start)
		vpce_buf_printf(b, "\"%s\", \"end\": \"%s\", \"start_unix\": %llu, \"end_unix\": %llu", t0, t1,
				(unsigned long long)r->start, (unsigned long long)r->end);
	else
		vpce_buf_puts(b, "null, \"end\": null, \"start_unix\": null, \"end_unix\": null");
	vpce_buf_puts(b, ", \"hours\": ");
	jnum(b, r->hours, 4);
	vpce_buf_puts(b, ", \"covered_hours\": ");
	jnum(b, r->covered_hours, 4);
	vpce_buf_printf(b, ", \"month_hours\": %.0f, \"month_factor\": ", VPCE_HOURS_PER_MONTH);
	jnum(b, r->month_factor, 6);
	vpce_buf_puts(b, ", \"bytes_per_gb\": 1000000000},\n  \"input\": {");
	if (st) {
		vpce_buf_printf(b, "\"files\": %llu, \"lines\": %llu, \"records\": %llu, \"malformed\": %llu, \"nodata\": %llu, \"skipdata\": %llu, \"unsupported_files\": %llu, \"issues\": [",
				(unsigned long long)st->files, (unsigned long long)st->lines, (unsigned long long)st->records,
				(unsigned long long)st->malformed, (unsigned long long)st->nodata,
				(unsigned long long)st->skipdata, (unsigned long long)st->files_unsupported);
		for (unsigned i = 0; i < st->n_issues; i++) {
			struct vpce_buf where = VPCE_BUF_INIT;
			if (st->issues[i].line)
				vpce_buf_printf(&where, "%s:%llu: %s", st->issues[i].file,
						(unsigned long long)st->issues[i].line, st->issues[i].message);
			else
				vpce_buf_printf(&where, "%s: %s", st->issues[i].file, st->issues[i].message);
			if (i)
				vpce_buf_puts(b, ", ");
			vpce_buf_put_json_str(b, where.ptr ? where.ptr : "");
			vpce_buf_release(&where);
		}
		vpce_buf_puts(b, "], ");
	}
	vpce_buf_printf(b, "\"records_counted\": %llu, \"records_skipped\": %llu, \"bytes_attributed\": %llu, \"bytes_internal\": %llu, \"bytes_duplicate\": %llu},\n",
			(unsigned long long)r->records, (unsigned long long)r->skipped,
			(unsigned long long)r->bytes_total, (unsigned long long)r->bytes_internal,
			(unsigned long long)r->bytes_duplicate);
	vpce_buf_puts(b, "  \"prices\": ");
	vpce_buf_put_json_str(b, prices_source);
	vpce_buf_puts(b, ",\n  \"traffic\": [");
	for (uint32_t i = 0; i < r->ntraffic; i++) {
		const struct vpce_plan_traffic *t = &r->traffic[i];
		vpce_buf_puts(b, i ? ",\n    {" : "\n    {");
		vpce_buf_puts(b, "\"vpc\": "); vpce_buf_put_json_str(b, t->vpc);
		vpce_buf_puts(b, ", \"az\": "); vpce_buf_put_json_str(b, t->az);
		vpce_buf_puts(b, ", \"subnet\": "); vpce_buf_put_json_str(b, t->subnet);
		vpce_buf_puts(b, ", \"eni\": "); vpce_buf_put_json_str(b, t->eni);
		vpce_buf_puts(b, ", \"instance\": "); vpce_buf_put_json_str(b, t->instance);
		vpce_buf_puts(b, ", \"service\": "); vpce_buf_put_json_str(b, t->service);
		vpce_buf_puts(b, ", \"ip_service\": "); vpce_buf_put_json_str(b, t->ip_service);
		vpce_buf_puts(b, ", \"region\": "); vpce_buf_put_json_str(b, t->region);
		vpce_buf_puts(b, ", \"path\": "); vpce_buf_put_json_str(b, t->path);
		vpce_buf_puts(b, ", \"via\": "); vpce_buf_put_json_str(b, t->via);
		vpce_buf_puts(b, ", \"via_az\": "); vpce_buf_put_json_str(b, t->via_az);
		vpce_buf_printf(b, ", \"cross_az\": %s, \"attribution\": \"%s\", \"bytes\": %llu, \"gb_month\": ",
				t->cross_az ? "true" : "false", t->attribution, (unsigned long long)t->bytes);
		jnum(b, (double)t->bytes / VPCE_BYTES_PER_GB * r->month_factor, 6);
		vpce_buf_putc(b, '}');
	}
	vpce_buf_puts(b, r->ntraffic ? "\n  ],\n  \"recommendations\": [" : "],\n  \"recommendations\": [");
	for (uint32_t i = 0; i < r->nrecs; i++) {
		const struct vpce_plan_rec *c = &r->recs[i];
		vpce_buf_puts(b, i ? ",\n    {" : "\n    {");
		vpce_buf_printf(b, "\"action\": \"%s\", \"type\": \"%s\", \"vpc\": ",
				vpce_plan_action_name((enum vpce_plan_action)c->action), c->type);
		vpce_buf_put_json_str(b, c->vpc);
		vpce_buf_puts(b, ", \"service\": "); vpce_buf_put_json_str(b, c->service);
		vpce_buf_puts(b, ", \"endpoint\": "); vpce_buf_put_json_str(b, c->endpoint);
		vpce_buf_puts(b, ",\n     \"route_tables\": "); jstrs(b, c->route_tables, c->nroute_tables);
		vpce_buf_puts(b, ", \"subnets\": "); jstrs(b, c->subnets, c->nsubnets);
		vpce_buf_puts(b, ", \"policy\": "); vpce_buf_put_json_str(b, c->policy);
		vpce_buf_puts(b, ",\n     \"monthly_saving_usd\": "); jnum(b, c->monthly_saving_usd, 2);
		vpce_buf_puts(b, ", \"break_even_gb_month\": "); jnum(b, c->break_even_gb_month, 3);
		vpce_buf_puts(b, ", \"gb_month\": "); jnum(b, c->gb_month, 6);
		vpce_buf_puts(b, ", \"confidence\": "); jnum(b, c->confidence, 3);
		vpce_buf_puts(b, ",\n     \"reason\": "); vpce_buf_put_json_str(b, c->reason);
		vpce_buf_puts(b, ",\n     \"top_sources\": [");
		for (uint32_t k = 0; k < c->ntop; k++) {
			vpce_buf_puts(b, k ? ", {\"id\": " : "{\"id\": ");
			vpce_buf_put_json_str(b, c->top[k].id);
			vpce_buf_puts(b, ", \"label\": ");
			vpce_buf_put_json_str(b, c->top[k].label);
			vpce_buf_printf(b, ", \"bytes\": %llu}", (unsigned long long)c->top[k].bytes);
		}
		vpce_buf_puts(b, "]}");
	}
	vpce_buf_puts(b, r->nrecs ? "\n  ],\n  \"notes\": " : "],\n  \"notes\": ");
	jstrs(b, r->notes, r->nnotes);
	vpce_buf_puts(b, "\n}\n");
	return b->failed ? VPCE_ENOMEM : 0;
}

static const char *or_dash(const char *s)
{
	return s ? s : "-";
}

int vpce_plan_render_table(struct vpce_buf *b, const struct vpce_plan_result *r, const struct vpce_flowlog_stats *st)
{
	char t0[32], t1[32];

	iso(t0, sizeof(t0), r->start);
	iso(t1, sizeof(t1), r->end);
	if (r->hours > 0)
		vpce_buf_printf(b, "Window %s .. %s: %.2f h (%.2f h with records); monthly = observed x 730/%.2f\n", t0,
				t1, r->hours, r->covered_hours, r->hours);
	else
		vpce_buf_puts(b, "Window: no flow log records with times; no monthly figures\n");
	if (st) {
		vpce_buf_printf(b, "Input: %llu files, %llu records, %llu malformed lines\n", (unsigned long long)st->files,
				(unsigned long long)st->records, (unsigned long long)st->malformed);
		for (unsigned i = 0; i < st->n_issues; i++)
			vpce_buf_printf(b, "  %s:%llu: %s\n", st->issues[i].file, (unsigned long long)st->issues[i].line,
					st->issues[i].message);
	}
	vpce_buf_puts(b, "\nTraffic (each connection once, both directions)\n");
	vpce_buf_printf(b, "  %-12s %-22s %-34s %-18s %-24s %14s %12s\n", "AZ", "SOURCE", "SERVICE", "PATH", "VIA", "BYTES",
			"GB/MONTH");
	for (uint32_t i = 0; i < r->ntraffic && i < 50; i++) {
		const struct vpce_plan_traffic *t = &r->traffic[i];
		const char *svc = t->service ? t->service : t->ip_service ? t->ip_service : "(not AWS)";
		vpce_buf_printf(b, "  %-12s %-22s %-34s %-18s %-24s %14llu %12.3f%s\n", or_dash(t->az), or_dash(t->eni), svc,
				t->path, or_dash(t->via), (unsigned long long)t->bytes,
				(double)t->bytes / VPCE_BYTES_PER_GB * r->month_factor, t->cross_az ? "  cross-AZ" : "");
	}
	if (r->ntraffic > 50)
		vpce_buf_printf(b, "  ... %u more rows (--format json has them all)\n", r->ntraffic - 50);
	vpce_buf_puts(b, "\nRecommendations\n");
	if (!r->nrecs)
		vpce_buf_puts(b, "  none\n");
	for (uint32_t i = 0; i < r->nrecs; i++) {
		const struct vpce_plan_rec *c = &r->recs[i];
		vpce_buf_printf(b, "  %u. %s %s endpoint %s in %s", i + 1, vpce_plan_action_name((enum vpce_plan_action)c->action),
				c->type, or_dash(c->service), c->vpc);
		if (c->endpoint)
			vpce_buf_printf(b, " (%s)", c->endpoint);
		if (c->monthly_saving_usd >= 0)
			vpce_buf_printf(b, ": saves $%.2f/month", c->monthly_saving_usd);
		vpce_buf_printf(b, " (confidence %.0f%%)\n", c->confidence * 100);
		if (c->nroute_tables) {
			vpce_buf_puts(b, "     route tables:");
			for (uint32_t k = 0; k < c->nroute_tables; k++)
				vpce_buf_printf(b, " %s", c->route_tables[k]);
			vpce_buf_putc(b, '\n');
		}
		if (c->nsubnets) {
			vpce_buf_puts(b, "     subnets:");
			for (uint32_t k = 0; k < c->nsubnets; k++)
				vpce_buf_printf(b, " %s", c->subnets[k]);
			vpce_buf_putc(b, '\n');
		}
		if (c->break_even_gb_month >= 0)
			vpce_buf_printf(b, "     break-even: %.1f GB/month\n", c->break_even_gb_month);
		vpce_buf_printf(b, "     why: %s\n", c->reason);
		for (uint32_t k = 0; k < c->ntop; k++)
			vpce_buf_printf(b, "     top source: %s%s%s%s %llu bytes\n", c->top[k].id, c->top[k].label ? " (" : "",
					c->top[k].label ? c->top[k].label : "", c->top[k].label ? ")" : "",
					(unsigned long long)c->top[k].bytes);
	}
	if (r->nnotes) {
		vpce_buf_puts(b, "\nNotes\n");
		for (uint32_t i = 0; i < r->nnotes; i++)
			vpce_buf_printf(b, "  - %s\n", r->notes[i]);
	}
	return b->failed ? VPCE_ENOMEM : 0;
}
