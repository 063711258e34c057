/* vpce ip-ranges show | update [URL]: the ip-ranges.json plan and check use
 * for public AWS addresses (docs/CLI.md). */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "vpce/ipranges.h"
#include "util/util.h"

void cmd_ipranges_help(FILE *out)
{
	fprintf(out,
		"usage: vpce ip-ranges show [--file PATH] [--format table|json]\n"
		"       vpce ip-ranges update [URL] [--file PATH] [--force]\n\n"
		"The AWS IP address ranges file (ip-ranges.json) that plan classifies addresses\n"
		"with and check uses for public service addresses.\n"
		"  show     syncToken, createDate and counts of the file\n"
		"  update   download URL (default " VPCE_IPRANGES_URL "),\n"
		"           check that it is a valid ip-ranges file, and replace the file when\n"
		"           its syncToken is newer (atomically; nothing is written otherwise)\n"
		"  --file PATH  the file to show or replace (default: the bundled copy,\n"
		"               $VPCE_DATA_DIR/aws-ip-ranges.json)\n"
		"  --force      replace even when the download is not newer\n"
		"HTTPS is required (plain http only to a loopback address); AWS_CA_BUNDLE names\n"
		"a CA file to verify TLS with, as for the AWS CLI.\n\n"
		"Exit: 0 shown / updated / already current, 1 not updated because the download\n"
		"is older than the file (use --force), 2 usage, network or file error.\n");
}

static int show(const char *path, bool json)
{
	struct vpce_ipranges *r = NULL;
	struct vpce_error err;
	char def[4096];

	if (!path) {
		if (vpce_ipranges_default_path(def, sizeof(def)) != 0)
			return cli_usage("ip-ranges", "data directory path too long");
		path = def;
	}
	if (vpce_ipranges_load(path, &r, &err) != 0)
		return cli_fail(&err);
	if (json) {
		struct vpce_buf b = VPCE_BUF_INIT;
		vpce_buf_puts(&b, "{\"file\": ");
		vpce_buf_put_json_str(&b, path);
		vpce_buf_puts(&b, ", \"syncToken\": ");
		vpce_buf_put_json_str(&b, vpce_ipranges_sync_token(r));
		vpce_buf_puts(&b, ", \"createDate\": ");
		vpce_buf_put_json_str(&b, vpce_ipranges_create_date(r));
		vpce_buf_printf(&b, ", \"prefixes\": %zu, \"services\": %zu, \"regions\": %zu}\n",
				vpce_ipranges_handle_count(r), vpce_ipranges_service_count(r),
				vpce_ipranges_region_count(r));
		if (b.failed) {
			vpce_buf_release(&b);
			vpce_ipranges_free(r);
			return cli_usage("ip-ranges", "out of memory");
		}
		fwrite(b.ptr, 1, b.len, stdout);
		vpce_buf_release(&b);
	} else {
		printf("file        %s\nsyncToken   %s\ncreateDate  %s\nprefixes    %zu\nservices    %zu\nregions     %zu\n",
		       path, vpce_ipranges_sync_token(r), vpce_ipranges_create_date(r), vpce_ipranges_handle_count(r),
		       vpce_ipranges_service_count(r), vpce_ipranges_region_count(r));
	}
	vpce_ipranges_free(r);
	return VPCE_EXIT_OK;
}

static int update(const char *url, const char *path, bool force)
{
	struct vpce_ipranges_update res;
	struct vpce_error err;

	if (vpce_ipranges_update(url, path, force, &res, &err) != 0)
		return cli_fail(&err);
	switch (res.outcome) {
	case VPCE_IPRANGES_UPDATED:
		printf("updated: syncToken %s (%s) -> %s (%s), %zu prefixes, %zu bytes\n",
		       res.old_token[0] ? res.old_token : "none", res.old_date[0] ? res.old_date : "no file",
		       res.new_token, res.new_date, res.new_prefixes, res.bytes);
		return VPCE_EXIT_OK;
	case VPCE_IPRANGES_CURRENT:
		printf("already current: syncToken %s (%s)\n", res.old_token, res.old_date);
		return VPCE_EXIT_OK;
	default:
		fprintf(stderr,
			"vpce: not updated: the download (syncToken %s, %s) is older than the file (syncToken %s, %s); "
			"--force replaces it anyway\n",
			res.new_token, res.new_date, res.old_token, res.old_date);
		return VPCE_EXIT_EXPECT;
	}
}

int cmd_ipranges(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL, *path = NULL, *url = NULL, *fmt = NULL;
	bool force = false;

	if (!sub)
		return cli_usage("ip-ranges", "give 'show' or 'update'");
	if (strcmp(sub, "show") != 0 && strcmp(sub, "update") != 0)
		return cli_usage("ip-ranges", "unknown subcommand '%s' (show, update)", sub);
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--file") == 0 && val) {
			path = val;
			i++;
		} else if (strcmp(a, "--format") == 0 && val && strcmp(sub, "show") == 0) {
			fmt = val;
			i++;
		} else if (strcmp(a, "--force") == 0 && strcmp(sub, "update") == 0) {
			force = true;
		} else if (a[0] == '-' && a[1]) {
			return cli_usage("ip-ranges", "unknown or incomplete option '%s'", a);
		} else if (!url && strcmp(sub, "update") == 0) {
			url = a;
		} else {
			return cli_usage("ip-ranges", "unexpected argument '%s'", a);
		}
	}
	if (fmt && strcmp(fmt, "json") != 0 && strcmp(fmt, "table") != 0)
		return cli_usage("ip-ranges", "--format is table or json");
	if (strcmp(sub, "show") == 0)
		return show(path, fmt && strcmp(fmt, "json") == 0);
	return update(url, path, force);
}
