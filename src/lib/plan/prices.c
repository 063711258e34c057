/* Prices as data (data/prices.json, docs/PLAN.md): per region, each figure
 * with its source and date. Unknown figures stay negative. */
#include <stdlib.h>
#include <stdio.h>
#include <stdarg.h>
#include "vpce/plan.h"
#include "vpce/json.h"
#include "util/util.h"

struct vpce_prices {
	struct vpce_json_doc *doc;
	struct vpce_price_region *regions;
	size_t nregions;
	const char *about;
};

static int fail(const struct vpce_json_doc *doc, const struct vpce_json *v, struct vpce_error *err, const char *fmt,
		...) VPCE_PRINTF(4, 5);
static int fail(const struct vpce_json_doc *doc, const struct vpce_json *v, struct vpce_error *err, const char *fmt,
		...)
{
	unsigned line = 0, col = 0;
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vpce_json_position(doc, v, &line, &col);
	return vpce_error_setpos(err, VPCE_EINVAL, vpce_json_doc_name(doc), line, col, "%s", msg);
}

/* {"usd": number, "source": "...", "date": "..."} → *out; absent → stays -1. */
static int figure(const struct vpce_json_doc *doc, const struct vpce_json *reg, const char *key, double *out,
		  struct vpce_price_region *r, struct vpce_error *err)
{
	const struct vpce_json *f = vpce_json_get(reg, key), *usd;

	if (!f || f->type == VPCE_JSON_NULL)
		return 0;
	if (f->type != VPCE_JSON_OBJECT)
		return fail(doc, f, err, "%s: expected an object {\"usd\": number, \"source\": string}", key);
	usd = vpce_json_get(f, "usd");
	if (!usd || usd->type != VPCE_JSON_NUMBER || usd->u.num.d < 0)
		return fail(doc, usd ? usd : f, err, "%s.usd: expected a non-negative number", key);
	*out = usd->u.num.d;
	if (!r->source)
		r->source = vpce_json_get_str(f, "source");
	if (!r->date)
		r->date = vpce_json_get_str(f, "date");
	return 0;
}

static int tiers(const struct vpce_json_doc *doc, const struct vpce_json *reg, struct vpce_price_region *r,
		 struct vpce_error *err)
{
	const struct vpce_json *f = vpce_json_get(reg, "interface_endpoint_gb"), *arr;
	unsigned n = 0;
	double prev = 0;

	if (!f || f->type == VPCE_JSON_NULL)
		return 0;
	arr = vpce_json_get(f, "tiers");
	if (f->type != VPCE_JSON_OBJECT || !arr || arr->type != VPCE_JSON_ARRAY || arr->count == 0 ||
	    arr->count > VPCE_PRICE_TIERS)
		return fail(doc, arr ? arr : f, err, "%s: expected {\"tiers\": [{\"up_to_gb\": number|null, \"usd\": number}, ...]} with 1 to 3 tiers",
			    "interface_endpoint_gb");
	vpce_json_foreach(t, arr) {
		const struct vpce_json *usd = vpce_json_get(t, "usd"), *up = vpce_json_get(t, "up_to_gb");
		bool last = n + 1 == arr->count;
		if (t->type != VPCE_JSON_OBJECT || !usd || usd->type != VPCE_JSON_NUMBER || usd->u.num.d < 0)
			return fail(doc, usd ? usd : t, err, "%s: usd: expected a non-negative number", "interface_endpoint_gb.tiers[]");
		if (last ? (up && up->type != VPCE_JSON_NULL)
			 : (!up || up->type != VPCE_JSON_NUMBER || up->u.num.d <= prev))
			return fail(doc, up ? up : t, err,
				    "%s: up_to_gb: expected increasing numbers, and null on the last tier",
				    "interface_endpoint_gb.tiers[]");
		r->ie_gb[n] = usd->u.num.d;
		r->ie_tier_gb[n] = last ? 0 : up->u.num.d;
		if (!last)
			prev = up->u.num.d;
		n++;
	}
	return 0;
}

int vpce_prices_load_mem(const char *text, size_t len, const char *name, struct vpce_prices **out,
			 struct vpce_error *err)
{
	struct vpce_prices *p = NULL;
	const struct vpce_json *root, *regs;
	int rc;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	if ((rc = vpce_json_parse(text, len, name, &p->doc, err)) != 0)
		goto out;
	root = vpce_json_root(p->doc);
	regs = vpce_json_get(root, "regions");
	if (!root || root->type != VPCE_JSON_OBJECT || !regs || regs->type != VPCE_JSON_OBJECT) {
		rc = fail(p->doc, regs ? regs : root, err, "%s: expected an object with a \"regions\" object", "prices");
		goto out;
	}
	p->about = vpce_json_get_str(root, "about");
	p->regions = calloc(regs->count + 1, sizeof(*p->regions));
	if (!p->regions) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto out;
	}
	vpce_json_foreach(reg, regs) {
		struct vpce_price_region *r = &p->regions[p->nregions];
		if (reg->type != VPCE_JSON_OBJECT) {
			rc = fail(p->doc, reg, err, "regions.%s: expected an object", reg->key);
			goto out;
		}
		r->region = reg->key; /* keys are NUL-terminated in place */
		r->nat_hour = r->nat_gb = r->ie_az_hour = r->inter_az_gb = -1;
		for (int t = 0; t < VPCE_PRICE_TIERS; t++)
			r->ie_gb[t] = -1;
		if ((rc = figure(p->doc, reg, "nat_gateway_hour", &r->nat_hour, r, err)) ||
		    (rc = figure(p->doc, reg, "nat_gateway_gb", &r->nat_gb, r, err)) ||
		    (rc = figure(p->doc, reg, "interface_endpoint_az_hour", &r->ie_az_hour, r, err)) ||
		    (rc = figure(p->doc, reg, "inter_az_gb", &r->inter_az_gb, r, err)) ||
		    (rc = tiers(p->doc, reg, r, err)))
			goto out;
		p->nregions++;
	}
	*out = p;
	p = NULL;
	rc = 0;
out:
	vpce_prices_free(p);
	return rc;
}

int vpce_prices_load(const char *path, struct vpce_prices **out, struct vpce_error *err)
{
	struct vpce_buf b = VPCE_BUF_INIT;
	char def[4096];
	int rc;

	if (!path) {
		const char *dir = getenv("VPCE_DATA_DIR");
		snprintf(def, sizeof(def), "%s/prices.json", dir && dir[0] ? dir : VPCE_DATA_DIR);
		path = def;
	}
	if ((rc = vpce_buf_read_file(&b, path, err)) == 0)
		rc = vpce_prices_load_mem(b.ptr ? b.ptr : "", b.len, path, out, err);
	vpce_buf_release(&b);
	return rc;
}

void vpce_prices_free(struct vpce_prices *p)
{
	if (!p)
		return;
	vpce_json_doc_free(p->doc);
	free(p->regions);
	free(p);
}

const struct vpce_price_region *vpce_prices_region(const struct vpce_prices *p, const char *region)
{
	if (!p || !region)
		return NULL;
	for (size_t i = 0; i < p->nregions; i++)
		if (strcmp(p->regions[i].region, region) == 0)
			return &p->regions[i];
	return NULL;
}

const char *vpce_prices_source(const struct vpce_prices *p)
{
	return p && p->about ? p->about : "";
}

/* Tiered cost of gb GB/month: each tier's price applies to the GB inside it
 * (AWS PrivateLink pricing: tiers on the total data processed by all
 * interface endpoints in a region per month). */
static double tiered(const struct vpce_price_region *r, double gb)
{
	double cost = 0, lo = 0;

	for (int t = 0; t < VPCE_PRICE_TIERS && gb > lo; t++) {
		double hi = r->ie_tier_gb[t] > 0 ? r->ie_tier_gb[t] : gb;
		if (r->ie_gb[t] < 0)
			return -1;
		if (hi > gb)
			hi = gb;
		cost += (hi - lo) * r->ie_gb[t];
		lo = hi;
		if (r->ie_tier_gb[t] <= 0)
			break;
	}
	return cost;
}

double vpce_prices_interface_data(const struct vpce_price_region *r, double base_gb, double gb)
{
	double a, b;

	if (!r || r->ie_gb[0] < 0)
		return -1;
	a = tiered(r, base_gb);
	b = tiered(r, base_gb + gb);
	return a < 0 || b < 0 ? -1 : b - a;
}
