/* vpce — command-line entry point and command table. */
#include <string.h>
#include "cli.h"

static int cmd_help(int argc, char **argv);
static void cmd_help_help(FILE *out);

static const struct vpce_cmd commands[] = {
	{ "check", "every workload's path to every AWS service, step by step, with the fix",
	  cmd_check, cmd_check_help },
	{ "policy", "lint, evaluate and generate IAM endpoint policies", cmd_policy,
	  cmd_policy_help },
	{ "plan", "which endpoints pay off, measured from VPC Flow Logs at regional prices", cmd_plan,
	  cmd_plan_help },
	{ "audit", "findings with stable ids: endpoint gaps, policies, DNS, SGs (table, JSON, SARIF)", cmd_audit,
	  cmd_audit_help },
	{ "diagram", "Graphviz diagram of a VPC: subnets, gateways, endpoints, paths by verdict", cmd_diagram,
	  cmd_diagram_help },
	{ "report", "one self-contained HTML report: summary, path matrix, findings, diagram", cmd_report,
	  cmd_report_help },
	{ "apply", "carry out a plan: create/modify/delete VPC endpoints (idempotent)", cmd_apply,
	  cmd_apply_help },
	{ "export", "a plan as Terraform or CloudFormation", cmd_export, cmd_export_help },
	{ "snapshot", "capture the VPC resources check reads from the EC2 API (AWS CLI JSON)",
	  cmd_snapshot, cmd_snapshot_help },
	{ "ip-ranges", "show or update the AWS ip-ranges.json that plan and check use", cmd_ipranges,
	  cmd_ipranges_help },
	{ "help", "show help for vpce or one command", cmd_help, cmd_help_help },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: vpce [--version] [--help] <command> [<args>]\n\n"
		     "vpce plans, builds, verifies and audits private connectivity from AWS VPCs\n"
		     "to AWS services (VPC endpoints).\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'vpce help <command>' describes one command.\n"
		     "Exit codes: 0 ran as asked, 1 an expectation did not hold, 2 usage or input error.\n");
}

static const struct vpce_cmd *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void cmd_help_help(FILE *out)
{
	fprintf(out, "usage: vpce help [<command>]\n");
}

static int cmd_help(int argc, char **argv)
{
	const struct vpce_cmd *c;

	if (argc < 2) {
		usage(stdout);
		return VPCE_EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "vpce: unknown command '%s'\n", argv[1]);
		return VPCE_EXIT_USAGE;
	}
	c->help(stdout);
	return VPCE_EXIT_OK;
}

int main(int argc, char **argv)
{
	const struct vpce_cmd *c;

	if (argc < 2) {
		usage(stderr);
		return VPCE_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("vpce %s\n", vpce_version());
		return VPCE_EXIT_OK;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return VPCE_EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "vpce: unknown command '%s' (see 'vpce --help')\n", argv[1]);
		return VPCE_EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			c->help(stdout);
			return VPCE_EXIT_OK;
		}
		if (strcmp(argv[i], "--") == 0)
			break;
	}
	return c->run(argc - 1, argv + 1);
}
