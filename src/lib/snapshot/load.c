/* Snapshot loading: find the JSON files, parse them, dispatch each top-level
 * key to its resource loader in dependency order, then resolve references. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "snapshot/internal.h"

/* ---- helpers shared with resources.c ------------------------------------ */
int ld_type_error(struct ld *l, const struct vpce_json *node, const char *what, const char *expected)
{
	unsigned line = 0, col = 0;

	vpce_json_position(l->doc, node, &line, &col);
	return vpce_error_setpos(l->err, VPCE_EINVAL, l->file, line, col, "%s: expected %s, got %s", what,
				 expected, vpce_json_type_name(node));
}

int ld_str(struct ld *l, const struct vpce_json *obj, const char *key, bool required, const char **out)
{
	const struct vpce_json *v = vpce_json_get(obj, key);

	if (!v || v->type == VPCE_JSON_NULL) {
		if (required)
			return ld_type_error(l, obj, key, "an object with this string member");
		return 0;
	}
	if (v->type != VPCE_JSON_STRING)
		return ld_type_error(l, v, key, "string");
	*out = v->u.str;
	return 0;
}

int ld_bool(struct ld *l, const struct vpce_json *obj, const char *key, bool *out)
{
	const struct vpce_json *v = vpce_json_get(obj, key);

	if (!v || v->type == VPCE_JSON_NULL)
		return 0;
	if (v->type != VPCE_JSON_TRUE && v->type != VPCE_JSON_FALSE)
		return ld_type_error(l, v, key, "boolean");
	*out = v->type == VPCE_JSON_TRUE;
	return 0;
}

int ld_int(struct ld *l, const struct vpce_json *obj, const char *key, long *out, bool *present)
{
	const struct vpce_json *v = vpce_json_get(obj, key);

	if (present)
		*present = false;
	if (!v || v->type == VPCE_JSON_NULL)
		return 0;
	if (v->type == VPCE_JSON_STRING) {
		/* Some tools write numbers as strings ("Protocol": "6"). */
		if (vpce_parse_long(v->u.str, v->count, -2147483647L, 2147483647L, out) != 0)
			return ld_type_error(l, v, key, "integer");
	} else if (v->type != VPCE_JSON_NUMBER || !v->is_int) {
		return ld_type_error(l, v, key, "integer");
	} else {
		if (v->u.num.i < -2147483647L || v->u.num.i > 2147483647L)
			return ld_type_error(l, v, key, "integer in range");
		*out = (long)v->u.num.i;
	}
	if (present)
		*present = true;
	return 0;
}

int ld_array(struct ld *l, const struct vpce_json *obj, const char *key, const struct vpce_json **out)
{
	const struct vpce_json *v = vpce_json_get(obj, key);

	*out = NULL;
	if (!v || v->type == VPCE_JSON_NULL)
		return 0;
	if (v->type != VPCE_JSON_ARRAY)
		return ld_type_error(l, v, key, "array");
	*out = v;
	return 0;
}

int ld_object(struct ld *l, const struct vpce_json *obj, const char *key, const struct vpce_json **out)
{
	const struct vpce_json *v = vpce_json_get(obj, key);

	*out = NULL;
	if (!v || v->type == VPCE_JSON_NULL)
		return 0;
	if (v->type != VPCE_JSON_OBJECT)
		return ld_type_error(l, v, key, "object");
	*out = v;
	return 0;
}

int ld_cidr(struct ld *l, const struct vpce_json *obj, const char *key, struct vpce_cidr *out, bool *present)
{
	const struct vpce_json *v = vpce_json_get(obj, key);
	unsigned line, col;

	if (present)
		*present = false;
	if (!v || v->type == VPCE_JSON_NULL)
		return 0;
	if (v->type != VPCE_JSON_STRING)
		return ld_type_error(l, v, key, "CIDR string");
	if (vpce_cidr_parse(v->u.str, v->count, out) != 0) {
		vpce_json_position(l->doc, v, &line, &col);
		return vpce_error_setpos(l->err, VPCE_EINVAL, l->file, line, col, "%s: invalid CIDR \"%s\"",
					 key, v->u.str);
	}
	if (present)
		*present = true;
	return 0;
}

static int vnote(struct vpce_model *m, const char *fmt, va_list ap) VPCE_PRINTF(2, 0);
static int vnote(struct vpce_model *m, const char *fmt, va_list ap)
{
	struct vpce_buf b = VPCE_BUF_INIT;
	char *s;
	int rc;

	if (vpce_buf_vprintf(&b, fmt, ap) != 0) {
		vpce_buf_release(&b);
		return VPCE_ENOMEM;
	}
	s = vpce_arena_strndup(&m->priv->arena, b.ptr, b.len);
	vpce_buf_release(&b);
	if (!s)
		return VPCE_ENOMEM;
	/* Notes are few; skip exact duplicates. */
	for (uint32_t i = 0; i < m->nnotes; i++)
		if (strcmp(m->notes[i], s) == 0)
			return 0;
	rc = VPCE_ARRAY_PUSH(m->notes, m->nnotes, m->priv->a_notes, s);
	return rc;
}

int model_note(struct vpce_model *m, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vnote(m, fmt, ap);
	va_end(ap);
	return rc;
}

int ld_note(struct ld *l, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vnote(l->m, fmt, ap);
	va_end(ap);
	return rc;
}

int register_id(struct vpce_model *m, const char *id, enum vpce_kind kind, uint32_t idx)
{
	if (idx > ID_INDEX_MASK)
		return VPCE_ENOMEM;
	return vpce_strmap_put(&m->priv->ids, id, ((uint32_t)kind << ID_KIND_SHIFT) | idx);
}

uint32_t lookup_id(const struct vpce_model *m, const char *id, enum vpce_kind kind)
{
	uint32_t v;

	if (!id || !vpce_strmap_get(&m->priv->ids, id, &v) || (v >> ID_KIND_SHIFT) != (uint32_t)kind)
		return VPCE_NONE;
	return v & ID_INDEX_MASK;
}

bool vpce_model_find(const struct vpce_model *m, const char *id, enum vpce_kind *kind, uint32_t *idx)
{
	uint32_t v;

	if (!m || !id || !vpce_strmap_get(&m->priv->ids, id, &v))
		return false;
	if (kind)
		*kind = (enum vpce_kind)(v >> ID_KIND_SHIFT);
	if (idx)
		*idx = v & ID_INDEX_MASK;
	return true;
}

uint32_t vpce_model_prefix_list_by_name(const struct vpce_model *m, const char *name)
{
	uint32_t v;
	return m && name && vpce_strmap_get(&m->priv->pl_names, name, &v) ? v : VPCE_NONE;
}

const char *vpce_target_kind_name(enum vpce_target_kind k)
{
	switch (k) {
	case VPCE_TGT_LOCAL: return "local";
	case VPCE_TGT_IGW: return "internet gateway";
	case VPCE_TGT_EIGW: return "egress-only internet gateway";
	case VPCE_TGT_NAT: return "NAT gateway";
	case VPCE_TGT_GATEWAY_ENDPOINT: return "gateway endpoint";
	case VPCE_TGT_TGW: return "transit gateway";
	case VPCE_TGT_PEERING: return "VPC peering connection";
	case VPCE_TGT_VGW: return "virtual private gateway";
	case VPCE_TGT_ENI: return "network interface";
	case VPCE_TGT_INSTANCE: return "instance";
	case VPCE_TGT_CARRIER: return "carrier gateway";
	case VPCE_TGT_LOCAL_GATEWAY: return "local gateway";
	case VPCE_TGT_CORE_NETWORK: return "core network";
	default: return "unknown target";
	}
}

/* "us-east-1a" -> "us-east-1"; Local Zones "us-west-2-lax-1a" -> "us-west-2". */
const char *region_from_az(struct vpce_arena *a, const char *az)
{
	size_t n;
	int dashes = 0;

	if (!az)
		return NULL;
	n = strlen(az);
	if (n < 4 || az[n - 1] < 'a' || az[n - 1] > 'z')
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (az[i] == '-' && ++dashes == 3) {
			/* keep "xx-gov-west-1" style (three dashes before the digit) */
			if (!(i > 4 && az[i - 1] >= '0' && az[i - 1] <= '9'))
				continue;
			return vpce_arena_strndup(a, az, i);
		}
	}
	return vpce_arena_strndup(a, az, n - 1);
}

const char *name_tag(const struct vpce_json *obj)
{
	const struct vpce_json *tags = vpce_json_get(obj, "Tags");

	vpce_json_foreach(t, tags) {
		const char *k = vpce_json_get_str(t, "Key");
		if (k && strcmp(k, "Name") == 0)
			return vpce_json_get_str(t, "Value");
	}
	return NULL;
}

int vpc_ref(struct ld *l, const char *vpc_id, uint32_t *out)
{
	struct vpce_model *m = l->m;
	uint32_t idx = lookup_id(m, vpc_id, VPCE_K_VPC);
	struct vpce_vpc *v;

	if (idx != VPCE_NONE) {
		*out = idx;
		return 0;
	}
	if (vpce_array_grow((void **)&m->vpcs, &l->p->a_vpcs, m->nvpcs + 1, sizeof(*m->vpcs)) != 0)
		return vpce_error_set(l->err, VPCE_ENOMEM, "out of memory");
	idx = m->nvpcs++;
	v = &m->vpcs[idx];
	memset(v, 0, sizeof(*v));
	v->id = vpc_id;
	v->stub = true;
	v->region = l->folder_region;
	v->main_rtb = VPCE_NONE;
	v->default_nacl = VPCE_NONE;
	v->dns_support = true;
	if (register_id(m, vpc_id, VPCE_K_VPC, idx) != 0)
		return vpce_error_set(l->err, VPCE_ENOMEM, "out of memory");
	*out = idx;
	return 0;
}

/* ---- region from folder names ------------------------------------------- */
bool vpce_is_region_name(const char *s, size_t n)
{
	/* xx-yyyy-N or xx-gov-yyyy-N: lower-case letters, dashes, a final number. */
	size_t i = 0, parts = 0;

	if (n < 9 || n > 20)
		return false;
	while (i < n) {
		size_t start = i;
		while (i < n && s[i] != '-')
			i++;
		if (i == start)
			return false;
		for (size_t k = start; k < i; k++) {
			bool last = i == n;
			char c = s[k];
			if (last ? !(c >= '0' && c <= '9') : !(c >= 'a' && c <= 'z'))
				return false;
		}
		if (parts == 0 && i - start != 2)
			return false;
		parts++;
		if (i < n)
			i++;
	}
	return parts == 3 || parts == 4;
}

static const char *region_from_path(struct vpce_arena *a, const char *path)
{
	const char *found = NULL;
	size_t flen = 0;
	const char *p = path;

	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (slash && vpce_is_region_name(p, n)) {
			found = p;
			flen = n;
		}
		if (!slash)
			break;
		p = slash + 1;
	}
	return found ? vpce_arena_strndup(a, found, flen) : NULL;
}

/* ---- files ---------------------------------------------------------------- */
struct file_list {
	char **paths;
	size_t n, alloc;
};

static int collect_files(const char *dir, struct file_list *fl, int depth, struct vpce_error *err)
{
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (depth > 16)
		return 0;
	d = opendir(dir);
	if (!d)
		return vpce_error_setpos(err, VPCE_EIO, dir, 0, 0, "cannot open directory: %s", strerror(errno));
	while ((e = readdir(d)) != NULL) {
		struct vpce_buf path = VPCE_BUF_INIT;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		if (vpce_buf_printf(&path, "%s/%s", dir, e->d_name) != 0) {
			rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
			vpce_buf_release(&path);
			goto out;
		}
		if (stat(path.ptr, &st) != 0) {
			vpce_buf_release(&path);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			rc = collect_files(path.ptr, fl, depth + 1, err);
			vpce_buf_release(&path);
			if (rc)
				goto out;
		} else if (S_ISREG(st.st_mode) && vpce_str_endswith(e->d_name, ".json")) {
			char *s = vpce_buf_detach(&path, NULL);
			if (!s || VPCE_ARRAY_PUSH(fl->paths, fl->n, fl->alloc, s) != 0) {
				free(s);
				rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
				goto out;
			}
		} else {
			vpce_buf_release(&path);
		}
	}
out:
	closedir(d);
	return rc;
}

/* ---- dispatch --------------------------------------------------------------- */
enum pass {
	P_VPCS, P_SUBNETS, P_PREFIX_LISTS, P_PL_ENTRIES, P_SGS, P_NACLS, P_IGWS, P_NATS, P_ENDPOINTS,
	P_RTBS, P_ENIS, P_RESERVATIONS, P_SERVICES, P_ATTRIBUTES, P_COUNT
};

static const char *const pass_keys[P_COUNT] = {
	"Vpcs", "Subnets", "PrefixLists", "Entries", "SecurityGroups", "NetworkAcls",
	"InternetGateways", "NatGateways", "VpcEndpoints", "RouteTables", "NetworkInterfaces",
	"Reservations", "ServiceDetails", NULL
};

static bool is_vpc_attribute(const struct vpce_json *root)
{
	return vpce_json_get(root, "VpcId") &&
	       (vpce_json_get(root, "EnableDnsSupport") || vpce_json_get(root, "EnableDnsHostnames"));
}

/* get-bucket-policy output: {"Policy": "<document>"} (optionally "Bucket"). */
static bool is_bucket_policy(const struct vpce_json *root)
{
	const struct vpce_json *p = vpce_json_get(root, "Policy");
	return p && p->type == VPCE_JSON_STRING;
}

struct loaded_doc {
	struct vpce_json_doc *doc;
	const char *file;
	const char *region;
};

static int run_pass(struct vpce_model *m, enum pass pass, const struct loaded_doc *docs, size_t ndocs,
		    const struct vpce_snapshot_options *opts, struct vpce_error *err)
{
	for (size_t i = 0; i < ndocs; i++) {
		const struct vpce_json *root = vpce_json_root(docs[i].doc);
		const struct vpce_json *arr;
		struct ld l = { m, m->priv, err, docs[i].doc, docs[i].file, docs[i].region,
				opts ? opts->region : NULL };
		int rc = 0;

		if (pass == P_ATTRIBUTES) {
			if (is_vpc_attribute(root))
				rc = load_vpc_attribute(&l, root);
			else if (is_bucket_policy(root))
				rc = load_bucket_policy(&l, root);
			if (rc)
				return rc;
			continue;
		}
		arr = vpce_json_get(root, pass_keys[pass]);
		if (!arr)
			continue;
		if (arr->type != VPCE_JSON_ARRAY)
			return ld_type_error(&l, arr, pass_keys[pass], "array");
		switch (pass) {
		case P_VPCS: rc = load_vpcs(&l, arr); break;
		case P_SUBNETS: rc = load_subnets(&l, arr); break;
		case P_PREFIX_LISTS: rc = load_prefix_lists(&l, arr); break;
		case P_PL_ENTRIES: rc = load_prefix_list_entries(&l, arr); break;
		case P_SGS: rc = load_security_groups(&l, arr); break;
		case P_NACLS: rc = load_nacls(&l, arr); break;
		case P_IGWS: rc = load_igws(&l, arr); break;
		case P_NATS: rc = load_nats(&l, arr); break;
		case P_ENDPOINTS: rc = load_endpoints(&l, arr); break;
		case P_RTBS: rc = load_route_tables(&l, arr); break;
		case P_ENIS: rc = load_enis(&l, arr); break;
		case P_RESERVATIONS: rc = load_reservations(&l, arr); break;
		case P_SERVICES: rc = load_services(&l, arr); break;
		default: break;
		}
		if (rc)
			return rc;
	}
	if (pass == P_SGS)
		return load_sg_refs(m) == 0 ? 0 : vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	return 0;
}

static bool recognised(const struct vpce_json *root)
{
	if (!root || root->type != VPCE_JSON_OBJECT)
		return false;
	if (is_vpc_attribute(root) || is_bucket_policy(root))
		return true;
	for (int p = 0; p < P_ATTRIBUTES; p++)
		if (vpce_json_get(root, pass_keys[p]))
			return true;
	return false;
}

static struct vpce_model *model_new(void)
{
	struct vpce_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->priv = calloc(1, sizeof(*m->priv));
	if (!m->priv) {
		free(m);
		return NULL;
	}
	vpce_arena_init(&m->priv->arena, 256 * 1024);
	vpce_strmap_init(&m->priv->ids);
	vpce_strmap_init(&m->priv->pl_names);
	return m;
}

void vpce_model_free(struct vpce_model *m)
{
	if (!m)
		return;
	if (m->priv) {
		for (size_t i = 0; i < m->priv->ndocs; i++)
			vpce_json_doc_free(m->priv->docs[i]);
		free(m->priv->docs);
		vpce_strmap_release(&m->priv->ids);
		vpce_strmap_release(&m->priv->pl_names);
		vpce_arena_release(&m->priv->arena);
		free(m->priv);
	}
	free(m->vpcs);
	free(m->subnets);
	free(m->rtbs);
	free(m->sgs);
	free(m->nacls);
	free(m->endpoints);
	free(m->nats);
	free(m->igws);
	free(m->enis);
	free(m->instances);
	free(m->prefix_lists);
	free(m->services);
	free(m->bucket_policies);
	free(m->notes);
	free(m);
}

size_t vpce_model_memory(const struct vpce_model *m)
{
	size_t n = 0;

	if (!m)
		return 0;
	for (size_t i = 0; i < m->priv->ndocs; i++)
		n += vpce_json_doc_memory(m->priv->docs[i]);
	n += m->priv->arena.total;
	n += (m->priv->ids.cap + m->priv->pl_names.cap) * sizeof(struct vpce_strmap_slot);
	n += m->priv->a_vpcs * sizeof(*m->vpcs) + m->priv->a_subnets * sizeof(*m->subnets) +
	     m->priv->a_rtbs * sizeof(*m->rtbs) + m->priv->a_sgs * sizeof(*m->sgs) +
	     m->priv->a_nacls * sizeof(*m->nacls) + m->priv->a_endpoints * sizeof(*m->endpoints) +
	     m->priv->a_nats * sizeof(*m->nats) + m->priv->a_igws * sizeof(*m->igws) +
	     m->priv->a_enis * sizeof(*m->enis) + m->priv->a_instances * sizeof(*m->instances) +
	     m->priv->a_pls * sizeof(*m->prefix_lists);
	return n;
}

static int load_docs(struct vpce_model *m, struct loaded_doc *docs, size_t ndocs,
		     const struct vpce_snapshot_options *opts, struct vpce_error *err)
{
	for (int p = 0; p < P_COUNT; p++) {
		int rc = run_pass(m, (enum pass)p, docs, ndocs, opts, err);
		if (rc)
			return rc;
	}
	if (!m->region && opts && opts->region)
		m->region = vpce_arena_strdup(&m->priv->arena, opts->region);
	return resolve_model(m, err);
}

/* Parse one text and keep it if it is a snapshot document. */
static int add_text(struct vpce_model *m, struct loaded_doc **docs, size_t *ndocs, size_t *alloc,
		    const char *name, const char *text, size_t len,
		    const struct vpce_snapshot_options *opts, struct vpce_error *err)
{
	struct vpce_json_doc *doc = NULL;
	struct loaded_doc ld;
	int rc;

	m->input_bytes += len;
	if ((rc = vpce_json_parse(text, len, name, &doc, err)) != 0)
		return rc;
	if (!recognised(vpce_json_root(doc))) {
		if (opts && opts->skipped)
			opts->skipped(opts->ctx, name, "no known AWS describe-* key");
		vpce_json_doc_free(doc);
		return 0;
	}
	if (VPCE_ARRAY_PUSH(m->priv->docs, m->priv->ndocs, m->priv->docs_alloc, doc) != 0) {
		vpce_json_doc_free(doc);
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	}
	ld.doc = doc;
	ld.file = vpce_arena_strdup(&m->priv->arena, name);
	ld.region = region_from_path(&m->priv->arena, name);
	if (!ld.file || VPCE_ARRAY_PUSH(*docs, *ndocs, *alloc, ld) != 0)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	return 0;
}

int vpce_snapshot_load_buffers(const char *const *names, const char *const *texts, const size_t *lens,
			       size_t n, const struct vpce_snapshot_options *opts,
			       struct vpce_model **out, struct vpce_error *err)
{
	struct vpce_model *m = model_new();
	struct loaded_doc *docs = NULL;
	size_t ndocs = 0, alloc = 0;
	int rc = 0;

	*out = NULL;
	if (!m)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if ((rc = add_text(m, &docs, &ndocs, &alloc, names[i], texts[i], lens[i], opts, err)) != 0)
			goto out;
	}
	if ((rc = load_docs(m, docs, ndocs, opts, err)) != 0)
		goto out;
	*out = m;
	m = NULL;
out:
	free(docs);
	vpce_model_free(m);
	return rc;
}

int vpce_snapshot_load(const char *path, const struct vpce_snapshot_options *opts, struct vpce_model **out,
		       struct vpce_error *err)
{
	struct vpce_model *m = NULL;
	struct file_list fl = { NULL, 0, 0 };
	struct loaded_doc *docs = NULL;
	size_t ndocs = 0, alloc = 0;
	struct stat st;
	int rc = 0;

	*out = NULL;
	if (stat(path, &st) != 0)
		return vpce_error_setpos(err, VPCE_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		if ((rc = collect_files(path, &fl, 0, err)) != 0)
			goto out;
		qsort(fl.paths, fl.n, sizeof(*fl.paths), vpce_strcmp_ptr);
		if (fl.n == 0) {
			rc = vpce_error_setpos(err, VPCE_ENOTFOUND, path, 0, 0, "no *.json files in snapshot");
			goto out;
		}
	} else {
		char *s = strdup(path);
		if (!s || VPCE_ARRAY_PUSH(fl.paths, fl.n, fl.alloc, s) != 0) {
			free(s);
			rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
			goto out;
		}
	}
	m = model_new();
	if (!m) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < fl.n; i++) {
		struct vpce_buf b = VPCE_BUF_INIT;
		rc = vpce_buf_read_file(&b, fl.paths[i], err);
		if (rc == 0)
			rc = add_text(m, &docs, &ndocs, &alloc, fl.paths[i], b.ptr, b.len, opts, err);
		vpce_buf_release(&b);
		if (rc)
			goto out;
	}
	if ((rc = load_docs(m, docs, ndocs, opts, err)) != 0)
		goto out;
	*out = m;
	m = NULL;
out:
	for (size_t i = 0; i < fl.n; i++)
		free(fl.paths[i]);
	free(fl.paths);
	free(docs);
	vpce_model_free(m);
	return rc;
}
