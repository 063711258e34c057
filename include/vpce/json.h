/* vpce — a fast JSON reader (RFC 8259) with exact error positions.
 *
 * vpce_json_parse() copies the input once into the document and builds a
 * tree of nodes in an arena; strings are unescaped in place and
 * NUL-terminated, so node strings are plain C strings that live as long as
 * the document. Objects keep their members in input order (duplicate keys:
 * vpce_json_get returns the first). Parse errors carry line and column
 * (1-based, columns count bytes). Depth is limited to VPCE_JSON_MAX_DEPTH.
 */
#ifndef VPCE_JSON_H
#define VPCE_JSON_H

#include "common.h"
#include "error.h"

#define VPCE_JSON_MAX_DEPTH 256

enum vpce_json_type {
	VPCE_JSON_NULL,
	VPCE_JSON_FALSE,
	VPCE_JSON_TRUE,
	VPCE_JSON_NUMBER,
	VPCE_JSON_STRING,
	VPCE_JSON_ARRAY,
	VPCE_JSON_OBJECT
};

struct vpce_json {
	uint8_t type;          /* enum vpce_json_type */
	bool is_int;           /* NUMBER written without fraction/exponent and fits int64 */
	uint32_t offset;       /* byte offset of the value in the input */
	const char *key;       /* member name when inside an object, else NULL */
	uint32_t key_len;
	uint32_t count;        /* ARRAY/OBJECT: number of children; STRING: length */
	struct vpce_json *next;/* next sibling */
	union {
		const char *str;               /* STRING (NUL-terminated) */
		struct { double d; int64_t i; } num;  /* NUMBER */
		struct vpce_json *child;       /* ARRAY/OBJECT: first child */
	} u;
};

struct vpce_json_doc;

/* Parse len bytes at text. name is used in error positions (may be NULL).
 * On success *out is a new document (caller frees with vpce_json_doc_free).
 * A UTF-8 BOM is skipped. */
VPCE_EXTERN int vpce_json_parse(const char *text, size_t len, const char *name,
				struct vpce_json_doc **out, struct vpce_error *err);
VPCE_EXTERN void vpce_json_doc_free(struct vpce_json_doc *doc);
/* The root value. Owned by doc. */
VPCE_EXTERN const struct vpce_json *vpce_json_root(const struct vpce_json_doc *doc);
/* Line/column (1-based) of node in doc's input. */
VPCE_EXTERN void vpce_json_position(const struct vpce_json_doc *doc, const struct vpce_json *node,
				    unsigned *line, unsigned *col);
VPCE_EXTERN const char *vpce_json_doc_name(const struct vpce_json_doc *doc);
/* Bytes of arena memory used by the tree (for reports). */
VPCE_EXTERN size_t vpce_json_doc_memory(const struct vpce_json_doc *doc);

/* Member lookup (first match); NULL if obj is not an object or has no such key. */
VPCE_EXTERN const struct vpce_json *vpce_json_get(const struct vpce_json *obj, const char *key);
/* Typed accessors: return NULL / def when the member is missing or of another type. */
VPCE_EXTERN const char *vpce_json_get_str(const struct vpce_json *obj, const char *key);
VPCE_EXTERN int vpce_json_get_bool(const struct vpce_json *obj, const char *key, int def);
VPCE_EXTERN bool vpce_json_is(const struct vpce_json *v, enum vpce_json_type t);
/* Name of a type for messages ("string", "object", ...). Static. */
VPCE_EXTERN const char *vpce_json_type_name(const struct vpce_json *v);

/* Append v as JSON to out: compact when indent is 0, else pretty-printed with
 * indent spaces per level starting at depth `level`. Members keep their input
 * order; integers as written, other numbers with 17 significant digits. With
 * hcl, "${" and "%{" inside strings are doubled ("$${", "%%{") so the text is
 * a literal HCL expression (Terraform jsonencode). */
struct vpce_buf;
VPCE_EXTERN int vpce_json_write(struct vpce_buf *out, const struct vpce_json *v, int indent,
				int level, bool hcl);

#define vpce_json_foreach(it, container) \
	for (const struct vpce_json *it = ((container) && (container)->type >= VPCE_JSON_ARRAY) \
					? (container)->u.child : NULL; \
	     it; it = it->next)

#endif
