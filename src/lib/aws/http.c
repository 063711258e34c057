/* HTTP transport over libcurl: TLS verification always on, plain http only
 * to loopback hosts (and, for the credential providers, to the documented
 * link-local metadata hosts), no redirects, timeouts, bounded bodies. */
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include "aws/aws_internal.h"
#include "util/util.h"

#define AWS_MAX_BODY ((size_t)256 << 20)

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void aws_curl_global_init(void)
{
	pthread_once(&curl_once, curl_init_once);
}

int aws_url_split(const char *url, char *host, size_t hostlen, const char **path)
{
	const char *p, *end;
	size_t n;

	if (vpce_str_startswith(url, "https://"))
		p = url + 8;
	else if (vpce_str_startswith(url, "http://"))
		p = url + 7;
	else
		return VPCE_EINVAL;
	end = p + strcspn(p, "/?#");
	n = (size_t)(end - p);
	if (n == 0 || n >= hostlen || memchr(p, '@', n))
		return VPCE_EINVAL;
	memcpy(host, p, n);
	host[n] = 0;
	if (path)
		*path = *end == '/' ? end : "/";
	return 0;
}

/* Host name without port or IPv6 brackets. */
static void bare_host(const char *hostport, char *out, size_t outlen)
{
	const char *s = hostport, *e;

	if (*s == '[') {
		s++;
		e = strchr(s, ']');
		if (!e)
			e = s + strlen(s);
	} else {
		e = strchr(s, ':');
		if (!e)
			e = s + strlen(s);
	}
	snprintf(out, outlen, "%.*s", (int)(e - s), s);
}

static bool is_loopback(const char *h)
{
	if (vpce_str_eqi(h, "localhost") || strcmp(h, "::1") == 0)
		return true;
	if (vpce_str_startswith(h, "127.")) {
		for (const char *p = h; *p; p++)
			if (!((*p >= '0' && *p <= '9') || *p == '.'))
				return false;
		return true;
	}
	return false;
}

bool vpce_aws_url_allowed(const char *url)
{
	char hp[256], h[256];

	if (!url || aws_url_split(url, hp, sizeof(hp), NULL) != 0)
		return false;
	if (vpce_str_startswith(url, "https://"))
		return true;
	bare_host(hp, h, sizeof(h));
	return is_loopback(h);
}

/* The link-local hosts of the EC2 instance metadata service and the ECS/EKS
 * container credential endpoints ("Use the IMDS", EC2 User Guide; "Container
 * credential provider", AWS SDKs and Tools Reference Guide). */
static bool metadata_url_allowed(const char *url)
{
	static const char *hosts[] = { "169.254.169.254", "fd00:ec2::254", "169.254.170.2",
				       "169.254.170.23", "fd00:ec2::23" };
	char hp[256], h[256];

	if (vpce_aws_url_allowed(url))
		return true;
	if (aws_url_split(url, hp, sizeof(hp), NULL) != 0)
		return false;
	bare_host(hp, h, sizeof(h));
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		if (strcmp(h, hosts[i]) == 0)
			return true;
	return false;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct vpce_buf *b = ud;
	size_t n = size * nmemb;

	if (vpce_buf_put(b, data, n) != 0)
		return 0; /* aborts the transfer: body over the cap */
	return n;
}

int aws_http_perform(CURL *h, const struct aws_http_req *req, struct aws_http_resp *resp,
		     struct vpce_error *err)
{
	CURL *own = NULL;
	CURLcode cc;
	int rc = 0;

	resp->status = 0;
	resp->curl_code = 0;
	resp->curl_error[0] = 0;
	if (!resp->body.cap)
		vpce_buf_init(&resp->body, AWS_MAX_BODY);
	vpce_buf_clear(&resp->body);
	if (!(req->metadata_endpoint ? metadata_url_allowed(req->url)
				     : vpce_aws_url_allowed(req->url)))
		return vpce_error_set(err, VPCE_EUSAGE,
				      "refusing endpoint '%s': https is required (plain http only "
				      "to a loopback address)",
				      req->url);
	aws_curl_global_init();
	if (!h) {
		h = own = curl_easy_init();
		if (!h)
			return vpce_error_set(err, VPCE_ENOMEM, "cannot create a curl handle");
	} else {
		curl_easy_reset(h);
	}
	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	/* AWS_CA_BUNDLE: the CA certificates to verify TLS with instead of the
	 * system's, as the AWS CLI and SDKs read it ("Environment variables to
	 * configure the AWS CLI", AWS CLI User Guide) - for TLS-inspecting
	 * proxies and private endpoints. */
	{
		const char *ca = getenv("AWS_CA_BUNDLE");
		if (ca && *ca)
			curl_easy_setopt(h, CURLOPT_CAINFO, ca);
	}
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, req->timeout_ms);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "vpce/" VPCE_VERSION);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp->body);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, resp->curl_error);
	if (req->headers)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, req->headers);
	if (strcmp(req->method, "POST") == 0) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
	} else if (strcmp(req->method, "GET") != 0) {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
		if (req->body) {
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body);
			curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		}
	}
	cc = curl_easy_perform(h);
	resp->curl_code = (int)cc;
	if (cc != CURLE_OK) {
		rc = vpce_error_set(err, VPCE_ENET, "%s: %s", req->url,
				    resp->curl_error[0] ? resp->curl_error : curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
out:
	if (own)
		curl_easy_cleanup(own);
	else
		curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	return rc;
}

void aws_http_resp_release(struct aws_http_resp *resp)
{
	vpce_buf_release(&resp->body);
}

void aws_amz_date(char out[17])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

double aws_random01(void)
{
	static _Thread_local uint64_t state;

	if (!state) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		state = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
			(uint64_t)(uintptr_t)&state;
		if (!state)
			state = 0x9E3779B97F4A7C15ULL;
	}
	/* xorshift64*: jitter needs spread, not unpredictability */
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (double)((state * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}
