/* EC2 Query API responses -> the JSON the AWS CLI prints.
 *
 * The EC2 protocol ("ec2" in botocore) returns XML whose element names are
 * the model's locationName (camelCase, lists as <xxxSet><item>…</item>) and
 * the CLI prints botocore's parsed dict: member names (PascalCase) in model
 * order, lists as arrays of every child element, booleans true only for the
 * text "true", integers as numbers, timestamps as the text received (AWS CLI
 * v1's default cli_timestamp_format "none"). Paginated operations print the
 * paginator's result keys first, merged over all pages, then the other
 * members of the first page, without NextToken. The layout is Python's
 * json.dumps(indent=4, ensure_ascii=False) plus a newline.
 * The tables come from botocore's model via tools/gen_ec2_model.py.
 */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include "aws/ec2_model.h"
#include "vpce/aws.h"
#include "util/util.h"

#define MAX_PAGES 100000

static const struct ec2_operation *find_op(const char *name)
{
	for (unsigned i = 0; i < ec2_noperations; i++)
		if (strcmp(ec2_operations[i].name, name) == 0)
			return &ec2_operations[i];
	return NULL;
}

bool vpce_ec2_operation_known(const char *operation)
{
	return operation && find_op(operation) != NULL;
}

static void newline(struct vpce_buf *b, int level)
{
	vpce_buf_putc(b, '\n');
	for (int i = 0; i < level; i++)
		vpce_buf_puts(b, "    ");
}

/* A JSON string as Python's json.dumps(ensure_ascii=False) writes it. */
static void put_str(struct vpce_buf *b, const char *s, size_t n)
{
	vpce_buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': vpce_buf_puts(b, "\\\""); break;
		case '\\': vpce_buf_puts(b, "\\\\"); break;
		case '\n': vpce_buf_puts(b, "\\n"); break;
		case '\r': vpce_buf_puts(b, "\\r"); break;
		case '\t': vpce_buf_puts(b, "\\t"); break;
		case '\b': vpce_buf_puts(b, "\\b"); break;
		case '\f': vpce_buf_puts(b, "\\f"); break;
		default:
			if (c < 0x20)
				vpce_buf_printf(b, "\\u%04x", c);
			else
				vpce_buf_putc(b, (char)c);
		}
	}
	vpce_buf_putc(b, '"');
}

static int put_scalar(struct vpce_buf *b, int type, const struct vpce_xml_node *n,
		      struct vpce_error *err)
{
	char tmp[64];

	switch (type) {
	case EC2_BOOLEAN:
		vpce_buf_puts(b, n->text_len == 4 && memcmp(n->text, "true", 4) == 0 ? "true"
										: "false");
		return 0;
	case EC2_INTEGER: {
		long v;
		size_t s = 0, e = n->text_len;
		while (s < e && (n->text[s] == ' ' || n->text[s] == '\n' || n->text[s] == '\t'))
			s++;
		while (e > s && (n->text[e - 1] == ' ' || n->text[e - 1] == '\n' || n->text[e - 1] == '\t'))
			e--;
		if (e > s && n->text[s] == '+')
			s++;
		if (vpce_parse_long(n->text + s, e - s, -9223372036854775807L - 1,
				    9223372036854775807L, &v) != 0)
			return vpce_error_set(err, VPCE_EPARSE, "<%s> is not an integer: '%.40s'",
					      n->name, n->text);
		vpce_buf_printf(b, "%ld", v);
		return 0;
	}
	case EC2_DOUBLE: {
		char *end;
		double d;
		if (n->text_len == 0 || n->text_len >= sizeof(tmp))
			return vpce_error_set(err, VPCE_EPARSE, "<%s> is not a number", n->name);
		memcpy(tmp, n->text, n->text_len);
		tmp[n->text_len] = 0;
		d = strtod(tmp, &end);
		if (*end || !isfinite(d))
			return vpce_error_set(err, VPCE_EPARSE, "<%s> is not a number", n->name);
		/* shortest text that reads back to d, like Python's repr */
		for (int p = 1; p <= 17; p++) {
			snprintf(tmp, sizeof(tmp), "%.*g", p, d);
			if (strtod(tmp, NULL) == d)
				break;
		}
		vpce_buf_puts(b, tmp);
		if (!strpbrk(tmp, ".en"))
			vpce_buf_puts(b, ".0");
		return 0;
	}
	default: /* string, timestamp */
		put_str(b, n->text, n->text_len);
		return 0;
	}
}

static int put_value(struct vpce_buf *b, unsigned shape, const struct vpce_xml_node *n, int level,
		     struct vpce_error *err);

/* The separator and indentation before the next element of a list or
 * object at level (none before the first). */
static void next_item(struct vpce_buf *b, bool *first, int level)
{
	if (!*first)
		vpce_buf_putc(b, ',');
	*first = false;
	newline(b, level);
}

/* The next object member's key, as next_item then "Name": . */
static void next_member(struct vpce_buf *b, bool *first, int level, const char *name)
{
	next_item(b, first, level);
	put_str(b, name, strlen(name));
	vpce_buf_puts(b, ": ");
}

static int put_list_items(struct vpce_buf *b, unsigned item_shape, const struct vpce_xml_node *list,
			  int level, bool *first, struct vpce_error *err)
{
	for (const struct vpce_xml_node *it = list ? list->child : NULL; it; it = it->next) {
		int rc;
		next_item(b, first, level + 1);
		if ((rc = put_value(b, item_shape, it, level + 1, err)) != 0)
			return rc;
	}
	return 0;
}

static int put_value(struct vpce_buf *b, unsigned shape, const struct vpce_xml_node *n, int level,
		     struct vpce_error *err)
{
	const struct ec2_shape *sh = &ec2_shapes[shape];
	bool first = true;
	int rc;

	if (sh->type == EC2_LIST) {
		vpce_buf_putc(b, '[');
		if ((rc = put_list_items(b, sh->a, n, level, &first, err)) != 0)
			return rc;
		if (!first)
			newline(b, level);
		vpce_buf_putc(b, ']');
		return 0;
	}
	if (sh->type != EC2_STRUCT)
		return put_scalar(b, sh->type, n, err);
	vpce_buf_putc(b, '{');
	for (unsigned i = sh->a; i < (unsigned)sh->a + sh->n; i++) {
		const struct ec2_member *m = &ec2_members[i];
		const struct vpce_xml_node *c = vpce_xml_child(n, m->xml);
		if (!c)
			continue;
		next_member(b, &first, level + 1, m->name);
		if ((rc = put_value(b, m->shape, c, level + 1, err)) != 0)
			return rc;
	}
	if (!first)
		newline(b, level);
	vpce_buf_putc(b, '}');
	return 0;
}

static const struct ec2_member *member_named(const struct ec2_shape *sh, const char *name)
{
	for (unsigned i = sh->a; i < (unsigned)sh->a + sh->n; i++)
		if (strcmp(ec2_members[i].name, name) == 0)
			return &ec2_members[i];
	return NULL;
}

int vpce_ec2_xml_to_json(const char *operation, const struct vpce_xml_node *const *pages,
			 size_t npages, struct vpce_buf *out, struct vpce_error *err)
{
	const struct ec2_operation *op = find_op(operation);
	const struct ec2_shape *sh;
	bool first = true;
	int rc = 0;

	vpce_buf_clear(out);
	if (!op)
		return vpce_error_set(err, VPCE_EUNSUPPORTED, "unknown EC2 operation '%s'",
				      operation);
	if (npages == 0 || !pages[0])
		return vpce_error_set(err, VPCE_EUSAGE, "%s: no response pages", operation);
	sh = &ec2_shapes[op->output];
	if (!op->paginated) {
		rc = put_value(out, op->output, pages[0], 0, err);
		goto done;
	}
	vpce_buf_putc(out, '{');
	for (int k = 0; k < EC2_MAX_RESULT_KEYS && op->result_keys[k]; k++) {
		const struct ec2_member *m = member_named(sh, op->result_keys[k]);
		bool present = false, ifirst = true;
		if (!m || ec2_shapes[m->shape].type != EC2_LIST)
			continue;
		for (size_t p = 0; p < npages; p++)
			present = present || vpce_xml_child(pages[p], m->xml);
		if (!present)
			continue;
		next_member(out, &first, 1, m->name);
		vpce_buf_putc(out, '[');
		for (size_t p = 0; p < npages; p++) {
			rc = put_list_items(out, ec2_shapes[m->shape].a,
					    vpce_xml_child(pages[p], m->xml), 1, &ifirst, err);
			if (rc)
				goto done;
		}
		if (!ifirst)
			newline(out, 1);
		vpce_buf_putc(out, ']');
	}
	for (unsigned i = sh->a; i < (unsigned)sh->a + sh->n; i++) {
		const struct ec2_member *m = &ec2_members[i];
		const struct vpce_xml_node *c;
		bool is_key = strcmp(m->name, "NextToken") == 0;
		for (int k = 0; k < EC2_MAX_RESULT_KEYS && op->result_keys[k]; k++)
			is_key = is_key || strcmp(op->result_keys[k], m->name) == 0;
		if (is_key || !(c = vpce_xml_child(pages[0], m->xml)))
			continue;
		next_member(out, &first, 1, m->name);
		if ((rc = put_value(out, m->shape, c, 1, err)) != 0)
			goto done;
	}
	if (!first)
		newline(out, 0);
	vpce_buf_putc(out, '}');
done:
	if (rc == 0) {
		vpce_buf_putc(out, '\n');
		if (out->failed)
			rc = vpce_error_set(err, VPCE_ENOMEM, "%s: output too large", operation);
	}
	return rc;
}

int vpce_ec2_call_json(struct vpce_aws_client *ec2, const char *operation,
		       const struct vpce_aws_param *params, size_t nparams, int max_results,
		       struct vpce_buf *out, struct vpce_error *err)
{
	const struct ec2_operation *op = find_op(operation);
	struct vpce_xml_doc **docs = NULL;
	const struct vpce_xml_node **roots = NULL;
	size_t ndocs = 0, alloc = 0, ralloc = 0, nroots = 0;
	struct vpce_aws_param *p = NULL;
	char *token = NULL;
	char maxbuf[24];
	int rc = 0;

	if (!op)
		return vpce_error_set(err, VPCE_EUNSUPPORTED, "unknown EC2 operation '%s'",
				      operation);
	p = calloc(nparams + 2, sizeof(*p));
	if (!p)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	for (size_t i = 0; i < nparams; i++)
		p[i] = params[i];
	snprintf(maxbuf, sizeof(maxbuf), "%d", max_results);
	for (;;) {
		size_t np = nparams;
		struct vpce_xml_doc *doc = NULL;
		const struct vpce_xml_node *next;

		if (op->paginated && max_results > 0)
			p[np++] = (struct vpce_aws_param){ "MaxResults", maxbuf };
		if (token)
			p[np++] = (struct vpce_aws_param){ "NextToken", token };
		rc = vpce_aws_query(ec2, operation, "2016-11-15", p, np, &doc, err);
		if (rc)
			goto out;
		if (VPCE_ARRAY_PUSH(docs, ndocs, alloc, doc) != 0 ||
		    VPCE_ARRAY_PUSH(roots, nroots, ralloc, vpce_xml_root(doc)) != 0) {
			if (ndocs == 0 || docs[ndocs - 1] != doc)
				vpce_xml_doc_free(doc);
			rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
			goto out;
		}
		next = vpce_xml_child(vpce_xml_root(doc), "nextToken");
		free(token);
		token = NULL;
		if (!op->paginated || !next || next->text_len == 0)
			break;
		if (ndocs >= MAX_PAGES) {
			rc = vpce_error_set(err, VPCE_EAWS, "%s: more than %d pages", operation,
					    MAX_PAGES);
			goto out;
		}
		if (ndocs > 1 && strcmp(next->text, vpce_xml_child(vpce_xml_root(docs[ndocs - 2]),
								   "nextToken")->text) == 0) {
			rc = vpce_error_set(err, VPCE_EAWS, "%s: the same NextToken came back twice",
					    operation);
			goto out;
		}
		token = strdup(next->text);
		if (!token) {
			rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
			goto out;
		}
	}
	rc = vpce_ec2_xml_to_json(operation, roots, nroots, out, err);
out:
	free(token);
	for (size_t i = 0; i < ndocs; i++)
		vpce_xml_doc_free(docs[i]);
	free(docs);
	free(roots);
	free(p);
	return rc;
}
