/* Data-driven evaluator tests: every JSON file under tests/data/policy file holds
 * groups of {policy, cases}; each case is a request (action, resource,
 * principal, context) and the decision AWS documents for it (decision and
 * deciding statement index). Failures are reported by file and case name. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <cmocka.h>
#include "vpce/buf.h"
#include "vpce/json.h"
#include "vpce/policy.h"

static const char *dec_name(const char *s)
{
	return s ? s : "(missing)";
}

static int run_case(const char *file, const struct vpce_policy *p, const struct vpce_json *c)
{
	static struct vpce_policy_request req;
	struct vpce_policy_decision d;
	const char *name = vpce_json_get_str(c, "name");
	const char *expect = vpce_json_get_str(c, "expect");
	const struct vpce_json *ctx = vpce_json_get(c, "context");
	const struct vpce_json *st = vpce_json_get(c, "statement");
	int want_stmt = -1;

	vpce_policy_request_init(&req);
	vpce_policy_request_set_action(&req, vpce_json_get_str(c, "action"));
	vpce_policy_request_set_resource(&req, vpce_json_get_str(c, "resource"));
	vpce_policy_request_set_principal(&req, vpce_json_get_str(c, "principal"));
	vpce_json_foreach(kv, ctx) {
		if (kv->type == VPCE_JSON_ARRAY) {
			assert_int_equal(vpce_policy_request_add_key(&req, kv->key), 0);
			vpce_json_foreach(v, kv)
				assert_int_equal(vpce_policy_request_add(&req, kv->key, v->u.str), 0);
		} else {
			assert_int_equal(vpce_policy_request_add(&req, kv->key, kv->u.str), 0);
		}
	}
	if (st && st->type == VPCE_JSON_NUMBER)
		want_stmt = (int)st->u.num.i;
	assert_non_null(name);
	assert_non_null(expect);
	assert_int_equal(vpce_policy_eval(p, &req, &d), 0);
	if (strcmp(vpce_policy_result_name(d.result), expect) != 0 || d.statement != want_stmt) {
		fprintf(stderr, "FAIL %s: %s: expected %s/%d, got %s/%d\n", file, name,
			dec_name(expect), want_stmt, vpce_policy_result_name(d.result), d.statement);
		return 1;
	}
	if (d.statement >= 0)
		assert_ptr_equal(d.sid, vpce_policy_statement_sid(p, (size_t)d.statement));
	return 0;
}

static void test_policy_cases_match_aws_documentation(void **state)
{
	DIR *dir = opendir(VPCE_TEST_DATA "/policy");
	struct dirent *de;
	int total = 0, failed = 0, files = 0;
	(void)state;

	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL) {
		char path[1024];
		struct vpce_buf b = VPCE_BUF_INIT;
		struct vpce_json_doc *doc = NULL;
		struct vpce_error err;
		size_t n = strlen(de->d_name);

		if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/policy/%s", VPCE_TEST_DATA, de->d_name);
		vpce_error_clear(&err);
		assert_int_equal(vpce_buf_read_file(&b, path, &err), 0);
		assert_int_equal(vpce_json_parse(b.ptr, b.len, path, &doc, &err), 0);
		files++;
		vpce_json_foreach(g, vpce_json_get(vpce_json_root(doc), "groups")) {
			struct vpce_policy *p = NULL;
			if (vpce_policy_from_json(doc, vpce_json_get(g, "policy"), &p, &err) != 0) {
				fprintf(stderr, "FAIL %s: policy does not parse: %s:%u:%u: %s\n",
					de->d_name, err.file, err.line, err.col, err.message);
				failed++;
				continue;
			}
			vpce_json_foreach(c, vpce_json_get(g, "cases")) {
				total++;
				failed += run_case(de->d_name, p, c);
			}
			vpce_policy_free(p);
		}
		vpce_json_doc_free(doc);
		vpce_buf_release(&b);
	}
	closedir(dir);
	fprintf(stderr, "%d policy cases in %d files, %d failed\n", total, files, failed);
	assert_true(total >= 150);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_cases_match_aws_documentation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
