/* XML responses of the AWS Query APIs, parsed with expat (a streaming SAX
 * parser) into a small element tree in an arena. Only elements and their
 * character data are kept (the Query APIs use no attributes or mixed
 * content that matters); document type declarations are refused, which
 * also rules out entity-expansion attacks. */
#include <stdio.h>
#include <stdlib.h>
#include <expat.h>
#include "vpce/aws.h"
#include "util/util.h"

struct vpce_xml_doc {
	struct vpce_arena arena;
	struct vpce_xml_node *root;
};

struct builder {
	struct vpce_xml_doc *doc;
	XML_Parser parser;
	struct vpce_xml_node *stack[VPCE_XML_MAX_DEPTH];
	struct vpce_xml_node *last_child[VPCE_XML_MAX_DEPTH];
	size_t depth;
	struct vpce_buf text;     /* character data of the innermost open element */
	const char *fail;         /* reason we stopped the parser, or NULL */
};

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct builder *b = ud;
	struct vpce_xml_node *n;
	(void)attrs;

	if (b->fail)
		return;
	if (b->depth >= VPCE_XML_MAX_DEPTH) {
		b->fail = "elements nested too deeply";
		XML_StopParser(b->parser, XML_FALSE);
		return;
	}
	if (b->depth == 0 && b->doc->root) {
		b->fail = "more than one root element";
		XML_StopParser(b->parser, XML_FALSE);
		return;
	}
	n = vpce_arena_alloc(&b->doc->arena, sizeof(*n));
	if (!n || !(n->name = vpce_arena_strdup(&b->doc->arena, name))) {
		b->fail = "out of memory";
		XML_StopParser(b->parser, XML_FALSE);
		return;
	}
	n->text = "";
	n->line = (unsigned)XML_GetCurrentLineNumber(b->parser);
	if (b->depth == 0) {
		b->doc->root = n;
	} else {
		struct vpce_xml_node *parent = b->stack[b->depth - 1];
		if (b->last_child[b->depth - 1])
			b->last_child[b->depth - 1]->next = n;
		else
			parent->child = n;
		b->last_child[b->depth - 1] = n;
	}
	b->stack[b->depth] = n;
	b->last_child[b->depth] = NULL;
	b->depth++;
	vpce_buf_clear(&b->text);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct builder *b = ud;
	struct vpce_xml_node *n;
	(void)name;

	if (b->fail || b->depth == 0)
		return;
	n = b->stack[--b->depth];
	/* Keep character data of leaf elements only (whitespace between child
	 * elements is formatting). */
	if (!n->child && b->text.len) {
		char *t = vpce_arena_strndup(&b->doc->arena, b->text.ptr, b->text.len);
		if (!t || b->text.failed) {
			b->fail = "out of memory";
			XML_StopParser(b->parser, XML_FALSE);
			return;
		}
		n->text = t;
		n->text_len = b->text.len;
	}
	vpce_buf_clear(&b->text);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct builder *b = ud;

	if (b->fail || b->depth == 0 || len <= 0)
		return;
	if (vpce_buf_put(&b->text, s, (size_t)len) != 0) {
		b->fail = "element text too large";
		XML_StopParser(b->parser, XML_FALSE);
	}
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal)
{
	struct builder *b = ud;
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	b->fail = "document type declarations are not accepted";
	XML_StopParser(b->parser, XML_FALSE);
}

int vpce_xml_parse(const char *text, size_t len, const char *name, struct vpce_xml_doc **out,
		   struct vpce_error *err)
{
	struct builder *b = NULL;
	struct vpce_xml_doc *doc = NULL;
	int rc = 0;
	const size_t chunk = (size_t)1 << 20;
	size_t off = 0;

	*out = NULL;
	b = calloc(1, sizeof(*b));
	doc = calloc(1, sizeof(*doc));
	if (!b || !doc) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto out;
	}
	vpce_arena_init(&doc->arena, 16384);
	vpce_buf_init(&b->text, (size_t)64 << 20);
	b->doc = doc;
	b->parser = XML_ParserCreate("UTF-8");
	if (!b->parser) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto out;
	}
	XML_SetUserData(b->parser, b);
	XML_SetElementHandler(b->parser, on_start, on_end);
	XML_SetCharacterDataHandler(b->parser, on_text);
	XML_SetStartDoctypeDeclHandler(b->parser, on_doctype);
	/* Feed in chunks: expat streams; the tree grows as elements close. */
	do {
		size_t n = len - off < chunk ? len - off : chunk;
		bool final = off + n == len;
		if (XML_Parse(b->parser, text + off, (int)n, final) != XML_STATUS_OK) {
			rc = vpce_error_setpos(err, VPCE_EPARSE, name,
					       (unsigned)XML_GetCurrentLineNumber(b->parser),
					       (unsigned)XML_GetCurrentColumnNumber(b->parser) + 1,
					       "XML: %s",
					       b->fail ? b->fail
						       : XML_ErrorString(XML_GetErrorCode(b->parser)));
			goto out;
		}
		off += n;
	} while (off < len);
	if (!doc->root) {
		rc = vpce_error_setpos(err, VPCE_EPARSE, name, 1, 1, "XML: no root element");
		goto out;
	}
	*out = doc;
	doc = NULL;
out:
	if (b) {
		if (b->parser)
			XML_ParserFree(b->parser);
		vpce_buf_release(&b->text);
		free(b);
	}
	vpce_xml_doc_free(doc);
	return rc;
}

void vpce_xml_doc_free(struct vpce_xml_doc *doc)
{
	if (!doc)
		return;
	vpce_arena_release(&doc->arena);
	free(doc);
}

const struct vpce_xml_node *vpce_xml_root(const struct vpce_xml_doc *doc)
{
	return doc ? doc->root : NULL;
}

const struct vpce_xml_node *vpce_xml_child(const struct vpce_xml_node *n, const char *name)
{
	for (const struct vpce_xml_node *c = n ? n->child : NULL; c; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

const struct vpce_xml_node *vpce_xml_path(const struct vpce_xml_node *n, const char *path)
{
	char part[128];

	while (n && path && *path) {
		const char *slash = strchr(path, '/');
		size_t len = slash ? (size_t)(slash - path) : strlen(path);
		if (len >= sizeof(part))
			return NULL;
		memcpy(part, path, len);
		part[len] = 0;
		n = vpce_xml_child(n, part);
		path = slash ? slash + 1 : NULL;
	}
	return n;
}

const struct vpce_xml_node *vpce_xml_find(const struct vpce_xml_node *n, const char *name)
{
	if (!n)
		return NULL;
	if (strcmp(n->name, name) == 0)
		return n;
	for (const struct vpce_xml_node *c = n->child; c; c = c->next) {
		const struct vpce_xml_node *f = vpce_xml_find(c, name);
		if (f)
			return f;
	}
	return NULL;
}
