/* Internals shared by the src/lib/aws files. Not part of the public API. */
#ifndef VPCE_AWS_INTERNAL_H
#define VPCE_AWS_INTERNAL_H

#include <curl/curl.h>
#include "vpce/aws.h"

struct vpce_aws_session {
	struct vpce_aws_credentials cred;
	char *region;
	char *profile;
	char *endpoint_url;        /* explicit --endpoint-url, or NULL */
	long connect_timeout_ms;
	long timeout_ms;
	long max_retry_ms;
	int max_attempts;
};

/* Call once before any curl use (thread-safe). */
void aws_curl_global_init(void);

struct aws_http_req {
	const char *method;          /* "GET", "PUT", "POST" */
	const char *url;
	struct curl_slist *headers;  /* extra request headers, or NULL */
	const char *body;
	size_t body_len;
	long connect_timeout_ms;
	long timeout_ms;
	bool metadata_endpoint;      /* also allow the link-local IMDS/container hosts */
};

struct aws_http_resp {
	long status;                 /* HTTP status, 0 when no response */
	int curl_code;               /* CURLcode, 0 on success */
	struct vpce_buf body;        /* caller releases */
	char curl_error[CURL_ERROR_SIZE];
};

/* Perform one HTTP request on handle h (reset first; NULL: a temporary
 * handle). Returns 0 when an HTTP response arrived (any status), VPCE_ENET
 * on transport failure (resp->curl_code says which), VPCE_EUSAGE when the
 * URL is refused by policy. err gets a message without secrets. */
int aws_http_perform(CURL *h, const struct aws_http_req *req, struct aws_http_resp *resp,
		     struct vpce_error *err);
void aws_http_resp_release(struct aws_http_resp *resp);

/* Host (with ":port" when present) and path of an http(s) URL. */
int aws_url_split(const char *url, char *host, size_t hostlen, const char **path);

/* "YYYYMMDDTHHMMSSZ" for now (UTC). */
void aws_amz_date(char out[17]);

/* Query API call outside a client (used by credential providers for STS
 * AssumeRole): signs with cred for service/region at endpoint url. */
int aws_query_once(const char *url, const char *service, const char *region,
		   const struct vpce_aws_credentials *cred, const char *body, long timeout_ms,
		   struct vpce_xml_doc **out, struct vpce_error *err);

/* Extract Code / Message / RequestId from an AWS error body (EC2 or STS
 * style). Fields get "" when absent. */
void aws_parse_error(const char *body, size_t len, char *code, size_t codelen, char *msg,
		     size_t msglen, char *reqid, size_t reqidlen);

/* Random double in [0,1) from a per-thread generator (jitter only). */
double aws_random01(void);

#endif
