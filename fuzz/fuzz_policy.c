/* libFuzzer harness: any bytes must parse into a policy or be rejected with
 * an error; accepted policies are linted and evaluated against a request
 * that exercises variables, multi-valued keys and every value type. */
#include <stdint.h>
#include <stddef.h>
#include "vpce/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vpce_policy_request req;
	struct vpce_policy *p = NULL;
	struct vpce_policy_lint *l = NULL;
	struct vpce_policy_decision d;
	struct vpce_error err;

	if (vpce_policy_parse((const char *)data, size, "fuzz", &p, &err) != 0)
		return 0;
	if (vpce_policy_lint(p, VPCE_POLICY_LINT_ENDPOINT, &l, &err) == 0)
		vpce_policy_lint_free(l);
	vpce_policy_request_init(&req);
	vpce_policy_request_set_action(&req, "s3:GetObject");
	vpce_policy_request_set_resource(&req, "arn:aws:s3:::bucket/home/alice/k");
	vpce_policy_request_set_principal(&req, "arn:aws:sts::123456789012:assumed-role/app/s");
	vpce_policy_request_add(&req, "aws:username", "alice");
	vpce_policy_request_add(&req, "aws:PrincipalOrgID", "o-abcdefghij");
	vpce_policy_request_add(&req, "aws:SourceIp", "203.0.113.9");
	vpce_policy_request_add(&req, "aws:CurrentTime", "2025-06-01T12:00:00Z");
	vpce_policy_request_add(&req, "aws:SecureTransport", "true");
	vpce_policy_request_add(&req, "s3:max-keys", "10");
	vpce_policy_request_add(&req, "aws:TagKeys", "Name");
	vpce_policy_request_add(&req, "aws:TagKeys", "Env");
	vpce_policy_request_add_key(&req, "aws:CalledVia");
	vpce_policy_eval(p, &req, &d);
	vpce_policy_free(p);
	return 0;
}
