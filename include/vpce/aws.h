/* vpce — AWS client: SigV4 signing, INI config files, credential/region/endpoint
 * resolution like the AWS CLI, EC2/STS Query API calls over libcurl with
 * retries, XML responses (expat) and their translation into the JSON the AWS
 * CLI prints. See docs/AWS.md.
 *
 * Ownership: every `**out` is a new object the caller frees with the
 * matching vpce_*_free (all NULL-safe). Strings returned by accessors are
 * owned by the object they come from. Secrets (secret keys, session tokens,
 * container tokens) never appear in a struct vpce_error message.
 *
 * Threads: a struct vpce_aws_session is immutable after creation and may be
 * shared by threads; a struct vpce_aws_client (one curl handle) belongs to
 * one thread at a time.
 */
#ifndef VPCE_AWS_H
#define VPCE_AWS_H

#include "common.h"
#include "error.h"
#include "buf.h"

/* ---- SigV4 ------------------------------------------------------------- */

struct vpce_aws_credentials {
	char *access_key_id;
	char *secret_access_key;
	char *session_token;   /* NULL when the credentials are long-term */
	char *expiration;      /* ISO 8601 text or NULL */
	char source[48];       /* "env", "shared-credentials-file", "imds", ... (no secrets) */
};

/* Free the strings (secret ones are wiped first) and zero the struct. */
VPCE_EXTERN void vpce_aws_credentials_release(struct vpce_aws_credentials *c);

struct vpce_aws_header {
	const char *name;
	const char *value;
};

/* One HTTP request to sign. Header values are taken as sent; the signer
 * lowercases names, trims values and collapses inner runs of spaces, joins
 * repeated names with ',' and signs every header given (host and x-amz-date
 * must be among them; x-amz-security-token too when a session token is
 * used — vpce_aws_query adds it). */
struct vpce_sigv4_request {
	const char *method;        /* "GET", "POST" */
	const char *path;          /* unencoded path, e.g. "/" */
	const char *query;         /* raw query string without '?', or NULL */
	const struct vpce_aws_header *headers;
	size_t nheaders;
	const void *body;
	size_t body_len;
	const char *region;
	const char *service;
	const char *amz_date;      /* "YYYYMMDDTHHMMSSZ" */
};

/* Compute the Authorization header value into *authz (cleared first).
 * creq / sts (may be NULL) receive the canonical request and the string to
 * sign, for tests and debugging. */
VPCE_EXTERN int vpce_sigv4_sign(const struct vpce_sigv4_request *req,
				const struct vpce_aws_credentials *cred, struct vpce_buf *authz,
				struct vpce_buf *creq, struct vpce_buf *sts, struct vpce_error *err);

/* Lowercase hex SHA-256 of data (out: 65 bytes). */
VPCE_EXTERN void vpce_sha256_hex(const void *data, size_t len, char out[65]);

/* Append s[0..n) URI-encoded the SigV4 way: every byte except A-Z a-z 0-9
 * '-' '.' '_' '~' becomes %XY (uppercase hex); '/' kept when keep_slash. */
VPCE_EXTERN int vpce_aws_uri_encode(struct vpce_buf *b, const char *s, size_t n, bool keep_slash);

/* ---- INI files (~/.aws/config, ~/.aws/credentials) ----------------------- */

struct vpce_ini;

/* Parse an AWS-style INI file: [section] headers, `key = value` lines,
 * full-line comments starting with '#' or ';', and indented sub-settings
 * under a key with an empty value (stored as "parent.child"). Keys are
 * lowercased; section names are kept as written (trimmed). A key repeated in
 * a section: the last value wins. Errors carry name:line:col. */
VPCE_EXTERN int vpce_ini_parse(const char *text, size_t len, const char *name,
			       struct vpce_ini **out, struct vpce_error *err);
/* Read and parse a file. A missing file is VPCE_ENOTFOUND. */
VPCE_EXTERN int vpce_ini_load(const char *path, struct vpce_ini **out, struct vpce_error *err);
VPCE_EXTERN void vpce_ini_free(struct vpce_ini *ini);
/* The value of key in section, or NULL. */
VPCE_EXTERN const char *vpce_ini_get(const struct vpce_ini *ini, const char *section,
				     const char *key);
VPCE_EXTERN bool vpce_ini_has_section(const struct vpce_ini *ini, const char *section);
/* Number of (section, key, value) entries, and the i-th one. */
VPCE_EXTERN size_t vpce_ini_count(const struct vpce_ini *ini);
VPCE_EXTERN void vpce_ini_entry(const struct vpce_ini *ini, size_t i, const char **section,
				const char **key, const char **value, unsigned *line);

/* ---- XML (expat) ---------------------------------------------------------- */

struct vpce_xml_node {
	const char *name;              /* element name, NUL-terminated */
	const char *text;              /* concatenated character data ("" if none) */
	size_t text_len;
	struct vpce_xml_node *child;   /* first child element */
	struct vpce_xml_node *next;    /* next sibling */
	unsigned line;                 /* line of the start tag */
};
struct vpce_xml_doc;

#define VPCE_XML_MAX_DEPTH 128

/* Parse an XML document (no DTDs: a DOCTYPE is rejected). Errors carry
 * name:line:col. */
VPCE_EXTERN int vpce_xml_parse(const char *text, size_t len, const char *name,
			       struct vpce_xml_doc **out, struct vpce_error *err);
VPCE_EXTERN void vpce_xml_doc_free(struct vpce_xml_doc *doc);
VPCE_EXTERN const struct vpce_xml_node *vpce_xml_root(const struct vpce_xml_doc *doc);
/* First child element called name, or NULL. */
VPCE_EXTERN const struct vpce_xml_node *vpce_xml_child(const struct vpce_xml_node *n,
						       const char *name);
/* Follow a '/'-separated path of child names from n ("a/b/c"). */
VPCE_EXTERN const struct vpce_xml_node *vpce_xml_path(const struct vpce_xml_node *n,
						      const char *path);
/* Depth-first search for the first element called name (n included). */
VPCE_EXTERN const struct vpce_xml_node *vpce_xml_find(const struct vpce_xml_node *n,
						      const char *name);

/* ---- session: credentials, region, endpoints ------------------------------ */

struct vpce_aws_options {
	const char *profile;        /* explicit profile (--profile); NULL: AWS_PROFILE or "default" */
	const char *region;         /* explicit region; NULL: env, then profile */
	const char *endpoint_url;   /* explicit endpoint for every service; NULL: env */
	long connect_timeout_ms;    /* 0: 5000 */
	long timeout_ms;            /* whole request; 0: 30000 */
	int max_attempts;           /* 0: AWS_MAX_ATTEMPTS / profile max_attempts / 5 */
	long max_retry_ms;          /* cap on the total time spent retrying one call; 0: 60000 */
};

struct vpce_aws_session;

/* Resolve credentials (AWS CLI order, see docs/AWS.md), region and settings.
 * A session without a region is allowed (vpce_aws_session_region returns
 * NULL); clients then need an explicit region. */
VPCE_EXTERN int vpce_aws_session_new(const struct vpce_aws_options *opts,
				     struct vpce_aws_session **out, struct vpce_error *err);
VPCE_EXTERN void vpce_aws_session_free(struct vpce_aws_session *s);
VPCE_EXTERN const char *vpce_aws_session_region(const struct vpce_aws_session *s);
VPCE_EXTERN const char *vpce_aws_session_profile(const struct vpce_aws_session *s);
/* Where the credentials came from ("env", "assume-role", "imds", ...). */
VPCE_EXTERN const char *vpce_aws_session_credential_source(const struct vpce_aws_session *s);
VPCE_EXTERN const struct vpce_aws_credentials *
vpce_aws_session_credentials(const struct vpce_aws_session *s);

/* Resolve only the credentials (used by the session; exposed for tests). */
VPCE_EXTERN int vpce_aws_resolve_credentials(const struct vpce_aws_options *opts,
					     struct vpce_aws_credentials *out,
					     struct vpce_error *err);

/* Endpoint URL for service ("ec2", "sts") in region: explicit option, then
 * AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, then
 * https://<service>.<region>.amazonaws.com. out is cleared first. */
VPCE_EXTERN int vpce_aws_endpoint(const struct vpce_aws_session *s, const char *service,
				  const char *region, struct vpce_buf *out, struct vpce_error *err);

/* True when url may be used: https, or http to a loopback host. */
VPCE_EXTERN bool vpce_aws_url_allowed(const char *url);

/* ---- clients and Query API calls ----------------------------------------- */

struct vpce_aws_client;

struct vpce_aws_param {
	const char *name;
	const char *value;
};

/* Counters of one client, for progress and tests. */
struct vpce_aws_stats {
	unsigned requests;   /* HTTP attempts */
	unsigned retries;    /* attempts that were retries */
	unsigned calls;      /* successful API calls */
	unsigned writes;     /* mutating API calls attempted (every action but
				Describe*, Get*, List*, AssumeRole*), counted once
				per call whatever its outcome */
};

/* True for an action that only reads (Describe*, Get*, List*, AssumeRole*). */
VPCE_EXTERN bool vpce_aws_action_is_read(const char *action);

VPCE_EXTERN int vpce_aws_client_new(const struct vpce_aws_session *s, const char *service,
				    const char *region, struct vpce_aws_client **out,
				    struct vpce_error *err);
VPCE_EXTERN void vpce_aws_client_free(struct vpce_aws_client *c);
VPCE_EXTERN const char *vpce_aws_client_region(const struct vpce_aws_client *c);
VPCE_EXTERN const struct vpce_aws_stats *vpce_aws_client_stats(const struct vpce_aws_client *c);

/* POST Action=action&Version=version&params… (form-encoded, SigV4-signed)
 * with retries (throttling, 5xx, connection failures; exponential backoff
 * with full jitter, capped in attempts and total time). On HTTP 200 *out is
 * the parsed XML body. On an AWS error: VPCE_EAWS with the AWS error code
 * verbatim, its message and the RequestId in err->message (the code alone
 * via vpce_aws_error_code). Network failures: VPCE_ENET. */
VPCE_EXTERN int vpce_aws_query(struct vpce_aws_client *c, const char *action,
			       const char *version, const struct vpce_aws_param *params,
			       size_t nparams, struct vpce_xml_doc **out, struct vpce_error *err);

/* The AWS error code of the last failed vpce_aws_query on c ("" if none). */
VPCE_EXTERN const char *vpce_aws_error_code(const struct vpce_aws_client *c);

/* STS GetCallerIdentity: the 12-digit account into out (at least 16 bytes). */
VPCE_EXTERN int vpce_aws_account_id(struct vpce_aws_client *sts, char *out, size_t outlen,
				    struct vpce_error *err);

/* ---- EC2 describe calls as AWS CLI JSON ---------------------------------- */

/* Call an EC2 operation ("DescribeVpcs", ...; see vpce_ec2_operation_known)
 * following NextToken, and write the JSON that `aws ec2 <op> --output json`
 * prints (botocore's member names, order and types; paginated result lists
 * merged, NextToken dropped) into out (cleared first). max_results > 0 sends
 * MaxResults on each page. */
VPCE_EXTERN int vpce_ec2_call_json(struct vpce_aws_client *ec2, const char *operation,
				   const struct vpce_aws_param *params, size_t nparams,
				   int max_results, struct vpce_buf *out, struct vpce_error *err);
VPCE_EXTERN bool vpce_ec2_operation_known(const char *operation);

/* Translate already-fetched response pages (XML documents of one operation)
 * into AWS CLI JSON. Used by vpce_ec2_call_json and the fuzzer. */
VPCE_EXTERN int vpce_ec2_xml_to_json(const char *operation,
				     const struct vpce_xml_node *const *pages, size_t npages,
				     struct vpce_buf *out, struct vpce_error *err);

#endif
