/* Rendering of audit findings: JSON (docs/AUDIT.md), a terminal table, and
 * SARIF 2.1.0 (OASIS "Static Analysis Results Interchange Format" 2.1.0). */
#include <stdio.h>
#include "vpce/audit.h"
#include "util/util.h"

static void kv(struct vpce_buf *b, const char *key, const char *val, bool comma)
{
	vpce_buf_printf(b, "\"%s\": ", key);
	vpce_buf_put_json_str(b, val);
	if (comma)
		vpce_buf_puts(b, ", ");
}

static size_t shown(const struct vpce_audit *a, int min, size_t *by_sev)
{
	size_t n = 0;

	for (int s = 0; s < 4; s++)
		by_sev[s] = 0;
	for (size_t i = 0; i < a->count; i++)
		if (a->findings[i].severity >= min) {
			by_sev[a->findings[i].severity]++;
			n++;
		}
	return n;
}

int vpce_render_audit_json(struct vpce_buf *b, const struct vpce_audit *a, int min)
{
	size_t by[4], n = shown(a, min, by), k = 0;

	vpce_buf_puts(b, "{\n  \"findings\": [");
	for (size_t i = 0; i < a->count; i++) {
		const struct vpce_finding *f = &a->findings[i];
		if (f->severity < min)
			continue;
		vpce_buf_puts(b, k++ ? ",\n    {" : "\n    {");
		kv(b, "id", f->rule_id, true);
		kv(b, "rule", f->rule_name, true);
		kv(b, "severity", vpce_severity_name(f->severity), true);
		kv(b, "resource", f->resource, true);
		kv(b, "vpc", f->vpc, false);
		vpce_buf_puts(b, ",\n     ");
		kv(b, "reason", f->reason, false);
		vpce_buf_puts(b, ",\n     ");
		kv(b, "fix", f->fix, false);
		vpce_buf_puts(b, ",\n     \"doc\": {");
		kv(b, "title", f->doc_title, true);
		kv(b, "url", f->doc_url, false);
		vpce_buf_puts(b, "}}");
	}
	vpce_buf_puts(b, n ? "\n  ],\n" : "],\n");
	vpce_buf_printf(b,
			"  \"summary\": {\"total\": %zu, \"critical\": %zu, \"high\": %zu, \"medium\": %zu, \"low\": %zu, "
			"\"min_severity\": \"%s\"}\n}\n",
			n, by[VPCE_SEV_CRITICAL], by[VPCE_SEV_HIGH], by[VPCE_SEV_MEDIUM], by[VPCE_SEV_LOW],
			vpce_severity_name(min < 0 ? 0 : min));
	return b->failed ? VPCE_ENOMEM : 0;
}

static const char *sev_color(int s)
{
	return s >= VPCE_SEV_HIGH ? "\033[31m" : s == VPCE_SEV_MEDIUM ? "\033[33m" : "\033[36m";
}

int vpce_render_audit_table(struct vpce_buf *b, const struct vpce_audit *a, int min, bool color)
{
	size_t by[4], n = shown(a, min, by), wres = 8;

	for (size_t i = 0; i < a->count; i++)
		if (a->findings[i].severity >= min && strlen(a->findings[i].resource) > wres)
			wres = strlen(a->findings[i].resource);
	if (n)
		vpce_buf_printf(b, "%-8s %-9s %-*s %s\n", "ID", "SEVERITY", (int)wres, "RESOURCE", "REASON");
	for (size_t i = 0; i < a->count; i++) {
		const struct vpce_finding *f = &a->findings[i];
		if (f->severity < min)
			continue;
		vpce_buf_printf(b, "%-8s %s%-9s%s %-*s %s\n", f->rule_id, color ? sev_color(f->severity) : "",
				vpce_severity_name(f->severity), color ? "\033[0m" : "", (int)wres, f->resource, f->reason);
		vpce_buf_printf(b, "%-8s %-9s %-*s fix: %s\n", "", "", (int)wres, "", f->fix);
		vpce_buf_printf(b, "%-8s %-9s %-*s doc: %s\n", "", "", (int)wres, "", f->doc_url);
	}
	vpce_buf_printf(b, "%s%zu finding%s: %zu critical, %zu high, %zu medium, %zu low\n", n ? "\n" : "", n,
			n == 1 ? "" : "s", by[VPCE_SEV_CRITICAL], by[VPCE_SEV_HIGH], by[VPCE_SEV_MEDIUM],
			by[VPCE_SEV_LOW]);
	return b->failed ? VPCE_ENOMEM : 0;
}

/* SARIF result.level: "error", "warning", "note" (SARIF 2.1.0 §3.27.10). */
static const char *sarif_level(int s)
{
	return s >= VPCE_SEV_HIGH ? "error" : s == VPCE_SEV_MEDIUM ? "warning" : "note";
}

/* GitHub's security-severity property (0.0-10.0) per severity band. */
static const char *security_severity(int s)
{
	static const char *const v[] = { "3.0", "5.0", "8.0", "9.5" };
	return s >= 0 && s <= 3 ? v[s] : "0.0";
}

int vpce_render_audit_sarif(struct vpce_buf *b, const struct vpce_audit *a, int min, const char *artifact)
{
	size_t nrules, k = 0;
	const struct vpce_audit_rule *rules = vpce_audit_rules(&nrules);

	vpce_buf_puts(b, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
			 "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": {\n        \"driver\": {\n"
			 "          \"name\": \"vpce\",\n");
	vpce_buf_printf(b, "          \"version\": \"%s\",\n          \"semanticVersion\": \"%s\",\n", vpce_version(),
			vpce_version());
	vpce_buf_puts(b, "          \"informationUri\": \"https://docs.aws.amazon.com/vpc/latest/privatelink/\",\n"
			 "          \"rules\": [");
	for (size_t i = 0; i < nrules; i++) {
		const struct vpce_audit_rule *r = &rules[i];
		vpce_buf_puts(b, i ? ",\n            {" : "\n            {");
		kv(b, "id", r->id, true);
		kv(b, "name", r->name, true);
		vpce_buf_puts(b, "\"shortDescription\": {");
		kv(b, "text", r->title, false);
		vpce_buf_puts(b, "}, \"fullDescription\": {");
		kv(b, "text", r->doc_title, false);
		vpce_buf_puts(b, "}, ");
		kv(b, "helpUri", r->doc_url, true);
		vpce_buf_puts(b, "\"help\": {");
		kv(b, "text", r->doc_url, false);
		vpce_buf_printf(b, "}, \"defaultConfiguration\": {\"level\": \"%s\"}, \"properties\": "
				   "{\"security-severity\": \"%s\", \"tags\": [\"aws\", \"vpc-endpoints\"]}}",
				sarif_level(r->severity), security_severity(r->severity));
	}
	vpce_buf_puts(b, "\n          ]\n        }\n      },\n");
	vpce_buf_puts(b, "      \"artifacts\": [{\"location\": {");
	kv(b, "uri", artifact ? artifact : ".", false);
	vpce_buf_puts(b, "}}],\n      \"results\": [");
	for (size_t i = 0; i < a->count; i++) {
		const struct vpce_finding *f = &a->findings[i];
		size_t idx = 0;
		if (f->severity < min)
			continue;
		for (size_t r = 0; r < nrules; r++)
			if (strcmp(rules[r].id, f->rule_id) == 0)
				idx = r;
		vpce_buf_puts(b, k++ ? ",\n        {" : "\n        {");
		kv(b, "ruleId", f->rule_id, false);
		vpce_buf_printf(b, ", \"ruleIndex\": %zu, \"level\": \"%s\",\n         \"message\": {", idx,
				sarif_level(f->severity));
		vpce_buf_puts(b, "\"text\": ");
		{
			/* message: the reason, then the fix. */
			struct vpce_buf t = VPCE_BUF_INIT;
			vpce_buf_printf(&t, "%s. Fix: %s", f->reason, f->fix);
			vpce_buf_put_json_str(b, t.ptr ? t.ptr : "");
			if (t.failed)
				b->failed = true;
			vpce_buf_release(&t);
		}
		vpce_buf_puts(b, "},\n         \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {");
		kv(b, "uri", artifact ? artifact : ".", false);
		vpce_buf_puts(b, ", \"index\": 0}}, \"logicalLocations\": [{");
		kv(b, "name", f->resource, true);
		if (f->vpc) {
			struct vpce_buf t = VPCE_BUF_INIT;
			vpce_buf_printf(&t, "%s/%s", f->vpc, f->resource);
			kv(b, "fullyQualifiedName", t.ptr ? t.ptr : "", true);
			if (t.failed)
				b->failed = true;
			vpce_buf_release(&t);
		}
		vpce_buf_puts(b, "\"kind\": \"resource\"}]}],\n         \"partialFingerprints\": {");
		{
			struct vpce_buf t = VPCE_BUF_INIT;
			vpce_buf_printf(&t, "%s/%s/%s", f->rule_id, f->resource, f->reason);
			kv(b, "vpceFinding/v1", t.ptr ? t.ptr : "", false);
			if (t.failed)
				b->failed = true;
			vpce_buf_release(&t);
		}
		vpce_buf_printf(b, "},\n         \"properties\": {\"severity\": \"%s\", ", vpce_severity_name(f->severity));
		kv(b, "doc", f->doc_url, false);
		vpce_buf_puts(b, "}}");
	}
	vpce_buf_puts(b, k ? "\n      ]\n    }\n  ]\n}\n" : "]\n    }\n  ]\n}\n");
	return b->failed ? VPCE_ENOMEM : 0;
}
