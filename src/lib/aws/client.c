/* Query API client: form-encoded POST, SigV4, retries, AWS errors.
 *
 * Protocol: "Making API requests using the Query protocol" (Amazon EC2 API
 * Reference, Query-Requests.html): POST with Action, Version and parameters
 * as application/x-www-form-urlencoded body. Errors: "Error codes for the
 * Amazon EC2 API" (errors-overview.html), body
 * <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/>;
 * STS uses <ErrorResponse><Error><Code/><Message/></Error><RequestId/>.
 *
 * Retries follow "Retry behavior" (AWS SDKs and Tools Reference Guide,
 * feature-retry-behavior.html) and "Exponential backoff and jitter" (AWS
 * Architecture Blog): transient errors (throttling codes, HTTP 5xx,
 * connection failures) are retried after a random delay in
 * [0, min(cap, base * 2^attempt)) ("full jitter"), up to max_attempts
 * attempts and max_retry_ms in total.
 */
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include "aws/aws_internal.h"
#include "util/util.h"

#define RETRY_BASE_MS 100.0
#define RETRY_CAP_MS 20000.0

struct vpce_aws_client {
	const struct vpce_aws_session *session;
	CURL *curl;
	char *service;
	char *region;
	char *url;
	char host[256];
	const char *path;
	struct vpce_aws_stats stats;
	char last_code[128];
};

int vpce_aws_client_new(const struct vpce_aws_session *s, const char *service, const char *region,
			struct vpce_aws_client **out, struct vpce_error *err)
{
	struct vpce_aws_client *c;
	struct vpce_buf url = VPCE_BUF_INIT;
	int rc;

	*out = NULL;
	if (!region)
		region = vpce_aws_session_region(s);
	if (!region || !*region)
		return vpce_error_set(err, VPCE_EUSAGE,
				      "no AWS region: use --region, AWS_REGION / AWS_DEFAULT_REGION "
				      "or 'region' in the profile");
	c = calloc(1, sizeof(*c));
	if (!c)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	c->session = s;
	if ((rc = vpce_aws_endpoint(s, service, region, &url, err)) != 0)
		goto fail;
	c->url = vpce_buf_detach(&url, NULL);
	c->service = strdup(service);
	c->region = strdup(region);
	aws_curl_global_init();
	c->curl = curl_easy_init();
	if (!c->url || !c->service || !c->region || !c->curl) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto fail;
	}
	if (aws_url_split(c->url, c->host, sizeof(c->host), &c->path) != 0) {
		rc = vpce_error_set(err, VPCE_EUSAGE, "invalid endpoint URL '%s'", c->url);
		goto fail;
	}
	if (!vpce_aws_url_allowed(c->url)) {
		rc = vpce_error_set(err, VPCE_EUSAGE,
				    "refusing endpoint '%s': https is required (plain http only to "
				    "a loopback address)",
				    c->url);
		goto fail;
	}
	*out = c;
	return 0;
fail:
	vpce_buf_release(&url);
	vpce_aws_client_free(c);
	return rc;
}

void vpce_aws_client_free(struct vpce_aws_client *c)
{
	if (!c)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	free(c->service);
	free(c->region);
	free(c->url);
	free(c);
}

const char *vpce_aws_client_region(const struct vpce_aws_client *c)
{
	return c->region;
}

bool vpce_aws_action_is_read(const char *action)
{
	return vpce_str_startswith(action, "Describe") || vpce_str_startswith(action, "Get") ||
	       vpce_str_startswith(action, "List") || vpce_str_startswith(action, "AssumeRole");
}

const struct vpce_aws_stats *vpce_aws_client_stats(const struct vpce_aws_client *c)
{
	return &c->stats;
}

const char *vpce_aws_error_code(const struct vpce_aws_client *c)
{
	return c ? c->last_code : "";
}

static void text_of(const struct vpce_xml_node *n, char *out, size_t outlen)
{
	if (outlen)
		out[0] = 0;
	if (n)
		snprintf(out, outlen, "%.*s", (int)n->text_len, n->text);
}

void aws_parse_error(const char *body, size_t len, char *code, size_t codelen, char *msg,
		     size_t msglen, char *reqid, size_t reqidlen)
{
	struct vpce_xml_doc *doc = NULL;
	struct vpce_error e;
	const struct vpce_xml_node *root, *er, *id;

	code[0] = msg[0] = reqid[0] = 0;
	if (vpce_xml_parse(body, len, "response", &doc, &e) != 0)
		return;
	root = vpce_xml_root(doc);
	er = vpce_xml_find(root, "Error");
	text_of(vpce_xml_child(er, "Code"), code, codelen);
	text_of(vpce_xml_child(er, "Message"), msg, msglen);
	id = vpce_xml_child(root, "RequestID");
	if (!id)
		id = vpce_xml_child(root, "RequestId");
	text_of(id, reqid, reqidlen);
	vpce_xml_doc_free(doc);
}

/* Throttling and transient error codes ("Retry behavior", AWS SDKs and
 * Tools Reference Guide; EC2 "Request throttling" for RequestLimitExceeded). */
static bool retryable_code(const char *code)
{
	static const char *codes[] = {
		"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
		"TooManyRequestsException", "ProvisionedThroughputExceededException",
		"TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
		"LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
		"EC2ThrottledException", "RequestTimeout", "RequestTimeoutException",
		"InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable",
	};
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(code, codes[i]) == 0)
			return true;
	return false;
}

static bool retryable_curl(int cc)
{
	switch (cc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(double ms)
{
	struct timespec ts;
	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000.0);
	ts.tv_nsec = (long)((ms - (double)ts.tv_sec * 1000.0) * 1e6);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int form_body(struct vpce_buf *b, const char *action, const char *version,
		     const struct vpce_aws_param *params, size_t n)
{
	vpce_buf_puts(b, "Action=");
	vpce_aws_uri_encode(b, action, strlen(action), false);
	vpce_buf_puts(b, "&Version=");
	vpce_aws_uri_encode(b, version, strlen(version), false);
	for (size_t i = 0; i < n; i++) {
		vpce_buf_putc(b, '&');
		vpce_aws_uri_encode(b, params[i].name, strlen(params[i].name), false);
		vpce_buf_putc(b, '=');
		vpce_aws_uri_encode(b, params[i].value, strlen(params[i].value), false);
	}
	return b->failed ? VPCE_ENOMEM : 0;
}

/* Sign and send one POST; returns aws_http_perform's result. */
static int send_signed(CURL *h, const char *url, const char *hostport, const char *path,
		       const char *service, const char *region,
		       const struct vpce_aws_credentials *cred, const struct vpce_buf *body,
		       long connect_ms, long timeout_ms, struct aws_http_resp *resp,
		       struct vpce_error *err)
{
	char date[17];
	struct vpce_aws_header hv[5];
	size_t nh = 0;
	struct vpce_buf authz = VPCE_BUF_INIT, line = VPCE_BUF_INIT;
	struct curl_slist *hdrs = NULL, *tmp;
	struct vpce_sigv4_request sr;
	struct aws_http_req req;
	int rc;

	aws_amz_date(date);
	hv[nh++] = (struct vpce_aws_header){ "Host", hostport };
	hv[nh++] = (struct vpce_aws_header){ "Content-Type",
					     "application/x-www-form-urlencoded; charset=utf-8" };
	hv[nh++] = (struct vpce_aws_header){ "X-Amz-Date", date };
	if (cred->session_token && *cred->session_token)
		hv[nh++] = (struct vpce_aws_header){ "X-Amz-Security-Token", cred->session_token };
	memset(&sr, 0, sizeof(sr));
	sr.method = "POST";
	sr.path = path;
	sr.headers = hv;
	sr.nheaders = nh;
	sr.body = body->ptr;
	sr.body_len = body->len;
	sr.region = region;
	sr.service = service;
	sr.amz_date = date;
	if ((rc = vpce_sigv4_sign(&sr, cred, &authz, NULL, NULL, err)) != 0)
		goto out;
	for (size_t i = 0; i < nh; i++) {
		if (line.ptr)
			memset(line.ptr, 0, line.len); /* may have held the session token */
		vpce_buf_clear(&line);
		vpce_buf_printf(&line, "%s: %s", hv[i].name, hv[i].value);
		if (line.failed || !(tmp = curl_slist_append(hdrs, line.ptr)))
			goto nomem;
		hdrs = tmp;
	}
	vpce_buf_clear(&line);
	vpce_buf_printf(&line, "Authorization: %s", authz.ptr);
	if (line.failed || !(tmp = curl_slist_append(hdrs, line.ptr)))
		goto nomem;
	hdrs = tmp;
	if (!(tmp = curl_slist_append(hdrs, "Expect:")))
		goto nomem;
	hdrs = tmp;
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = url;
	req.headers = hdrs;
	req.body = body->ptr;
	req.body_len = body->len;
	req.connect_timeout_ms = connect_ms;
	req.timeout_ms = timeout_ms;
	rc = aws_http_perform(h, &req, resp, err);
	goto out;
nomem:
	rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
out:
	/* the lines held the session token and signature: wipe before freeing */
	if (line.ptr)
		memset(line.ptr, 0, line.len);
	curl_slist_free_all(hdrs);
	vpce_buf_release(&authz);
	vpce_buf_release(&line);
	return rc;
}

int vpce_aws_query(struct vpce_aws_client *c, const char *action, const char *version,
		   const struct vpce_aws_param *params, size_t nparams, struct vpce_xml_doc **out,
		   struct vpce_error *err)
{
	const struct vpce_aws_session *s = c->session;
	struct vpce_buf body = VPCE_BUF_INIT;
	struct aws_http_resp resp;
	double start = now_ms();
	int attempts = s->max_attempts > 0 ? s->max_attempts : 5;
	int rc = 0;
	char code[128], msg[512], reqid[128];

	*out = NULL;
	c->last_code[0] = 0;
	memset(&resp, 0, sizeof(resp));
	if (!vpce_aws_action_is_read(action))
		c->stats.writes++;
	if (form_body(&body, action, version, params, nparams) != 0) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto out;
	}
	for (int attempt = 1;; attempt++) {
		bool retry = false;
		struct vpce_error e;

		vpce_error_clear(&e);
		c->stats.requests++;
		if (attempt > 1)
			c->stats.retries++;
		rc = send_signed(c->curl, c->url, c->host, c->path, c->service, c->region,
				 &s->cred, &body, s->connect_timeout_ms, s->timeout_ms, &resp, &e);
		code[0] = msg[0] = reqid[0] = 0;
		if (rc == VPCE_ENET) {
			char tmp[VPCE_ERROR_MSG_MAX];
			retry = retryable_curl(resp.curl_code);
			snprintf(code, sizeof(code), "%s", "ConnectionError");
			snprintf(tmp, sizeof(tmp), "%s", e.message);
			vpce_error_set(&e, VPCE_ENET, "%s (%s %s): %s", action, c->service, c->region,
				       tmp);
		} else if (rc != 0) {
			*err = e;
			goto out;
		} else if (resp.status == 200) {
			rc = vpce_xml_parse(resp.body.ptr ? resp.body.ptr : "", resp.body.len, action,
					    out, &e);
			if (rc == 0) {
				c->stats.calls++;
				goto out;
			}
			/* a truncated or garbled 200 is treated as transient */
			retry = true;
			snprintf(code, sizeof(code), "%s", "MalformedResponse");
			rc = VPCE_ENET;
		} else {
			aws_parse_error(resp.body.ptr ? resp.body.ptr : "", resp.body.len, code,
					sizeof(code), msg, sizeof(msg), reqid, sizeof(reqid));
			if (!code[0])
				snprintf(code, sizeof(code), "HTTP%ld", resp.status);
			retry = retryable_code(code) || resp.status >= 500 || resp.status == 429;
			vpce_error_set(&e, VPCE_EAWS, "%s (%s %s): %s: %s (RequestId: %s, HTTP %ld)",
				       action, c->service, c->region, code,
				       msg[0] ? msg : "no message", reqid[0] ? reqid : "none",
				       resp.status);
			rc = VPCE_EAWS;
		}
		snprintf(c->last_code, sizeof(c->last_code), "%s", code);
		if (retry && attempt < attempts) {
			double limit = RETRY_BASE_MS * (double)(1u << (attempt < 20 ? attempt - 1 : 19));
			double delay = aws_random01() * (limit < RETRY_CAP_MS ? limit : RETRY_CAP_MS);
			if (now_ms() - start + delay < (double)s->max_retry_ms) {
				sleep_ms(delay);
				continue;
			}
		}
		*err = e;
		if (retry) {
			size_t l = strlen(err->message);
			snprintf(err->message + l, sizeof(err->message) - l,
				 " (gave up after %d attempt%s)", attempt, attempt == 1 ? "" : "s");
		}
		goto out;
	}
out:
	aws_http_resp_release(&resp);
	vpce_buf_release(&body);
	return rc;
}

int aws_query_once(const char *url, const char *service, const char *region,
		   const struct vpce_aws_credentials *cred, const char *body, long timeout_ms,
		   struct vpce_xml_doc **out, struct vpce_error *err)
{
	char host[256], code[128], msg[512], reqid[128];
	const char *path;
	struct aws_http_resp resp;
	struct vpce_buf b = VPCE_BUF_INIT;
	int rc;

	*out = NULL;
	memset(&resp, 0, sizeof(resp));
	if (aws_url_split(url, host, sizeof(host), &path) != 0)
		return vpce_error_set(err, VPCE_EUSAGE, "invalid endpoint URL '%s'", url);
	vpce_buf_puts(&b, body);
	rc = send_signed(NULL, url, host, path, service, region, cred, &b, timeout_ms, timeout_ms,
			 &resp, err);
	if (rc == 0 && resp.status == 200) {
		rc = vpce_xml_parse(resp.body.ptr ? resp.body.ptr : "", resp.body.len, service, out,
				    err);
	} else if (rc == 0) {
		aws_parse_error(resp.body.ptr ? resp.body.ptr : "", resp.body.len, code,
				sizeof(code), msg, sizeof(msg), reqid, sizeof(reqid));
		rc = vpce_error_set(err, VPCE_EAWS, "%s %s: %s: %s (RequestId: %s, HTTP %ld)",
				    service, region, code[0] ? code : "error",
				    msg[0] ? msg : "no message", reqid[0] ? reqid : "none",
				    resp.status);
	}
	aws_http_resp_release(&resp);
	vpce_buf_release(&b);
	return rc;
}

int vpce_aws_account_id(struct vpce_aws_client *sts, char *out, size_t outlen,
			struct vpce_error *err)
{
	struct vpce_xml_doc *doc = NULL;
	const struct vpce_xml_node *acct;
	int rc;

	rc = vpce_aws_query(sts, "GetCallerIdentity", "2011-06-15", NULL, 0, &doc, err);
	if (rc)
		return rc;
	acct = vpce_xml_path(vpce_xml_root(doc), "GetCallerIdentityResult/Account");
	if (!acct || acct->text_len == 0 || acct->text_len >= outlen) {
		rc = vpce_error_set(err, VPCE_EPARSE, "GetCallerIdentity: no Account in the response");
	} else {
		memcpy(out, acct->text, acct->text_len);
		out[acct->text_len] = 0;
	}
	vpce_xml_doc_free(doc);
	return rc;
}
