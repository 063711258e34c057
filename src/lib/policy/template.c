/* Endpoint policy templates.
 *
 * Sources:
 * - Amazon VPC PrivateLink guide, "Control access to VPC endpoints using
 *   endpoint policies": the default (full-access) policy.
 * - AWS whitepaper "Building a data perimeter on AWS" and the
 *   aws-samples/data-perimeter-policy-examples VPC endpoint policies:
 *   requests are allowed when aws:PrincipalOrgID and aws:ResourceOrgID are
 *   the organization's; AWS service principals (aws:PrincipalIsAWSService)
 *   are excepted; org principals may read AWS-owned S3 buckets such as
 *   Amazon ECR's prod-REGION-starport-layer-bucket (Amazon ECR user guide,
 *   "Minimum Amazon S3 bucket permissions for Amazon ECR").
 */
#include "policy_int.h"

static const char *const kinds[] = { "full-access", "org-perimeter", "own-account",
				     "s3-read-only", NULL };

const char *const *vpce_policy_template_kinds(void)
{
	return kinds;
}

static bool valid_org(const char *s)
{
	size_t n;

	if (!s || strncmp(s, "o-", 2) != 0)
		return false;
	n = strlen(s + 2);
	if (n < 10 || n > 32)
		return false;
	for (const char *p = s + 2; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

static bool valid_account(const char *s)
{
	if (!s || strlen(s) != 12)
		return false;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

/* S3 bucket naming rules (Amazon S3 user guide, "Bucket naming rules"). */
static bool valid_bucket(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 3 || n > 63)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '-'))
			return false;
	return true;
}

static bool valid_region(const char *s)
{
	if (!s || !*s || strlen(s) > 32)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
	return true;
}

static void stmt_open(struct vpce_buf *b, bool first, const char *sid)
{
	vpce_buf_puts(b, first ? "\n    {\n" : ",\n    {\n");
	vpce_buf_puts(b, "      \"Sid\": ");
	vpce_buf_put_json_str(b, sid);
	vpce_buf_puts(b, ",\n      \"Effect\": \"Allow\",\n      \"Principal\": \"*\",\n");
}

static void starport(struct vpce_buf *b, const struct vpce_policy_template_opts *o,
		     const char *key, const char *value)
{
	vpce_buf_puts(b, "      \"Action\": \"s3:GetObject\",\n      \"Resource\": [\n        ");
	vpce_buf_printf(b, "\"arn:aws:s3:::prod-%s-starport-layer-bucket/*\"",
			o->region ? o->region : "*");
	for (size_t i = 0; i < o->nbuckets; i++) {
		vpce_buf_puts(b, ",\n        ");
		vpce_buf_printf(b, "\"arn:aws:s3:::%s/*\"", o->buckets[i]);
	}
	vpce_buf_printf(b, "\n      ],\n      \"Condition\": {\n        \"StringEquals\": {\n"
			   "          \"%s\": ", key);
	vpce_buf_put_json_str(b, value);
	vpce_buf_puts(b, "\n        }\n      }\n    }");
}

static void service_principals(struct vpce_buf *b)
{
	stmt_open(b, false, "AllowRequestsByAWSServicePrincipals");
	vpce_buf_puts(b, "      \"Action\": \"*\",\n      \"Resource\": \"*\",\n"
			 "      \"Condition\": {\n        \"Bool\": {\n"
			 "          \"aws:PrincipalIsAWSService\": \"true\"\n        }\n      }\n    }");
}

static void perimeter(struct vpce_buf *b, const char *sid, const char *pkey, const char *rkey,
		      const char *value)
{
	stmt_open(b, true, sid);
	vpce_buf_printf(b, "      \"Action\": \"*\",\n      \"Resource\": \"*\",\n"
			   "      \"Condition\": {\n        \"StringEquals\": {\n"
			   "          \"%s\": ", pkey);
	vpce_buf_put_json_str(b, value);
	vpce_buf_printf(b, ",\n          \"%s\": ", rkey);
	vpce_buf_put_json_str(b, value);
	vpce_buf_puts(b, "\n        }\n      }\n    }");
}

int vpce_policy_template(const char *kind, const struct vpce_policy_template_opts *o,
			 struct vpce_buf *b, struct vpce_error *err)
{
	static const struct vpce_policy_template_opts none = { 0 };

	if (!kind || !b)
		return vpce_error_set(err, VPCE_EUSAGE, "no template kind");
	if (!o)
		o = &none;
	{
		bool known = false;
		for (const char *const *k = kinds; *k; k++)
			if (strcmp(*k, kind) == 0)
				known = true;
		if (!known)
			return vpce_error_set(err, VPCE_EUSAGE, "unknown template '%s' (expected "
					      "full-access, org-perimeter, own-account, s3-read-only)",
					      kind);
	}
	if (o->nbuckets > VPCE_POLICY_TEMPLATE_MAX_BUCKETS)
		return vpce_error_set(err, VPCE_EUSAGE, "too many buckets");
	for (size_t i = 0; i < o->nbuckets; i++)
		if (!valid_bucket(o->buckets[i]))
			return vpce_error_set(err, VPCE_EUSAGE, "invalid S3 bucket name '%s'",
					      o->buckets[i] ? o->buckets[i] : "");
	if (o->region && !valid_region(o->region))
		return vpce_error_set(err, VPCE_EUSAGE, "invalid region '%s'", o->region);
	if (strcmp(kind, "org-perimeter") == 0 && !valid_org(o->org_id))
		return vpce_error_set(err, VPCE_EUSAGE, "org-perimeter needs --org-id o-xxxxxxxxxx "
				      "(got '%s')", o->org_id ? o->org_id : "");
	if (strcmp(kind, "own-account") == 0 && !valid_account(o->account))
		return vpce_error_set(err, VPCE_EUSAGE, "own-account needs --account with 12 digits "
				      "(got '%s')", o->account ? o->account : "");
	if (strcmp(kind, "s3-read-only") == 0 && o->nbuckets == 0)
		return vpce_error_set(err, VPCE_EUSAGE, "s3-read-only needs at least one --bucket");
	if (o->account && !valid_account(o->account))
		return vpce_error_set(err, VPCE_EUSAGE, "invalid account '%s'", o->account);

	vpce_buf_puts(b, "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [");
	if (strcmp(kind, "full-access") == 0) {
		stmt_open(b, true, "AllowAll");
		vpce_buf_puts(b, "      \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }");
	} else if (strcmp(kind, "org-perimeter") == 0) {
		perimeter(b, "AllowRequestsByOrgsIdentitiesToOrgsResources", "aws:PrincipalOrgID",
			  "aws:ResourceOrgID", o->org_id);
		service_principals(b);
		stmt_open(b, false, "AllowRequestsByOrgsIdentitiesToAWSOwnedResources");
		starport(b, o, "aws:PrincipalOrgID", o->org_id);
	} else if (strcmp(kind, "own-account") == 0) {
		perimeter(b, "AllowRequestsByAccountIdentitiesToAccountResources",
			  "aws:PrincipalAccount", "aws:ResourceAccount", o->account);
		service_principals(b);
		stmt_open(b, false, "AllowRequestsByAccountIdentitiesToAWSOwnedResources");
		starport(b, o, "aws:PrincipalAccount", o->account);
	} else if (strcmp(kind, "s3-read-only") == 0) {
		stmt_open(b, true, "AllowReadOnlyOnNamedBuckets");
		vpce_buf_puts(b, "      \"Action\": [\n        \"s3:GetObject\",\n"
				 "        \"s3:GetObjectVersion\",\n        \"s3:ListBucket\",\n"
				 "        \"s3:GetBucketLocation\"\n      ],\n      \"Resource\": [");
		for (size_t i = 0; i < o->nbuckets; i++)
			vpce_buf_printf(b, "%s\n        \"arn:aws:s3:::%s\",\n        "
					   "\"arn:aws:s3:::%s/*\"", i ? "," : "", o->buckets[i],
					o->buckets[i]);
		vpce_buf_puts(b, "\n      ]");
		if (o->account) {
			vpce_buf_puts(b, ",\n      \"Condition\": {\n        \"StringEquals\": {\n"
					 "          \"aws:PrincipalAccount\": ");
			vpce_buf_put_json_str(b, o->account);
			vpce_buf_puts(b, "\n        }\n      }");
		}
		vpce_buf_puts(b, "\n    }");
	} else {
		return vpce_error_set(err, VPCE_EUSAGE, "unknown template '%s' (expected "
				      "full-access, org-perimeter, own-account, s3-read-only)", kind);
	}
	vpce_buf_puts(b, "\n  ]\n}\n");
	if (b->failed)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	return 0;
}
