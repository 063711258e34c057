/* Credential chain, region and endpoint resolution with a temporary HOME and
 * environment; IMDSv2 and container endpoints against a loopback stand-in
 * (tests/data/aws/metadata_stub.py). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "vpce/aws.h"

extern char **environ;

static char home[256];

static const char *VARS[] = {
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
	"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL",
	"AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_STS", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_EC2_METADATA_SERVICE_ENDPOINT",
	"AWS_MAX_ATTEMPTS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
};

static void write_file(const char *rel, const char *text, int mode)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", home, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, (mode_t)mode);
}

static int setup(void **state)
{
	char dir[512];
	(void)state;

	snprintf(home, sizeof(home), "/tmp/vpce-cred-XXXXXX");
	if (!mkdtemp(home))
		return -1;
	snprintf(dir, sizeof(dir), "%s/.aws", home);
	mkdir(dir, 0700);
	for (size_t i = 0; i < sizeof(VARS) / sizeof(VARS[0]); i++)
		unsetenv(VARS[i]);
	setenv("HOME", home, 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];
	(void)state;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", home);
	return system(cmd) == 0 ? 0 : -1;
}

static void resolve_ok(const struct vpce_aws_options *o, struct vpce_aws_credentials *c)
{
	struct vpce_error err;

	vpce_error_clear(&err);
	if (vpce_aws_resolve_credentials(o, c, &err) != 0)
		fail_msg("resolve failed: %s", err.message);
}

static void test_env_credentials_come_first(void **state)
{
	struct vpce_aws_credentials c;
	(void)state;

	write_file(".aws/credentials", "[default]\naws_access_key_id = FILEKEY\n"
				       "aws_secret_access_key = FILESECRET\n", 0600);
	setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET", 1);
	setenv("AWS_SESSION_TOKEN", "ENVTOKEN", 1);
	resolve_ok(NULL, &c);
	assert_string_equal(c.access_key_id, "ENVKEY");
	assert_string_equal(c.secret_access_key, "ENVSECRET");
	assert_string_equal(c.session_token, "ENVTOKEN");
	assert_string_equal(c.source, "env");
	vpce_aws_credentials_release(&c);
}

static void test_explicit_profile_overrides_env(void **state)
{
	struct vpce_aws_credentials c;
	struct vpce_aws_options o = { 0 };
	(void)state;

	write_file(".aws/credentials", "[dev]\naws_access_key_id = DEVKEY\n"
				       "aws_secret_access_key = DEVSECRET\n", 0600);
	setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET", 1);
	o.profile = "dev";
	resolve_ok(&o, &c);
	assert_string_equal(c.access_key_id, "DEVKEY");
	assert_null(c.session_token);
	assert_string_equal(c.source, "shared-credentials-file");
	vpce_aws_credentials_release(&c);
}

static void test_aws_profile_selects_config_file_profile(void **state)
{
	struct vpce_aws_credentials c;
	(void)state;

	write_file(".aws/config", "# comment\n[default]\nregion = eu-west-1\n\n"
				  "[profile ops]\naws_access_key_id = OPSKEY\n"
				  "aws_secret_access_key = OPSSECRET\nregion = ap-south-1\n", 0600);
	setenv("AWS_PROFILE", "ops", 1);
	resolve_ok(NULL, &c);
	assert_string_equal(c.access_key_id, "OPSKEY");
	assert_string_equal(c.source, "config-file");
	vpce_aws_credentials_release(&c);
}

static void test_file_locations_from_env(void **state)
{
	struct vpce_aws_credentials c;
	char path[512];
	(void)state;

	write_file("other-creds", "[default]\naws_access_key_id = OTHERKEY\n"
				  "aws_secret_access_key = OTHERSECRET\n", 0600);
	snprintf(path, sizeof(path), "%s/other-creds", home);
	setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
	resolve_ok(NULL, &c);
	assert_string_equal(c.access_key_id, "OTHERKEY");
	vpce_aws_credentials_release(&c);
}

static void test_credential_process_output_is_used(void **state)
{
	struct vpce_aws_credentials c;
	char cfg[1024];
	(void)state;

	write_file("proc.sh", "#!/bin/sh\n[ \"$1\" = \"--arg with space\" ] || exit 3\n"
			      "echo '{\"Version\": 1, \"AccessKeyId\": \"PROCKEY\", "
			      "\"SecretAccessKey\": \"PROCSECRET\", \"SessionToken\": \"PROCTOKEN\", "
			      "\"Expiration\": \"2030-01-01T00:00:00Z\"}'\n", 0755);
	snprintf(cfg, sizeof(cfg), "[default]\ncredential_process = %s/proc.sh \"--arg with space\"\n",
		 home);
	write_file(".aws/config", cfg, 0600);
	resolve_ok(NULL, &c);
	assert_string_equal(c.access_key_id, "PROCKEY");
	assert_string_equal(c.session_token, "PROCTOKEN");
	assert_string_equal(c.expiration, "2030-01-01T00:00:00Z");
	assert_string_equal(c.source, "credential-process");
	vpce_aws_credentials_release(&c);
}

static void test_credential_process_bad_version_fails_without_leaking_secret(void **state)
{
	struct vpce_aws_credentials c;
	struct vpce_error err;
	char cfg[1024];
	(void)state;

	write_file("proc.sh", "#!/bin/sh\necho '{\"Version\": 2, \"AccessKeyId\": \"K\", "
			      "\"SecretAccessKey\": \"TOPSECRETVALUE\"}'\n", 0755);
	snprintf(cfg, sizeof(cfg), "[default]\ncredential_process = %s/proc.sh\n", home);
	write_file(".aws/config", cfg, 0600);
	vpce_error_clear(&err);
	assert_int_equal(vpce_aws_resolve_credentials(NULL, &c, &err), VPCE_EINVAL);
	assert_non_null(strstr(err.message, "Version"));
	assert_null(strstr(err.message, "TOPSECRETVALUE"));
}

static void test_credential_process_failure_reports_status(void **state)
{
	struct vpce_aws_credentials c;
	struct vpce_error err;
	char cfg[1024];
	(void)state;

	write_file("proc.sh", "#!/bin/sh\necho SECRETISH >&2\nexit 7\n", 0755);
	snprintf(cfg, sizeof(cfg), "[default]\ncredential_process = %s/proc.sh\n", home);
	write_file(".aws/config", cfg, 0600);
	assert_int_equal(vpce_aws_resolve_credentials(NULL, &c, &err), VPCE_EIO);
	assert_non_null(strstr(err.message, "status 7"));
}

static void test_missing_explicit_profile_is_an_error(void **state)
{
	struct vpce_aws_credentials c;
	struct vpce_aws_options o = { 0 };
	struct vpce_error err;
	(void)state;

	o.profile = "nosuch";
	assert_int_equal(vpce_aws_resolve_credentials(&o, &c, &err), VPCE_ENOTFOUND);
	assert_non_null(strstr(err.message, "nosuch"));
}

static void test_partial_env_credentials_are_an_error(void **state)
{
	struct vpce_aws_credentials c;
	struct vpce_error err;
	(void)state;

	setenv("AWS_ACCESS_KEY_ID", "ONLYKEY", 1);
	assert_int_equal(vpce_aws_resolve_credentials(NULL, &c, &err), VPCE_EINVAL);
}

static void test_role_without_source_is_an_error(void **state)
{
	struct vpce_aws_credentials c;
	struct vpce_error err;
	(void)state;

	write_file(".aws/config", "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\n", 0600);
	assert_int_equal(vpce_aws_resolve_credentials(NULL, &c, &err), VPCE_EINVAL);
	assert_non_null(strstr(err.message, "source_profile"));
}

static void test_role_source_profile_loop_is_an_error(void **state)
{
	struct vpce_aws_credentials c;
	struct vpce_error err;
	(void)state;

	write_file(".aws/config", "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
				  "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n",
		   0600);
	setenv("AWS_PROFILE", "a", 1);
	assert_int_equal(vpce_aws_resolve_credentials(NULL, &c, &err), VPCE_EINVAL);
	assert_non_null(strstr(err.message, "loop"));
}

static void test_config_syntax_error_has_position(void **state)
{
	struct vpce_aws_credentials c;
	struct vpce_error err;
	(void)state;

	write_file(".aws/config", "[default]\nregion = us-east-1\nthis line is wrong\n", 0600);
	assert_int_equal(vpce_aws_resolve_credentials(NULL, &c, &err), VPCE_EPARSE);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.col, 1);
	assert_non_null(strstr(err.file, ".aws/config"));
}

static void test_no_credentials_anywhere(void **state)
{
	struct vpce_aws_credentials c;
	struct vpce_error err;
	(void)state;

	assert_int_equal(vpce_aws_resolve_credentials(NULL, &c, &err), VPCE_ENOTFOUND);
	assert_non_null(strstr(err.message, "unable to locate credentials"));
}

static void test_region_resolution_order(void **state)
{
	struct vpce_aws_session *s = NULL;
	struct vpce_aws_options o = { 0 };
	struct vpce_error err;
	(void)state;

	write_file(".aws/config", "[default]\nregion = eu-central-1\n", 0600);
	setenv("AWS_ACCESS_KEY_ID", "K", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "S", 1);
	assert_int_equal(vpce_aws_session_new(&o, &s, &err), 0);
	assert_string_equal(vpce_aws_session_region(s), "eu-central-1");
	vpce_aws_session_free(s);
	setenv("AWS_DEFAULT_REGION", "us-west-1", 1);
	assert_int_equal(vpce_aws_session_new(&o, &s, &err), 0);
	assert_string_equal(vpce_aws_session_region(s), "us-west-1");
	vpce_aws_session_free(s);
	setenv("AWS_REGION", "us-west-2", 1);
	assert_int_equal(vpce_aws_session_new(&o, &s, &err), 0);
	assert_string_equal(vpce_aws_session_region(s), "us-west-2");
	vpce_aws_session_free(s);
	o.region = "sa-east-1";
	assert_int_equal(vpce_aws_session_new(&o, &s, &err), 0);
	assert_string_equal(vpce_aws_session_region(s), "sa-east-1");
	vpce_aws_session_free(s);
}

static void test_endpoint_resolution_order(void **state)
{
	struct vpce_aws_session *s = NULL;
	struct vpce_aws_options o = { 0 };
	struct vpce_buf url = VPCE_BUF_INIT;
	struct vpce_error err;
	(void)state;

	setenv("AWS_ACCESS_KEY_ID", "K", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "S", 1);
	assert_int_equal(vpce_aws_session_new(&o, &s, &err), 0);
	assert_int_equal(vpce_aws_endpoint(s, "ec2", "eu-west-1", &url, &err), 0);
	assert_string_equal(url.ptr, "https://ec2.eu-west-1.amazonaws.com");
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1111/", 1);
	assert_int_equal(vpce_aws_endpoint(s, "ec2", "eu-west-1", &url, &err), 0);
	assert_string_equal(url.ptr, "http://127.0.0.1:1111");
	setenv("AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:2222", 1);
	assert_int_equal(vpce_aws_endpoint(s, "ec2", "eu-west-1", &url, &err), 0);
	assert_string_equal(url.ptr, "http://127.0.0.1:2222");
	assert_int_equal(vpce_aws_endpoint(s, "sts", "eu-west-1", &url, &err), 0);
	assert_string_equal(url.ptr, "http://127.0.0.1:1111");
	vpce_aws_session_free(s);
	o.endpoint_url = "http://localhost:3333";
	assert_int_equal(vpce_aws_session_new(&o, &s, &err), 0);
	assert_int_equal(vpce_aws_endpoint(s, "ec2", "eu-west-1", &url, &err), 0);
	assert_string_equal(url.ptr, "http://localhost:3333");
	vpce_aws_session_free(s);
	o.endpoint_url = "http://ec2.example.com";
	assert_int_equal(vpce_aws_session_new(&o, &s, &err), VPCE_EUSAGE);
	vpce_buf_release(&url);
}

static void test_plain_http_only_to_loopback(void **state)
{
	(void)state;
	assert_true(vpce_aws_url_allowed("https://ec2.us-east-1.amazonaws.com"));
	assert_true(vpce_aws_url_allowed("http://127.0.0.1:5000"));
	assert_true(vpce_aws_url_allowed("http://[::1]:5000/"));
	assert_true(vpce_aws_url_allowed("http://localhost"));
	assert_false(vpce_aws_url_allowed("http://10.0.0.1"));
	assert_false(vpce_aws_url_allowed("http://127.0.0.1.evil.com"));
	assert_false(vpce_aws_url_allowed("http://user@127.0.0.1"));
	assert_false(vpce_aws_url_allowed("ftp://127.0.0.1"));
}

/* ---- metadata stand-in ----------------------------------------------------- */

static pid_t stub_pid;
static char stub_log[600];

static int start_stub(void)
{
	char portfile[600], port[16] = { 0 };
	char *argv[5];
	FILE *f = NULL;

	snprintf(portfile, sizeof(portfile), "%s/port", home);
	snprintf(stub_log, sizeof(stub_log), "%s/requests.log", home);
	argv[0] = "python3";
	argv[1] = VPCE_TEST_DATA "/aws/metadata_stub.py";
	argv[2] = portfile;
	argv[3] = stub_log;
	argv[4] = NULL;
	if (posix_spawnp(&stub_pid, "python3", NULL, NULL, argv, environ) != 0)
		return -1;
	for (int i = 0; i < 200 && !(f = fopen(portfile, "r")); i++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	if (!f)
		return -1;
	if (!fgets(port, sizeof(port), f))
		port[0] = 0;
	fclose(f);
	return (int)strtol(port, NULL, 10);
}

static void stop_stub(void)
{
	if (stub_pid > 0) {
		kill(stub_pid, SIGTERM);
		waitpid(stub_pid, NULL, 0);
		stub_pid = 0;
	}
}

static char *slurp_log(void)
{
	struct vpce_buf b = VPCE_BUF_INIT;
	struct vpce_error err;

	if (vpce_buf_read_file(&b, stub_log, &err) != 0)
		return NULL;
	return vpce_buf_detach(&b, NULL);
}

static void test_imdsv2_token_then_role_then_credentials(void **state)
{
	struct vpce_aws_credentials c;
	char url[64], *log;
	int port = start_stub();
	(void)state;

	assert_true(port > 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url, 1);
	unsetenv("AWS_EC2_METADATA_DISABLED");
	resolve_ok(NULL, &c);
	stop_stub();
	assert_string_equal(c.access_key_id, "IMDSAKID");
	assert_string_equal(c.secret_access_key, "IMDSSECRET");
	assert_string_equal(c.session_token, "IMDSSESSION");
	assert_string_equal(c.source, "imds");
	vpce_aws_credentials_release(&c);
	log = slurp_log();
	assert_non_null(log);
	assert_string_equal(log,
			    "PUT /latest/api/token token= auth=\n"
			    "GET /latest/meta-data/iam/security-credentials/ token=imds-session-token-1 auth=\n"
			    "GET /latest/meta-data/iam/security-credentials/vpce-test-role "
			    "token=imds-session-token-1 auth=\n");
	free(log);
}

static void test_container_endpoint_with_token_file(void **state)
{
	struct vpce_aws_credentials c;
	char url[64], tok[600];
	int port = start_stub();
	(void)state;

	assert_true(port > 0);
	write_file("token", "container-secret-token\n", 0600);
	snprintf(tok, sizeof(tok), "%s/token", home);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/creds", port);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tok, 1);
	resolve_ok(NULL, &c);
	stop_stub();
	assert_string_equal(c.access_key_id, "ECSAKID");
	assert_string_equal(c.session_token, "ECSSESSION");
	assert_string_equal(c.source, "container-role");
	vpce_aws_credentials_release(&c);
}

static void test_container_wrong_token_fails_without_leaking_it(void **state)
{
	struct vpce_aws_credentials c;
	struct vpce_error err;
	char url[64];
	int port = start_stub();
	(void)state;

	assert_true(port > 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/creds", port);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong-secret-token", 1);
	assert_int_not_equal(vpce_aws_resolve_credentials(NULL, &c, &err), 0);
	stop_stub();
	assert_non_null(strstr(err.message, "HTTP 401"));
	assert_null(strstr(err.message, "wrong-secret-token"));
}

static void test_container_full_uri_must_be_loopback_or_link_local(void **state)
{
	struct vpce_aws_credentials c;
	struct vpce_error err;
	(void)state;

	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.1.2.3/creds", 1);
	assert_int_equal(vpce_aws_resolve_credentials(NULL, &c, &err), VPCE_EUSAGE);
	assert_non_null(strstr(err.message, "refusing"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_env_credentials_come_first),
		T(test_explicit_profile_overrides_env),
		T(test_aws_profile_selects_config_file_profile),
		T(test_file_locations_from_env),
		T(test_credential_process_output_is_used),
		T(test_credential_process_bad_version_fails_without_leaking_secret),
		T(test_credential_process_failure_reports_status),
		T(test_missing_explicit_profile_is_an_error),
		T(test_partial_env_credentials_are_an_error),
		T(test_role_without_source_is_an_error),
		T(test_role_source_profile_loop_is_an_error),
		T(test_config_syntax_error_has_position),
		T(test_no_credentials_anywhere),
		T(test_region_resolution_order),
		T(test_endpoint_resolution_order),
		T(test_plain_http_only_to_loopback),
		T(test_imdsv2_token_then_role_then_credentials),
		T(test_container_endpoint_with_token_file),
		T(test_container_wrong_token_fails_without_leaking_it),
		T(test_container_full_uri_must_be_loopback_or_link_local),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
