#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "vpce/json.h"

static struct vpce_json_doc *parse_ok(const char *s)
{
	struct vpce_json_doc *doc = NULL;
	struct vpce_error err;

	vpce_error_clear(&err);
	assert_int_equal(vpce_json_parse(s, strlen(s), "t.json", &doc, &err), 0);
	assert_non_null(doc);
	return doc;
}

static void expect_error(const char *s, unsigned line, unsigned col, const char *needle)
{
	struct vpce_json_doc *doc = NULL;
	struct vpce_error err;

	vpce_error_clear(&err);
	assert_int_equal(vpce_json_parse(s, strlen(s), "t.json", &doc, &err), VPCE_EPARSE);
	assert_null(doc);
	assert_int_equal(err.line, line);
	assert_int_equal(err.col, col);
	assert_string_equal(err.file, "t.json");
	assert_non_null(strstr(err.message, needle));
}

static void test_json_parses_nested_objects_in_order(void **state)
{
	struct vpce_json_doc *doc;
	const struct vpce_json *root, *arr;
	int i = 0;
	(void)state;

	doc = parse_ok("{\"Vpcs\": [ {\"VpcId\": \"vpc-1\", \"IsDefault\": true}, {\"VpcId\": \"vpc-2\"} ], \"n\": -12}");
	root = vpce_json_root(doc);
	assert_int_equal(root->type, VPCE_JSON_OBJECT);
	assert_int_equal(root->count, 2);
	arr = vpce_json_get(root, "Vpcs");
	assert_int_equal(arr->type, VPCE_JSON_ARRAY);
	assert_int_equal(arr->count, 2);
	vpce_json_foreach(v, arr) {
		assert_string_equal(vpce_json_get_str(v, "VpcId"), i == 0 ? "vpc-1" : "vpc-2");
		i++;
	}
	assert_int_equal(i, 2);
	assert_int_equal(vpce_json_get_bool(arr->u.child, "IsDefault", -1), 1);
	assert_int_equal(vpce_json_get_bool(arr->u.child->next, "IsDefault", -1), -1);
	assert_true(vpce_json_get(root, "n")->is_int);
	assert_int_equal(vpce_json_get(root, "n")->u.num.i, -12);
	assert_null(vpce_json_get(root, "missing"));
	vpce_json_doc_free(doc);
}

static void test_json_unescapes_strings_and_unicode(void **state)
{
	struct vpce_json_doc *doc;
	const struct vpce_json *root;
	(void)state;

	doc = parse_ok("[\"a\\\"b\\\\c\\/d\\n\", \"\\u00e9\\ud83d\\ude00\", \"\"]");
	root = vpce_json_root(doc);
	assert_string_equal(root->u.child->u.str, "a\"b\\c/d\n");
	assert_int_equal(root->u.child->count, 8);
	assert_string_equal(root->u.child->next->u.str, "\xc3\xa9\xf0\x9f\x98\x80");
	assert_string_equal(root->u.child->next->next->u.str, "");
	vpce_json_doc_free(doc);
}

static void test_json_numbers_int_and_float(void **state)
{
	struct vpce_json_doc *doc;
	const struct vpce_json *n;
	(void)state;

	doc = parse_ok("[0, 443, 65535, 1.5, -2e3, 12345678901234567890]");
	n = vpce_json_root(doc)->u.child;
	assert_true(n->is_int);
	assert_int_equal(n->u.num.i, 0);
	n = n->next;
	assert_int_equal(n->u.num.i, 443);
	n = n->next;
	assert_int_equal(n->u.num.i, 65535);
	n = n->next;
	assert_false(n->is_int);
	assert_true(n->u.num.d == 1.5);
	n = n->next;
	assert_true(n->u.num.d == -2000.0);
	n = n->next;
	assert_false(n->is_int); /* too large for int64 */
	vpce_json_doc_free(doc);
}

static void test_json_error_positions_are_exact(void **state)
{
	(void)state;
	expect_error("{\n  \"a\": 1,\n  \"b\" 2\n}", 3, 7, "expected ':'");
	expect_error("[1, 2,]", 1, 7, "unexpected character ']'");
	expect_error("{\"a\": tru}", 1, 7, "invalid literal");
	expect_error("{\"a\": \"x", 1, 7, "unterminated string");
	expect_error("[1 2]", 1, 4, "expected ','");
	expect_error("{} x", 1, 4, "trailing characters");
	expect_error("", 1, 1, "empty document");
	expect_error("[01]", 1, 3, "expected ','");
	expect_error("[1.]", 1, 4, "digit expected");
	expect_error("[\"\\x\"]", 1, 3, "invalid escape");
	expect_error("{\"a\":[1,", 1, 9, "unexpected end of input");
}

static void test_json_rejects_excessive_depth(void **state)
{
	char buf[VPCE_JSON_MAX_DEPTH * 2 + 8];
	size_t n = 0;
	struct vpce_json_doc *doc = NULL;
	struct vpce_error err;
	(void)state;

	for (int i = 0; i < VPCE_JSON_MAX_DEPTH + 1; i++)
		buf[n++] = '[';
	for (int i = 0; i < VPCE_JSON_MAX_DEPTH + 1; i++)
		buf[n++] = ']';
	assert_int_equal(vpce_json_parse(buf, n, NULL, &doc, &err), VPCE_EPARSE);
	assert_non_null(strstr(err.message, "nesting"));
}

static void test_json_rejects_nul_and_control_chars(void **state)
{
	struct vpce_json_doc *doc = NULL;
	struct vpce_error err;
	(void)state;

	assert_int_equal(vpce_json_parse("[\"a\0\"]", 6, NULL, &doc, &err), VPCE_EPARSE);
	expect_error("[\"a\tb\"]", 1, 4, "control character");
}

static void test_json_skips_bom(void **state)
{
	struct vpce_json_doc *doc = parse_ok("\xEF\xBB\xBF{\"k\":\"v\"}");
	(void)state;
	assert_string_equal(vpce_json_get_str(vpce_json_root(doc), "k"), "v");
	vpce_json_doc_free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_parses_nested_objects_in_order),
		cmocka_unit_test(test_json_unescapes_strings_and_unicode),
		cmocka_unit_test(test_json_numbers_int_and_float),
		cmocka_unit_test(test_json_error_positions_are_exact),
		cmocka_unit_test(test_json_rejects_excessive_depth),
		cmocka_unit_test(test_json_rejects_nul_and_control_chars),
		cmocka_unit_test(test_json_skips_bom),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
