/* SigV4 signer against AWS's published test suite (tests/data/sigv4/). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vpce/aws.h"

#define SUITE VPCE_TEST_DATA "/sigv4/"

static char *slurp(const char *name, const char *ext)
{
	char path[512];
	struct vpce_buf b = VPCE_BUF_INIT;
	struct vpce_error err;

	snprintf(path, sizeof(path), "%s%s.%s", SUITE, name, ext);
	if (vpce_buf_read_file(&b, path, &err) != 0)
		return NULL;
	return vpce_buf_detach(&b, NULL);
}

static const char *SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/* Parse a suite .req file ("METHOD PATH?QUERY HTTP/1.1", header lines
 * "Name:value", blank line, body) and sign it. */
static void sign_vector(const char *name, struct vpce_buf *authz, struct vpce_buf *creq,
			struct vpce_buf *sts)
{
	char *req = slurp(name, "req");
	struct vpce_aws_header hdrs[16];
	size_t nh = 0;
	char *line, *p, *body = NULL, *path, *query = NULL, *date = NULL, *token = NULL;
	struct vpce_aws_credentials cred = { "AKIDEXAMPLE", (char *)SECRET, NULL, NULL, "test" };
	struct vpce_sigv4_request r;
	struct vpce_error err;

	assert_non_null(req);
	p = strstr(req, "\n\n");
	if (p) {
		*p = 0;
		body = p + 2;
	}
	line = req;
	p = strchr(line, '\n');
	assert_non_null(p);
	*p++ = 0;
	/* request line */
	path = strchr(line, ' ');
	*path++ = 0;
	*strrchr(path, ' ') = 0;
	query = strchr(path, '?');
	if (query)
		*query++ = 0;
	while (p && *p) {
		char *nl = strchr(p, '\n'), *colon;
		if (nl)
			*nl = 0;
		colon = strchr(p, ':');
		assert_non_null(colon);
		*colon = 0;
		hdrs[nh].name = p;
		hdrs[nh].value = colon + 1;
		if (strcmp(p, "X-Amz-Date") == 0)
			date = colon + 1;
		if (strcmp(p, "X-Amz-Security-Token") == 0)
			token = colon + 1;
		nh++;
		p = nl ? nl + 1 : NULL;
	}
	cred.session_token = token;
	memset(&r, 0, sizeof(r));
	r.method = line;
	r.path = path;
	r.query = query;
	r.headers = hdrs;
	r.nheaders = nh;
	r.body = body;
	r.body_len = body ? strlen(body) : 0;
	r.region = "us-east-1";
	r.service = "service";
	r.amz_date = date;
	assert_int_equal(vpce_sigv4_sign(&r, &cred, authz, creq, sts, &err), 0);
	free(req);
}

static void check_vector(const char *name)
{
	struct vpce_buf authz = VPCE_BUF_INIT, creq = VPCE_BUF_INIT, sts = VPCE_BUF_INIT;
	char *want = slurp(name, "authz");
	char *want_creq = slurp(name, "creq");
	char *want_sts = slurp(name, "sts");

	sign_vector(name, &authz, &creq, &sts);
	if (want)
		assert_string_equal(authz.ptr, want);
	if (want_creq)
		assert_string_equal(creq.ptr, want_creq);
	if (want_sts)
		assert_string_equal(sts.ptr, want_sts);
	assert_true(want || want_creq);
	free(want);
	free(want_creq);
	free(want_sts);
	vpce_buf_release(&authz);
	vpce_buf_release(&creq);
	vpce_buf_release(&sts);
}

#define VECTOR(fn, name)                 \
	static void fn(void **state)     \
	{                                \
		(void)state;             \
		check_vector(name);      \
	}
VECTOR(test_sigv4_get_vanilla, "get-vanilla")
VECTOR(test_sigv4_query_params_sorted_by_key_case_sensitive, "get-vanilla-query-order-key-case")
VECTOR(test_sigv4_repeated_query_key_sorted_by_value, "get-vanilla-query-order-key")
VECTOR(test_sigv4_unreserved_query_chars_not_encoded, "get-vanilla-query-unreserved")
VECTOR(test_sigv4_empty_query_key, "get-vanilla-empty-query-key")
VECTOR(test_sigv4_header_values_trimmed_and_spaces_collapsed, "get-header-value-trim")
VECTOR(test_sigv4_duplicate_header_values_joined_in_order, "get-header-key-duplicate")
VECTOR(test_sigv4_utf8_path_percent_encoded, "get-utf8")
VECTOR(test_sigv4_post_vanilla, "post-vanilla")
VECTOR(test_sigv4_headers_sorted_by_name, "post-header-key-sort")
VECTOR(test_sigv4_form_body_hashed_and_content_type_signed, "post-x-www-form-urlencoded")
VECTOR(test_sigv4_content_type_parameters_kept, "post-x-www-form-urlencoded-parameters")
VECTOR(test_sigv4_session_token_header_signed, "post-sts-header-before")

static void test_sigv4_rejects_missing_credentials(void **state)
{
	struct vpce_buf authz = VPCE_BUF_INIT;
	struct vpce_aws_credentials cred = { 0 };
	struct vpce_sigv4_request r = { 0 };
	struct vpce_error err;
	(void)state;

	r.method = "GET";
	r.region = "us-east-1";
	r.service = "ec2";
	r.amz_date = "20150830T123600Z";
	assert_int_equal(vpce_sigv4_sign(&r, &cred, &authz, NULL, NULL, &err), VPCE_EUSAGE);
	vpce_buf_release(&authz);
}

static void test_sha256_of_empty_string(void **state)
{
	char hex[65];
	(void)state;

	vpce_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	vpce_sha256_hex("abc", 3, hex); /* FIPS 180-2 example */
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_uri_encode_strict(void **state)
{
	struct vpce_buf b = VPCE_BUF_INIT;
	(void)state;

	vpce_aws_uri_encode(&b, "a b+c/d~e=", 10, false);
	assert_string_equal(b.ptr, "a%20b%2Bc%2Fd~e%3D");
	vpce_buf_clear(&b);
	vpce_aws_uri_encode(&b, "/x y/", 5, true);
	assert_string_equal(b.ptr, "/x%20y/");
	vpce_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sigv4_get_vanilla),
		cmocka_unit_test(test_sigv4_query_params_sorted_by_key_case_sensitive),
		cmocka_unit_test(test_sigv4_repeated_query_key_sorted_by_value),
		cmocka_unit_test(test_sigv4_unreserved_query_chars_not_encoded),
		cmocka_unit_test(test_sigv4_empty_query_key),
		cmocka_unit_test(test_sigv4_header_values_trimmed_and_spaces_collapsed),
		cmocka_unit_test(test_sigv4_duplicate_header_values_joined_in_order),
		cmocka_unit_test(test_sigv4_utf8_path_percent_encoded),
		cmocka_unit_test(test_sigv4_post_vanilla),
		cmocka_unit_test(test_sigv4_headers_sorted_by_name),
		cmocka_unit_test(test_sigv4_form_body_hashed_and_content_type_signed),
		cmocka_unit_test(test_sigv4_content_type_parameters_kept),
		cmocka_unit_test(test_sigv4_session_token_header_signed),
		cmocka_unit_test(test_sigv4_rejects_missing_credentials),
		cmocka_unit_test(test_sha256_of_empty_string),
		cmocka_unit_test(test_uri_encode_strict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
