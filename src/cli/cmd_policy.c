/* vpce policy — lint, evaluate and generate IAM endpoint policies. */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "vpce/buf.h"
#include "vpce/policy.h"
#include "util/util.h"

void cmd_policy_help(FILE *out)
{
	fprintf(out,
		"usage: vpce policy lint FILE [--format table|json] [--type endpoint|resource]\n"
		"       vpce policy eval FILE --action A --resource ARN [--principal P]\n"
		"                        [--context KEY=VALUE]... [--format table|json]\n"
		"       vpce policy template KIND [--org-id O] [--account A] [--bucket B]...\n"
		"                        [--region R]\n\n"
		"lint      report valid but suspicious constructs (ids in docs/POLICY.md).\n"
		"          Exit 0: no finding of severity warning or error; 1: at least one;\n"
		"          2: malformed document (file:line:col: message on stderr).\n"
		"eval      evaluate one request against the policy (AWS policy evaluation\n"
		"          logic). Prints the decision and the deciding statement; exit 0\n"
		"          whatever the decision. A repeated --context KEY is multi-valued.\n"
		"template  print an endpoint policy: full-access, org-perimeter (--org-id),\n"
		"          own-account (--account), s3-read-only (--bucket, repeatable).\n"
		"FILE may be '-' for standard input.\n");
}

enum fmt { FMT_TABLE, FMT_JSON };

static int parse_format(const char *s, enum fmt *f)
{
	if (strcmp(s, "table") == 0)
		*f = FMT_TABLE;
	else if (strcmp(s, "json") == 0)
		*f = FMT_JSON;
	else
		return -1;
	return 0;
}

static int read_input(const char *path, struct vpce_buf *b, struct vpce_error *err)
{
	if (strcmp(path, "-") == 0) {
		char chunk[65536];
		size_t n;
		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			if (vpce_buf_put(b, chunk, n))
				return vpce_error_set(err, VPCE_ENOMEM, "input too large");
		if (ferror(stdin))
			return vpce_error_set(err, VPCE_EIO, "cannot read standard input");
		return 0;
	}
	return vpce_buf_read_file(b, path, err);
}

/* Parse FILE into a policy; on failure print "file:line:col: message". */
static int load_policy(const char *path, struct vpce_policy **p)
{
	struct vpce_buf b;
	struct vpce_error err;
	char msg[2048];
	int rc;

	vpce_buf_init(&b, 64u << 20);
	vpce_error_clear(&err);
	rc = read_input(path, &b, &err);
	if (rc == 0)
		rc = vpce_policy_parse(b.ptr ? b.ptr : "", b.len,
				       strcmp(path, "-") == 0 ? "<stdin>" : path, p, &err);
	vpce_buf_release(&b);
	if (rc) {
		fprintf(stderr, "%s\n", vpce_error_format(&err, msg, sizeof(msg)));
		return VPCE_EXIT_USAGE;
	}
	return 0;
}

static int policy_lint(int argc, char **argv)
{
	const char *file = NULL;
	enum fmt f = FMT_TABLE;
	unsigned flags = VPCE_POLICY_LINT_ENDPOINT;
	struct vpce_policy *p = NULL;
	struct vpce_policy_lint *l = NULL;
	struct vpce_error err;
	struct vpce_buf out = VPCE_BUF_INIT;
	size_t counts[3] = { 0, 0, 0 };
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			if (parse_format(argv[++i], &f))
				return cli_usage("policy", "--format must be table or json");
		} else if (strcmp(argv[i], "--type") == 0 && i + 1 < argc) {
			i++;
			if (strcmp(argv[i], "endpoint") == 0)
				flags = VPCE_POLICY_LINT_ENDPOINT;
			else if (strcmp(argv[i], "resource") == 0)
				flags = 0;
			else
				return cli_usage("policy", "--type must be endpoint or resource");
		} else if (argv[i][0] == '-' && argv[i][1] != 0) {
			return cli_usage("policy", "unknown option '%s' for lint", argv[i]);
		} else if (!file) {
			file = argv[i];
		} else {
			return cli_usage("policy", "lint takes one FILE");
		}
	}
	if (!file)
		return cli_usage("policy", "lint needs a FILE");
	rc = load_policy(file, &p);
	if (rc)
		return rc;
	vpce_error_clear(&err);
	if (vpce_policy_lint(p, flags, &l, &err)) {
		vpce_policy_free(p);
		return cli_fail(&err);
	}
	for (size_t i = 0; i < l->count; i++)
		counts[l->findings[i].severity]++;
	if (f == FMT_JSON) {
		vpce_buf_puts(&out, "{\"file\": ");
		vpce_buf_put_json_str(&out, file);
		vpce_buf_puts(&out, ", \"findings\": [");
		for (size_t i = 0; i < l->count; i++) {
			const struct vpce_policy_finding *x = &l->findings[i];
			vpce_buf_printf(&out, "%s\n  {\"id\": \"%s\", \"severity\": \"%s\", "
					      "\"statement\": ", i ? "," : "", x->id,
					vpce_policy_severity_name(x->severity));
			if (x->statement < 0)
				vpce_buf_puts(&out, "null");
			else
				vpce_buf_printf(&out, "%d", x->statement);
			vpce_buf_printf(&out, ", \"line\": %u, \"column\": %u, \"message\": ",
					x->line, x->col);
			vpce_buf_put_json_str(&out, x->message);
			vpce_buf_puts(&out, "}");
		}
		vpce_buf_printf(&out, "%s], \"summary\": {\"error\": %zu, \"warning\": %zu, "
				      "\"info\": %zu}}\n", l->count ? "\n" : "",
				counts[VPCE_POLICY_ERROR], counts[VPCE_POLICY_WARNING],
				counts[VPCE_POLICY_INFO]);
	} else {
		for (size_t i = 0; i < l->count; i++) {
			const struct vpce_policy_finding *x = &l->findings[i];
			char where[32];
			if (x->statement < 0)
				snprintf(where, sizeof(where), "policy");
			else
				snprintf(where, sizeof(where), "statement %d", x->statement);
			if (x->line)
				vpce_buf_printf(&out, "%s:%u:%u: ", file, x->line, x->col);
			else
				vpce_buf_printf(&out, "%s: ", file);
			vpce_buf_printf(&out, "%s [%s] %s: %s\n",
					vpce_policy_severity_name(x->severity), x->id, where,
					x->message);
		}
		vpce_buf_printf(&out, "%zu error(s), %zu warning(s), %zu info\n",
				counts[VPCE_POLICY_ERROR], counts[VPCE_POLICY_WARNING],
				counts[VPCE_POLICY_INFO]);
	}
	fwrite(out.ptr, 1, out.len, stdout);
	vpce_buf_release(&out);
	vpce_policy_lint_free(l);
	vpce_policy_free(p);
	return counts[VPCE_POLICY_ERROR] + counts[VPCE_POLICY_WARNING] ? VPCE_EXIT_EXPECT
								      : VPCE_EXIT_OK;
}

static int policy_eval(int argc, char **argv)
{
	const char *file = NULL, *action = NULL, *resource = NULL, *principal = NULL;
	enum fmt f = FMT_TABLE;
	struct vpce_policy *p = NULL;
	struct vpce_policy_request *req;
	struct vpce_policy_decision d;
	struct vpce_buf out = VPCE_BUF_INIT;
	int rc;

	req = malloc(sizeof(*req));
	if (!req) {
		fprintf(stderr, "vpce policy: out of memory\n");
		return VPCE_EXIT_USAGE;
	}
	vpce_policy_request_init(req);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_val = i + 1 < argc;
		if (strcmp(a, "--format") == 0 && has_val) {
			if (parse_format(argv[++i], &f)) {
				rc = cli_usage("policy", "--format must be table or json");
				goto out;
			}
		} else if (strcmp(a, "--action") == 0 && has_val) {
			action = argv[++i];
		} else if (strcmp(a, "--resource") == 0 && has_val) {
			resource = argv[++i];
		} else if (strcmp(a, "--principal") == 0 && has_val) {
			principal = argv[++i];
		} else if (strcmp(a, "--context") == 0 && has_val) {
			char *kv = argv[++i], *eq = strchr(kv, '=');
			if (!eq || eq == kv) {
				rc = cli_usage("policy", "--context takes KEY=VALUE, got '%s'", kv);
				goto out;
			}
			*eq = 0;
			if (vpce_policy_request_add(req, kv, eq + 1)) {
				rc = cli_usage("policy", "cannot add --context %s (more than %d keys or %d values, "
					       "or a key longer than 255 bytes)", kv, VPCE_POLICY_MAX_KEYS,
					       VPCE_POLICY_MAX_VALUES);
				goto out;
			}
		} else if (a[0] == '-' && a[1] != 0) {
			rc = cli_usage("policy", "unknown option or missing value '%s' for eval", a);
			goto out;
		} else if (!file) {
			file = a;
		} else {
			rc = cli_usage("policy", "eval takes one FILE");
			goto out;
		}
	}
	if (!file || !action || !resource) {
		rc = cli_usage("policy", "eval needs FILE, --action and --resource");
		goto out;
	}
	rc = load_policy(file, &p);
	if (rc)
		goto out;
	vpce_policy_request_set_action(req, action);
	vpce_policy_request_set_resource(req, resource);
	vpce_policy_request_set_principal(req, principal);
	vpce_policy_eval(p, req, &d);
	if (f == FMT_JSON) {
		vpce_buf_printf(&out, "{\"decision\": \"%s\", \"statement\": ",
				vpce_policy_result_name(d.result));
		if (d.statement < 0) {
			vpce_buf_puts(&out, "null}\n");
		} else {
			vpce_buf_printf(&out, "{\"index\": %d, \"sid\": ", d.statement);
			if (d.sid)
				vpce_buf_put_json_str(&out, d.sid);
			else
				vpce_buf_puts(&out, "null");
			vpce_buf_puts(&out, "}}\n");
		}
	} else {
		vpce_buf_printf(&out, "decision   %s\n", vpce_policy_result_name(d.result));
		if (d.statement < 0)
			vpce_buf_puts(&out, "statement  none (no statement matched)\n");
		else
			vpce_buf_printf(&out, "statement  %d%s%s%s\n", d.statement,
					d.sid ? " (Sid " : "", d.sid ? d.sid : "", d.sid ? ")" : "");
	}
	fwrite(out.ptr, 1, out.len, stdout);
	rc = VPCE_EXIT_OK;
out:
	vpce_buf_release(&out);
	vpce_policy_free(p);
	free(req);
	return rc;
}

static int policy_template(int argc, char **argv)
{
	struct vpce_policy_template_opts o;
	const char *kind = NULL;
	struct vpce_buf out = VPCE_BUF_INIT;
	struct vpce_error err;

	memset(&o, 0, sizeof(o));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_val = i + 1 < argc;
		if (strcmp(a, "--org-id") == 0 && has_val) {
			o.org_id = argv[++i];
		} else if (strcmp(a, "--account") == 0 && has_val) {
			o.account = argv[++i];
		} else if (strcmp(a, "--region") == 0 && has_val) {
			o.region = argv[++i];
		} else if (strcmp(a, "--bucket") == 0 && has_val) {
			if (o.nbuckets >= VPCE_POLICY_TEMPLATE_MAX_BUCKETS)
				return cli_usage("policy", "at most %d --bucket",
						 VPCE_POLICY_TEMPLATE_MAX_BUCKETS);
			o.buckets[o.nbuckets++] = argv[++i];
		} else if (a[0] == '-') {
			return cli_usage("policy", "unknown option or missing value '%s' for template",
					 a);
		} else if (!kind) {
			kind = a;
		} else {
			return cli_usage("policy", "template takes one KIND");
		}
	}
	if (!kind)
		return cli_usage("policy", "template needs a KIND (full-access, org-perimeter, "
					   "own-account, s3-read-only)");
	vpce_error_clear(&err);
	if (vpce_policy_template(kind, &o, &out, &err)) {
		vpce_buf_release(&out);
		return cli_usage("policy", "%s", err.message);
	}
	fwrite(out.ptr, 1, out.len, stdout);
	vpce_buf_release(&out);
	return VPCE_EXIT_OK;
}

int cmd_policy(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage("policy", "needs a subcommand: lint, eval or template");
	if (strcmp(argv[1], "lint") == 0)
		return policy_lint(argc - 1, argv + 1);
	if (strcmp(argv[1], "eval") == 0)
		return policy_eval(argc - 1, argv + 1);
	if (strcmp(argv[1], "template") == 0)
		return policy_template(argc - 1, argv + 1);
	return cli_usage("policy", "unknown subcommand '%s' (lint, eval, template)", argv[1]);
}
