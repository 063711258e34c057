/* The path engine: arranges the per-rule modules into one verdict per
 * (source, service). Steps follow the order AWS applies them to a packet:
 * name resolution, route table, security group egress, network ACLs, the
 * endpoint's security group, the onward gateway, endpoint state, endpoint
 * policy. */
#include <stdio.h>
#include <stdlib.h>
#include "path/internal.h"
#include "vpce/json.h"

#define MAX_DEST 256      /* destination prefixes considered per question */
#define MAX_SEGMENTS 512
#define MAX_GROUPS 16     /* distinct ways (route targets) per question */

struct vpce_engine {
	const struct vpce_model *m;
	struct vpce_engine_options opts;
	struct vpce_arena arena;           /* verdict strings */
	struct vpce_arena fixed;           /* engine-lifetime data */
	/* CSR indexes: subnet -> workload ENIs, VPC -> endpoints. */
	uint32_t *subnet_eni_start, *subnet_enis;
	uint32_t *vpc_ep_start, *vpc_eps;
	int8_t *policy_allows;             /* per endpoint: -1 none, 0 no Allow, 1 Allow, 2 unparseable */
	struct vpce_policy **ep_pol;       /* compiled endpoint policies (NULL: none or unparseable) */
	struct vpce_policy **bucket_pol;   /* compiled bucket policies */
	struct vpce_owned *owned;          /* service-owned buckets, or NULL */
	const char **policy_error;
	struct svc_entry *svc;             /* resolved service names, by (input, VPC region) */
	size_t nsvc, asvc;
	struct vpce_source s3_src;         /* the last S3 verdict with no request, by source */
	struct vpce_verdict s3_verdict;
	uint32_t s3_ep;                    /* the endpoint that verdict goes through, or VPCE_NONE */
	uint32_t s3_svc;                   /* its service index; UINT32_MAX: none */
	struct ways_entry *wc;             /* route ways per (route table, public service) */
	size_t wc_cap, wc_count;
	struct vpce_cidr any4;
};

/* The ways a public service's prefixes take through one route table:
 * they depend only on (table, service), so they are computed once. */
struct way;
struct ways_entry {
	uint64_t key;                      /* (rtb + 1) << 32 | (service + 1); 0 = empty */
	uint32_t nseg, nways;
	struct vpce_cidr *pfx;
	uint32_t *pidx;
	struct way *ways;
};

/* A service name resolved for one VPC region. */
struct owned_exp {
	const struct vpce_owned_rule *rule;
	const char **buckets;              /* expanded for the service's region */
	const char **arns;                 /* the object ARNs of those buckets */
};

struct svc_entry {
	const char *input, *vpc_region;
	const char *full, *region, *short_name;
	uint32_t pl;                       /* AWS-managed prefix list of the service, or VPCE_NONE */
	const char *s3_full;               /* com.amazonaws.REGION.s3 */
	struct owned_exp *owned;           /* service-owned bucket rules for this service */
	uint32_t nowned;
};

const char *vpce_path_name(enum vpce_path_kind k)
{
	static const char *const names[VPCE_PATH_COUNT] = {
		"gateway-endpoint", "interface-endpoint", "nat-gateway", "internet-gateway",
		"transit-gateway", "peering", "vpn-gateway", "network-interface", "blocked"
	};
	return (unsigned)k < VPCE_PATH_COUNT ? names[k] : "unknown";
}

const char *vpce_step_name(enum vpce_step s)
{
	static const char *const names[VPCE_STEP_COUNT] = {
		"dns", "route", "security-group", "network-acl", "endpoint-security-group",
		"nat-gateway", "internet-gateway", "endpoint-state", "endpoint-policy", "resource-policy"
	};
	return (unsigned)s < VPCE_STEP_COUNT ? names[s] : "unknown";
}

const char *vpce_hop_result_name(enum vpce_hop_result r)
{
	switch (r) {
	case VPCE_HOP_PASS: return "pass";
	case VPCE_HOP_FAIL: return "fail";
	case VPCE_HOP_INFO: return "info";
	case VPCE_HOP_SKIP: return "skip";
	default: return "unknown";
	}
}

/* ---- construction ----------------------------------------------------- */
static int build_csr(struct vpce_arena *a, uint32_t nkeys, uint32_t nitems, const uint32_t *key_of,
		     uint32_t **start_out, uint32_t **items_out)
{
	uint32_t *start = vpce_arena_alloc(a, (size_t)(nkeys + 1) * sizeof(*start));
	uint32_t *items = vpce_arena_alloc(a, (size_t)(nitems ? nitems : 1) * sizeof(*items));
	uint32_t *fill = calloc(nkeys ? nkeys : 1, sizeof(*fill));

	if (!start || !items || !fill) {
		free(fill);
		return VPCE_ENOMEM;
	}
	for (uint32_t i = 0; i < nitems; i++)
		if (key_of[i] != VPCE_NONE)
			start[key_of[i] + 1]++;
	for (uint32_t k = 0; k < nkeys; k++)
		start[k + 1] += start[k];
	for (uint32_t i = 0; i < nitems; i++) {
		uint32_t k = key_of[i];
		if (k == VPCE_NONE)
			continue;
		items[start[k] + fill[k]++] = i;
	}
	free(fill);
	*start_out = start;
	*items_out = items;
	return 0;
}

/* Step 8 precomputed: a policy without any Allow statement denies every
 * request ("Control access to VPC endpoints using endpoint policies"; IAM
 * "Policy evaluation logic": implicit deny). */
static int8_t policy_has_allow(struct vpce_arena *a, const struct vpce_endpoint *ep, const char **why)
{
	struct vpce_json_doc *doc = NULL;
	struct vpce_error perr;
	const struct vpce_json *st;
	bool allow = false;

	*why = NULL;
	if (!ep->policy)
		return -1;
	if (vpce_json_parse(ep->policy, strlen(ep->policy), ep->id, &doc, &perr) != 0) {
		*why = vpce_arena_strdup(a, perr.message);
		return 2;
	}
	st = vpce_json_get(vpce_json_root(doc), "Statement");
	if (st && st->type == VPCE_JSON_OBJECT) {
		const char *eff = vpce_json_get_str(st, "Effect");
		allow = eff && strcmp(eff, "Allow") == 0;
	}
	vpce_json_foreach(x, st) {
		const char *eff = vpce_json_get_str(x, "Effect");
		allow = allow || (eff && strcmp(eff, "Allow") == 0);
	}
	vpce_json_doc_free(doc);
	return allow ? 1 : 0;
}

int vpce_engine_new(const struct vpce_model *m, const struct vpce_engine_options *opts, struct vpce_engine **out,
		    struct vpce_error *err)
{
	struct vpce_engine *e = calloc(1, sizeof(*e));
	uint32_t *keys = NULL;
	size_t nkeys;
	int rc = 0;

	*out = NULL;
	if (!e)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	e->m = m;
	if (opts)
		e->opts = *opts;
	if (!e->opts.port)
		e->opts.port = 443;
	if (!e->opts.proto)
		e->opts.proto = 6;
	if (!e->opts.ephemeral_lo && !e->opts.ephemeral_hi) {
		/* Linux's default ip_local_port_range; "Ephemeral ports" in the
		 * network ACL documentation lists each OS's range. */
		e->opts.ephemeral_lo = 32768;
		e->opts.ephemeral_hi = 60999;
	}
	vpce_arena_init(&e->arena, 256 * 1024);
	vpce_arena_init(&e->fixed, 64 * 1024);
	e->s3_svc = UINT32_MAX;
	(void)vpce_cidr_parse("0.0.0.0/0", 9, &e->any4);

	nkeys = m->nenis > m->nendpoints ? m->nenis : m->nendpoints;
	keys = malloc((nkeys ? nkeys : 1) * sizeof(*keys));
	if (!keys) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < m->nenis; i++)
		keys[i] = m->enis[i].kind == VPCE_ENI_WORKLOAD ? m->enis[i].subnet : VPCE_NONE;
	if (build_csr(&e->fixed, m->nsubnets, m->nenis, keys, &e->subnet_eni_start, &e->subnet_enis) != 0) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < m->nendpoints; i++)
		keys[i] = m->endpoints[i].vpc;
	if (build_csr(&e->fixed, m->nvpcs, m->nendpoints, keys, &e->vpc_ep_start, &e->vpc_eps) != 0) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto out;
	}
	/* Endpoint policies are decided once: does any statement allow? */
	e->policy_allows = vpce_arena_alloc(&e->fixed, (m->nendpoints ? m->nendpoints : 1) * sizeof(*e->policy_allows));
	e->policy_error = vpce_arena_alloc(&e->fixed, (m->nendpoints ? m->nendpoints : 1) * sizeof(*e->policy_error));
	if (!e->policy_allows || !e->policy_error) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < m->nendpoints; i++)
		e->policy_allows[i] = policy_has_allow(&e->fixed, &m->endpoints[i], &e->policy_error[i]);
	e->ep_pol = calloc(m->nendpoints ? m->nendpoints : 1, sizeof(*e->ep_pol));
	e->bucket_pol = calloc(m->nbucket_policies ? m->nbucket_policies : 1, sizeof(*e->bucket_pol));
	if (!e->ep_pol || !e->bucket_pol) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < m->nendpoints; i++) {
		struct vpce_error perr;
		const char *pol = m->endpoints[i].policy;
		if (pol && e->policy_allows[i] != 2 &&
		    vpce_policy_parse(pol, strlen(pol), m->endpoints[i].id, &e->ep_pol[i], &perr) != 0) {
			e->ep_pol[i] = NULL;
			e->policy_error[i] = vpce_arena_strdup(&e->fixed, perr.message);
			e->policy_allows[i] = 2;
		}
	}
	for (uint32_t i = 0; i < m->nbucket_policies; i++) {
		const struct vpce_bucket_policy *bp = &m->bucket_policies[i];
		if (vpce_policy_parse(bp->policy, strlen(bp->policy), bp->file, &e->bucket_pol[i], err) != 0) {
			rc = err ? err->code : VPCE_EPARSE;
			goto out;
		}
	}
	if ((rc = vpce_owned_load(e->opts.owned_buckets_path, &e->owned, err)) != 0)
		goto out;
	*out = e;
	e = NULL;
out:
	free(keys);
	vpce_engine_free(e);
	return rc;
}

void vpce_engine_free(struct vpce_engine *e)
{
	if (!e)
		return;
	vpce_arena_release(&e->arena);
	vpce_arena_release(&e->fixed);
	free(e->svc);
	free(e->wc);
	if (e->ep_pol)
		for (uint32_t i = 0; i < e->m->nendpoints; i++)
			vpce_policy_free(e->ep_pol[i]);
	if (e->bucket_pol)
		for (uint32_t i = 0; i < e->m->nbucket_policies; i++)
			vpce_policy_free(e->bucket_pol[i]);
	free(e->ep_pol);
	free(e->bucket_pol);
	vpce_owned_free(e->owned);
	free(e);
}

void vpce_engine_reset(struct vpce_engine *e)
{
	e->s3_svc = UINT32_MAX; /* its strings live in the arena */
	vpce_arena_release(&e->arena);
	vpce_arena_init(&e->arena, 256 * 1024);
}

/* ---- sources and services -------------------------------------------------- */
int vpce_engine_source(const struct vpce_engine *e, const char *id, struct vpce_source *out,
		       struct vpce_error *err)
{
	enum vpce_kind kind;
	uint32_t idx;

	if (!vpce_model_find(e->m, id, &kind, &idx) && vpce_str_startswith(id, "i-")) {
		/* An instance known only through its ENIs' attachments. */
		for (uint32_t i = 0; i < e->m->nenis; i++)
			if (e->m->enis[i].instance_id && strcmp(e->m->enis[i].instance_id, id) == 0) {
				out->kind = VPCE_K_ENI;
				out->idx = i;
				out->label = id;
				out->sg_set = UINT32_MAX;
				return e->m->enis[i].subnet == VPCE_NONE
					       ? vpce_error_set(err, VPCE_EINVAL, "--from %s: its subnet is not in the snapshot", id)
					       : 0;
			}
	}
	if (!vpce_model_find(e->m, id, &kind, &idx) ||
	    (kind != VPCE_K_SUBNET && kind != VPCE_K_ENI && kind != VPCE_K_INSTANCE))
		return vpce_error_set(err, VPCE_ENOTFOUND,
				      "--from %s: no subnet, network interface or instance with that id in the snapshot", id);
	if (kind == VPCE_K_ENI && e->m->enis[idx].subnet == VPCE_NONE)
		return vpce_error_set(err, VPCE_EINVAL, "--from %s: its subnet is not in the snapshot", id);
	if (kind == VPCE_K_INSTANCE && e->m->instances[idx].subnet == VPCE_NONE)
		return vpce_error_set(err, VPCE_EINVAL, "--from %s: its subnet is not in the snapshot", id);
	out->kind = (uint8_t)kind;
	out->idx = idx;
	out->label = id;
	out->sg_set = UINT32_MAX;
	return 0;
}

int vpce_engine_default_sources(struct vpce_engine *e, struct vpce_source **out, size_t *n, struct vpce_error *err)
{
	const struct vpce_model *m = e->m;
	struct vpce_source *list = NULL;
	size_t cnt = 0, alloc = 0;

	*out = NULL;
	*n = 0;
	for (uint32_t s = 0; s < m->nsubnets; s++) {
		struct vpce_source src = { VPCE_K_SUBNET, s, m->subnets[s].id, UINT32_MAX };
		uint32_t b = e->subnet_eni_start[s], end = e->subnet_eni_start[s + 1];
		bool differ = false;

		if (VPCE_ARRAY_PUSH(list, cnt, alloc, src) != 0)
			goto oom;
		for (uint32_t k = b + 1; k < end; k++)
			differ = differ || m->enis[e->subnet_enis[k]].sg_set != m->enis[e->subnet_enis[b]].sg_set;
		if (!differ)
			continue;
		/* One row per distinct security-group set, named after its first
		 * workload (the instance when the ENI is an instance's). */
		for (uint32_t k = b; k < end; k++) {
			const struct vpce_eni *eni = &m->enis[e->subnet_enis[k]];
			bool seen = false;
			for (uint32_t j = b; j < k; j++)
				seen = seen || m->enis[e->subnet_enis[j]].sg_set == eni->sg_set;
			if (seen)
				continue;
			src.kind = VPCE_K_SUBNET;
			src.idx = s;
			src.sg_set = eni->sg_set;
			src.label = eni->instance_id ? eni->instance_id : eni->id;
			if (VPCE_ARRAY_PUSH(list, cnt, alloc, src) != 0)
				goto oom;
		}
	}
	*out = list;
	*n = cnt;
	return 0;
oom:
	free(list);
	return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
}

int vpce_engine_default_services(struct vpce_engine *e, const char ***out, size_t *n, struct vpce_error *err)
{
	const struct vpce_model *m = e->m;
	const char **list = NULL;
	size_t cnt = 0, alloc = 0;

	*out = NULL;
	*n = 0;
	if (VPCE_ARRAY_PUSH(list, cnt, alloc, "s3") != 0 || VPCE_ARRAY_PUSH(list, cnt, alloc, "dynamodb") != 0)
		goto oom;
	for (uint32_t i = 0; i < m->nendpoints; i++) {
		const struct vpce_endpoint *ep = &m->endpoints[i];
		const struct vpce_vpc *v = &m->vpcs[ep->vpc];
		const char *name;
		bool dup = false;

		if (ep->type != VPCE_EP_INTERFACE)
			continue;
		/* Short name when the endpoint's service is in its VPC's region. */
		name = ep->service_region && v->region && strcmp(ep->service_region, v->region) == 0
			       ? ep->service_short
			       : ep->service;
		for (size_t k = 0; k < cnt; k++)
			dup = dup || strcmp(list[k], name) == 0;
		if (!dup && VPCE_ARRAY_PUSH(list, cnt, alloc, name) != 0)
			goto oom;
	}
	*out = list;
	*n = cnt;
	return 0;
oom:
	free(list);
	return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
}

/* ---- one question ----------------------------------------------------------- */
enum dest_kind { DEST_PUBLIC, DEST_INTERFACE };

struct dest {
	enum dest_kind kind;
	uint32_t ep;                     /* interface endpoint, or VPCE_NONE */
	uint32_t from_pl;                /* AWS-managed prefix list the prefixes came from */
	bool approx;                     /* addresses unknown: 0.0.0.0/0 stands in */
	struct vpce_cidr prefixes[MAX_DEST];
	uint32_t prefix_eni[MAX_DEST];   /* interface: the ENI of each address */
	size_t n;
};

/* The workloads a question starts from, with one security-group set. */
struct group {
	const uint32_t *sgs;
	uint32_t nsgs;
	const char *sg_first;            /* id of the first SG (for fixes) */
	const uint32_t *enis;            /* workload ENIs (indices into enis) */
	uint32_t neni;
	uint32_t eni_single;             /* storage when the group is one ENI */
	bool public_ip;
	bool no_workload;
	const struct vpce_instance *inst;/* instance source without a known ENI */
};

struct ctx {
	struct vpce_engine *e;
	const struct vpce_model *m;
	const struct vpce_subnet *subnet;
	uint32_t subnet_idx;
	const struct vpce_vpc *vpc;
	const char *service;             /* full name */
	uint32_t service_pl;             /* the service's AWS-managed prefix list or VPCE_NONE */
	uint32_t svc_idx;                /* index of the resolved service in the engine */
	const struct vpce_check_request *req; /* request to evaluate, or NULL */
	const char *short_name;
	const char *region;
	bool same_region;
	int port, proto;
	struct vpce_verdict *v;
	struct vpce_error *err;
	size_t a_hops, a_notes, a_fixes;
	const char **notes, **fixes;     /* accumulate over every way and group */
	uint32_t nnotes, nfixes;
	bool oom;
};

/* Formats explanation text: skipped in brief mode. */
static const char *fmt(struct ctx *c, const char *f, ...) VPCE_PRINTF(2, 3);

static const char *fmt(struct ctx *c, const char *f, ...)
{
	char buf[1024];
	va_list ap;
	const char *s;

	if (c->e->opts.brief)
		return "";
	va_start(ap, f);
	vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	s = vpce_arena_strdup(&c->e->arena, buf);
	if (!s) {
		c->oom = true;
		return "";
	}
	return s;
}


static void push_str(struct ctx *c, const char ***arr, uint32_t *n, size_t *alloc, const char *s)
{
	if (c->e->opts.brief)
		return;
	for (uint32_t i = 0; i < *n; i++)
		if (strcmp((*arr)[i], s) == 0)
			return;
	if (*n + 1 > *alloc) {
		size_t na = *alloc ? *alloc * 2 : 4;
		const char **p = vpce_arena_alloc(&c->e->arena, na * sizeof(*p));
		if (!p) {
			c->oom = true;
			return;
		}
		if (*n)
			memcpy(p, *arr, *n * sizeof(*p));
		*arr = p;
		*alloc = na;
	}
	(*arr)[(*n)++] = s;
}

#define NOTE(c, ...) push_str((c), &(c)->notes, &(c)->nnotes, &(c)->a_notes, fmt((c), __VA_ARGS__))
#define FIX(c, ...) push_str((c), &(c)->fixes, &(c)->nfixes, &(c)->a_fixes, fmt((c), __VA_ARGS__))

static void hop(struct ctx *c, enum vpce_step step, enum vpce_hop_result res, const char *resource,
		const char *detail)
{
	struct vpce_verdict *v = c->v;

	if (v->nhops + 1 > c->a_hops) {
		size_t na = c->a_hops ? c->a_hops * 2 : 8;
		struct vpce_hop *p = vpce_arena_alloc(&c->e->arena, na * sizeof(*p));
		if (!p) {
			c->oom = true;
			return;
		}
		if (v->nhops)
			memcpy(p, v->hops, v->nhops * sizeof(*p));
		v->hops = p;
		c->a_hops = na;
	}
	v->hops[v->nhops].step = (uint8_t)step;
	v->hops[v->nhops].result = (uint8_t)res;
	v->hops[v->nhops].resource = resource;
	v->hops[v->nhops].detail = detail;
	v->nhops++;
}

static void block(struct ctx *c, enum vpce_step step, const char *resource, const char *detail)
{
	hop(c, step, VPCE_HOP_FAIL, resource, detail);
	c->v->path = VPCE_PATH_BLOCKED;
	c->v->blocked_at = (int8_t)step;
	c->v->via = NULL;
	c->v->is_private = false;
}

static const char *cidr_str(struct ctx *c, const struct vpce_cidr *p)
{
	char buf[64];
	if (c->e->opts.brief)
		return "";
	return fmt(c, "%s", vpce_cidr_format(p, buf, sizeof(buf)));
}

static const char *hostname(struct ctx *c)
{
	return fmt(c, "%s.%s.amazonaws.com", c->short_name, c->region);
}

/* ip-ranges.json service names ("AWS IP address ranges": the service key). */
static const char *ip_ranges_service(const char *short_name)
{
	if (strcmp(short_name, "s3") == 0)
		return "S3";
	if (strcmp(short_name, "dynamodb") == 0)
		return "DYNAMODB";
	if (strcmp(short_name, "ec2") == 0)
		return "EC2";
	return "AMAZON";
}

static bool is_gateway_service(const char *short_name)
{
	/* Gateway endpoints exist for Amazon S3 and DynamoDB only ("Gateway
	 * endpoints", AWS PrivateLink guide). */
	return strcmp(short_name, "s3") == 0 || strcmp(short_name, "dynamodb") == 0;
}

static bool in_other_service_list(const struct vpce_model *m, const struct vpce_cidr *p, uint32_t own)
{
	for (uint32_t i = 0; i < m->nprefix_lists; i++) {
		const struct vpce_prefix_list *pl = &m->prefix_lists[i];
		if (i == own || !pl->aws_managed)
			continue;
		for (uint32_t k = 0; k < pl->ncidrs; k++)
			if (vpce_cidr_overlaps(&pl->cidrs[k], p))
				return true;
	}
	return false;
}

static void public_prefixes(struct ctx *c, struct dest *d)
{
	const struct vpce_model *m = c->m;
	uint32_t pl = c->service_pl;

	d->kind = DEST_PUBLIC;
	d->ep = VPCE_NONE;
	d->from_pl = VPCE_NONE;
	d->approx = false;
	d->n = 0;
	/* S3 and DynamoDB publish their addresses as AWS-managed prefix lists
	 * (com.amazonaws.REGION.s3 / .dynamodb), the lists gateway endpoint
	 * routes use. */
	if (pl != VPCE_NONE && m->prefix_lists[pl].ncidrs > 0) {
		const struct vpce_prefix_list *p = &m->prefix_lists[pl];
		for (uint32_t i = 0; i < p->ncidrs && d->n < MAX_DEST; i++)
			d->prefixes[d->n++] = p->cidrs[i];
		d->from_pl = pl;
		return;
	}
	if (c->e->opts.public_prefixes) {
		const struct vpce_cidr *list = NULL;
		const char *svc = ip_ranges_service(c->short_name);
		size_t n = c->e->opts.public_prefixes(c->e->opts.public_ctx, svc, c->region, &list);
		if (n == 0 && strcmp(svc, "AMAZON") != 0) {
			svc = "AMAZON";
			n = c->e->opts.public_prefixes(c->e->opts.public_ctx, svc, c->region, &list);
		}
		for (size_t i = 0; i < n && d->n < MAX_DEST; i++) {
			if (list[i].family != 4)
				continue;
			/* AMAZON covers every AWS address, S3's and DynamoDB's too:
			 * a service without its own label does not use the blocks
			 * those services publish as prefix lists. */
			if (strcmp(svc, "AMAZON") == 0 && in_other_service_list(m, &list[i], c->service_pl))
				continue;
			d->prefixes[d->n++] = list[i];
		}
		if (d->n) {
			NOTE(c, "public addresses of %s: %zu %s prefixes for %s from ip-ranges.json%s", c->service, d->n,
			     svc, c->region, d->n == MAX_DEST ? " (first 256)" : "");
			return;
		}
	}
	d->prefixes[d->n++] = c->e->any4;
	d->approx = true;
	NOTE(c, "public addresses of %s unknown (no prefix list in the snapshot, no ip-ranges entry): "
		"assumed any public address", c->service);
}

/* Step 1: DNS. "Private DNS for interface endpoints" and "DNS attributes
 * for your VPC" (AWS PrivateLink guide, Amazon VPC User Guide): the
 * service's default hostname resolves to the endpoint's private IPs when the
 * endpoint has private DNS enabled and the VPC has enableDnsSupport and
 * enableDnsHostnames; for Amazon S3 with "private DNS only for inbound
 * Resolver endpoint", resolvers inside the VPC still get S3's public
 * addresses (so a gateway endpoint carries that traffic). Returns false when
 * blocked. */
static bool step_dns(struct ctx *c, struct dest *d)
{
	struct vpce_engine *e = c->e;
	const struct vpce_model *m = c->m;
	uint32_t vpc_idx = c->subnet->vpc;
	uint32_t chosen = VPCE_NONE;

	if (!c->vpc->dns_support) {
		block(c, VPCE_STEP_DNS, c->vpc->id,
		      fmt(c, "enableDnsSupport is false on %s: the Amazon-provided DNS server does not answer, so %s "
			     "does not resolve (unless the VPC uses its own DNS servers)", c->vpc->id, hostname(c)));
		FIX(c, "aws ec2 modify-vpc-attribute --vpc-id %s --enable-dns-support '{\"Value\":true}'", c->vpc->id);
		return false;
	}
	for (uint32_t k = e->vpc_ep_start[vpc_idx]; k < e->vpc_ep_start[vpc_idx + 1]; k++) {
		uint32_t i = e->vpc_eps[k];
		const struct vpce_endpoint *ep = &m->endpoints[i];
		if (ep->type != VPCE_EP_INTERFACE || strcmp(ep->service, c->service) != 0)
			continue;
		if (!vpce_str_eqi(ep->state, "available")) {
			NOTE(c, "%s (interface endpoint for %s) is %s: it carries no traffic", ep->id, c->short_name,
			     ep->state);
			continue;
		}
		if (!ep->private_dns) {
			NOTE(c, "%s has private DNS disabled: %s resolves to public addresses; only the endpoint's own "
				"names (%s-….vpce.amazonaws.com) reach it", ep->id, hostname(c), ep->id);
			FIX(c, "enable private DNS on %s: aws ec2 modify-vpc-endpoint --vpc-endpoint-id %s "
			       "--private-dns-enabled", ep->id, ep->id);
			continue;
		}
		if (!c->vpc->dns_hostnames) {
			NOTE(c, "%s has private DNS enabled but enableDnsHostnames is false on %s%s: the private hosted "
				"zone does not apply", ep->id, c->vpc->id,
			     c->vpc->dns_hostnames_src == VPCE_FACT_DEFAULT ? " (AWS default for a non-default VPC)" : "");
			FIX(c, "aws ec2 modify-vpc-attribute --vpc-id %s --enable-dns-hostnames '{\"Value\":true}'",
			    c->vpc->id);
			continue;
		}
		/* PrivateDnsOnlyForInboundResolverEndpoint (EC2 API DnsOptions;
		 * services with both gateway and interface endpoints: S3,
		 * DynamoDB): resolvers inside the VPC keep the public answer. */
		if (ep->dns_inbound_only == VPCE_TRI_TRUE) {
			NOTE(c, "%s has private DNS only for inbound Resolver endpoints: resolvers inside %s get %s's "
				"public addresses", ep->id, c->vpc->id, c->short_name);
			continue;
		}
		chosen = i;
		break;
	}
	if (chosen == VPCE_NONE) {
		public_prefixes(c, d);
		hop(c, VPCE_STEP_DNS, VPCE_HOP_PASS, NULL,
		    fmt(c, "%s resolves to public %s addresses (%zu prefix%s%s%s)", hostname(c), c->short_name, d->n,
			d->n == 1 ? "" : "es", d->from_pl != VPCE_NONE ? " from " : "",
			d->from_pl != VPCE_NONE ? m->prefix_lists[d->from_pl].id : ""));
		return true;
	}

	/* Interface endpoint: its ENI addresses, preferring the source's AZ
	 * ("each subnet's network interface"; the regional name returns all
	 * of them, clients in an AZ normally use the zonal one). */
	{
		const struct vpce_endpoint *ep = &m->endpoints[chosen];
		bool in_az = false;

		d->kind = DEST_INTERFACE;
		d->approx = false;
		d->ep = chosen;
		d->from_pl = VPCE_NONE;
		d->n = 0;
		for (int pass = 0; pass < 2 && d->n == 0; pass++) {
			for (uint32_t k = 0; k < ep->nenis && d->n < MAX_DEST; k++) {
				const struct vpce_eni *en;
				if (ep->enis[k] == VPCE_NONE)
					continue;
				en = &m->enis[ep->enis[k]];
				if (pass == 0 && !(en->az && c->subnet->az && strcmp(en->az, c->subnet->az) == 0))
					continue;
				for (uint32_t a = 0; a < en->nips && d->n < MAX_DEST; a++) {
					if (en->ips[a].family != 4)
						continue;
					d->prefixes[d->n] = en->ips[a];
					d->prefix_eni[d->n++] = ep->enis[k];
					break;
				}
				in_az = in_az || pass == 0;
			}
		}
		if (d->n == 0) {
			/* ENIs not captured: the endpoint's subnets stand in for them. */
			for (uint32_t k = 0; k < ep->nsubnets && d->n < MAX_DEST; k++) {
				if (ep->subnets[k] == VPCE_NONE || !m->subnets[ep->subnets[k]].cidr.family)
					continue;
				d->prefixes[d->n] = m->subnets[ep->subnets[k]].cidr;
				d->prefix_eni[d->n++] = VPCE_NONE;
				if (m->subnets[ep->subnets[k]].az && c->subnet->az &&
				    strcmp(m->subnets[ep->subnets[k]].az, c->subnet->az) == 0)
					in_az = true;
			}
			if (d->n)
				NOTE(c, "network interfaces of %s are not in the snapshot: its subnets' CIDRs stand in "
					"for its addresses", ep->id);
		}
		if (d->n == 0) {
			block(c, VPCE_STEP_ENDPOINT_STATE, ep->id,
			      fmt(c, "%s has no network interface or subnet in the snapshot", ep->id));
			return false;
		}
		if (!in_az) {
			NOTE(c, "%s has no subnet in %s: the path is cross-AZ (inter-AZ data "
				"transfer is billed)", ep->id, c->subnet->az ? c->subnet->az : "the source's AZ");
			FIX(c, "add a subnet in %s to %s: aws ec2 modify-vpc-endpoint --vpc-endpoint-id %s "
			       "--add-subnet-ids <subnet in %s>", c->subnet->az ? c->subnet->az : "the source's AZ",
			    ep->id, ep->id, c->subnet->az ? c->subnet->az : "that AZ");
		}
		hop(c, VPCE_STEP_DNS, VPCE_HOP_PASS, ep->id,
		    fmt(c, "%s resolves to %s's private IP%s (private DNS) %s", hostname(c), ep->id,
			d->n == 1 ? "" : "s", cidr_str(c, &d->prefixes[0])));
	}
	return true;
}

/* A gateway endpoint in this VPC for this service, or VPCE_NONE. */
static uint32_t vpc_gateway_endpoint(struct ctx *c)
{
	uint32_t vpc_idx = c->subnet->vpc;
	for (uint32_t k = c->e->vpc_ep_start[vpc_idx]; k < c->e->vpc_ep_start[vpc_idx + 1]; k++) {
		const struct vpce_endpoint *ep = &c->m->endpoints[c->e->vpc_eps[k]];
		if (ep->type == VPCE_EP_GATEWAY && strcmp(ep->service, c->service) == 0)
			return c->e->vpc_eps[k];
	}
	return VPCE_NONE;
}

static bool vpc_has_interface_endpoint(struct ctx *c)
{
	uint32_t vpc_idx = c->subnet->vpc;
	for (uint32_t k = c->e->vpc_ep_start[vpc_idx]; k < c->e->vpc_ep_start[vpc_idx + 1]; k++) {
		const struct vpce_endpoint *ep = &c->m->endpoints[c->e->vpc_eps[k]];
		if (ep->type == VPCE_EP_INTERFACE && strcmp(ep->service, c->service) == 0)
			return true;
	}
	return false;
}

/* Fixes for public traffic that could stay private. r is the route that
 * took the traffic (NULL: none matched). */
static void suggest_endpoint(struct ctx *c, const struct vpce_route_table *t, const struct vpce_route *r)
{
	uint32_t gw;

	if (is_gateway_service(c->short_name) && c->same_region) {
		gw = vpc_gateway_endpoint(c);
		if (gw != VPCE_NONE) {
			bool routed = false;
			for (uint32_t i = 0; t && i < t->nroutes; i++)
				routed = routed || (t->routes[i].target_idx == gw && t->routes[i].target == VPCE_TGT_GATEWAY_ENDPOINT);
			if (routed && r) {
				/* The endpoint is on this table already: a more specific
				 * (or equal static) route wins ("Route priority"). */
				FIX(c, "remove or narrow the route %s -> %s in %s: it takes %s traffic away from %s's prefix-list "
				       "route (the longest prefix wins; a static route beats a prefix-list route of equal length)",
				    r->dst.family ? cidr_str(c, &r->dst) : r->prefix_list_id, r->target_id, t->id, c->short_name,
				    c->m->endpoints[gw].id);
			} else if (!routed) {
				FIX(c, "associate %s with %s: aws ec2 modify-vpc-endpoint --vpc-endpoint-id %s "
				       "--add-route-table-ids %s", c->m->endpoints[gw].id, t ? t->id : "the subnet's route table",
				    c->m->endpoints[gw].id, t ? t->id : "<rtb>");
			}
		} else {
			FIX(c, "create a gateway endpoint for %s on %s: aws ec2 create-vpc-endpoint --vpc-id %s "
			       "--vpc-endpoint-type Gateway --service-name %s --route-table-ids %s",
			    c->service, t ? t->id : "the subnet's route table", c->vpc->id, c->service,
			    t ? t->id : "<rtb>");
		}
	} else if (c->same_region && !vpc_has_interface_endpoint(c)) {
		FIX(c, "create an interface endpoint for %s with private DNS in %s's AZ: aws ec2 create-vpc-endpoint "
		       "--vpc-id %s --vpc-endpoint-type Interface --service-name %s --subnet-ids %s "
		       "--private-dns-enabled", c->service, c->subnet->id, c->vpc->id, c->service, c->subnet->id);
	}
}

/* The path a route target names. */
static enum vpce_path_kind target_path(const struct vpce_route *r, const struct dest *d)
{
	switch (r->target) {
	case VPCE_TGT_LOCAL: return d->kind == DEST_INTERFACE ? VPCE_PATH_INTERFACE_ENDPOINT : VPCE_PATH_BLOCKED;
	case VPCE_TGT_GATEWAY_ENDPOINT: return VPCE_PATH_GATEWAY_ENDPOINT;
	case VPCE_TGT_NAT: return VPCE_PATH_NAT_GATEWAY;
	case VPCE_TGT_IGW: return VPCE_PATH_INTERNET_GATEWAY;
	case VPCE_TGT_TGW: return VPCE_PATH_TRANSIT_GATEWAY;
	case VPCE_TGT_PEERING: return VPCE_PATH_PEERING;
	case VPCE_TGT_VGW: return VPCE_PATH_VPN_GATEWAY;
	case VPCE_TGT_ENI:
	case VPCE_TGT_INSTANCE: return VPCE_PATH_NETWORK_INTERFACE;
	default: return VPCE_PATH_BLOCKED;
	}
}

/* A group of destination prefixes that leave the same way. */
struct way {
	const struct vpce_route *route;  /* NULL: no route */
	uint32_t first, count;           /* slice of the segment index array */
};

static int path_rank(enum vpce_path_kind p)
{
	if (p == VPCE_PATH_BLOCKED)
		return 3;
	if (p == VPCE_PATH_GATEWAY_ENDPOINT || p == VPCE_PATH_INTERFACE_ENDPOINT)
		return 0;
	if (p == VPCE_PATH_NAT_GATEWAY || p == VPCE_PATH_INTERNET_GATEWAY)
		return 2;
	return 1;
}

/* Step 3: security group egress of the source workloads. */
static bool step_sg(struct ctx *c, const struct group *g, const struct dest *d, const struct vpce_cidr *pfx,
		    size_t n)
{
	const struct vpce_model *m = c->m;

	if (g->no_workload) {
		hop(c, VPCE_STEP_SECURITY_GROUP, VPCE_HOP_SKIP, NULL,
		    fmt(c, "no workloads in %s: security groups not evaluated", c->subnet->id));
		return true;
	}
	if (g->nsgs == 0) {
		hop(c, VPCE_STEP_SECURITY_GROUP, VPCE_HOP_SKIP, NULL, "the source's security groups are not in the snapshot");
		return true;
	}
	for (size_t i = 0; i < n; i++) {
		struct vpce_sg_target t = { &pfx[i], d->from_pl, NULL, 0 };
		long r;
		if (d->kind == DEST_INTERFACE) {
			const struct vpce_endpoint *ep = &m->endpoints[d->ep];
			/* An endpoint's security groups are those of its ENIs. */
			t.sgs = ep->sgs;
			t.nsgs = ep->nsgs;
		}
		r = vpce_sg_allows(m, g->sgs, g->nsgs, true, c->proto, c->port, &t);
		if (r < 0) {
			const char *ids = g->sg_first ? g->sg_first : "its security group";
			block(c, VPCE_STEP_SECURITY_GROUP, g->sg_first,
			      fmt(c, "no egress rule of %s%s allows %s/%d to %s", ids, g->nsgs > 1 ? " (or its other groups)" : "",
				  c->proto == 6 ? "tcp" : "proto", c->port, cidr_str(c, &pfx[i])));
			if (d->kind == DEST_INTERFACE) {
				const struct vpce_endpoint *ep = &m->endpoints[d->ep];
				FIX(c, "allow egress tcp/%d to %s in %s: aws ec2 authorize-security-group-egress --group-id %s "
				       "--ip-permissions 'IpProtocol=tcp,FromPort=%d,ToPort=%d,UserIdGroupPairs=[{GroupId=%s}]'",
				    c->port, ep->nsgs ? ep->sg_ids[0] : cidr_str(c, &pfx[i]), ids, ids, c->port, c->port,
				    ep->nsgs ? ep->sg_ids[0] : "<endpoint sg>");
			} else if (d->from_pl != VPCE_NONE) {
				const char *pl = m->prefix_lists[d->from_pl].id;
				FIX(c, "allow egress tcp/%d to %s in %s: aws ec2 authorize-security-group-egress --group-id %s "
				       "--ip-permissions 'IpProtocol=tcp,FromPort=%d,ToPort=%d,PrefixListIds=[{PrefixListId=%s}]'",
				    c->port, pl, ids, ids, c->port, c->port, pl);
			} else {
				FIX(c, "allow egress tcp/%d to %s in %s", c->port, cidr_str(c, &pfx[i]), ids);
			}
			return false;
		}
	}
	hop(c, VPCE_STEP_SECURITY_GROUP, VPCE_HOP_PASS, g->sg_first,
	    fmt(c, "egress %s/%d allowed by %s", c->proto == 6 ? "tcp" : "proto", c->port,
		g->sg_first ? g->sg_first : "the source's security groups"));
	return true;
}

static const char *nacl_rule(struct ctx *c, const struct vpce_nacl_decision *dec)
{
	return dec->rule_number < 0 ? "the implicit deny (*)" : fmt(c, "rule %d", dec->rule_number);
}

/* NACL checks for one subnet: `out` toward remote on port, and the return
 * traffic from remote to the ephemeral range, or the mirror image when the
 * subnet holds the server side (endpoint). */
static bool nacl_pair(struct ctx *c, const struct vpce_subnet *s, bool client_side, const struct vpce_cidr *remote)
{
	const struct vpce_nacl *a;
	struct vpce_nacl_decision d1, d2;
	int elo = c->e->opts.ephemeral_lo, ehi = c->e->opts.ephemeral_hi;

	if (s->nacl == VPCE_NONE)
		return true;
	a = &c->m->nacls[s->nacl];
	if (client_side) {
		vpce_nacl_eval(a, true, c->proto, c->port, c->port, remote, &d1);
		if (!d1.allowed) {
			block(c, VPCE_STEP_NETWORK_ACL, a->id,
			      fmt(c, "%s outbound to %s port %d denied by %s", a->id, cidr_str(c, remote), c->port,
				  nacl_rule(c, &d1)));
			FIX(c, "allow outbound tcp/%d to %s in %s before %s", c->port, cidr_str(c, remote), a->id,
			    nacl_rule(c, &d1));
			return false;
		}
		vpce_nacl_eval(a, false, c->proto, elo, ehi, remote, &d2);
		if (!d2.allowed) {
			block(c, VPCE_STEP_NETWORK_ACL, a->id,
			      fmt(c, "%s inbound return traffic from %s to ports %d-%d denied by %s (NACLs are stateless)",
				  a->id, cidr_str(c, remote), d2.gap_lo, d2.gap_hi, nacl_rule(c, &d2)));
			FIX(c, "allow inbound tcp/%d-%d from %s in %s before %s", elo, ehi, cidr_str(c, remote), a->id,
			    nacl_rule(c, &d2));
			return false;
		}
	} else {
		vpce_nacl_eval(a, false, c->proto, c->port, c->port, remote, &d1);
		if (!d1.allowed) {
			block(c, VPCE_STEP_NETWORK_ACL, a->id,
			      fmt(c, "%s (endpoint subnet %s) inbound from %s port %d denied by %s", a->id, s->id,
				  cidr_str(c, remote), c->port, nacl_rule(c, &d1)));
			FIX(c, "allow inbound tcp/%d from %s in %s", c->port, cidr_str(c, remote), a->id);
			return false;
		}
		vpce_nacl_eval(a, true, c->proto, elo, ehi, remote, &d2);
		if (!d2.allowed) {
			block(c, VPCE_STEP_NETWORK_ACL, a->id,
			      fmt(c, "%s (endpoint subnet %s) outbound return traffic to %s ports %d-%d denied by %s", a->id,
				  s->id, cidr_str(c, remote), d2.gap_lo, d2.gap_hi, nacl_rule(c, &d2)));
			FIX(c, "allow outbound tcp/%d-%d to %s in %s", elo, ehi, cidr_str(c, remote), a->id);
			return false;
		}
	}
	return true;
}

/* The addresses the source sends from (for the far side's rules). */
static size_t source_addrs(struct ctx *c, const struct group *g, struct vpce_cidr *out, size_t max)
{
	size_t n = 0;

	for (uint32_t k = 0; k < g->neni && n < max; k++) {
		const struct vpce_eni *en = &c->m->enis[g->enis[k]];
		for (uint32_t a = 0; a < en->nips; a++)
			if (en->ips[a].family == 4) {
				out[n++] = en->ips[a];
				break;
			}
	}
	if (n == 0 && g->inst && g->inst->ip.family == 4)
		out[n++] = g->inst->ip;
	if (n == 0 && c->subnet->cidr.family)
		out[n++] = c->subnet->cidr;
	return n;
}

/* Step 4: network ACLs on the source subnet (and the endpoint's). */
static bool step_nacl(struct ctx *c, const struct group *g, const struct dest *d, const struct vpce_cidr *pfx,
		      const uint32_t *pidx, size_t n)
{
	const struct vpce_model *m = c->m;
	struct vpce_cidr src[64];
	size_t nsrc;
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		const struct vpce_subnet *far = NULL;
		if (d->kind == DEST_INTERFACE && pidx[i] != VPCE_NONE && d->prefix_eni[pidx[i]] != VPCE_NONE) {
			uint32_t fs = m->enis[d->prefix_eni[pidx[i]]].subnet;
			far = fs != VPCE_NONE ? &m->subnets[fs] : NULL;
		}
		/* Traffic that stays inside one subnet does not cross its NACL. */
		if (far && far == c->subnet)
			continue;
		any = true;
		if (!nacl_pair(c, c->subnet, true, &pfx[i]))
			return false;
		if (far) {
			nsrc = source_addrs(c, g, src, 64);
			for (size_t k = 0; k < nsrc; k++)
				if (!nacl_pair(c, far, false, &src[k]))
					return false;
		}
	}
	if (!any) {
		hop(c, VPCE_STEP_NETWORK_ACL, VPCE_HOP_SKIP, NULL, "source and endpoint share a subnet: no NACL crossed");
		return true;
	}
	if (c->subnet->nacl == VPCE_NONE)
		hop(c, VPCE_STEP_NETWORK_ACL, VPCE_HOP_SKIP, NULL, "the subnet's network ACL is not in the snapshot");
	else
		hop(c, VPCE_STEP_NETWORK_ACL, VPCE_HOP_PASS, m->nacls[c->subnet->nacl].id,
		    fmt(c, "%s allows tcp/%d out and the return traffic on %d-%d", m->nacls[c->subnet->nacl].id, c->port,
			c->e->opts.ephemeral_lo, c->e->opts.ephemeral_hi));
	return true;
}

/* Step 5: the interface endpoint's security group must allow the source in
 * ("Access an AWS service using an interface VPC endpoint": the security
 * group must allow inbound HTTPS from the resources in the VPC). */
static bool step_endpoint_sg(struct ctx *c, const struct group *g, const struct dest *d)
{
	const struct vpce_model *m = c->m;
	const struct vpce_endpoint *ep = &m->endpoints[d->ep];
	struct vpce_cidr src[64];
	size_t nsrc = source_addrs(c, g, src, 64);

	if (ep->nsgs == 0) {
		hop(c, VPCE_STEP_ENDPOINT_SECURITY_GROUP, VPCE_HOP_SKIP, ep->id,
		    fmt(c, "%s's security groups are not in the snapshot", ep->id));
		return true;
	}
	for (size_t k = 0; k < nsrc; k++) {
		struct vpce_sg_target t = { &src[k], VPCE_NONE, g->sgs, g->nsgs };
		if (vpce_sg_allows(m, ep->sgs, ep->nsgs, false, c->proto, c->port, &t) < 0) {
			block(c, VPCE_STEP_ENDPOINT_SECURITY_GROUP, ep->sg_ids[0],
			      fmt(c, "no ingress rule of %s (on %s) allows tcp/%d from %s%s%s", ep->sg_ids[0], ep->id, c->port,
				  cidr_str(c, &src[k]), g->sg_first ? " or " : "", g->sg_first ? g->sg_first : ""));
			FIX(c, "allow ingress tcp/%d from %s in %s: aws ec2 authorize-security-group-ingress --group-id %s "
			       "--protocol tcp --port %d --%s %s", c->port,
			    g->sg_first ? g->sg_first : cidr_str(c, &c->subnet->cidr), ep->sg_ids[0], ep->sg_ids[0], c->port,
			    g->sg_first ? "source-group" : "cidr",
			    g->sg_first ? g->sg_first : cidr_str(c, &c->subnet->cidr));
			return false;
		}
	}
	hop(c, VPCE_STEP_ENDPOINT_SECURITY_GROUP, VPCE_HOP_PASS, ep->sg_ids[0],
	    fmt(c, "%s allows tcp/%d in from the source", ep->sg_ids[0], c->port));
	return true;
}

static const char *statement_name(struct ctx *c, const struct vpce_policy_decision *d)
{
	if (d->statement < 0)
		return "no statement";
	return d->sid ? fmt(c, "statement %d (Sid \"%s\")", d->statement, d->sid) : fmt(c, "statement %d", d->statement);
}

/* Evaluate the question's request against one policy ("Policy evaluation
 * logic", IAM User Guide: explicit deny, else allow, else implicit deny).
 * For an endpoint policy any non-allow blocks; for a bucket policy only an
 * explicit deny does (an identity policy may still allow the rest). */
static bool eval_request(struct ctx *c, const struct vpce_policy *pol, const struct vpce_endpoint *ep,
			 enum vpce_step step, const char *resource, const char *source_ip, const char *what)
{
	struct vpce_policy_request r;
	struct vpce_policy_decision d;
	const struct vpce_check_request *q = c->req;

	if (vpce_request_build(&r, q, c->m, ep, c->vpc, c->region, source_ip) != 0) {
		NOTE(c, "request context too large; %s not evaluated", what);
		return true;
	}
	if ((q->unknown_principal ? vpce_policy_could_allow(pol, &r, &d) : vpce_policy_eval(pol, &r, &d)) != 0)
		return true;
	if (d.result == VPCE_POLICY_ALLOW || (step == VPCE_STEP_RESOURCE_POLICY && d.result == VPCE_POLICY_IMPLICIT_DENY)) {
		hop(c, step, VPCE_HOP_PASS, resource,
		    d.result == VPCE_POLICY_ALLOW
			    ? fmt(c, "%s allows %s on %s (%s)", what, q->action, q->resource ? q->resource : "*",
				  statement_name(c, &d))
			    : fmt(c, "%s does not deny %s on %s (no statement applies)", what, q->action,
				  q->resource ? q->resource : "*"));
		return true;
	}
	block(c, step, resource,
	      fmt(c, "%s %s %s on %s: %s", what, d.result == VPCE_POLICY_EXPLICIT_DENY ? "explicitly denies" : "does not allow",
		  q->action, q->resource ? q->resource : "*",
		  d.result == VPCE_POLICY_EXPLICIT_DENY ? statement_name(c, &d) : "implicit deny, no statement allows it"));
	if (d.result == VPCE_POLICY_EXPLICIT_DENY)
		FIX(c, "narrow %s of %s so it does not match %s on %s%s", statement_name(c, &d), what, q->action,
		    q->resource ? q->resource : "*",
		    step == VPCE_STEP_RESOURCE_POLICY && !ep ? " (or reach the bucket through the endpoint it requires)" : "");
	else
		FIX(c, "add a statement to %s allowing %s on %s", what, q->action, q->resource ? q->resource : "*");
	return false;
}

/* The bucket of an S3 ARN ("arn:aws:s3:::bucket/key") into out. */
static bool s3_bucket_of(const char *arn, char *out, size_t outlen)
{
	const char *p;
	size_t n;

	if (!arn || !vpce_str_startswith(arn, "arn:"))
		return false;
	p = strstr(arn, ":s3:::");
	if (!p)
		return false;
	p += 6;
	n = strcspn(p, "/");
	if (n == 0 || n >= outlen)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

/* S3 bucket policies (Amazon S3 User Guide, "Controlling access from VPC
 * endpoints with bucket policies"): a Deny that requires aws:SourceVpce of
 * another endpoint blocks this path. */
static bool step_resource_policy(struct ctx *c, const struct vpce_endpoint *ep, const char *source_ip)
{
	char bucket[256];

	if (!c->req || !c->req->action || strcmp(c->short_name, "s3") != 0 ||
	    !s3_bucket_of(c->req->resource, bucket, sizeof(bucket)))
		return true;
	for (uint32_t i = 0; i < c->m->nbucket_policies; i++) {
		if (strcmp(c->m->bucket_policies[i].bucket, bucket) != 0 || !c->e->bucket_pol[i])
			continue;
		return eval_request(c, c->e->bucket_pol[i], ep, VPCE_STEP_RESOURCE_POLICY, c->m->bucket_policies[i].bucket,
				    source_ip, fmt(c, "the bucket policy of %s", bucket));
	}
	return true;
}

/* Step 8: the endpoint policy must allow something (see policy_has_allow). */
static bool step_policy(struct ctx *c, const struct vpce_endpoint *ep)
{
	uint32_t i = (uint32_t)(ep - c->m->endpoints);

	switch (c->e->policy_allows[i]) {
	case -1:
		hop(c, VPCE_STEP_ENDPOINT_POLICY, VPCE_HOP_SKIP, ep->id, "no policy in the snapshot (AWS's default allows all)");
		return true;
	case 2:
		NOTE(c, "%s's policy is not valid JSON: %s", ep->id, c->e->policy_error[i] ? c->e->policy_error[i] : "");
		hop(c, VPCE_STEP_ENDPOINT_POLICY, VPCE_HOP_INFO, ep->id, "policy not parseable");
		return true;
	case 0:
		block(c, VPCE_STEP_ENDPOINT_POLICY, ep->id,
		      fmt(c, "%s's policy has no Allow statement: every request through it is denied", ep->id));
		FIX(c, "give %s a policy with an Allow statement (e.g. `vpce policy template full-access`): aws ec2 "
		       "modify-vpc-endpoint --vpc-endpoint-id %s --policy-document file://policy.json", ep->id, ep->id);
		return false;
	default:
		break;
	}
	if (!c->req || !c->req->action || !c->e->ep_pol[i]) {
		hop(c, VPCE_STEP_ENDPOINT_POLICY, VPCE_HOP_PASS, ep->id,
		    fmt(c, "%s's policy has an Allow statement (evaluate a request with --action)", ep->id));
		return true;
	}
	return eval_request(c, c->e->ep_pol[i], ep, VPCE_STEP_ENDPOINT_POLICY, ep->id, NULL, fmt(c, "%s's policy", ep->id));
}

/* Onward from a NAT gateway: "NAT gateways" (Amazon VPC User Guide): a
 * public NAT gateway must be available and its subnet must route the
 * destination to an internet gateway attached to the VPC. */
static bool step_nat(struct ctx *c, const struct vpce_route *r, const struct vpce_cidr *pfx)
{
	const struct vpce_model *m = c->m;
	const struct vpce_nat_gateway *nat;
	const struct vpce_route *onward;

	if (r->target_idx == VPCE_NONE) {
		block(c, VPCE_STEP_NAT_GATEWAY, r->target_id,
		      fmt(c, "route target %s is not in the snapshot (dangling reference)", r->target_id));
		return false;
	}
	nat = &m->nats[r->target_idx];
	if (!vpce_str_eqi(nat->state, "available")) {
		block(c, VPCE_STEP_NAT_GATEWAY, nat->id, fmt(c, "%s is %s", nat->id, nat->state));
		return false;
	}
	if (!nat->is_public) {
		block(c, VPCE_STEP_NAT_GATEWAY, nat->id,
		      fmt(c, "%s is a private NAT gateway: it cannot reach public service addresses", nat->id));
		return false;
	}
	if (nat->subnet == VPCE_NONE || m->subnets[nat->subnet].rtb == VPCE_NONE) {
		block(c, VPCE_STEP_NAT_GATEWAY, nat->id,
		      fmt(c, "%s's subnet or its route table is not in the snapshot", nat->id));
		return false;
	}
	onward = vpce_route_lookup(m, &m->rtbs[m->subnets[nat->subnet].rtb], pfx);
	/* The NAT gateway's own traffic follows its subnet's route table, so a
	 * gateway endpoint there carries it (still billed as NAT processing). */
	if (onward && onward->target == VPCE_TGT_GATEWAY_ENDPOINT && !onward->blackhole &&
	    onward->target_idx != VPCE_NONE && vpce_str_eqi(m->endpoints[onward->target_idx].state, "available")) {
		NOTE(c, "%s reaches %s through %s on its own subnet's route table; the source's NAT data "
			"processing is still billed", nat->id, c->short_name, onward->target_id);
		hop(c, VPCE_STEP_NAT_GATEWAY, VPCE_HOP_PASS, nat->id,
		    fmt(c, "%s is available; its subnet routes %s to %s", nat->id, cidr_str(c, pfx), onward->target_id));
		return true;
	}
	if (!onward || onward->target != VPCE_TGT_IGW || onward->blackhole) {
		const struct vpce_route_table *nt = &m->rtbs[m->subnets[nat->subnet].rtb];
		block(c, VPCE_STEP_NAT_GATEWAY, nat->id,
		      fmt(c, "%s's subnet %s has no route to an internet gateway for %s (%s)", nat->id,
			  m->subnets[nat->subnet].id, cidr_str(c, pfx), nt->id));
		FIX(c, "add 0.0.0.0/0 -> igw in %s: aws ec2 create-route --route-table-id %s --destination-cidr-block "
		       "0.0.0.0/0 --gateway-id <igw attached to %s>", nt->id, nt->id, c->vpc->id);
		return false;
	}
	{
		bool attached = false;
		if (onward->target_idx != VPCE_NONE) {
			const struct vpce_internet_gateway *ig = &m->igws[onward->target_idx];
			for (uint32_t k = 0; k < ig->nvpcs; k++)
				attached = attached || ig->vpcs[k] == c->subnet->vpc;
		}
		if (!attached) {
			block(c, VPCE_STEP_NAT_GATEWAY, nat->id,
			      fmt(c, "%s's subnet routes to %s, which is not attached to %s", nat->id, onward->target_id,
				  c->vpc->id));
			return false;
		}
	}
	hop(c, VPCE_STEP_NAT_GATEWAY, VPCE_HOP_PASS, nat->id,
	    fmt(c, "%s is available; its subnet routes to %s", nat->id, onward->target_id));
	return true;
}

/* "Internet gateways": an instance needs a public IPv4 address (or
 * Elastic IP) to use an internet gateway. */
static bool step_igw(struct ctx *c, const struct group *g, const struct vpce_route *r)
{
	const struct vpce_model *m = c->m;
	bool attached = false, public_ip;

	if (r->target_idx == VPCE_NONE) {
		block(c, VPCE_STEP_INTERNET_GATEWAY, r->target_id,
		      fmt(c, "route target %s is not in the snapshot (dangling reference)", r->target_id));
		return false;
	}
	for (uint32_t k = 0; k < m->igws[r->target_idx].nvpcs; k++)
		attached = attached || m->igws[r->target_idx].vpcs[k] == c->subnet->vpc;
	if (!attached) {
		block(c, VPCE_STEP_INTERNET_GATEWAY, r->target_id,
		      fmt(c, "%s is not attached to %s", r->target_id, c->vpc->id));
		return false;
	}
	public_ip = g->no_workload ? c->subnet->map_public_ip : g->public_ip;
	if (!public_ip) {
		block(c, VPCE_STEP_INTERNET_GATEWAY, r->target_id,
		      fmt(c, "the source has no public IP address, so %s drops its traffic%s", r->target_id,
			  g->no_workload ? " (no workloads; MapPublicIpOnLaunch is false)" : ""));
		FIX(c, "give the workload a public IP, or route %s through a NAT gateway or a VPC endpoint", c->subnet->id);
		return false;
	}
	hop(c, VPCE_STEP_INTERNET_GATEWAY, VPCE_HOP_PASS, r->target_id,
	    fmt(c, "%s is attached and the source has a public IP", r->target_id));
	return true;
}

/* Evaluate one way (a route and its prefixes) for one group. */
static void eval_way(struct ctx *c, const struct group *g, const struct dest *d, const struct vpce_route_table *t,
		     const struct way *w, const struct vpce_cidr *pfx, const uint32_t *pidx)
{
	const struct vpce_model *m = c->m;
	const struct vpce_route *r = w->route;
	enum vpce_path_kind pk;
	const struct vpce_endpoint *gwep = NULL;

	if (!r) {
		block(c, VPCE_STEP_ROUTE, t->id,
		      fmt(c, "%s has no route to %s", t->id, cidr_str(c, &pfx[0])));
		suggest_endpoint(c, t, NULL);
		return;
	}
	if (r->blackhole) {
		block(c, VPCE_STEP_ROUTE, t->id,
		      fmt(c, "%s routes %s to %s, which is a blackhole (its target no longer exists)", t->id,
			  r->dst.family ? cidr_str(c, &r->dst) : r->prefix_list_id, r->target_id));
		FIX(c, "replace the blackhole route %s in %s", r->dst.family ? cidr_str(c, &r->dst) : r->prefix_list_id,
		    t->id);
		suggest_endpoint(c, t, NULL);
		return;
	}
	pk = target_path(r, d);
	if (pk == VPCE_PATH_BLOCKED) {
		block(c, VPCE_STEP_ROUTE, t->id,
		      fmt(c, "%s sends %s to %s (%s), which does not lead to the service", t->id, cidr_str(c, &pfx[0]),
			  r->target_id, vpce_target_kind_name((enum vpce_target_kind)r->target)));
		return;
	}
	if (pk == VPCE_PATH_GATEWAY_ENDPOINT) {
		if (r->target_idx == VPCE_NONE) {
			block(c, VPCE_STEP_ENDPOINT_STATE, r->target_id,
			      fmt(c, "%s routes to %s, which is not in the snapshot (dangling reference)", t->id, r->target_id));
			return;
		}
		gwep = &m->endpoints[r->target_idx];
	}
	hop(c, VPCE_STEP_ROUTE, VPCE_HOP_PASS, t->id,
	    fmt(c, "%s%s: %s -> %s (%s%s%s)", t->id, c->subnet->rtb_explicit ? "" : " (main route table)",
		r->dst.family ? cidr_str(c, &r->dst) : (r->prefix_list_id ? r->prefix_list_id : "?"), r->target_id,
		vpce_target_kind_name((enum vpce_target_kind)r->target), w->count > 1 ? ", " : "",
		w->count > 1 ? fmt(c, "%u prefixes", w->count) : ""));
	c->v->path = (uint8_t)pk;
	c->v->via = pk == VPCE_PATH_INTERFACE_ENDPOINT ? m->endpoints[d->ep].id : r->target_id;
	c->v->is_private = pk == VPCE_PATH_GATEWAY_ENDPOINT || pk == VPCE_PATH_INTERFACE_ENDPOINT;

	if (!step_sg(c, g, d, pfx, w->count))
		return;
	if (!step_nacl(c, g, d, pfx, pidx, w->count))
		return;
	if (pk == VPCE_PATH_INTERFACE_ENDPOINT && !step_endpoint_sg(c, g, d))
		return;
	if (pk == VPCE_PATH_NAT_GATEWAY && !step_nat(c, r, &pfx[0]))
		return;
	if (pk == VPCE_PATH_INTERNET_GATEWAY && !step_igw(c, g, r))
		return;
	if (gwep) {
		/* "Gateway endpoints": only an available endpoint routes. */
		if (!vpce_str_eqi(gwep->state, "available")) {
			block(c, VPCE_STEP_ENDPOINT_STATE, gwep->id, fmt(c, "%s is %s: it carries no traffic", gwep->id,
									    gwep->state));
			FIX(c, "check %s's state (pendingAcceptance needs the service owner; failed/rejected needs a new endpoint)",
			    gwep->id);
			return;
		}
		hop(c, VPCE_STEP_ENDPOINT_STATE, VPCE_HOP_PASS, gwep->id, fmt(c, "%s is available", gwep->id));
		if (!step_policy(c, gwep))
			return;
	}
	if (pk == VPCE_PATH_INTERFACE_ENDPOINT) {
		const struct vpce_endpoint *ep = &m->endpoints[d->ep];
		hop(c, VPCE_STEP_ENDPOINT_STATE, VPCE_HOP_PASS, ep->id, fmt(c, "%s is available", ep->id));
		if (!step_policy(c, ep))
			return;
	}
	{
		const struct vpce_endpoint *via_ep = gwep ? gwep : pk == VPCE_PATH_INTERFACE_ENDPOINT ? &m->endpoints[d->ep] : NULL;
		const char *sip = pk == VPCE_PATH_NAT_GATEWAY && r->target_idx != VPCE_NONE ? m->nats[r->target_idx].public_ip : NULL;
		if (!step_resource_policy(c, via_ep, sip))
			return;
	}
	if (pk == VPCE_PATH_NAT_GATEWAY || pk == VPCE_PATH_INTERNET_GATEWAY) {
		if (is_gateway_service(c->short_name) && !c->same_region)
			NOTE(c, "%s is in another region (%s): gateway endpoints only reach their own region's service, so "
				"this traffic leaves through %s", c->service, c->region, r->target_id);
		suggest_endpoint(c, t, r);
	}
	if (pk == VPCE_PATH_TRANSIT_GATEWAY || pk == VPCE_PATH_PEERING || pk == VPCE_PATH_VPN_GATEWAY ||
	    pk == VPCE_PATH_NETWORK_INTERFACE)
		NOTE(c, "traffic continues beyond %s through %s; vpce does not follow it there", c->vpc->id, r->target_id);
}

/* Groups the question's source workloads by security-group set. */
static size_t make_groups(struct ctx *c, const struct vpce_source *src, struct group *out, size_t max)
{
	const struct vpce_model *m = c->m;
	struct vpce_engine *e = c->e;
	size_t n = 0;

	if (src->kind == VPCE_K_ENI || (src->kind == VPCE_K_INSTANCE && m->instances[src->idx].primary_eni != VPCE_NONE)) {
		uint32_t ei = src->kind == VPCE_K_ENI ? src->idx : m->instances[src->idx].primary_eni;
		const struct vpce_eni *en = &m->enis[ei];
		memset(&out[0], 0, sizeof(out[0]));
		out[0].eni_single = ei;
		out[0].enis = &out[0].eni_single;
		out[0].neni = 1;
		out[0].sgs = en->sgs;
		out[0].nsgs = en->nsgs;
		out[0].sg_first = en->nsgs ? en->sg_ids[0] : NULL;
		out[0].public_ip = en->public_ip;
		return 1;
	}
	if (src->kind == VPCE_K_INSTANCE) {
		const struct vpce_instance *in = &m->instances[src->idx];
		memset(&out[0], 0, sizeof(out[0]));
		out[0].sgs = in->sgs;
		out[0].nsgs = in->nsgs;
		out[0].sg_first = in->nsgs ? in->sg_ids[0] : NULL;
		out[0].public_ip = in->public_ip;
		out[0].inst = in;
		return 1;
	}
	{
		uint32_t b = e->subnet_eni_start[src->idx], end = e->subnet_eni_start[src->idx + 1];
		for (uint32_t k = b; k < end && n < max; k++) {
			uint32_t ei = e->subnet_enis[k];
			const struct vpce_eni *en = &m->enis[ei];
			bool seen = false;
			if (src->sg_set != UINT32_MAX && en->sg_set != src->sg_set)
				continue;
			for (size_t j = 0; j < n && !seen; j++) {
				if (m->enis[out[j].enis[0]].sg_set == en->sg_set) {
					seen = true;
					out[j].neni++;
					out[j].public_ip = out[j].public_ip && en->public_ip;
				}
			}
			if (seen)
				continue;
			memset(&out[n], 0, sizeof(out[n]));
			/* ENIs of one set are gathered below; start with this one. */
			out[n].enis = &e->subnet_enis[k];
			out[n].neni = 1;
			out[n].sgs = en->sgs;
			out[n].nsgs = en->nsgs;
			out[n].sg_first = en->nsgs ? en->sg_ids[0] : NULL;
			out[n].public_ip = en->public_ip;
			n++;
		}
		/* ENIs of one SG set are not contiguous in the CSR list: keep only the
		 * first as the group's representative for address-based rules. */
		for (size_t j = 0; j < n; j++)
			out[j].neni = 1;
	}
	if (n == 0) {
		memset(&out[0], 0, sizeof(out[0]));
		out[0].no_workload = true;
		n = 1;
	}
	return n;
}

static int cmp_seg_target(const void *a, const void *b)
{
	const struct vpce_route_segment *x = a, *y = b;
	if (x->route == y->route)
		return 0;
	const char *tx = x->route ? x->route->target_id : "", *ty = y->route ? y->route->target_id : "";
	int bx = x->route ? x->route->blackhole : 0, by = y->route ? y->route->blackhole : 0;
	int c = strcmp(tx, ty);
	return c ? c : bx - by;
}

struct seg_item {
	struct vpce_route_segment s;
	uint32_t i;
};

/* Start a fresh working verdict whose hops begin with a copy of prefix. */
static bool fork_verdict(struct ctx *c, const struct vpce_verdict *prefix, struct vpce_verdict *into)
{
	*into = *prefix;
	into->hops = vpce_arena_alloc(&c->e->arena, (prefix->nhops + 8) * sizeof(*into->hops));
	if (!into->hops) {
		c->oom = true;
		return false;
	}
	if (prefix->nhops)
		memcpy(into->hops, prefix->hops, prefix->nhops * sizeof(*into->hops));
	c->v = into;
	c->a_hops = prefix->nhops + 8;
	return true;
}

static struct ways_entry *ways_slot(struct vpce_engine *e, uint64_t key, bool *found)
{
	size_t i;

	*found = false;
	if ((e->wc_count + 1) * 2 > e->wc_cap) {
		size_t ncap = e->wc_cap ? e->wc_cap * 2 : 1024;
		struct ways_entry *n = calloc(ncap, sizeof(*n));
		if (!n)
			return NULL;
		for (size_t k = 0; k < e->wc_cap; k++) {
			if (!e->wc[k].key)
				continue;
			for (i = (size_t)vpce_mix64(e->wc[k].key) & (ncap - 1); n[i].key; i = (i + 1) & (ncap - 1))
				;
			n[i] = e->wc[k];
		}
		free(e->wc);
		e->wc = n;
		e->wc_cap = ncap;
	}
	for (i = (size_t)vpce_mix64(key) & (e->wc_cap - 1); e->wc[i].key; i = (i + 1) & (e->wc_cap - 1)) {
		if (e->wc[i].key == key) {
			*found = true;
			return &e->wc[i];
		}
	}
	return &e->wc[i];
}

/* Evaluate every way for one group; the group's verdict is its worst way.
 * Writes the result into *res. */
static void eval_group(struct ctx *c, const struct group *g, struct vpce_verdict *res)
{
	const struct vpce_model *m = c->m;
	static _Thread_local struct dest d;
	static _Thread_local struct seg_item items[MAX_SEGMENTS];
	static _Thread_local struct vpce_route_segment segs[MAX_SEGMENTS];
	static _Thread_local struct vpce_cidr pfx[MAX_SEGMENTS];
	static _Thread_local uint32_t pidx[MAX_SEGMENTS];
	const struct vpce_route_table *t;
	struct way ways[MAX_GROUPS];
	size_t nseg = 0, nways = 0;
	struct vpce_verdict prefix, work, worst;
	struct ways_entry *slot = NULL;
	bool have = false;

	if (!fork_verdict(c, res, &prefix))
		return;
	if (!step_dns(c, &d))
		goto single;
	if (c->subnet->rtb == VPCE_NONE) {
		block(c, VPCE_STEP_ROUTE, c->subnet->id,
		      fmt(c, "%s has no route table in the snapshot (no explicit association and no main table)",
			  c->subnet->id));
		goto single;
	}
	t = &m->rtbs[c->subnet->rtb];
	if (d.kind == DEST_PUBLIC) {
		bool found;
		uint64_t key = ((uint64_t)c->subnet->rtb + 1) << 32 | ((uint64_t)c->svc_idx + 1);
		slot = ways_slot(c->e, key, &found);
		if (found) {
			nseg = slot->nseg;
			nways = slot->nways;
			memcpy(pfx, slot->pfx, nseg * sizeof(*pfx));
			memcpy(pidx, slot->pidx, nseg * sizeof(*pidx));
			memcpy(ways, slot->ways, nways * sizeof(*ways));
			goto have_ways;
		}
	}
	for (size_t i = 0; i < d.n && nseg < MAX_SEGMENTS; i++) {
		/* With unknown addresses (0.0.0.0/0 standing in), only the route
		 * for the whole block counts: AWS's public addresses are not in
		 * the private ranges that more specific routes usually cover. */
		size_t k = d.approx ? 1 : vpce_route_segments(m, t, &d.prefixes[i], segs, MAX_SEGMENTS - nseg);
		if (d.approx)
			segs[0] = (struct vpce_route_segment){ d.prefixes[i], vpce_route_lookup(m, t, &d.prefixes[i]) };
		for (size_t j = 0; j < k; j++) {
			items[nseg + j].s = segs[j];
			items[nseg + j].i = (uint32_t)i;
		}
		nseg += k;
	}
	/* Insertion sort by way (few segments), then slice into ways. */
	for (size_t i = 1; i < nseg; i++) {
		struct seg_item x = items[i];
		size_t j = i;
		while (j > 0 && cmp_seg_target(&items[j - 1].s, &x.s) > 0) {
			items[j] = items[j - 1];
			j--;
		}
		items[j] = x;
	}
	for (size_t i = 0; i < nseg; i++) {
		pfx[i] = items[i].s.prefix;
		pidx[i] = items[i].i;
		if (nways && cmp_seg_target(&items[ways[nways - 1].first].s, &items[i].s) == 0) {
			ways[nways - 1].count++;
		} else if (nways < MAX_GROUPS) {
			ways[nways].route = items[i].s.route;
			ways[nways].first = (uint32_t)i;
			ways[nways].count = 1;
			nways++;
		}
	}
	if (slot) {
		struct vpce_arena *a = &c->e->fixed;
		slot->pfx = vpce_arena_alloc(a, (nseg ? nseg : 1) * sizeof(*pfx));
		slot->pidx = vpce_arena_alloc(a, (nseg ? nseg : 1) * sizeof(*pidx));
		slot->ways = vpce_arena_alloc(a, (nways ? nways : 1) * sizeof(*ways));
		if (slot->pfx && slot->pidx && slot->ways) {
			memcpy(slot->pfx, pfx, nseg * sizeof(*pfx));
			memcpy(slot->pidx, pidx, nseg * sizeof(*pidx));
			memcpy(slot->ways, ways, nways * sizeof(*ways));
			slot->nseg = (uint32_t)nseg;
			slot->nways = (uint32_t)nways;
			slot->key = ((uint64_t)c->subnet->rtb + 1) << 32 | ((uint64_t)c->svc_idx + 1);
			c->e->wc_count++;
		}
	}
have_ways:
	if (nways > 1 && !c->e->opts.brief) {
		struct vpce_buf b = VPCE_BUF_INIT;
		for (size_t w = 0; w < nways; w++)
			vpce_buf_printf(&b, "%s%u prefix%s via %s", w ? ", " : "", ways[w].count,
					ways[w].count == 1 ? "" : "es",
					ways[w].route ? ways[w].route->target_id : "no route");
		NOTE(c, "the service's prefixes split across routes in %s: %s", t->id, b.ptr ? b.ptr : "");
		vpce_buf_release(&b);
	}
	prefix = *c->v;
	for (size_t w = 0; w < nways; w++) {
		if (!fork_verdict(c, &prefix, &work))
			return;
		eval_way(c, g, &d, t, &ways[w], pfx + ways[w].first, pidx + ways[w].first);
		if (!have || path_rank((enum vpce_path_kind)work.path) > path_rank((enum vpce_path_kind)worst.path)) {
			worst = work;
			have = true;
		}
	}
	*res = worst;
	return;
single:
	*res = *c->v;
}

/* Resolves a service as given ("s3" or a full name) for the question's VPC,
 * once per (name, region): full name, region, short name, prefix list. */
static const struct svc_entry *resolve_service(struct ctx *c, const char *service)
{
	struct vpce_engine *e = c->e;
	struct svc_entry se;
	char region[32], plname[300];
	const char *short_name;

	for (size_t i = 0; i < e->nsvc; i++) {
		const struct svc_entry *x = &e->svc[i];
		if ((x->input == service || strcmp(x->input, service) == 0) &&
		    (x->vpc_region == c->vpc->region ||
		     (x->vpc_region && c->vpc->region && strcmp(x->vpc_region, c->vpc->region) == 0)))
			return x;
	}
	se.input = vpce_arena_strdup(&e->fixed, service);
	se.vpc_region = c->vpc->region;
	if (vpce_service_name_split(service, region, sizeof(region), &short_name)) {
		se.full = se.input;
		se.region = vpce_arena_strdup(&e->fixed, region);
		se.short_name = se.input + (short_name - service);
	} else {
		if (!c->vpc->region)
			return NULL;
		se.region = c->vpc->region;
		se.full = vpce_arena_printf(&e->fixed, "com.amazonaws.%s.%s", c->vpc->region, service);
		se.short_name = se.input;
	}
	if (!se.input || !se.full || !se.region) {
		c->oom = true;
		return NULL;
	}
	/* S3 and DynamoDB publish their addresses as AWS-managed prefix lists
	 * named com.amazonaws.REGION.SERVICE. */
	snprintf(plname, sizeof(plname), "com.amazonaws.%s.%s", se.region, se.short_name);
	se.pl = vpce_model_prefix_list_by_name(c->m, plname);
	se.s3_full = vpce_arena_printf(&e->fixed, "com.amazonaws.%s.s3", se.region);
	se.owned = NULL;
	se.nowned = 0;
	for (size_t i = 0; e->owned && i < e->owned->nrules; i++)
		se.nowned += strcmp(e->owned->rules[i].service, se.short_name) == 0;
	if (se.nowned) {
		uint32_t k = 0;
		se.owned = vpce_arena_alloc(&e->fixed, se.nowned * sizeof(*se.owned));
		for (size_t i = 0; se.owned && i < e->owned->nrules; i++) {
			const struct vpce_owned_rule *rule = &e->owned->rules[i];
			struct owned_exp *x;
			if (strcmp(rule->service, se.short_name) != 0)
				continue;
			x = &se.owned[k++];
			x->rule = rule;
			x->buckets = vpce_arena_alloc(&e->fixed, (rule->nbuckets + 1) * sizeof(*x->buckets));
			x->arns = vpce_arena_alloc(&e->fixed, (rule->nbuckets + 1) * sizeof(*x->arns));
			for (size_t b = 0; x->buckets && x->arns && b < rule->nbuckets; b++) {
				char bucket[256];
				vpce_owned_expand(rule->buckets[b], se.region, bucket, sizeof(bucket));
				x->buckets[b] = vpce_arena_strdup(&e->fixed, bucket);
				x->arns[b] = vpce_arena_printf(&e->fixed, "arn:aws:s3:::%s/*", bucket);
			}
			if (!x->buckets || !x->arns)
				se.owned = NULL;
		}
		if (!se.owned)
			se.nowned = 0;
	}
	if (!se.s3_full) {
		c->oom = true;
		return NULL;
	}
	if (VPCE_ARRAY_PUSH(e->svc, e->nsvc, e->asvc, se) != 0) {
		c->oom = true;
		return NULL;
	}
	return &e->svc[e->nsvc - 1];
}

static int check_impl(struct vpce_engine *e, const struct vpce_source *src, const char *service,
		      const struct vpce_check_request *req, int depth, struct vpce_verdict *out, struct vpce_error *err);

int vpce_engine_check(struct vpce_engine *e, const struct vpce_source *src, const char *service,
		      struct vpce_verdict *out, struct vpce_error *err)
{
	return check_impl(e, src, service, e->opts.request, 0, out, err);
}

static bool same_source(const struct vpce_source *a, const struct vpce_source *b)
{
	return a->kind == b->kind && a->idx == b->idx && a->sg_set == b->sg_set;
}

/* Service-owned buckets ("Minimum Amazon S3 bucket permissions for Amazon
 * ECR"; "SSM Agent communications with AWS managed S3 buckets"): the
 * service needs s3:GetObject on its buckets through the source's S3 path,
 * so that path is decided once and each bucket is evaluated against the
 * policy of the endpoint it goes through. A required bucket that cannot be
 * reached blocks the service. */
static int check_owned(struct ctx *c, const struct vpce_source *src, struct vpce_verdict *out)
{
	struct vpce_engine *e = c->e;
	const struct svc_entry *se = &e->svc[c->svc_idx];
	const char *s3name = se->s3_full;
	struct vpce_verdict s3v;
	struct vpce_check_request q;
	static _Thread_local struct vpce_policy_request r; /* ~10 KiB: built once per call */
	bool have_s3 = false, have_req = false;
	uint32_t s3ep = VPCE_NONE;

	for (uint32_t i = 0; i < se->nowned; i++) {
		const struct owned_exp *ox = &se->owned[i];
		const struct vpce_owned_rule *rule = ox->rule;
		size_t denied = 0;
		const char *first = NULL, *why = NULL;
		int8_t blocked_at = -1;
		const char *blocked_res = NULL;

		if (!have_s3) {
			/* The S3 path itself, with no request: route, SG, NACL, state
			 * (the matrix usually asked it just before). */
			if (e->s3_svc != UINT32_MAX && same_source(&e->s3_src, src) &&
			    strcmp(e->svc[e->s3_svc].full, s3name) == 0) {
				s3v = e->s3_verdict;
				s3ep = e->s3_ep;
			} else {
				/* check_impl caches the S3 verdict and its endpoint. */
				int rc = check_impl(e, src, s3name, NULL, 1, &s3v, c->err);
				if (rc)
					return rc;
				s3ep = e->s3_ep;
			}
			have_s3 = true;
		}
		for (size_t b = 0; b < rule->nbuckets; b++) {
			const char *bucket = ox->buckets[b], *arn = ox->arns[b];
			if (s3v.path == VPCE_PATH_BLOCKED) {
				if (!denied++) {
					first = bucket;
					blocked_at = s3v.blocked_at;
					blocked_res = s3v.nhops ? s3v.hops[s3v.nhops - 1].resource : NULL;
					why = s3v.nhops ? s3v.hops[s3v.nhops - 1].detail : NULL;
				}
				continue;
			}
			if (s3ep != VPCE_NONE && e->ep_pol[s3ep]) {
				struct vpce_policy_decision d;
				const struct vpce_endpoint *ep = &c->m->endpoints[s3ep];

				if (!have_req) {
					memset(&q, 0, sizeof(q));
					if (c->req)
						q = *c->req;
					q.action = rule->action;
					q.resource = arn;
					/* Without a principal from the user, a policy blocks the
					 * bucket only when it denies every principal. */
					q.unknown_principal = !c->req || !c->req->principal;
					if (vpce_request_build(&r, &q, c->m, ep, c->vpc, c->region, NULL) != 0)
						continue;
					have_req = true;
				}
				vpce_policy_request_set_action(&r, rule->action);
				vpce_policy_request_set_resource(&r, arn);
				if ((q.unknown_principal ? vpce_policy_could_allow(e->ep_pol[s3ep], &r, &d)
							 : vpce_policy_eval(e->ep_pol[s3ep], &r, &d)) != 0 ||
				    d.result == VPCE_POLICY_ALLOW)
					continue;
				if (!denied++) {
					first = bucket;
					blocked_at = VPCE_STEP_ENDPOINT_POLICY;
					blocked_res = ep->id;
					why = fmt(c, "%s's policy %s s3:GetObject on %s (%s)", ep->id,
						  d.result == VPCE_POLICY_EXPLICIT_DENY ? "explicitly denies" : "does not allow", arn,
						  d.result == VPCE_POLICY_EXPLICIT_DENY ? statement_name(c, &d) : "implicit deny");
					FIX(c, "allow s3:GetObject on arn:aws:s3:::%s/* in %s's policy", bucket, ep->id);
				}
			}
		}
		if (!denied) {
			if (!s3v.is_private && out->is_private)
				NOTE(c, "%s: that traffic takes %s%s%s, not an endpoint", rule->why ? rule->why : "the service uses S3",
				     vpce_path_name((enum vpce_path_kind)s3v.path), s3v.via ? " via " : "", s3v.via ? s3v.via : "");
			continue;
		}
		if (rule->required && out->path != VPCE_PATH_BLOCKED) {
			struct vpce_hop *h = vpce_arena_alloc(&e->arena, (out->nhops + 1) * sizeof(*h));
			if (!h) {
				c->oom = true;
				return 0;
			}
			if (out->nhops)
				memcpy(h, out->hops, out->nhops * sizeof(*h));
			h[out->nhops].step = (uint8_t)(blocked_at >= 0 ? blocked_at : VPCE_STEP_ENDPOINT_POLICY);
			h[out->nhops].result = VPCE_HOP_FAIL;
			h[out->nhops].resource = blocked_res;
			h[out->nhops].detail = fmt(c, "%s needs %s on s3://%s through the S3 path: %s", c->short_name,
						   rule->action, first, why ? why : "blocked");
			out->hops = h;
			out->nhops++;
			out->path = VPCE_PATH_BLOCKED;
			out->blocked_at = (int8_t)(blocked_at >= 0 ? blocked_at : VPCE_STEP_ENDPOINT_POLICY);
			out->via = NULL;
			out->is_private = false;
		}
		NOTE(c, "%s: %zu %s bucket%s unreachable through the S3 path (first: s3://%s, blocked at %s); see %s",
		     rule->why ? rule->why : rule->service, denied, rule->required ? "required" : "optional",
		     denied == 1 ? "" : "s", first, blocked_at >= 0 ? vpce_step_name((enum vpce_step)blocked_at) : "?",
		     rule->doc ? rule->doc : "");
		if (s3v.path == VPCE_PATH_BLOCKED)
			for (uint32_t k = 0; k < s3v.nfixes; k++)
				FIX(c, "%s", s3v.fixes[k]);
	}
	return 0;
}

static int check_impl(struct vpce_engine *e, const struct vpce_source *src, const char *service,
		      const struct vpce_check_request *req, int depth, struct vpce_verdict *out, struct vpce_error *err)
{
	const struct vpce_model *m = e->m;
	struct ctx c;
	struct group groups[MAX_GROUPS];
	size_t ngroups;
	const char *short_name;
	struct vpce_verdict best;
	bool have_best = false;

	memset(&c, 0, sizeof(c));
	memset(out, 0, sizeof(*out));
	c.e = e;
	c.m = m;
	c.v = out;
	c.err = err;
	c.port = e->opts.port;
	c.proto = e->opts.proto;
	c.req = req && req->action ? req : NULL;
	switch (src->kind) {
	case VPCE_K_SUBNET: c.subnet_idx = src->idx; break;
	case VPCE_K_ENI: c.subnet_idx = m->enis[src->idx].subnet; break;
	case VPCE_K_INSTANCE: c.subnet_idx = m->instances[src->idx].subnet; break;
	default: return vpce_error_set(err, VPCE_EINVAL, "bad source kind");
	}
	if (c.subnet_idx == VPCE_NONE)
		return vpce_error_set(err, VPCE_EINVAL, "%s: its subnet is not in the snapshot", src->label);
	c.subnet = &m->subnets[c.subnet_idx];
	c.vpc = &m->vpcs[c.subnet->vpc];

	out->from = src->label;
	out->to = service;
	out->port = c.port;
	out->proto = c.proto;
	out->blocked_at = -1;
	{
		const struct svc_entry *se = resolve_service(&c, service);
		if (!se)
			return c.oom ? vpce_error_set(err, VPCE_ENOMEM, "out of memory")
				     : vpce_error_set(err, VPCE_EINVAL,
						      "the region of %s is unknown: give --region or a full service name",
						      c.vpc->id);
		c.service = se->full;
		c.region = se->region;
		short_name = se->short_name;
		c.service_pl = se->pl;
		c.svc_idx = (uint32_t)(se - e->svc);
	}
	c.short_name = short_name;
	c.same_region = c.vpc->region && strcmp(c.vpc->region, c.region) == 0;
	out->service = c.service;
	out->region = c.region;

	ngroups = make_groups(&c, src, groups, MAX_GROUPS);
	for (size_t i = 0; i < ngroups; i++) {
		struct vpce_verdict res = *out;
		res.path = VPCE_PATH_BLOCKED;
		res.blocked_at = -1;
		eval_group(&c, &groups[i], &res);
		if (c.oom)
			return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		if (!have_best || path_rank((enum vpce_path_kind)res.path) > path_rank((enum vpce_path_kind)best.path)) {
			best = res;
			have_best = true;
		}
	}
	*out = best;
	if (ngroups > 1)
		NOTE(&c, "%s's workloads use %zu different security-group sets; the verdict is the least private of them",
		     c.subnet->id, ngroups);
	if (groups[0].no_workload)
		NOTE(&c, "%s has no workloads in the snapshot: security groups were not evaluated", c.subnet->id);
	if (depth == 0) {
		int rc = check_owned(&c, src, out);
		if (rc)
			return rc;
	}
	if (c.vpc->dns_hostnames_src == VPCE_FACT_INFERRED || c.vpc->dns_support_src == VPCE_FACT_INFERRED)
		NOTE(&c, "%s's DNS attributes are not in the snapshot: inferred on from an endpoint with private DNS",
		     c.vpc->id);
	out->notes = c.notes;
	out->nnotes = c.nnotes;
	out->fixes = c.fixes;
	out->nfixes = c.nfixes;
	if (c.oom)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	if (!c.req && strcmp(c.short_name, "s3") == 0) {
		e->s3_src = *src;
		e->s3_verdict = *out;
		e->s3_svc = c.svc_idx;
		e->s3_ep = VPCE_NONE;
		if (out->is_private && out->via) {
			enum vpce_kind k;
			if (!vpce_model_find(m, out->via, &k, &e->s3_ep) || k != VPCE_K_ENDPOINT)
				e->s3_ep = VPCE_NONE;
		}
	}
	return 0;
}
