/* plan: attribution (cells → traffic rows, each connection once), cost and
 * recommendations. The rules are in docs/PLAN.md; AWS pages:
 *  - "Flow log record examples" (Amazon VPC User Guide), NAT gateway section:
 *    a NAT gateway's ENI logs the inside leg (workload ↔ NAT private IP, with
 *    pkt-dstaddr / pkt-srcaddr the far address) and the outside leg (NAT
 *    private IP ↔ destination); the workload's own ENI logs workload ↔
 *    destination. One connection, up to three observations.
 *  - "Flow log records": traffic-path 7 = through a gateway VPC endpoint,
 *    8 = through an internet gateway (egress records).
 *  - "Route priority" for the path of the observed destination address from
 *    the source subnet's route table (src/lib/path/route.c, as check).
 *  - VPC pricing (NAT gateway: hourly + per GB processed, both directions),
 *    PrivateLink pricing (interface endpoint per AZ-hour + tiered per GB over
 *    the region), EC2 data transfer (inter-AZ per GB in each direction). */
#include <stdlib.h>
#include <stdio.h>
#include <math.h>
#include "plan_int.h"
#include "path/internal.h"

#define TAG_EP 7          /* destination: an interface endpoint (payload: endpoint index) */
#define PATH_UNKNOWN VPCE_PATH_COUNT

enum origin { ORIGIN_SOURCE, ORIGIN_LEG, ORIGIN_NAT_ONLY, ORIGIN_APPORTIONED };

struct prow {
	uint32_t eni;         /* model ENI of the source or VPCE_NONE */
	uint32_t iface;       /* agg iface of the source when the ENI is unknown, else 0 */
	uint32_t vpc;         /* VPCE_NONE when unknown */
	uint64_t dest;        /* class: TAG_AWS / TAG_EXTERNAL / TAG_PRIVATE / TAG_EP / TAG_NONE */
	uint8_t path;         /* enum vpce_path_kind or PATH_UNKNOWN */
	uint8_t origin;
	uint32_t via_nat, via_ep;
	const char *via;
	const char *via_az;
	uint64_t bytes, records;
};

struct iface_info {
	uint32_t eni, nat, ep;
};

struct ctx {
	const struct vpce_plan_agg *a;
	const struct vpce_model *m;
	const struct vpce_ipranges *r;
	struct vpce_plan_result *res;
	struct vpce_arena *arena;
	struct iface_info *ifs;
	bool *logged;         /* per model ENI */
	struct prow *rows;
	size_t nrows, arows;
	uint64_t *ep_seen;    /* bytes observed on each endpoint's ENIs */
	const char **notes;
	size_t nnotes, anotes;
};

struct vpce_plan_priv {
	struct vpce_arena arena;
};

static bool outside(uint64_t c)
{
	return CLS_TAG(c) == TAG_AWS || CLS_TAG(c) == TAG_EXTERNAL;
}

static bool inside(uint64_t c)
{
	unsigned t = CLS_TAG(c);
	return t == TAG_ENI || t == TAG_NAT || t == TAG_VPC || t == TAG_PRIVATE;
}

static int note(struct ctx *x, const char *fmt, ...) VPCE_PRINTF(2, 3);
static int note(struct ctx *x, const char *fmt, ...)
{
	struct vpce_buf b = VPCE_BUF_INIT;
	va_list ap;
	char *s;

	va_start(ap, fmt);
	vpce_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	s = b.failed ? NULL : vpce_arena_strndup(x->arena, b.ptr ? b.ptr : "", b.len);
	vpce_buf_release(&b);
	if (!s || VPCE_ARRAY_PUSH(x->notes, x->nnotes, x->anotes, s) != 0)
		return VPCE_ENOMEM;
	return 0;
}

static int push(struct ctx *x, const struct prow *p)
{
	return VPCE_ARRAY_PUSH(x->rows, x->nrows, x->arows, *p);
}

static uint32_t eni_endpoint(const struct vpce_model *m, uint32_t eni)
{
	for (uint32_t p = 0; p < m->nendpoints; p++)
		for (uint32_t i = 0; i < m->endpoints[p].nenis; i++)
			if (m->endpoints[p].enis[i] == eni)
				return p;
	return VPCE_NONE;
}

static void resolve_iface(struct ctx *x, uint32_t i)
{
	const struct vpce_model *m = x->m;
	const struct plan_iface *f = &x->a->ifaces[i];
	struct iface_info *o = &x->ifs[i];
	enum vpce_kind kind;
	uint32_t idx;

	o->eni = o->nat = o->ep = VPCE_NONE;
	if (vpce_model_find(m, f->id, &kind, &idx) && kind == VPCE_K_ENI)
		o->eni = idx;
	for (uint32_t n = 0; n < m->nnats; n++)
		if (m->nats[n].eni_id && strcmp(m->nats[n].eni_id, f->id) == 0)
			o->nat = n;
	if (o->eni != VPCE_NONE) {
		x->logged[o->eni] = true;
		if (o->nat == VPCE_NONE && m->enis[o->eni].kind == VPCE_ENI_NAT) {
			/* NAT gateway ENI without NatGatewayAddresses: its private IP. */
			for (uint32_t n = 0; n < m->nnats; n++)
				for (uint32_t k = 0; k < m->enis[o->eni].nips; k++)
					if (vpce_cidr_equal(&m->nats[n].private_ip, &m->enis[o->eni].ips[k]))
						o->nat = n;
		}
		if (m->enis[o->eni].kind == VPCE_ENI_ENDPOINT)
			o->ep = eni_endpoint(m, o->eni);
	}
}

static const char *subnet_az(const struct vpce_model *m, uint32_t subnet)
{
	return subnet != VPCE_NONE ? m->subnets[subnet].az : NULL;
}

/* The source ENI of a class (TAG_ENI) or VPCE_NONE. */
static uint32_t cls_eni(uint64_t c)
{
	return CLS_TAG(c) == TAG_ENI ? CLS_VAL(c) : VPCE_NONE;
}

/* Path of traffic from ENI eni to remote address dst: traffic-path when it
 * says (7 gateway endpoint, 8 internet gateway), else the route the source
 * subnet's table gives the observed address. */
static void route_path(struct ctx *x, uint32_t eni, unsigned tp, const struct vpce_cidr *dst, struct prow *p)
{
	const struct vpce_model *m = x->m;
	const struct vpce_route *rt = NULL;
	uint32_t subnet = eni != VPCE_NONE ? m->enis[eni].subnet : VPCE_NONE;

	p->path = PATH_UNKNOWN;
	p->via = NULL;
	p->via_nat = p->via_ep = VPCE_NONE;
	if (subnet != VPCE_NONE && m->subnets[subnet].rtb != VPCE_NONE)
		rt = vpce_route_lookup(m, &m->rtbs[m->subnets[subnet].rtb], dst);
	if (rt && !rt->blackhole) {
		switch (rt->target) {
		case VPCE_TGT_IGW:
		case VPCE_TGT_EIGW:
			p->path = VPCE_PATH_INTERNET_GATEWAY;
			break;
		case VPCE_TGT_NAT:
			p->path = VPCE_PATH_NAT_GATEWAY;
			p->via_nat = rt->target_idx;
			if (rt->target_idx != VPCE_NONE)
				p->via_az = subnet_az(m, m->nats[rt->target_idx].subnet);
			break;
		case VPCE_TGT_GATEWAY_ENDPOINT:
			p->path = VPCE_PATH_GATEWAY_ENDPOINT;
			p->via_ep = rt->target_idx;
			break;
		case VPCE_TGT_TGW: p->path = VPCE_PATH_TRANSIT_GATEWAY; break;
		case VPCE_TGT_PEERING: p->path = VPCE_PATH_PEERING; break;
		case VPCE_TGT_VGW: p->path = VPCE_PATH_VPN_GATEWAY; break;
		case VPCE_TGT_ENI:
		case VPCE_TGT_INSTANCE: p->path = VPCE_PATH_NETWORK_INTERFACE; break;
		default: break;
		}
		p->via = rt->target_id;
	}
	/* The record's own traffic-path wins when it names the gateway. */
	if (tp == 7 && p->path != VPCE_PATH_GATEWAY_ENDPOINT) {
		p->path = VPCE_PATH_GATEWAY_ENDPOINT;
		p->via = NULL;
		p->via_nat = p->via_ep = VPCE_NONE;
		p->via_az = NULL;
	} else if (tp == 8 && p->path != VPCE_PATH_INTERNET_GATEWAY) {
		p->path = VPCE_PATH_INTERNET_GATEWAY;
		p->via = NULL;
		p->via_nat = p->via_ep = VPCE_NONE;
		p->via_az = NULL;
	}
}

static void to_endpoint(struct ctx *x, uint32_t ep, uint32_t ep_eni, struct prow *p)
{
	p->dest = CLS(TAG_EP, ep);
	p->path = VPCE_PATH_INTERFACE_ENDPOINT;
	p->via = x->m->endpoints[ep].id;
	p->via_ep = ep;
	p->via_az = ep_eni != VPCE_NONE ? x->m->enis[ep_eni].az : NULL;
}

static uint32_t vpc_of_eni(const struct vpce_model *m, uint32_t eni)
{
	return eni != VPCE_NONE ? m->enis[eni].vpc : VPCE_NONE;
}

/* One cell → zero or one pre-row (and NAT outside-leg totals). */
static int attribute(struct ctx *x, const struct plan_cell *c, uint64_t *nat_out_bytes, uint64_t **nat_out,
		     size_t *nnat_out, size_t *anat_out)
{
	const struct vpce_model *m = x->m;
	const struct plan_key *k = &c->k;
	const struct iface_info *fi = k->iface ? &x->ifs[k->iface] : NULL;
	struct prow p;
	uint32_t nat = fi ? fi->nat : VPCE_NONE, ep = fi ? fi->ep : VPCE_NONE, self = fi ? fi->eni : VPCE_NONE;

	(void)nat_out_bytes;
	memset(&p, 0, sizeof(p));
	p.eni = VPCE_NONE;
	p.vpc = VPCE_NONE;
	p.via_nat = p.via_ep = VPCE_NONE;
	p.bytes = c->v.bytes;
	p.records = c->v.records;
	if (nat != VPCE_NONE) {
		/* A NAT gateway's ENI: outside legs are totals per destination,
		 * inside legs name the source. */
		bool s_self = (CLS_TAG(k->s) == TAG_ENI && CLS_VAL(k->s) == self) ||
			      (CLS_TAG(k->s) == TAG_NAT && CLS_VAL(k->s) == nat);
		bool d_self = (CLS_TAG(k->d) == TAG_ENI && CLS_VAL(k->d) == self) ||
			      (CLS_TAG(k->d) == TAG_NAT && CLS_VAL(k->d) == nat);
		uint64_t far = 0, src = 0;
		if ((s_self && outside(k->d)) || (d_self && outside(k->s))) {
			uint64_t dest = s_self ? k->d : k->s;
			/* triples (nat, dest, bytes) */
			for (size_t i = 0; i < *nnat_out; i += 3)
				if ((*nat_out)[i] == nat && (*nat_out)[i + 1] == dest) {
					(*nat_out)[i + 2] += c->v.bytes;
					return 0;
				}
			if (VPCE_ARRAY_PUSH(*nat_out, *nnat_out, *anat_out, (uint64_t)nat) ||
			    VPCE_ARRAY_PUSH(*nat_out, *nnat_out, *anat_out, dest) ||
			    VPCE_ARRAY_PUSH(*nat_out, *nnat_out, *anat_out, c->v.bytes))
				return VPCE_ENOMEM;
			return 0;
		}
		if (d_self && inside(k->s) && !s_self) {
			src = k->s;
			far = k->pd;
		} else if (s_self && inside(k->d) && !d_self) {
			src = k->d;
			far = k->ps;
		} else {
			x->res->bytes_internal += c->v.bytes;
			return 0;
		}
		p.eni = cls_eni(src);
		if (p.eni != VPCE_NONE && x->logged[p.eni]) {
			x->res->bytes_duplicate += c->v.bytes; /* the workload's ENI logged it */
			return 0;
		}
		p.vpc = p.eni != VPCE_NONE ? m->enis[p.eni].vpc : m->nats[nat].vpc;
		p.dest = outside(far) ? far : 0;
		p.path = VPCE_PATH_NAT_GATEWAY;
		p.via = m->nats[nat].id;
		p.via_nat = nat;
		p.via_az = subnet_az(m, m->nats[nat].subnet);
		p.origin = ORIGIN_LEG;
		return push(x, &p);
	}
	if (ep != VPCE_NONE) {
		/* An interface endpoint's ENI: traffic to the endpoint. */
		uint64_t other = CLS_TAG(k->d) == TAG_ENI && CLS_VAL(k->d) == self ? k->s : k->d;
		x->ep_seen[ep] += c->v.bytes;
		p.eni = cls_eni(other);
		if (p.eni != VPCE_NONE && x->logged[p.eni]) {
			x->res->bytes_duplicate += c->v.bytes;
			return 0;
		}
		p.vpc = m->endpoints[ep].vpc;
		to_endpoint(x, ep, self, &p);
		p.origin = ORIGIN_LEG;
		return push(x, &p);
	}
	/* A workload's ENI (or one the snapshot does not know). */
	p.eni = self;
	p.iface = self == VPCE_NONE ? k->iface : 0;
	p.vpc = vpc_of_eni(m, self);
	if (inside(k->s) && outside(k->d)) {
		p.dest = k->d;
		route_path(x, self, k->tp, &x->a->samples[c - x->a->cells].d, &p);
	} else if (outside(k->s) && inside(k->d)) {
		p.dest = k->s;
		route_path(x, self, 0, &x->a->samples[c - x->a->cells].s, &p);
	} else {
		uint32_t se = cls_eni(k->s), de = cls_eni(k->d), pe;
		uint32_t remote = se == self ? de : se;
		pe = remote != VPCE_NONE && m->enis[remote].kind == VPCE_ENI_ENDPOINT ? eni_endpoint(m, remote) : VPCE_NONE;
		if (pe == VPCE_NONE) {
			x->res->bytes_internal += c->v.bytes;
			return 0;
		}
		to_endpoint(x, pe, remote, &p);
		if (p.vpc == VPCE_NONE)
			p.vpc = m->endpoints[pe].vpc;
	}
	if (p.vpc == VPCE_NONE && p.via_nat != VPCE_NONE)
		p.vpc = m->nats[p.via_nat].vpc;
	p.origin = ORIGIN_SOURCE;
	return push(x, &p);
}

/* NAT outside legs not explained by a source observation become rows:
 * apportioned to the sources whose inside legs had no destination (v2
 * logs on the NAT ENI), in proportion to their bytes; the rest "nat-only". */
static int nat_remainders(struct ctx *x, const uint64_t *no, size_t nno)
{
	const struct vpce_model *m = x->m;

	for (uint32_t n = 0; n < m->nnats; n++) {
		uint64_t rem_tot = 0, unk_tot = 0;
		size_t first_unknown = x->nrows;
		for (size_t i = 0; i < nno; i += 3) {
			uint64_t seen = 0;
			if (no[i] != n)
				continue;
			for (size_t j = 0; j < x->nrows; j++)
				if (x->rows[j].via_nat == n && x->rows[j].dest == no[i + 1])
					seen += x->rows[j].bytes;
			if (no[i + 2] > seen)
				rem_tot += no[i + 2] - seen;
			x->res->bytes_duplicate += no[i + 2] < seen ? no[i + 2] : seen;
		}
		for (size_t j = 0; j < x->nrows; j++)
			if (x->rows[j].via_nat == n && x->rows[j].dest == 0 && x->rows[j].origin == ORIGIN_LEG)
				unk_tot += x->rows[j].bytes;
		(void)first_unknown;
		for (size_t i = 0; i < nno; i += 3) {
			uint64_t seen = 0, rem, assigned = 0;
			if (no[i] != n)
				continue;
			for (size_t j = 0; j < x->nrows; j++)
				if (x->rows[j].via_nat == n && x->rows[j].dest == no[i + 1] && x->rows[j].origin != ORIGIN_APPORTIONED)
					seen += x->rows[j].bytes;
			if (no[i + 2] <= seen)
				continue;
			rem = no[i + 2] - seen;
			if (unk_tot && rem_tot) {
				/* Share of this destination given to the unknown-destination sources. */
				double share = unk_tot >= rem_tot ? 1.0 : (double)unk_tot / (double)rem_tot;
				size_t nrows = x->nrows;
				for (size_t j = 0; j < nrows; j++) {
					struct prow p;
					uint64_t b;
					if (!(x->rows[j].via_nat == n && x->rows[j].dest == 0 && x->rows[j].origin == ORIGIN_LEG))
						continue;
					b = (uint64_t)llround((double)rem * share * (double)x->rows[j].bytes / (double)unk_tot);
					if (assigned + b > rem)
						b = rem - assigned;
					if (!b)
						continue;
					p = x->rows[j];
					p.dest = no[i + 1];
					p.bytes = b;
					p.records = 0;
					p.origin = ORIGIN_APPORTIONED;
					assigned += b;
					if (push(x, &p) != 0)
						return VPCE_ENOMEM;
				}
			}
			if (rem > assigned) {
				struct prow p;
				memset(&p, 0, sizeof(p));
				p.eni = VPCE_NONE;
				p.vpc = m->nats[n].vpc;
				p.dest = no[i + 1];
				p.path = VPCE_PATH_NAT_GATEWAY;
				p.via = m->nats[n].id;
				p.via_nat = n;
				p.via_ep = VPCE_NONE;
				p.via_az = subnet_az(m, m->nats[n].subnet);
				p.bytes = rem - assigned;
				p.origin = ORIGIN_NAT_ONLY;
				if (push(x, &p) != 0)
					return VPCE_ENOMEM;
			}
		}
		/* Unknown-destination inside legs are now represented by the
		 * apportioned rows (or, with no outside legs logged, stay unknown). */
		if (rem_tot)
			for (size_t j = 0; j < x->nrows; j++)
				if (x->rows[j].via_nat == n && x->rows[j].dest == 0 && x->rows[j].origin == ORIGIN_LEG) {
					x->res->bytes_duplicate += x->rows[j].bytes;
					x->rows[j].bytes = 0;
				}
	}
	return 0;
}

/* ---- service names ------------------------------------------------------- */

/* ip-ranges service labels that name one endpoint service. Others (AMAZON,
 * EC2 = public instance addresses, CLOUDFRONT, ROUTE53, …) do not tell which
 * AWS API was called. */
static const char *endpoint_name(const char *label)
{
	static const char *const map[][2] = {
		{ "S3", "s3" }, { "DYNAMODB", "dynamodb" }, { "API_GATEWAY", "execute-api" },
		{ "CODEBUILD", "codebuild" }, { "KINESIS_VIDEO_STREAMS", "kinesisvideo" }, { "EBS", "ebs" },
	};
	for (size_t i = 0; label && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], label) == 0)
			return map[i][1];
	return NULL;
}

static void dest_names(struct ctx *x, uint64_t dest, struct vpce_plan_traffic *t)
{
	const struct vpce_model *m = x->m;

	t->service = t->ip_service = t->region = NULL;
	if (CLS_TAG(dest) == TAG_EP) {
		const struct vpce_endpoint *e = &m->endpoints[CLS_VAL(dest)];
		t->service = vpce_arena_strdup(x->arena, e->service);
		t->region = e->service_region ? vpce_arena_strdup(x->arena, e->service_region) : NULL;
	} else if (CLS_TAG(dest) == TAG_AWS) {
		const char *label = vpce_ipranges_service_name(x->r, CLS_VAL(dest) >> 16);
		const char *region = vpce_ipranges_region_name(x->r, CLS_VAL(dest) & 0xffff);
		const char *short_name = endpoint_name(label);
		t->ip_service = label;
		if (region && strcmp(region, "GLOBAL") != 0)
			t->region = region;
		if (short_name && t->region)
			t->service = vpce_arena_printf(x->arena, "com.amazonaws.%s.%s", t->region, short_name);
	}
}

/* ---- rows ----------------------------------------------------------------- */

static int cmp_prow(const void *pa, const void *pb)
{
	const struct prow *a = pa, *b = pb;
#define C(f) if (a->f != b->f) return a->f < b->f ? -1 : 1
	C(vpc); C(eni); C(iface); C(dest); C(path); C(via_nat); C(via_ep); C(origin);
#undef C
	if (a->via != b->via)
		return a->via && b->via ? strcmp(a->via, b->via) : (a->via ? 1 : -1);
	return 0;
}

static int cmp_traffic(const void *pa, const void *pb)
{
	const struct vpce_plan_traffic *a = pa, *b = pb;
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	return 0;
}

static const char *origin_name(unsigned o)
{
	static const char *const n[] = { "source", "leg", "nat-only", "apportioned" };
	return n[o];
}

static int build_rows(struct ctx *x)
{
	const struct vpce_model *m = x->m;
	struct vpce_plan_result *res = x->res;
	size_t n = 0;

	if (x->nrows)
		qsort(x->rows, x->nrows, sizeof(*x->rows), cmp_prow);
	res->traffic = vpce_arena_alloc(x->arena, (x->nrows + 1) * sizeof(*res->traffic));
	if (!res->traffic)
		return VPCE_ENOMEM;
	for (size_t i = 0; i < x->nrows;) {
		const struct prow *p = &x->rows[i];
		struct vpce_plan_traffic *t = &res->traffic[n];
		uint64_t bytes = 0, recs = 0;
		size_t j = i;
		for (; j < x->nrows && cmp_prow(&x->rows[j], p) == 0; j++) {
			bytes += x->rows[j].bytes;
			recs += x->rows[j].records;
		}
		i = j;
		if (!bytes)
			continue;
		memset(t, 0, sizeof(*t));
		t->vpc = p->vpc != VPCE_NONE ? m->vpcs[p->vpc].id : NULL;
		if (p->eni != VPCE_NONE) {
			const struct vpce_eni *e = &m->enis[p->eni];
			t->eni = e->id;
			t->az = e->az;
			t->subnet = e->subnet != VPCE_NONE ? m->subnets[e->subnet].id : NULL;
			t->instance = e->instance_id;
			if (!t->az)
				t->az = subnet_az(m, e->subnet);
		} else if (p->iface) {
			t->eni = vpce_arena_strdup(x->arena, x->a->ifaces[p->iface].id);
		}
		dest_names(x, p->dest, t);
		t->path = p->path < VPCE_PATH_COUNT ? vpce_path_name((enum vpce_path_kind)p->path) : "unknown";
		t->via = p->via;
		t->cross_az = t->az && p->via_az && strcmp(t->az, p->via_az) != 0;
		t->bytes = bytes;
		t->records = recs;
		t->attribution = origin_name(p->origin);
		t->via_az = p->via_az;
		t->dest_cls = p->dest;
		t->eni_idx = p->eni;
		t->vpc_idx = p->vpc;
		t->via_nat = p->via_nat;
		t->via_ep = p->via_ep;
		res->bytes_total += bytes;
		n++;
	}
	res->ntraffic = (uint32_t)n;
	if (n)
		qsort(res->traffic, n, sizeof(*res->traffic), cmp_traffic);
	return 0;
}

/* ---- recommendations ------------------------------------------------------- */

struct recs {
	struct vpce_plan_rec *v;
	size_t n, a;
};

static double gbm(const struct vpce_plan_result *r, uint64_t bytes)
{
	return (double)bytes / VPCE_BYTES_PER_GB * r->month_factor;
}

static const char *vpc_region(const struct vpce_model *m, uint32_t v)
{
	return m->vpcs[v].region ? m->vpcs[v].region : m->region;
}

static bool str_in(const char **arr, uint32_t n, const char *s)
{
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(arr[i], s) == 0)
			return true;
	return false;
}

static int add_str(struct ctx *x, const char ***arr, uint32_t *n, const char *s)
{
	const char **na;

	if (!s || str_in(*arr, *n, s))
		return 0;
	na = vpce_arena_alloc(x->arena, (*n + 1) * sizeof(*na));
	if (!na)
		return VPCE_ENOMEM;
	if (*n)
		memcpy(na, *arr, *n * sizeof(*na));
	na[(*n)++] = s;
	*arr = na;
	return 0;
}

/* Top sources of the rows selected by sel[i]. */
static void top_sources(const struct vpce_plan_result *res, const bool *sel, struct vpce_plan_rec *rec)
{
	rec->ntop = 0;
	for (uint32_t i = 0; i < res->ntraffic; i++) {
		const struct vpce_plan_traffic *t = &res->traffic[i];
		const char *id;
		uint32_t k;
		if (!sel[i])
			continue;
		id = t->eni ? t->eni : (t->via ? t->via : "unknown");
		for (k = 0; k < rec->ntop; k++)
			if (strcmp(rec->top[k].id, id) == 0) {
				rec->top[k].bytes += t->bytes;
				break;
			}
		if (k < rec->ntop)
			continue;
		if (rec->ntop < VPCE_PLAN_TOP_SOURCES) {
			rec->top[rec->ntop].id = id;
			rec->top[rec->ntop].label = t->instance ? t->instance : t->subnet;
			rec->top[rec->ntop].bytes = t->bytes;
			rec->ntop++;
		} else if (t->bytes > rec->top[VPCE_PLAN_TOP_SOURCES - 1].bytes) {
			rec->top[VPCE_PLAN_TOP_SOURCES - 1].id = id;
			rec->top[VPCE_PLAN_TOP_SOURCES - 1].label = t->instance ? t->instance : t->subnet;
			rec->top[VPCE_PLAN_TOP_SOURCES - 1].bytes = t->bytes;
		}
		for (k = rec->ntop; k > 1 && rec->top[k - 1].bytes > rec->top[k - 2].bytes; k--) {
			struct vpce_plan_source s = rec->top[k - 1];
			rec->top[k - 1] = rec->top[k - 2];
			rec->top[k - 2] = s;
		}
	}
}

static struct vpce_plan_rec *new_rec(struct ctx *x, struct recs *rs, enum vpce_plan_action act, const char *type,
				     uint32_t vpc)
{
	struct vpce_plan_rec *r;

	if (vpce_array_grow((void **)&rs->v, &rs->a, rs->n + 1, sizeof(*rs->v)) != 0)
		return NULL;
	r = &rs->v[rs->n++];
	memset(r, 0, sizeof(*r));
	r->action = (uint8_t)act;
	r->type = type;
	r->vpc = x->m->vpcs[vpc].id;
	r->break_even_gb_month = -1;
	r->monthly_saving_usd = -1;
	r->confidence = x->res->hours > 0 ? x->res->covered_hours / x->res->hours : 0;
	if (r->confidence > 1)
		r->confidence = 1;
	return r;
}

/* Route tables in VPC v with a route to NAT gateway n. */
static int tables_to_nat(struct ctx *x, uint32_t v, uint32_t n, struct vpce_plan_rec *rec)
{
	const struct vpce_model *m = x->m;

	for (uint32_t t = 0; t < m->nrtbs; t++) {
		if (m->rtbs[t].vpc != v)
			continue;
		for (uint32_t i = 0; i < m->rtbs[t].nroutes; i++)
			if (m->rtbs[t].routes[i].target == VPCE_TGT_NAT && m->rtbs[t].routes[i].target_idx == n) {
				if (add_str(x, &rec->route_tables, &rec->nroute_tables, m->rtbs[t].id) != 0)
					return VPCE_ENOMEM;
				break;
			}
	}
	return 0;
}

static uint32_t find_endpoint(const struct vpce_model *m, uint32_t v, uint8_t type, const char *service)
{
	for (uint32_t p = 0; p < m->nendpoints; p++)
		if (m->endpoints[p].vpc == v && m->endpoints[p].type == type && strcmp(m->endpoints[p].service, service) == 0)
			return p;
	return VPCE_NONE;
}

static int gateway_recs(struct ctx *x, const struct vpce_prices *prices, struct recs *rs, bool *sel)
{
	const struct vpce_model *m = x->m;
	const struct vpce_plan_result *res = x->res;
	static const char *const labels[] = { "S3", "DYNAMODB" };

	for (uint32_t v = 0; v < m->nvpcs; v++) {
		const char *region = vpc_region(m, v);
		const struct vpce_price_region *pr = vpce_prices_region(prices, region);
		for (size_t l = 0; l < 2; l++) {
			uint64_t bytes = 0, cross = 0;
			struct vpce_plan_rec *rec;
			const char *service = NULL;
			uint32_t ep;
			double gb;
			for (uint32_t i = 0; i < res->ntraffic; i++) {
				const struct vpce_plan_traffic *t = &res->traffic[i];
				sel[i] = t->vpc_idx == v && strcmp(t->path, "nat-gateway") == 0 && t->ip_service &&
					 strcmp(t->ip_service, labels[l]) == 0 && t->region && region &&
					 strcmp(t->region, region) == 0;
				if (!sel[i])
					continue;
				bytes += t->bytes;
				if (t->cross_az)
					cross += t->bytes;
				service = t->service;
			}
			if (!bytes || !service)
				continue;
			ep = find_endpoint(m, v, VPCE_EP_GATEWAY, service);
			rec = new_rec(x, rs, ep == VPCE_NONE ? VPCE_PLAN_CREATE : VPCE_PLAN_MODIFY, "Gateway", v);
			if (!rec)
				return VPCE_ENOMEM;
			rec->service = service;
			rec->endpoint = ep != VPCE_NONE ? m->endpoints[ep].id : NULL;
			for (uint32_t i = 0; i < res->ntraffic; i++) {
				const struct vpce_plan_traffic *t = &res->traffic[i];
				int rc = 0;
				if (!sel[i])
					continue;
				if (t->eni_idx != VPCE_NONE && m->enis[t->eni_idx].subnet != VPCE_NONE) {
					const struct vpce_subnet *sn = &m->subnets[m->enis[t->eni_idx].subnet];
					rc = add_str(x, &rec->subnets, &rec->nsubnets, sn->id);
					if (!rc && sn->rtb != VPCE_NONE)
						rc = add_str(x, &rec->route_tables, &rec->nroute_tables, m->rtbs[sn->rtb].id);
				} else if (t->via_nat != VPCE_NONE) {
					rc = tables_to_nat(x, v, t->via_nat, rec);
				}
				if (rc)
					return rc;
			}
			if (ep != VPCE_NONE) {
				/* Only the tables the endpoint is not associated with yet. */
				const struct vpce_endpoint *e = &m->endpoints[ep];
				uint32_t k = 0;
				for (uint32_t i = 0; i < rec->nroute_tables; i++)
					if (!str_in(e->rtb_ids, e->nrtbs, rec->route_tables[i]))
						rec->route_tables[k++] = rec->route_tables[i];
				rec->nroute_tables = k;
			}
			gb = gbm(res, bytes);
			rec->gb_month = gb;
			if (pr && pr->nat_gb >= 0) {
				double xaz = pr->inter_az_gb >= 0 ? gbm(res, cross) * 2 * pr->inter_az_gb : 0;
				rec->monthly_saving_usd = gb * pr->nat_gb + xaz;
				rec->reason = vpce_arena_printf(x->arena,
					"%.3f GB/month to %s through a NAT gateway at $%g/GB processed = $%.2f%s; a gateway endpoint has no hourly or data charge",
					gb, service, pr->nat_gb, gb * pr->nat_gb,
					xaz > 0 ? vpce_arena_printf(x->arena, ", plus $%.2f cross-AZ to the NAT gateway", xaz) : "");
			} else {
				rec->reason = vpce_arena_printf(x->arena,
					"%.3f GB/month to %s through a NAT gateway; no NAT price for %s in the prices file, so no saving figure",
					gb, service, region ? region : "this region");
			}
			top_sources(res, sel, rec);
		}
	}
	return 0;
}

/* Interface endpoint data already processed in a region (GB/month). */
static double regional_interface_gb(const struct vpce_plan_result *res, const char *region)
{
	uint64_t b = 0;

	for (uint32_t i = 0; i < res->ntraffic; i++)
		if (strcmp(res->traffic[i].path, "interface-endpoint") == 0 && res->traffic[i].region && region &&
		    strcmp(res->traffic[i].region, region) == 0)
			b += res->traffic[i].bytes;
	return gbm(res, b);
}

static int interface_recs(struct ctx *x, const struct vpce_prices *prices, struct recs *rs, bool *sel)
{
	const struct vpce_model *m = x->m;
	const struct vpce_plan_result *res = x->res;

	for (uint32_t v = 0; v < m->nvpcs; v++) {
		const char *region = vpc_region(m, v);
		const struct vpce_price_region *pr = vpce_prices_region(prices, region);
		const char **done = NULL;
		uint32_t ndone = 0;
		for (uint32_t s = 0; s < res->ntraffic; s++) {
			const struct vpce_plan_traffic *t0 = &res->traffic[s];
			const char **azs = NULL;
			uint32_t nazs = 0;
			uint64_t bytes = 0;
			double gb, nat_cost, ep_cost, fixed, data;
			struct vpce_plan_rec *rec;
			const char **subnets = NULL;
			uint32_t nsub = 0;
			if (t0->vpc_idx != v || strcmp(t0->path, "nat-gateway") != 0 || !t0->service || !t0->region ||
			    !region || strcmp(t0->region, region) != 0 || strcmp(t0->ip_service, "S3") == 0 ||
			    strcmp(t0->ip_service, "DYNAMODB") == 0 || str_in(done, ndone, t0->service))
				continue;
			if (add_str(x, &done, &ndone, t0->service) != 0)
				return VPCE_ENOMEM;
			for (uint32_t i = 0; i < res->ntraffic; i++) {
				const struct vpce_plan_traffic *t = &res->traffic[i];
				const char *az;
				sel[i] = t->vpc_idx == v && strcmp(t->path, "nat-gateway") == 0 && t->service &&
					 strcmp(t->service, t0->service) == 0;
				if (!sel[i])
					continue;
				bytes += t->bytes;
				az = t->az ? t->az : t->via_az;
				if (az && !str_in(azs, nazs, az)) {
					if (add_str(x, &azs, &nazs, az) != 0)
						return VPCE_ENOMEM;
					if (t->subnet && add_str(x, &subnets, &nsub, t->subnet) != 0)
						return VPCE_ENOMEM;
				}
			}
			if (find_endpoint(m, v, VPCE_EP_INTERFACE, t0->service) != VPCE_NONE) {
				if (note(x, "%s: traffic to %s still goes through a NAT gateway although the VPC has an interface endpoint for it (private DNS off, or clients use other names)",
					 m->vpcs[v].id, t0->service))
					return VPCE_ENOMEM;
				continue;
			}
			gb = gbm(res, bytes);
			if (!nazs)
				nazs = 1;
			if (!pr || pr->nat_gb < 0 || pr->ie_az_hour < 0 || pr->ie_gb[0] < 0) {
				if (note(x, "%s: %.3f GB/month to %s through NAT: no NAT or interface endpoint price for %s in the prices file, no recommendation",
					 m->vpcs[v].id, gb, t0->service, region))
					return VPCE_ENOMEM;
				continue;
			}
			fixed = nazs * pr->ie_az_hour * VPCE_HOURS_PER_MONTH;
			data = vpce_prices_interface_data(pr, regional_interface_gb(res, region), gb);
			nat_cost = gb * pr->nat_gb;
			ep_cost = fixed + data;
			if (nat_cost <= ep_cost) {
				if (note(x, "%s: an interface endpoint for %s would cost $%.2f/month (%u AZ) against $%.2f of NAT processing for %.3f GB/month; it pays off above %.1f GB/month",
					 m->vpcs[v].id, t0->service, ep_cost, nazs, nat_cost, gb,
					 pr->nat_gb > pr->ie_gb[0] ? fixed / (pr->nat_gb - pr->ie_gb[0]) : INFINITY))
					return VPCE_ENOMEM;
				continue;
			}
			rec = new_rec(x, rs, VPCE_PLAN_CREATE, "Interface", v);
			if (!rec)
				return VPCE_ENOMEM;
			rec->service = t0->service;
			rec->subnets = subnets;
			rec->nsubnets = nsub;
			rec->gb_month = gb;
			rec->monthly_saving_usd = nat_cost - ep_cost;
			rec->break_even_gb_month = pr->nat_gb > pr->ie_gb[0] ? fixed / (pr->nat_gb - pr->ie_gb[0]) : -1;
			rec->reason = vpce_arena_printf(x->arena,
				"%.3f GB/month through NAT at $%g/GB = $%.2f; an interface endpoint in %u AZ costs %u x $%g x 730 h = $%.2f + $%.2f data",
				gb, pr->nat_gb, nat_cost, nazs, nazs, pr->ie_az_hour, fixed, data);
			top_sources(res, sel, rec);
		}
	}
	return 0;
}

static bool endpoint_in_az(const struct vpce_model *m, const struct vpce_endpoint *e, const char *az)
{
	for (uint32_t i = 0; i < e->nenis; i++)
		if (e->enis[i] != VPCE_NONE && m->enis[e->enis[i]].az && strcmp(m->enis[e->enis[i]].az, az) == 0)
			return true;
	for (uint32_t i = 0; i < e->nsubnets; i++)
		if (e->subnets[i] != VPCE_NONE && m->subnets[e->subnets[i]].az && strcmp(m->subnets[e->subnets[i]].az, az) == 0)
			return true;
	return false;
}

static int endpoint_recs(struct ctx *x, const struct vpce_prices *prices, struct recs *rs, bool *sel)
{
	const struct vpce_model *m = x->m;
	const struct vpce_plan_result *res = x->res;
	bool *vpc_logged = calloc(m->nvpcs + 1, sizeof(bool));

	if (!vpc_logged)
		return VPCE_ENOMEM;
	for (uint32_t e = 0; e < m->nenis; e++)
		if (x->logged[e] && m->enis[e].vpc != VPCE_NONE)
			vpc_logged[m->enis[e].vpc] = true;
	for (uint32_t p = 0; p < m->nendpoints; p++) {
		const struct vpce_endpoint *e = &m->endpoints[p];
		const struct vpce_price_region *pr;
		uint64_t via = 0;
		uint32_t nazs;
		bool has_nat = false;
		double gb, fixed, cost, alt;
		struct vpce_plan_rec *rec;
		if (e->type != VPCE_EP_INTERFACE || e->vpc == VPCE_NONE || !vpc_logged[e->vpc])
			continue;
		pr = vpce_prices_region(prices, vpc_region(m, e->vpc));
		for (uint32_t i = 0; i < res->ntraffic; i++) {
			sel[i] = res->traffic[i].via_ep == p && strcmp(res->traffic[i].path, "interface-endpoint") == 0;
			if (sel[i])
				via += res->traffic[i].bytes;
		}
		/* Cross-AZ traffic to the endpoint: an ENI in the source AZ saves
		 * inter-AZ transfer both ways. */
		if (pr && pr->inter_az_gb >= 0 && pr->ie_az_hour >= 0) {
			for (uint32_t i = 0; i < res->ntraffic; i++) {
				const struct vpce_plan_traffic *t = &res->traffic[i];
				double save;
				if (!sel[i] || !t->cross_az || !t->subnet)
					continue;
				save = gbm(res, t->bytes) * 2 * pr->inter_az_gb - pr->ie_az_hour * VPCE_HOURS_PER_MONTH;
				if (endpoint_in_az(m, e, t->az)) {
					/* An ENI is already there: the clients pick another AZ's
					 * zonal name (or the regional name resolved elsewhere). */
					if (note(x, "%s: %.3f GB/month from %s (%s) reaches %s's ENI in %s although it has one in %s ($%.2f/month cross-AZ): use the regional or same-AZ DNS name",
						 m->vpcs[e->vpc].id, gbm(res, t->bytes), t->eni ? t->eni : t->subnet, t->az, e->id,
						 t->via_az ? t->via_az : "another AZ", t->az, gbm(res, t->bytes) * 2 * pr->inter_az_gb))
						goto oom;
					continue;
				}
				if (save <= 0) {
					if (note(x, "%s: %.3f GB/month from %s crosses AZs to %s ($%.2f); an ENI in %s would cost more ($%.2f)",
						 m->vpcs[e->vpc].id, gbm(res, t->bytes), t->subnet, e->id,
						 gbm(res, t->bytes) * 2 * pr->inter_az_gb, t->az,
						 pr->ie_az_hour * VPCE_HOURS_PER_MONTH))
						goto oom;
					continue;
				}
				rec = new_rec(x, rs, VPCE_PLAN_MODIFY, "Interface", e->vpc);
				if (!rec || add_str(x, &rec->subnets, &rec->nsubnets, t->subnet))
					goto oom;
				rec->service = e->service;
				rec->endpoint = e->id;
				rec->gb_month = gbm(res, t->bytes);
				rec->monthly_saving_usd = save;
				rec->reason = vpce_arena_printf(x->arena,
					"%.3f GB/month from %s (%s) reaches %s in %s: cross-AZ $%g/GB each way; an ENI in %s costs $%.2f/month",
					rec->gb_month, t->subnet, t->az, e->id, t->via_az ? t->via_az : "another AZ", pr->inter_az_gb,
					t->az, pr->ie_az_hour * VPCE_HOURS_PER_MONTH);
				rec->ntop = 1;
				rec->top[0].id = t->eni ? t->eni : t->subnet;
				rec->top[0].label = t->instance;
				rec->top[0].bytes = t->bytes;
			}
		}
		if (!pr || pr->ie_az_hour < 0 || pr->ie_gb[0] < 0)
			continue;
		if (x->ep_seen[p] > via)
			via = x->ep_seen[p];
		for (uint32_t n = 0; n < m->nnats; n++)
			has_nat = has_nat || (m->nats[n].vpc == e->vpc && m->nats[n].is_public);
		nazs = e->nsubnets ? e->nsubnets : (e->nenis ? e->nenis : 1);
		gb = gbm(res, via);
		fixed = nazs * pr->ie_az_hour * VPCE_HOURS_PER_MONTH;
		cost = fixed + gb * pr->ie_gb[0];
		alt = has_nat && pr->nat_gb >= 0 ? gb * pr->nat_gb : (via ? INFINITY : 0);
		if (cost <= alt)
			continue;
		rec = new_rec(x, rs, VPCE_PLAN_DELETE, "Interface", e->vpc);
		if (!rec)
			goto oom;
		rec->service = e->service;
		rec->endpoint = e->id;
		rec->gb_month = gb;
		rec->monthly_saving_usd = cost - alt;
		rec->break_even_gb_month = pr->nat_gb > pr->ie_gb[0] ? fixed / (pr->nat_gb - pr->ie_gb[0]) : -1;
		rec->reason = via ? vpce_arena_printf(x->arena,
					"carries %.3f GB/month: endpoint $%.2f/month (%u AZ x $%g x 730 h + data) against $%.2f through the VPC's NAT gateway",
					gb, cost, nazs, pr->ie_az_hour, alt)
				  : vpce_arena_printf(x->arena,
					"idle: no bytes observed to its ENIs in the window; it costs %u AZ x $%g x 730 h = $%.2f/month",
					nazs, pr->ie_az_hour, fixed);
		top_sources(res, sel, rec);
	}
	free(vpc_logged);
	return 0;
oom:
	free(vpc_logged);
	return VPCE_ENOMEM;
}

/* Rows on a NAT gateway from another AZ, ordered by VPC, source AZ and NAT
 * gateway, for grouping. */
static const struct vpce_plan_traffic *xaz_rows;

static int cmp_xaz(const void *pa, const void *pb)
{
	const struct vpce_plan_traffic *a = &xaz_rows[*(const uint32_t *)pa], *b = &xaz_rows[*(const uint32_t *)pb];
	int c;

	if (a->vpc_idx != b->vpc_idx)
		return a->vpc_idx < b->vpc_idx ? -1 : 1;
	if ((c = strcmp(a->az, b->az)) != 0)
		return c;
	return strcmp(a->via, b->via);
}

/* Cross-AZ traffic to NAT gateways, one note per (VPC, source AZ, NAT
 * gateway): what the inter-AZ transfer costs a month, and whether a NAT
 * gateway in the source AZ (its hourly price; the per-GB processing is paid
 * either way) would cost less. AWS: "If your NAT gateway is in a different
 * Availability Zone than your resources, you'll incur charges for data
 * transfer between Availability Zones ... create a NAT gateway in each
 * Availability Zone" (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-pricing.html);
 * inter-AZ transfer is billed in each direction
 * (https://aws.amazon.com/ec2/pricing/on-demand/, data transfer). Not a
 * plan.json recommendation: those are endpoint changes apply can make. */
static int cross_az_nat_notes(struct ctx *x, const struct vpce_prices *prices)
{
	const struct vpce_model *m = x->m;
	const struct vpce_plan_result *res = x->res;
	uint32_t *idx = NULL, n = 0;
	int rc = 0;

	idx = malloc(sizeof(*idx) * (res->ntraffic + 1));
	if (!idx)
		return VPCE_ENOMEM;
	for (uint32_t i = 0; i < res->ntraffic; i++) {
		const struct vpce_plan_traffic *t = &res->traffic[i];
		if (t->cross_az && t->az && t->via && t->via_az && strcmp(t->path, "nat-gateway") == 0 &&
		    t->vpc_idx != VPCE_NONE)
			idx[n++] = i;
	}
	xaz_rows = res->traffic;
	qsort(idx, n, sizeof(*idx), cmp_xaz);
	for (uint32_t g = 0; g < n && rc == 0;) {
		const struct vpce_plan_traffic *t = &res->traffic[idx[g]];
		const struct vpce_price_region *pr = vpce_prices_region(prices, vpc_region(m, t->vpc_idx));
		uint64_t bytes = 0;
		uint32_t rows = 0, e = g;
		const char *cost;
		for (; e < n && cmp_xaz(&idx[g], &idx[e]) == 0; e++) {
			bytes += res->traffic[idx[e]].bytes;
			rows++;
		}
		if (pr && pr->inter_az_gb >= 0 && pr->nat_hour >= 0) {
			double xaz = gbm(res, bytes) * 2 * pr->inter_az_gb, nat = pr->nat_hour * VPCE_HOURS_PER_MONTH;
			cost = vpce_arena_printf(x->arena,
						 " costs $%.2f/month in inter-AZ transfer ($%g/GB each way); a NAT gateway in %s "
						 "costs $%.2f/month: %s",
						 xaz, pr->inter_az_gb, t->az, nat,
						 xaz > nat ? vpce_arena_printf(x->arena, "it saves $%.2f/month", xaz - nat)
							   : "it costs more than it saves");
		} else {
			cost = " (inter-AZ or NAT prices unknown for this region)";
		}
		if (!cost || note(x, "cross-AZ: %.3f GB/month from %s in %s (%u row%s) to %s in %s%s", gbm(res, bytes),
				  t->vpc, t->az, rows, rows == 1 ? "" : "s", t->via, t->via_az, cost))
			rc = VPCE_ENOMEM;
		g = e;
	}
	free(idx);
	return rc;
}

static int cmp_rec(const void *pa, const void *pb)
{
	const struct vpce_plan_rec *a = pa, *b = pb;
	if (a->monthly_saving_usd != b->monthly_saving_usd)
		return a->monthly_saving_usd > b->monthly_saving_usd ? -1 : 1;
	return 0;
}

const char *vpce_plan_action_name(enum vpce_plan_action a)
{
	return a == VPCE_PLAN_CREATE ? "create" : a == VPCE_PLAN_MODIFY ? "modify" : "delete";
}

int vpce_plan_finish(const struct vpce_plan_agg *a, const struct vpce_prices *prices, struct vpce_plan_result **out,
		     struct vpce_error *err)
{
	struct ctx x;
	struct vpce_plan_result *res;
	uint64_t *nat_out = NULL;
	size_t nno = 0, ano = 0;
	struct recs rs = { NULL, 0, 0 };
	bool *sel = NULL;
	int rc = VPCE_ENOMEM;

	*out = NULL;
	memset(&x, 0, sizeof(x));
	res = calloc(1, sizeof(*res));
	if (!res || !(res->priv = calloc(1, sizeof(*res->priv))))
		goto out;
	vpce_arena_init(&res->priv->arena, 0);
	x.a = a;
	x.m = a->m;
	x.r = a->r;
	x.res = res;
	x.arena = &res->priv->arena;
	x.ifs = calloc(a->nifaces + 1, sizeof(*x.ifs));
	x.logged = calloc(a->m->nenis + 1, sizeof(bool));
	x.ep_seen = calloc(a->m->nendpoints + 1, sizeof(uint64_t));
	if (!x.ifs || !x.logged || !x.ep_seen)
		goto out;
	res->records = a->records;
	res->skipped = a->skipped;
	if (a->start != UINT64_MAX && a->end > a->start) {
		uint64_t covered = 0;
		res->start = a->start;
		res->end = a->end;
		res->hours = (double)(a->end - a->start) / 3600.0;
		uint64_t first = a->start / PLAN_SLOT_SECONDS, nslots = (a->end - 1) / PLAN_SLOT_SECONDS - first + 1;
		/* The bitmap wraps at 2^20 slots (~20 years): a longer window
		 * (nonsense times) counts each slot once, and the loop stays bounded. */
		if (nslots > ((uint64_t)1 << PLAN_SLOT_BITS))
			nslots = (uint64_t)1 << PLAN_SLOT_BITS;
		for (uint64_t s = first; s < first + nslots; s++) {
			uint64_t b = s & (((uint64_t)1 << PLAN_SLOT_BITS) - 1);
			covered += (a->slots[b >> 6] >> (b & 63)) & 1;
		}
		res->covered_hours = (double)(covered * PLAN_SLOT_SECONDS) / 3600.0;
		if (res->covered_hours > res->hours)
			res->covered_hours = res->hours;
		res->month_factor = VPCE_HOURS_PER_MONTH / res->hours;
	}
	for (uint32_t i = 1; i < a->nifaces; i++)
		resolve_iface(&x, i);
	for (size_t i = 0; i < a->cap; i++)
		if (a->cells[i].hash && (rc = attribute(&x, &a->cells[i], NULL, &nat_out, &nno, &ano)) != 0)
			goto out;
	rc = VPCE_ENOMEM;
	if (nat_remainders(&x, nat_out, nno) != 0 || build_rows(&x) != 0)
		goto out;
	sel = calloc(res->ntraffic + 1, sizeof(bool));
	if (!sel)
		goto out;
	if (res->hours > 0 &&
	    note(&x, "window %.2f h observed (%.2f h of it with records); monthly figures = observed x 730 / %.2f = x%.3f",
		 res->hours, res->covered_hours, res->hours, res->month_factor))
		goto out;
	if (res->hours <= 0 && note(&x, "no flow log records with a time window: nothing to scale to a month"))
		goto out;
	if (!prices && note(&x, "no prices loaded: recommendations carry no money figures"))
		goto out;
	if (gateway_recs(&x, prices, &rs, sel) || interface_recs(&x, prices, &rs, sel) || endpoint_recs(&x, prices, &rs, sel) ||
	    cross_az_nat_notes(&x, prices))
		goto out;
	if (res->bytes_duplicate &&
	    note(&x, "%llu bytes were second observations of connections already counted (NAT gateway legs, endpoint ENIs) and were not added again",
		 (unsigned long long)res->bytes_duplicate))
		goto out;
	if (rs.n)
		qsort(rs.v, rs.n, sizeof(*rs.v), cmp_rec);
	res->recs = rs.n ? vpce_arena_alloc(x.arena, rs.n * sizeof(*rs.v)) : NULL;
	if (rs.n && !res->recs)
		goto out;
	if (rs.n)
		memcpy(res->recs, rs.v, rs.n * sizeof(*rs.v));
	res->nrecs = (uint32_t)rs.n;
	res->notes = x.nnotes ? vpce_arena_alloc(x.arena, x.nnotes * sizeof(char *)) : NULL;
	if (x.nnotes && !res->notes)
		goto out;
	if (x.nnotes)
		memcpy(res->notes, x.notes, x.nnotes * sizeof(char *));
	res->nnotes = (uint32_t)x.nnotes;
	*out = res;
	res = NULL;
	rc = 0;
out:
	if (rc == VPCE_ENOMEM)
		vpce_error_set(err, rc, "out of memory");
	vpce_plan_result_free(res);
	free(x.ifs);
	free(x.logged);
	free(x.ep_seen);
	free(x.rows);
	free(x.notes);
	free(nat_out);
	free(rs.v);
	free(sel);
	return rc;
}

void vpce_plan_result_free(struct vpce_plan_result *r)
{
	if (!r)
		return;
	if (r->priv) {
		vpce_arena_release(&r->priv->arena);
		free(r->priv);
	}
	free(r);
}
