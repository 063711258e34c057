/* Snapshot loader internals shared by load.c, resources.c and resolve.c. */
#ifndef VPCE_SNAPSHOT_INTERNAL_H
#define VPCE_SNAPSHOT_INTERNAL_H

#include "vpce/json.h"
#include "vpce/snapshot.h"
#include "util/util.h"

struct vpce_model_priv {
	struct vpce_arena arena;
	struct vpce_json_doc **docs;   /* kept alive: model strings point into them */
	size_t ndocs, docs_alloc;
	struct vpce_strmap ids;        /* id -> (kind << 27) | index */
	struct vpce_strmap pl_names;   /* prefix list name -> index */
	/* growable array capacities */
	size_t a_vpcs, a_subnets, a_rtbs, a_sgs, a_nacls, a_endpoints, a_nats, a_igws, a_enis,
		a_instances, a_pls, a_services, a_notes, a_bucket_policies;
};

/* Loader state while reading one document. */
struct ld {
	struct vpce_model *m;
	struct vpce_model_priv *p;
	struct vpce_error *err;
	const struct vpce_json_doc *doc;
	const char *file;
	const char *folder_region;     /* region from the file's folder names, or NULL */
	const char *default_region;    /* --region */
};

#define ID_KIND_SHIFT 27
#define ID_INDEX_MASK ((1u << ID_KIND_SHIFT) - 1)

/* Positioned type error at node. */
int ld_type_error(struct ld *l, const struct vpce_json *node, const char *what, const char *expected);
/* Typed member access: missing -> *out untouched and 0 (or error if required). */
int ld_str(struct ld *l, const struct vpce_json *obj, const char *key, bool required, const char **out);
int ld_bool(struct ld *l, const struct vpce_json *obj, const char *key, bool *out);
int ld_int(struct ld *l, const struct vpce_json *obj, const char *key, long *out, bool *present);
int ld_array(struct ld *l, const struct vpce_json *obj, const char *key, const struct vpce_json **out);
int ld_object(struct ld *l, const struct vpce_json *obj, const char *key, const struct vpce_json **out);
int ld_cidr(struct ld *l, const struct vpce_json *obj, const char *key, struct vpce_cidr *out, bool *present);
int ld_note(struct ld *l, const char *fmt, ...) VPCE_PRINTF(2, 3);
int model_note(struct vpce_model *m, const char *fmt, ...) VPCE_PRINTF(2, 3);
int register_id(struct vpce_model *m, const char *id, enum vpce_kind kind, uint32_t idx);
uint32_t lookup_id(const struct vpce_model *m, const char *id, enum vpce_kind kind);
/* Index of the VPC with that id, creating a stub VPC when absent. */
int vpc_ref(struct ld *l, const char *vpc_id, uint32_t *out);
const char *region_from_az(struct vpce_arena *a, const char *az);
const char *name_tag(const struct vpce_json *obj);

/* One loader per top-level key (resources.c). */
int load_vpcs(struct ld *l, const struct vpce_json *arr);
int load_subnets(struct ld *l, const struct vpce_json *arr);
int load_prefix_lists(struct ld *l, const struct vpce_json *arr);
int load_prefix_list_entries(struct ld *l, const struct vpce_json *arr);
int load_security_groups(struct ld *l, const struct vpce_json *arr);
int load_sg_refs(struct vpce_model *m);
int load_nacls(struct ld *l, const struct vpce_json *arr);
int load_igws(struct ld *l, const struct vpce_json *arr);
int load_nats(struct ld *l, const struct vpce_json *arr);
int load_endpoints(struct ld *l, const struct vpce_json *arr);
int load_route_tables(struct ld *l, const struct vpce_json *arr);
int load_enis(struct ld *l, const struct vpce_json *arr);
int load_reservations(struct ld *l, const struct vpce_json *arr);
int load_services(struct ld *l, const struct vpce_json *arr);
int load_vpc_attribute(struct ld *l, const struct vpce_json *root);
int load_bucket_policy(struct ld *l, const struct vpce_json *root);
/* After everything is loaded (resolve.c). */
int resolve_model(struct vpce_model *m, struct vpce_error *err);

#endif
