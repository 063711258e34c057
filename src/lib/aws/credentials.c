/* Credentials, region, endpoint and retry settings, resolved like the AWS CLI.
 *
 * Credential provider order follows botocore / "Configuration and credential
 * file settings" and "Credential and profile resolution" (AWS CLI User Guide,
 * cli-configure-files.html, cli-chap-authentication.html) and the AWS SDKs
 * and Tools Reference Guide (standardized credential providers):
 *   1. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
 *      (skipped when a profile is given explicitly, as with `aws --profile`);
 *   2. assume role: profile with role_arn + source_profile / credential_source,
 *      via STS AssumeRole (feature-assume-role-credentials.html);
 *   3. shared credentials file ([name] in AWS_SHARED_CREDENTIALS_FILE or
 *      ~/.aws/credentials);
 *   4. credential_process (feature-process-credentials.html);
 *   5. keys in the config file ([profile name] in AWS_CONFIG_FILE or ~/.aws/config);
 *   6. container endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on
 *      169.254.170.2) or AWS_CONTAINER_CREDENTIALS_FULL_URI, with
 *      AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE) (feature-container-credentials.html);
 *   7. EC2 instance metadata, IMDSv2: PUT /latest/api/token, then GET
 *      /latest/meta-data/iam/security-credentials/[role] with the token
 *      (EC2 User Guide, configuring-instance-metadata-service.html);
 *      AWS_EC2_METADATA_SERVICE_ENDPOINT overrides the base URL,
 *      AWS_EC2_METADATA_DISABLED=true turns it off.
 * Region: explicit, AWS_REGION, AWS_DEFAULT_REGION, profile `region`.
 * Endpoints: explicit, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, profile
 * `endpoint_url` ("Service-specific endpoints", feature-ss-endpoints.html).
 */
#include <stdio.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "aws/aws_internal.h"
#include "vpce/json.h"
#include "util/util.h"

extern char **environ;

#define MAX_ROLE_CHAIN 5

struct cfg {
	struct vpce_ini *config;  /* may be NULL */
	struct vpce_ini *creds;   /* may be NULL */
	const struct vpce_aws_options *opts;
	const char *endpoint_url; /* explicit, for STS in role chains */
};

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static bool env_true(const char *name)
{
	const char *v = env(name);
	return v && vpce_str_eqi(v, "true");
}

static int expand_path(const char *var, const char *def, struct vpce_buf *out,
		       struct vpce_error *err)
{
	const char *p = env(var), *home = env("HOME");

	if (!p)
		p = def;
	if (p[0] == '~' && (p[1] == '/' || p[1] == 0)) {
		if (!home)
			return vpce_error_set(err, VPCE_EUSAGE, "HOME is not set (needed for %s)", p);
		vpce_buf_printf(out, "%s%s", home, p + 1);
	} else {
		vpce_buf_puts(out, p);
	}
	return out->failed ? vpce_error_set(err, VPCE_ENOMEM, "out of memory") : 0;
}

static int load_optional(const char *var, const char *def, struct vpce_ini **out,
			 struct vpce_error *err)
{
	struct vpce_buf path = VPCE_BUF_INIT;
	int rc = expand_path(var, def, &path, err);

	*out = NULL;
	if (rc == 0) {
		rc = vpce_ini_load(path.ptr, out, err);
		if (rc == VPCE_ENOTFOUND) {
			vpce_error_clear(err);
			rc = 0;
		}
	}
	vpce_buf_release(&path);
	return rc;
}

static int cfg_load(struct cfg *c, const struct vpce_aws_options *opts, struct vpce_error *err)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->opts = opts;
	c->endpoint_url = opts ? opts->endpoint_url : NULL;
	if ((rc = load_optional("AWS_CONFIG_FILE", "~/.aws/config", &c->config, err)) != 0)
		return rc;
	return load_optional("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials", &c->creds, err);
}

static void cfg_release(struct cfg *c)
{
	vpce_ini_free(c->config);
	vpce_ini_free(c->creds);
}

static const char *profile_name(const struct vpce_aws_options *opts, bool *explicit_profile)
{
	*explicit_profile = opts && opts->profile && *opts->profile;
	if (*explicit_profile)
		return opts->profile;
	if (env("AWS_PROFILE"))
		return env("AWS_PROFILE");
	if (env("AWS_DEFAULT_PROFILE"))
		return env("AWS_DEFAULT_PROFILE");
	return "default";
}

/* A setting of profile from the config file ("[profile NAME]", "[default]"). */
static const char *config_get(const struct cfg *c, const char *profile, const char *key)
{
	char sec[300];
	const char *v;

	snprintf(sec, sizeof(sec), "profile %s", profile);
	v = vpce_ini_get(c->config, sec, key);
	if (!v && strcmp(profile, "default") == 0)
		v = vpce_ini_get(c->config, "default", key);
	return v && *v ? v : NULL;
}

static const char *creds_get(const struct cfg *c, const char *profile, const char *key)
{
	const char *v = vpce_ini_get(c->creds, profile, key);
	return v && *v ? v : NULL;
}

/* Credentials file first, then config file (botocore merges them so). */
static const char *profile_get(const struct cfg *c, const char *profile, const char *key)
{
	const char *v = creds_get(c, profile, key);
	return v ? v : config_get(c, profile, key);
}

static bool profile_exists(const struct cfg *c, const char *profile)
{
	char sec[300];

	snprintf(sec, sizeof(sec), "profile %s", profile);
	return vpce_ini_has_section(c->creds, profile) || vpce_ini_has_section(c->config, sec) ||
	       (strcmp(profile, "default") == 0 && vpce_ini_has_section(c->config, "default"));
}

static int set_creds(struct vpce_aws_credentials *out, const char *ak, const char *sk,
		     const char *tok, const char *exp, const char *source, struct vpce_error *err)
{
	vpce_aws_credentials_release(out);
	out->access_key_id = strdup(ak);
	out->secret_access_key = strdup(sk);
	out->session_token = tok && *tok ? strdup(tok) : NULL;
	out->expiration = exp && *exp ? strdup(exp) : NULL;
	snprintf(out->source, sizeof(out->source), "%s", source);
	if (!out->access_key_id || !out->secret_access_key || (tok && *tok && !out->session_token) ||
	    (exp && *exp && !out->expiration)) {
		vpce_aws_credentials_release(out);
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	}
	return 0;
}

/* ---- JSON credential documents (process, container, IMDS) ---------------- */

static int creds_from_json(const char *text, size_t len, const char *what, const char *token_key,
			   bool need_version, struct vpce_aws_credentials *out,
			   struct vpce_error *err)
{
	struct vpce_json_doc *doc = NULL;
	const struct vpce_json *root;
	const char *ak, *sk;
	int rc;
	struct vpce_error e;

	if (vpce_json_parse(text, len, what, &doc, &e) != 0)
		return vpce_error_set(err, VPCE_EPARSE, "%s: response is not JSON", what);
	root = vpce_json_root(doc);
	if (need_version) {
		const struct vpce_json *v = vpce_json_get(root, "Version");
		if (!v || v->type != VPCE_JSON_NUMBER || v->u.num.i != 1 || !v->is_int) {
			rc = vpce_error_set(err, VPCE_EINVAL, "%s: unsupported Version (want 1)",
					    what);
			goto out;
		}
	}
	ak = vpce_json_get_str(root, "AccessKeyId");
	sk = vpce_json_get_str(root, "SecretAccessKey");
	if (!ak || !sk || !*ak || !*sk) {
		rc = vpce_error_set(err, VPCE_EINVAL,
				    "%s: AccessKeyId and SecretAccessKey are required", what);
		goto out;
	}
	rc = set_creds(out, ak, sk, vpce_json_get_str(root, token_key),
		       vpce_json_get_str(root, "Expiration"), what, err);
out:
	vpce_json_doc_free(doc);
	return rc;
}

/* ---- credential_process --------------------------------------------------- */

/* Split a command line like a POSIX shell does for words: whitespace
 * separates, single quotes are literal, double quotes and backslashes
 * escape. No expansion of any kind. */
static int split_words(const char *s, char ***argv_out, char **storage)
{
	size_t n = strlen(s);
	char *buf = malloc(2 * n + 2), *w = buf;
	char **argv = calloc(n / 2 + 2, sizeof(char *));
	size_t argc = 0;

	if (!buf || !argv) {
		free(buf);
		free(argv);
		return VPCE_ENOMEM;
	}
	while (*s) {
		bool in_word = false;
		char *start = w;
		while (*s == ' ' || *s == '\t')
			s++;
		while (*s && *s != ' ' && *s != '\t') {
			in_word = true;
			if (*s == '\'') {
				s++;
				while (*s && *s != '\'')
					*w++ = *s++;
				if (*s)
					s++;
			} else if (*s == '"') {
				s++;
				while (*s && *s != '"') {
					if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
						s++;
					*w++ = *s++;
				}
				if (*s)
					s++;
			} else if (*s == '\\' && s[1]) {
				s++;
				*w++ = *s++;
			} else {
				*w++ = *s++;
			}
		}
		if (in_word) {
			*w++ = 0;
			argv[argc++] = start;
		}
	}
	argv[argc] = NULL;
	*argv_out = argv;
	*storage = buf;
	return argc ? 0 : VPCE_EINVAL;
}

static int from_process(const char *cmd, const char *profile, struct vpce_aws_credentials *out,
			struct vpce_error *err)
{
	char **argv = NULL, *storage = NULL;
	int pipefd[2] = { -1, -1 }, status = 0, rc;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	struct vpce_buf b;
	char chunk[4096];
	ssize_t r;
	char what[320];

	snprintf(what, sizeof(what), "credential_process of profile '%s'", profile);
	if ((rc = split_words(cmd, &argv, &storage)) != 0) {
		free(argv);
		free(storage);
		return vpce_error_set(err, rc == VPCE_ENOMEM ? VPCE_ENOMEM : VPCE_EINVAL,
				      "%s: empty command", what);
	}
	if (pipe(pipefd) != 0) {
		rc = vpce_error_set(err, VPCE_EIO, "%s: pipe failed", what);
		goto out_argv;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	posix_spawn_file_actions_addclose(&fa, pipefd[1]);
	/* stderr goes nowhere: the library never prints */
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (rc != 0) {
		close(pipefd[0]);
		rc = vpce_error_set(err, VPCE_EIO, "%s: cannot run '%s'", what, argv[0]);
		goto out_argv;
	}
	vpce_buf_init(&b, (size_t)1 << 20);
	while ((r = read(pipefd[0], chunk, sizeof(chunk))) > 0 || (r < 0 && errno == EINTR))
		if (r > 0 && vpce_buf_put(&b, chunk, (size_t)r) != 0)
			break;
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		rc = vpce_error_set(err, VPCE_EIO, "%s: '%s' exited with status %d", what, argv[0],
				    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else if (b.failed)
		rc = vpce_error_set(err, VPCE_EIO, "%s: output too large", what);
	else
		rc = creds_from_json(b.ptr ? b.ptr : "", b.len, what, "SessionToken", true, out,
				     err);
	if (rc == 0)
		snprintf(out->source, sizeof(out->source), "credential-process");
	if (b.ptr)
		memset(b.ptr, 0, b.len);
	vpce_buf_release(&b);
out_argv:
	free(argv);
	free(storage);
	return rc;
}

/* ---- container and instance metadata endpoints -------------------------- */

static long metadata_timeout_ms(void)
{
	const char *t = env("AWS_METADATA_SERVICE_TIMEOUT");
	long v;

	if (t && vpce_parse_long(t, strlen(t), 1, 600, &v) == 0)
		return v * 1000;
	return 1000;
}

static int http_get_json_creds(const char *url, struct curl_slist *hdrs, const char *what,
			       struct vpce_aws_credentials *out, struct vpce_error *err)
{
	struct aws_http_req req;
	struct aws_http_resp resp;
	int rc;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.method = "GET";
	req.url = url;
	req.headers = hdrs;
	req.connect_timeout_ms = metadata_timeout_ms();
	req.timeout_ms = metadata_timeout_ms() * 2;
	req.metadata_endpoint = true;
	rc = aws_http_perform(NULL, &req, &resp, err);
	if (rc == 0 && resp.status != 200)
		rc = vpce_error_set(err, VPCE_ENET, "%s: HTTP %ld", what, resp.status);
	if (rc == 0)
		rc = creds_from_json(resp.body.ptr ? resp.body.ptr : "", resp.body.len, what,
				     "Token", false, out, err);
	if (resp.body.ptr)
		memset(resp.body.ptr, 0, resp.body.len);
	aws_http_resp_release(&resp);
	return rc;
}

static int from_container(struct vpce_aws_credentials *out, struct vpce_error *err)
{
	const char *rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *tokfile = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *tok = env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	struct vpce_buf url = VPCE_BUF_INIT, token = VPCE_BUF_INIT, hdr = VPCE_BUF_INIT;
	struct curl_slist *hdrs = NULL;
	int rc;

	if (rel)
		vpce_buf_printf(&url, "http://169.254.170.2%s", rel);
	else
		vpce_buf_puts(&url, full);
	if (tokfile) {
		if ((rc = vpce_buf_read_file(&token, tokfile, err)) != 0)
			goto out;
		while (token.len && (token.ptr[token.len - 1] == '\n' || token.ptr[token.len - 1] == '\r'))
			token.ptr[--token.len] = 0;
	} else if (tok) {
		vpce_buf_puts(&token, tok);
	}
	if (token.len) {
		if (memchr(token.ptr, '\n', token.len) || memchr(token.ptr, '\r', token.len)) {
			rc = vpce_error_set(err, VPCE_EINVAL,
					    "container authorization token contains a line break");
			goto out;
		}
		vpce_buf_printf(&hdr, "Authorization: %s", token.ptr);
		hdrs = curl_slist_append(NULL, hdr.ptr);
	}
	if (url.failed || hdr.failed || (token.len && !hdrs)) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto out;
	}
	rc = http_get_json_creds(url.ptr, hdrs, "container credentials endpoint", out, err);
	if (rc == 0)
		snprintf(out->source, sizeof(out->source), "container-role");
out:
	curl_slist_free_all(hdrs);
	if (hdr.ptr)
		memset(hdr.ptr, 0, hdr.len);
	if (token.ptr)
		memset(token.ptr, 0, token.len);
	vpce_buf_release(&url);
	vpce_buf_release(&token);
	vpce_buf_release(&hdr);
	return rc;
}

static int from_imds(struct vpce_aws_credentials *out, struct vpce_error *err)
{
	const char *base = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	struct vpce_buf url = VPCE_BUF_INIT, hdr = VPCE_BUF_INIT;
	struct aws_http_req req;
	struct aws_http_resp resp;
	struct curl_slist *hdrs = NULL;
	char role[256];
	size_t blen;
	int rc;

	if (!base)
		base = "http://169.254.169.254";
	blen = strlen(base);
	while (blen && base[blen - 1] == '/')
		blen--;
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.connect_timeout_ms = metadata_timeout_ms();
	req.timeout_ms = metadata_timeout_ms() * 2;
	req.metadata_endpoint = true;

	/* IMDSv2 session token */
	vpce_buf_printf(&url, "%.*s/latest/api/token", (int)blen, base);
	hdrs = curl_slist_append(NULL, "X-aws-ec2-metadata-token-ttl-seconds: 21600");
	if (!hdrs || url.failed)
		goto nomem;
	req.method = "PUT";
	req.url = url.ptr;
	req.headers = hdrs;
	req.body = "";
	if ((rc = aws_http_perform(NULL, &req, &resp, err)) != 0)
		goto out;
	curl_slist_free_all(hdrs);
	hdrs = NULL;
	if (resp.status == 200 && resp.body.len) {
		vpce_buf_puts(&hdr, "X-aws-ec2-metadata-token: ");
		vpce_buf_put(&hdr, resp.body.ptr, resp.body.len);
		if (hdr.failed || !(hdrs = curl_slist_append(NULL, hdr.ptr)))
			goto nomem;
	} else if (resp.status != 404 && resp.status != 405) {
		/* 404/405: an IMDS without v2 support; anything else is a refusal */
		rc = vpce_error_set(err, VPCE_ENET, "instance metadata: token request got HTTP %ld",
				    resp.status);
		goto out;
	}

	/* role name */
	vpce_buf_clear(&url);
	vpce_buf_printf(&url, "%.*s/latest/meta-data/iam/security-credentials/", (int)blen, base);
	req.method = "GET";
	req.url = url.ptr;
	req.headers = hdrs;
	req.body = NULL;
	if ((rc = aws_http_perform(NULL, &req, &resp, err)) != 0)
		goto out;
	if (resp.status != 200 || resp.body.len == 0) {
		rc = vpce_error_set(err, VPCE_ENOTFOUND,
				    "instance metadata: no IAM role attached (HTTP %ld)", resp.status);
		goto out;
	}
	{
		size_t n = strcspn(resp.body.ptr, "\r\n");
		if (n == 0 || n >= sizeof(role) || memchr(resp.body.ptr, '/', n)) {
			rc = vpce_error_set(err, VPCE_EPARSE, "instance metadata: bad role name");
			goto out;
		}
		memcpy(role, resp.body.ptr, n);
		role[n] = 0;
	}
	vpce_buf_clear(&url);
	vpce_buf_printf(&url, "%.*s/latest/meta-data/iam/security-credentials/%s", (int)blen, base,
			role);
	if (url.failed)
		goto nomem;
	rc = http_get_json_creds(url.ptr, hdrs, "instance metadata credentials", out, err);
	if (rc == 0)
		snprintf(out->source, sizeof(out->source), "imds");
	goto out;
nomem:
	rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
out:
	curl_slist_free_all(hdrs);
	if (hdr.ptr)
		memset(hdr.ptr, 0, hdr.len);
	if (resp.body.ptr)
		memset(resp.body.ptr, 0, resp.body.len);
	aws_http_resp_release(&resp);
	vpce_buf_release(&url);
	vpce_buf_release(&hdr);
	return rc;
}

/* ---- assume role ------------------------------------------------------------ */

static int resolve_profile(struct cfg *c, const char *profile, int depth,
			   struct vpce_aws_credentials *out, struct vpce_error *err);

static int endpoint_for(const char *explicit_url, const struct cfg *c, const char *profile,
			const char *service, const char *region, struct vpce_buf *out);

static int assume_role(struct cfg *c, const char *profile, const char *role_arn, int depth,
		       struct vpce_aws_credentials *out, struct vpce_error *err)
{
	const char *src = profile_get(c, profile, "source_profile");
	const char *csrc = profile_get(c, profile, "credential_source");
	const char *session_name = profile_get(c, profile, "role_session_name");
	const char *external_id = profile_get(c, profile, "external_id");
	const char *duration = profile_get(c, profile, "duration_seconds");
	const char *region = config_get(c, profile, "region");
	struct vpce_aws_credentials base = { 0 };
	struct vpce_buf body = VPCE_BUF_INIT, url = VPCE_BUF_INIT;
	struct vpce_xml_doc *doc = NULL;
	const struct vpce_xml_node *cr;
	char name[64];
	int rc;

	if (depth >= MAX_ROLE_CHAIN)
		return vpce_error_set(err, VPCE_EINVAL,
				      "profile '%s': role chain longer than %d (a source_profile loop?)",
				      profile, MAX_ROLE_CHAIN);
	if (src && csrc)
		return vpce_error_set(err, VPCE_EINVAL,
				      "profile '%s': both source_profile and credential_source",
				      profile);
	if (src) {
		/* The source profile's own static keys come first, as in botocore,
		 * even when it also names a role (unless it is this profile). */
		if (strcmp(src, profile) == 0) {
			const char *ak = creds_get(c, src, "aws_access_key_id");
			const char *sk = creds_get(c, src, "aws_secret_access_key");
			if (!ak || !sk)
				return vpce_error_set(err, VPCE_EINVAL,
						      "profile '%s' is its own source_profile but "
						      "has no static keys",
						      profile);
			rc = set_creds(&base, ak, sk, creds_get(c, src, "aws_session_token"), NULL,
				       "shared-credentials-file", err);
		} else {
			if (!profile_exists(c, src))
				return vpce_error_set(err, VPCE_ENOTFOUND,
						      "profile '%s': source_profile '%s' not found",
						      profile, src);
			rc = resolve_profile(c, src, depth + 1, &base, err);
		}
	} else if (csrc) {
		if (strcmp(csrc, "Environment") == 0) {
			if (!env("AWS_ACCESS_KEY_ID") || !env("AWS_SECRET_ACCESS_KEY"))
				return vpce_error_set(err, VPCE_ENOTFOUND,
						      "profile '%s': credential_source Environment "
						      "but AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY unset",
						      profile);
			rc = set_creds(&base, env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"),
				       env("AWS_SESSION_TOKEN"), NULL, "env", err);
		} else if (strcmp(csrc, "Ec2InstanceMetadata") == 0) {
			rc = from_imds(&base, err);
		} else if (strcmp(csrc, "EcsContainer") == 0) {
			rc = from_container(&base, err);
		} else {
			return vpce_error_set(err, VPCE_EINVAL,
					      "profile '%s': unknown credential_source '%s'", profile,
					      csrc);
		}
	} else {
		return vpce_error_set(err, VPCE_EINVAL,
				      "profile '%s': role_arn needs source_profile or "
				      "credential_source",
				      profile);
	}
	if (rc)
		goto out;

	/* STS AssumeRole (STS API Reference, API_AssumeRole.html) */
	if (session_name)
		snprintf(name, sizeof(name), "%s", session_name);
	else
		snprintf(name, sizeof(name), "vpce-session-%lld", (long long)time(NULL));
	vpce_buf_puts(&body, "Action=AssumeRole&Version=2011-06-15&RoleArn=");
	vpce_aws_uri_encode(&body, role_arn, strlen(role_arn), false);
	vpce_buf_puts(&body, "&RoleSessionName=");
	vpce_aws_uri_encode(&body, name, strlen(name), false);
	if (external_id) {
		vpce_buf_puts(&body, "&ExternalId=");
		vpce_aws_uri_encode(&body, external_id, strlen(external_id), false);
	}
	if (duration) {
		vpce_buf_puts(&body, "&DurationSeconds=");
		vpce_aws_uri_encode(&body, duration, strlen(duration), false);
	}
	if (!region)
		region = env("AWS_REGION") ? env("AWS_REGION") : env("AWS_DEFAULT_REGION");
	if (!region)
		region = "us-east-1";
	if ((rc = endpoint_for(c->endpoint_url, c, profile, "sts", region, &url)) != 0 ||
	    body.failed) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto out;
	}
	rc = aws_query_once(url.ptr, "sts", region, &base, body.ptr, 10000, &doc, err);
	if (rc) {
		char tmp[VPCE_ERROR_MSG_MAX];
		snprintf(tmp, sizeof(tmp), "%s", err->message);
		vpce_error_set(err, rc, "profile '%s': AssumeRole %s: %s", profile, role_arn, tmp);
		goto out;
	}
	cr = vpce_xml_path(vpce_xml_root(doc), "AssumeRoleResult/Credentials");
	{
		const struct vpce_xml_node *ak = vpce_xml_child(cr, "AccessKeyId");
		const struct vpce_xml_node *sk = vpce_xml_child(cr, "SecretAccessKey");
		const struct vpce_xml_node *st = vpce_xml_child(cr, "SessionToken");
		const struct vpce_xml_node *ex = vpce_xml_child(cr, "Expiration");
		if (!ak || !sk || !st || !*ak->text || !*sk->text) {
			rc = vpce_error_set(err, VPCE_EPARSE,
					    "profile '%s': AssumeRole response has no credentials",
					    profile);
			goto out;
		}
		rc = set_creds(out, ak->text, sk->text, st->text, ex ? ex->text : NULL,
			       "assume-role", err);
	}
out:
	vpce_xml_doc_free(doc);
	vpce_aws_credentials_release(&base);
	if (body.ptr)
		memset(body.ptr, 0, body.len);
	vpce_buf_release(&body);
	vpce_buf_release(&url);
	return rc;
}

/* Profile-based providers: assume role, credentials file, process, config keys. */
static int resolve_profile(struct cfg *c, const char *profile, int depth,
			   struct vpce_aws_credentials *out, struct vpce_error *err)
{
	const char *role = profile_get(c, profile, "role_arn");
	const char *ak, *sk, *proc;

	if (role)
		return assume_role(c, profile, role, depth, out, err);
	ak = creds_get(c, profile, "aws_access_key_id");
	sk = creds_get(c, profile, "aws_secret_access_key");
	if (ak && sk)
		return set_creds(out, ak, sk, creds_get(c, profile, "aws_session_token"), NULL,
				 "shared-credentials-file", err);
	if (ak || sk)
		return vpce_error_set(err, VPCE_EINVAL,
				      "profile '%s' in the credentials file has only one of "
				      "aws_access_key_id / aws_secret_access_key",
				      profile);
	proc = profile_get(c, profile, "credential_process");
	if (proc)
		return from_process(proc, profile, out, err);
	ak = config_get(c, profile, "aws_access_key_id");
	sk = config_get(c, profile, "aws_secret_access_key");
	if (ak && sk)
		return set_creds(out, ak, sk, config_get(c, profile, "aws_session_token"), NULL,
				 "config-file", err);
	return VPCE_ENOTFOUND;
}

static int resolve(struct cfg *c, const struct vpce_aws_options *opts,
		   struct vpce_aws_credentials *out, struct vpce_error *err)
{
	bool explicit_profile;
	const char *profile = profile_name(opts, &explicit_profile);
	int rc;

	if (!explicit_profile) {
		const char *ak = env("AWS_ACCESS_KEY_ID"), *sk = env("AWS_SECRET_ACCESS_KEY");
		if (ak && sk)
			return set_creds(out, ak, sk,
					 env("AWS_SESSION_TOKEN") ? env("AWS_SESSION_TOKEN")
								  : env("AWS_SECURITY_TOKEN"),
					 NULL, "env", err);
		if (ak || sk)
			return vpce_error_set(err, VPCE_EINVAL,
					      "only one of AWS_ACCESS_KEY_ID / "
					      "AWS_SECRET_ACCESS_KEY is set");
	}
	if ((explicit_profile || env("AWS_PROFILE")) && !profile_exists(c, profile))
		return vpce_error_set(err, VPCE_ENOTFOUND,
				      "the config profile (%s) could not be found", profile);
	rc = resolve_profile(c, profile, 0, out, err);
	if (rc != VPCE_ENOTFOUND)
		return rc;
	vpce_error_clear(err);
	if (env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") || env("AWS_CONTAINER_CREDENTIALS_FULL_URI"))
		return from_container(out, err);
	if (!env_true("AWS_EC2_METADATA_DISABLED")) {
		struct vpce_error e;
		vpce_error_clear(&e);
		rc = from_imds(out, &e);
		if (rc == 0)
			return 0;
	}
	return vpce_error_set(err, VPCE_ENOTFOUND,
			      "unable to locate credentials (environment, profile '%s', container "
			      "endpoint, instance metadata)",
			      profile);
}

int vpce_aws_resolve_credentials(const struct vpce_aws_options *opts,
				 struct vpce_aws_credentials *out, struct vpce_error *err)
{
	struct cfg c;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cfg_load(&c, opts, err)) == 0)
		rc = resolve(&c, opts, out, err);
	cfg_release(&c);
	if (rc)
		vpce_aws_credentials_release(out);
	return rc;
}

/* ---- endpoints ------------------------------------------------------------ */

static int endpoint_for(const char *explicit_url, const struct cfg *c, const char *profile,
			const char *service, const char *region, struct vpce_buf *out)
{
	char var[64];
	const char *u = explicit_url;
	size_t i;

	vpce_buf_clear(out);
	if (!u && !env_true("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) {
		i = (size_t)snprintf(var, sizeof(var), "AWS_ENDPOINT_URL_");
		for (const char *s = service; *s && i + 1 < sizeof(var); s++)
			var[i++] = (char)(*s == '-' || *s == ' ' ? '_' : toupper((unsigned char)*s));
		var[i] = 0;
		u = env(var);
		if (!u)
			u = env("AWS_ENDPOINT_URL");
		if (!u && c && profile)
			u = config_get(c, profile, "endpoint_url");
	}
	if (u) {
		size_t n = strlen(u);
		while (n && u[n - 1] == '/')
			n--;
		vpce_buf_put(out, u, n);
	} else {
		vpce_buf_printf(out, "https://%s.%s.amazonaws.com", service, region);
	}
	return out->failed ? VPCE_ENOMEM : 0;
}

int vpce_aws_endpoint(const struct vpce_aws_session *s, const char *service, const char *region,
		      struct vpce_buf *out, struct vpce_error *err)
{
	struct cfg c;
	int rc;

	memset(&c, 0, sizeof(c));
	if (!s->endpoint_url && !env_true("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) {
		if ((rc = cfg_load(&c, NULL, err)) != 0)
			return rc;
	}
	rc = endpoint_for(s->endpoint_url, &c, s->profile, service, region, out);
	cfg_release(&c);
	return rc ? vpce_error_set(err, rc, "out of memory") : 0;
}

/* ---- session -------------------------------------------------------------- */

int vpce_aws_session_new(const struct vpce_aws_options *opts, struct vpce_aws_session **out,
			 struct vpce_error *err)
{
	struct vpce_aws_options none;
	struct vpce_aws_session *s;
	struct cfg c;
	bool explicit_profile;
	const char *profile, *region, *v;
	long n;
	int rc;

	*out = NULL;
	if (!opts) {
		memset(&none, 0, sizeof(none));
		opts = &none;
	}
	aws_curl_global_init();
	s = calloc(1, sizeof(*s));
	if (!s)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	if ((rc = cfg_load(&c, opts, err)) != 0)
		goto fail;
	profile = profile_name(opts, &explicit_profile);
	s->profile = strdup(profile);
	region = opts->region && *opts->region ? opts->region : env("AWS_REGION");
	if (!region)
		region = env("AWS_DEFAULT_REGION");
	if (!region)
		region = config_get(&c, profile, "region");
	s->region = region ? strdup(region) : NULL;
	s->endpoint_url = opts->endpoint_url ? strdup(opts->endpoint_url) : NULL;
	if (!s->profile || (region && !s->region) || (opts->endpoint_url && !s->endpoint_url)) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto fail_cfg;
	}
	if (s->endpoint_url && !vpce_aws_url_allowed(s->endpoint_url)) {
		rc = vpce_error_set(err, VPCE_EUSAGE,
				    "refusing endpoint '%s': https is required (plain http only to "
				    "a loopback address)",
				    s->endpoint_url);
		goto fail_cfg;
	}
	s->connect_timeout_ms = opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : 5000;
	s->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 30000;
	s->max_retry_ms = opts->max_retry_ms > 0 ? opts->max_retry_ms : 60000;
	s->max_attempts = opts->max_attempts;
	if (s->max_attempts <= 0) {
		v = env("AWS_MAX_ATTEMPTS");
		if (!v)
			v = config_get(&c, profile, "max_attempts");
		s->max_attempts = v && vpce_parse_long(v, strlen(v), 1, 100, &n) == 0 ? (int)n : 5;
	}
	rc = resolve(&c, opts, &s->cred, err);
	if (rc)
		goto fail_cfg;
	cfg_release(&c);
	*out = s;
	return 0;
fail_cfg:
	cfg_release(&c);
fail:
	vpce_aws_session_free(s);
	return rc;
}

void vpce_aws_session_free(struct vpce_aws_session *s)
{
	if (!s)
		return;
	vpce_aws_credentials_release(&s->cred);
	free(s->region);
	free(s->profile);
	free(s->endpoint_url);
	free(s);
}

const char *vpce_aws_session_region(const struct vpce_aws_session *s)
{
	return s ? s->region : NULL;
}

const char *vpce_aws_session_profile(const struct vpce_aws_session *s)
{
	return s ? s->profile : NULL;
}

const char *vpce_aws_session_credential_source(const struct vpce_aws_session *s)
{
	return s ? s->cred.source : NULL;
}

const struct vpce_aws_credentials *vpce_aws_session_credentials(const struct vpce_aws_session *s)
{
	return s ? &s->cred : NULL;
}
