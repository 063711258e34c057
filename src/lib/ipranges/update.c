/* vpce_ipranges_update: fetch ip-ranges.json, check it, replace the local
 * copy atomically when it is newer. The file and its syncToken follow "AWS
 * IP address ranges" (Amazon VPC User Guide,
 * https://docs.aws.amazon.com/vpc/latest/userguide/aws-ip-ranges.html):
 * syncToken is the publication time in Unix epoch seconds, so a larger
 * token is a newer file. */
#include <stdio.h>
#include <stdlib.h>
#include "vpce/ipranges.h"
#include "vpce/snapshot.h"
#include "aws/aws_internal.h"
#include "util/util.h"

#define IPRANGES_MAX_BYTES ((size_t)64 << 20)

/* A syncToken as a number; false when it is not all digits. */
static bool token_value(const char *s, unsigned long long *v)
{
	unsigned long long x = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || x > (~0ull - 9) / 10)
			return false;
		x = x * 10 + (unsigned long long)(*s - '0');
	}
	*v = x;
	return true;
}

int vpce_ipranges_update(const char *url, const char *path, bool force, struct vpce_ipranges_update *res,
			 struct vpce_error *err)
{
	struct aws_http_req req;
	struct aws_http_resp resp;
	struct vpce_ipranges *fresh = NULL, *old = NULL;
	struct vpce_error olderr;
	char def[VPCE_ERROR_FILE_MAX], dir[VPCE_ERROR_FILE_MAX];
	const char *slash;
	unsigned long long tnew = 0, told = 0;
	bool have_new, have_old;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	if (!url)
		url = VPCE_IPRANGES_URL;
	if (!path) {
		if (vpce_ipranges_default_path(def, sizeof(def)) != 0)
			return vpce_error_set(err, VPCE_EUSAGE, "data directory path too long");
		path = def;
	}
	vpce_buf_init(&resp.body, IPRANGES_MAX_BYTES);
	req.method = "GET";
	req.url = url;
	req.connect_timeout_ms = 10000;
	req.timeout_ms = 120000;
	if ((rc = aws_http_perform(NULL, &req, &resp, err)) != 0)
		goto out;
	if (resp.status != 200) {
		rc = vpce_error_set(err, VPCE_ENET, "%s: HTTP status %ld", url, resp.status);
		goto out;
	}
	res->bytes = resp.body.len;
	if ((rc = vpce_ipranges_load_mem(resp.body.ptr ? resp.body.ptr : "", resp.body.len, url, &fresh, err)) != 0)
		goto out;
	snprintf(res->new_token, sizeof(res->new_token), "%s", vpce_ipranges_sync_token(fresh));
	snprintf(res->new_date, sizeof(res->new_date), "%s", vpce_ipranges_create_date(fresh));
	res->new_prefixes = vpce_ipranges_handle_count(fresh);
	have_new = token_value(res->new_token, &tnew);
	if (!have_new) {
		rc = vpce_error_set(err, VPCE_EINVAL, "%s: syncToken \"%s\" is not a number", url, res->new_token);
		goto out;
	}
	/* The file in place, if it loads: an unreadable or broken one is
	 * simply replaced. */
	have_old = vpce_ipranges_load(path, &old, &olderr) == 0;
	if (have_old) {
		snprintf(res->old_token, sizeof(res->old_token), "%s", vpce_ipranges_sync_token(old));
		snprintf(res->old_date, sizeof(res->old_date), "%s", vpce_ipranges_create_date(old));
		have_old = token_value(res->old_token, &told);
	}
	if (have_old && tnew == told && !force) {
		res->outcome = VPCE_IPRANGES_CURRENT;
		goto out;
	}
	if (have_old && tnew < told && !force) {
		res->outcome = VPCE_IPRANGES_OLDER;
		goto out;
	}
	slash = strrchr(path, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	if ((rc = vpce_write_file_atomic(dir, slash ? slash + 1 : path, &resp.body, err)) != 0)
		goto out;
	res->outcome = VPCE_IPRANGES_UPDATED;
out:
	vpce_ipranges_free(fresh);
	vpce_ipranges_free(old);
	aws_http_resp_release(&resp);
	return rc;
}
