/* JSON reader: one copy of the input, in-place string unescaping, nodes in
 * an arena, recursive descent with a depth limit. Grammar: RFC 8259. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "util/util.h"
#include "vpce/json.h"

struct vpce_json_doc {
	char *text;          /* owned copy of the input, NUL-terminated */
	size_t len;
	char *name;
	struct vpce_arena arena;
	struct vpce_json *root;
};

struct parser {
	struct vpce_json_doc *doc;
	char *p;             /* cursor */
	char *end;
	struct vpce_error *err;
	int depth;
};

static int fail(struct parser *ps, const char *at, const char *fmt, ...) VPCE_PRINTF(3, 4);

static void offset_to_pos(const char *text, size_t off, unsigned *line, unsigned *col)
{
	unsigned l = 1, c = 1;

	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static int fail(struct parser *ps, const char *at, const char *fmt, ...)
{
	unsigned line, col;
	va_list ap;
	char msg[256];

	offset_to_pos(ps->doc->text, (size_t)(at - ps->doc->text), &line, &col);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return vpce_error_setpos(ps->err, VPCE_EPARSE, ps->doc->name, line, col, "%s", msg);
}

static inline void skip_ws(struct parser *ps)
{
	char *p = ps->p;
	while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
		p++;
	ps->p = p;
}

static struct vpce_json *new_node(struct parser *ps, enum vpce_json_type t, const char *at)
{
	struct vpce_json *n = vpce_arena_alloc(&ps->doc->arena, sizeof(*n));
	if (!n)
		return NULL;
	n->type = (uint8_t)t;
	n->offset = (uint32_t)(at - ps->doc->text);
	return n;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int read_hex4(struct parser *ps, const char *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(p[i]);
		if (h < 0)
			return fail(ps, p + i, "invalid \\u escape");
		v = (v << 4) | (unsigned)h;
	}
	*out = v;
	return 0;
}

static char *put_utf8(char *w, unsigned cp)
{
	if (cp < 0x80) {
		*w++ = (char)cp;
	} else if (cp < 0x800) {
		*w++ = (char)(0xC0 | (cp >> 6));
		*w++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*w++ = (char)(0xE0 | (cp >> 12));
		*w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*w++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*w++ = (char)(0xF0 | (cp >> 18));
		*w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*w++ = (char)(0x80 | (cp & 0x3F));
	}
	return w;
}

/* Parses a string at ps->p (which points at the opening quote); unescapes
 * in place; the result starts at *out and is NUL-terminated. */
static int parse_string(struct parser *ps, const char **out, uint32_t *outlen)
{
	char *start = ps->p + 1, *r = start, *w;

	/* Fast scan: most strings have no escapes. */
	while (*r != '"' && *r != '\\' && (unsigned char)*r >= 0x20)
		r++;
	w = r;
	for (;;) {
		unsigned char c = (unsigned char)*r;
		if (c == '"')
			break;
		if (r >= ps->end)
			return fail(ps, ps->p, "unterminated string");
		if (c < 0x20)
			return fail(ps, r, "control character in string");
		if (c != '\\') {
			*w++ = *r++;
			continue;
		}
		r++;
		switch (*r) {
		case '"': *w++ = '"'; r++; break;
		case '\\': *w++ = '\\'; r++; break;
		case '/': *w++ = '/'; r++; break;
		case 'b': *w++ = '\b'; r++; break;
		case 'f': *w++ = '\f'; r++; break;
		case 'n': *w++ = '\n'; r++; break;
		case 'r': *w++ = '\r'; r++; break;
		case 't': *w++ = '\t'; r++; break;
		case 'u': {
			unsigned cp, lo;
			if (r + 5 > ps->end || read_hex4(ps, r + 1, &cp) != 0)
				return fail(ps, r - 1, "invalid \\u escape");
			r += 5;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (r[0] == '\\' && r[1] == 'u' && r + 6 <= ps->end &&
				    read_hex4(ps, r + 2, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					r += 6;
				} else {
					cp = 0xFFFD; /* lone surrogate: replacement char */
				}
			} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
				cp = 0xFFFD;
			}
			/* 6 source bytes always cover up to 4 output bytes. */
			w = put_utf8(w, cp);
			break;
		}
		default:
			return fail(ps, r - 1, "invalid escape in string");
		}
	}
	ps->p = r + 1;
	*w = '\0';
	*out = start;
	*outlen = (uint32_t)(w - start);
	return 0;
}

static int parse_number(struct parser *ps, struct vpce_json *n)
{
	char *p = ps->p, *start = p;
	bool neg = false, is_int = true;
	uint64_t iv = 0;
	int digits = 0;

	if (*p == '-') {
		neg = true;
		p++;
	}
	if (*p == '0') {
		p++;
		digits = 1;
	} else if (*p >= '1' && *p <= '9') {
		while (*p >= '0' && *p <= '9') {
			if (digits < 19)
				iv = iv * 10 + (uint64_t)(*p - '0');
			digits++;
			p++;
		}
	} else {
		return fail(ps, start, "invalid number");
	}
	if (*p == '.') {
		is_int = false;
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return fail(ps, p, "invalid number: digit expected after '.'");
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		is_int = false;
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return fail(ps, p, "invalid number: digit expected in exponent");
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (is_int && digits <= 18) {
		n->is_int = true;
		n->u.num.i = neg ? -(int64_t)iv : (int64_t)iv;
		n->u.num.d = (double)n->u.num.i;
	} else {
		char tmp[64];
		size_t len = (size_t)(p - start);
		if (len >= sizeof(tmp)) {
			/* Very long literal: strtod on the NUL-terminated copy of the doc
			 * is safe since the literal ends at a non-number character. */
			n->u.num.d = strtod(start, NULL);
		} else {
			memcpy(tmp, start, len);
			tmp[len] = '\0';
			n->u.num.d = strtod(tmp, NULL);
		}
		/* Converting an out-of-range double to int64 is undefined: clamp. */
		if (n->u.num.d >= -9.2e18 && n->u.num.d <= 9.2e18)
			n->u.num.i = (int64_t)n->u.num.d;
		else
			n->u.num.i = n->u.num.d < 0 ? INT64_MIN : n->u.num.d > 0 ? INT64_MAX : 0;
		n->is_int = false;
	}
	ps->p = p;
	return 0;
}

static int parse_value(struct parser *ps, struct vpce_json **out);

static int parse_container(struct parser *ps, struct vpce_json *n, bool is_obj)
{
	struct vpce_json *last = NULL;
	char close = is_obj ? '}' : ']';
	int rc;

	if (++ps->depth > VPCE_JSON_MAX_DEPTH)
		return fail(ps, ps->p, "nesting deeper than %d levels", VPCE_JSON_MAX_DEPTH);
	ps->p++; /* '{' or '[' */
	skip_ws(ps);
	if (*ps->p == close) {
		ps->p++;
		ps->depth--;
		return 0;
	}
	for (;;) {
		struct vpce_json *child = NULL;
		const char *key = NULL;
		uint32_t klen = 0;

		skip_ws(ps);
		if (is_obj) {
			if (*ps->p != '"')
				return fail(ps, ps->p, ps->p >= ps->end ? "unexpected end of input in object"
									 : "expected string key in object");
			if ((rc = parse_string(ps, &key, &klen)) != 0)
				return rc;
			skip_ws(ps);
			if (*ps->p != ':')
				return fail(ps, ps->p, "expected ':' after object key");
			ps->p++;
			skip_ws(ps);
		}
		if ((rc = parse_value(ps, &child)) != 0)
			return rc;
		child->key = key;
		child->key_len = klen;
		if (last)
			last->next = child;
		else
			n->u.child = child;
		last = child;
		if (n->count == UINT32_MAX)
			return fail(ps, ps->p, "too many elements");
		n->count++;
		skip_ws(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == close) {
			ps->p++;
			break;
		}
		if (ps->p >= ps->end)
			return fail(ps, ps->p, "unexpected end of input in %s", is_obj ? "object" : "array");
		return fail(ps, ps->p, "expected ',' or '%c'", close);
	}
	ps->depth--;
	return 0;
}

static int expect_lit(struct parser *ps, const char *lit)
{
	size_t n = strlen(lit);
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, lit, n) != 0)
		return fail(ps, ps->p, "invalid literal");
	ps->p += n;
	return 0;
}

static int parse_value(struct parser *ps, struct vpce_json **out)
{
	char c = *ps->p;
	struct vpce_json *n;
	int rc = 0;

	if (ps->p >= ps->end)
		return fail(ps, ps->p, "unexpected end of input");
	switch (c) {
	case '{': n = new_node(ps, VPCE_JSON_OBJECT, ps->p); break;
	case '[': n = new_node(ps, VPCE_JSON_ARRAY, ps->p); break;
	case '"': n = new_node(ps, VPCE_JSON_STRING, ps->p); break;
	case 't': n = new_node(ps, VPCE_JSON_TRUE, ps->p); break;
	case 'f': n = new_node(ps, VPCE_JSON_FALSE, ps->p); break;
	case 'n': n = new_node(ps, VPCE_JSON_NULL, ps->p); break;
	default:
		if (c == '-' || (c >= '0' && c <= '9')) {
			n = new_node(ps, VPCE_JSON_NUMBER, ps->p);
			break;
		}
		if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
			return fail(ps, ps->p, "unexpected character '%c'", c);
		return fail(ps, ps->p, "unexpected byte 0x%02x", (unsigned char)c);
	}
	if (!n)
		return vpce_error_set(ps->err, VPCE_ENOMEM, "out of memory parsing JSON");
	switch (c) {
	case '{': rc = parse_container(ps, n, true); break;
	case '[': rc = parse_container(ps, n, false); break;
	case '"': rc = parse_string(ps, &n->u.str, &n->count); break;
	case 't': rc = expect_lit(ps, "true"); break;
	case 'f': rc = expect_lit(ps, "false"); break;
	case 'n': rc = expect_lit(ps, "null"); break;
	default: rc = parse_number(ps, n); break;
	}
	*out = n;
	return rc;
}

int vpce_json_parse(const char *text, size_t len, const char *name, struct vpce_json_doc **out,
		    struct vpce_error *err)
{
	struct vpce_json_doc *doc = NULL;
	struct parser ps;
	int rc;

	*out = NULL;
	if (len > UINT32_MAX - 16)
		return vpce_error_setpos(err, VPCE_ENOMEM, name, 0, 0, "JSON document larger than 4 GiB");
	doc = calloc(1, sizeof(*doc));
	if (!doc)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	/* Node arena sized to the input: about one node per 16 bytes of JSON. */
	vpce_arena_init(&doc->arena, len / 2 > (1u << 16) ? (len / 2 < (1u << 24) ? len / 2 : (1u << 24))
							   : (1u << 16));
	doc->text = malloc(len + 1);
	doc->name = name ? strdup(name) : NULL;
	if (!doc->text || (name && !doc->name)) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto out;
	}
	memcpy(doc->text, text, len);
	doc->text[len] = '\0';
	doc->len = len;

	ps.doc = doc;
	ps.p = doc->text;
	ps.end = doc->text + len;
	ps.err = err;
	ps.depth = 0;
	if (len >= 3 && memcmp(ps.p, "\xEF\xBB\xBF", 3) == 0)
		ps.p += 3;
	/* An embedded NUL ends the scan early; treat it as an error. */
	if (memchr(doc->text, '\0', len)) {
		const char *z = memchr(doc->text, '\0', len);
		rc = fail(&ps, z, "NUL byte in JSON text");
		goto out;
	}
	skip_ws(&ps);
	if (ps.p >= ps.end) {
		rc = fail(&ps, ps.p, "empty document");
		goto out;
	}
	if ((rc = parse_value(&ps, &doc->root)) != 0)
		goto out;
	skip_ws(&ps);
	if (ps.p < ps.end) {
		rc = fail(&ps, ps.p, "trailing characters after JSON value");
		goto out;
	}
	*out = doc;
	doc = NULL;
out:
	vpce_json_doc_free(doc);
	return rc;
}

void vpce_json_doc_free(struct vpce_json_doc *doc)
{
	if (!doc)
		return;
	vpce_arena_release(&doc->arena);
	free(doc->text);
	free(doc->name);
	free(doc);
}

const struct vpce_json *vpce_json_root(const struct vpce_json_doc *doc)
{
	return doc ? doc->root : NULL;
}

const char *vpce_json_doc_name(const struct vpce_json_doc *doc)
{
	return doc && doc->name ? doc->name : "";
}

size_t vpce_json_doc_memory(const struct vpce_json_doc *doc)
{
	return doc ? doc->arena.total + doc->len + 1 : 0;
}

void vpce_json_position(const struct vpce_json_doc *doc, const struct vpce_json *node,
			unsigned *line, unsigned *col)
{
	if (!doc || !node) {
		*line = *col = 0;
		return;
	}
	offset_to_pos(doc->text, node->offset, line, col);
}

const struct vpce_json *vpce_json_get(const struct vpce_json *obj, const char *key)
{
	size_t klen;

	if (!obj || obj->type != VPCE_JSON_OBJECT)
		return NULL;
	klen = strlen(key);
	for (const struct vpce_json *c = obj->u.child; c; c = c->next)
		if (c->key_len == klen && memcmp(c->key, key, klen) == 0)
			return c;
	return NULL;
}

const char *vpce_json_get_str(const struct vpce_json *obj, const char *key)
{
	const struct vpce_json *v = vpce_json_get(obj, key);
	return v && v->type == VPCE_JSON_STRING ? v->u.str : NULL;
}

int vpce_json_get_bool(const struct vpce_json *obj, const char *key, int def)
{
	const struct vpce_json *v = vpce_json_get(obj, key);
	if (!v)
		return def;
	if (v->type == VPCE_JSON_TRUE)
		return 1;
	if (v->type == VPCE_JSON_FALSE)
		return 0;
	return def;
}

bool vpce_json_is(const struct vpce_json *v, enum vpce_json_type t)
{
	return v && v->type == (uint8_t)t;
}

const char *vpce_json_type_name(const struct vpce_json *v)
{
	if (!v)
		return "missing";
	switch (v->type) {
	case VPCE_JSON_NULL: return "null";
	case VPCE_JSON_FALSE:
	case VPCE_JSON_TRUE: return "boolean";
	case VPCE_JSON_NUMBER: return "number";
	case VPCE_JSON_STRING: return "string";
	case VPCE_JSON_ARRAY: return "array";
	case VPCE_JSON_OBJECT: return "object";
	default: return "unknown";
	}
}

static void write_str(struct vpce_buf *out, const char *s, size_t n, bool hcl)
{
	size_t start = 0;

	if (!hcl) {
		vpce_buf_put_json_strn(out, s, n);
		return;
	}
	/* JSON-escape piecewise, doubling the HCL template introducers. */
	{
		struct vpce_buf tmp = VPCE_BUF_INIT;
		vpce_buf_put_json_strn(&tmp, s, n);
		for (size_t i = 0; i < tmp.len; i++) {
			if ((tmp.ptr[i] == '$' || tmp.ptr[i] == '%') && i + 1 < tmp.len &&
			    tmp.ptr[i + 1] == '{') {
				vpce_buf_put(out, tmp.ptr + start, i - start + 1);
				start = i;
			}
		}
		vpce_buf_put(out, tmp.ptr + start, tmp.len - start);
		if (tmp.failed)
			out->failed = true;
		vpce_buf_release(&tmp);
	}
}

static void write_indent(struct vpce_buf *out, int indent, int level)
{
	vpce_buf_putc(out, '\n');
	for (int i = 0; i < indent * level; i++)
		vpce_buf_putc(out, ' ');
}

int vpce_json_write(struct vpce_buf *out, const struct vpce_json *v, int indent, int level,
		    bool hcl)
{
	bool first = true;

	if (!v)
		return vpce_buf_puts(out, "null");
	switch (v->type) {
	case VPCE_JSON_NULL:
		vpce_buf_puts(out, "null");
		break;
	case VPCE_JSON_TRUE:
		vpce_buf_puts(out, "true");
		break;
	case VPCE_JSON_FALSE:
		vpce_buf_puts(out, "false");
		break;
	case VPCE_JSON_NUMBER:
		if (v->is_int)
			vpce_buf_printf(out, "%lld", (long long)v->u.num.i);
		else
			vpce_buf_printf(out, "%.17g", v->u.num.d);
		break;
	case VPCE_JSON_STRING:
		write_str(out, v->u.str, v->count, hcl);
		break;
	case VPCE_JSON_ARRAY:
	case VPCE_JSON_OBJECT:
		vpce_buf_putc(out, v->type == VPCE_JSON_ARRAY ? '[' : '{');
		vpce_json_foreach(it, v) {
			if (!first)
				vpce_buf_putc(out, ',');
			if (indent)
				write_indent(out, indent, level + 1);
			else if (!first)
				vpce_buf_putc(out, ' ');
			first = false;
			if (v->type == VPCE_JSON_OBJECT) {
				write_str(out, it->key, it->key_len, hcl);
				vpce_buf_puts(out, hcl ? " = " : ": ");
			}
			vpce_json_write(out, it, indent, level + 1, hcl);
		}
		if (indent && !first)
			write_indent(out, indent, level);
		vpce_buf_putc(out, v->type == VPCE_JSON_ARRAY ? ']' : '}');
		break;
	default:
		break;
	}
	return out->failed ? VPCE_ENOMEM : 0;
}
