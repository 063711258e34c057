/* VPC flow log formats: the field table, format strings and header lines.
 *
 * Field names and the version that introduced each follow the "Available
 * fields" table of https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
 * (v2 default fields; v3 vpc/subnet/instance ids, tcp-flags, type, pkt-*addr;
 * v4 region, az-id, sublocation-*; v5 pkt-*-aws-service, flow-direction,
 * traffic-path; v7 ecs-*; v8 reject-reason). resource-id and
 * encryption-status are the newest fields; their version numbers (9, 10) are
 * taken from published v10 custom formats and could not be checked against
 * the AWS page offline — they only feed the informational format version.
 *
 * Transit Gateway flow logs use a different field set
 * (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-flow-logs.html: tgw-id,
 * tgw-attachment-id, packets-lost-*, ...); they are recognised by those names.
 */
#include "vpce/flowlog.h"
#include "util/util.h"

static const struct {
	const char *name;
	uint8_t version;
} fields[VPCE_FF_COUNT] = {
	[VPCE_FF_VERSION] = { "version", 2 },
	[VPCE_FF_ACCOUNT_ID] = { "account-id", 2 },
	[VPCE_FF_INTERFACE_ID] = { "interface-id", 2 },
	[VPCE_FF_SRCADDR] = { "srcaddr", 2 },
	[VPCE_FF_DSTADDR] = { "dstaddr", 2 },
	[VPCE_FF_SRCPORT] = { "srcport", 2 },
	[VPCE_FF_DSTPORT] = { "dstport", 2 },
	[VPCE_FF_PROTOCOL] = { "protocol", 2 },
	[VPCE_FF_PACKETS] = { "packets", 2 },
	[VPCE_FF_BYTES] = { "bytes", 2 },
	[VPCE_FF_START] = { "start", 2 },
	[VPCE_FF_END] = { "end", 2 },
	[VPCE_FF_ACTION] = { "action", 2 },
	[VPCE_FF_LOG_STATUS] = { "log-status", 2 },
	[VPCE_FF_VPC_ID] = { "vpc-id", 3 },
	[VPCE_FF_SUBNET_ID] = { "subnet-id", 3 },
	[VPCE_FF_INSTANCE_ID] = { "instance-id", 3 },
	[VPCE_FF_TCP_FLAGS] = { "tcp-flags", 3 },
	[VPCE_FF_TYPE] = { "type", 3 },
	[VPCE_FF_PKT_SRCADDR] = { "pkt-srcaddr", 3 },
	[VPCE_FF_PKT_DSTADDR] = { "pkt-dstaddr", 3 },
	[VPCE_FF_REGION] = { "region", 4 },
	[VPCE_FF_AZ_ID] = { "az-id", 4 },
	[VPCE_FF_SUBLOCATION_TYPE] = { "sublocation-type", 4 },
	[VPCE_FF_SUBLOCATION_ID] = { "sublocation-id", 4 },
	[VPCE_FF_PKT_SRC_AWS_SERVICE] = { "pkt-src-aws-service", 5 },
	[VPCE_FF_PKT_DST_AWS_SERVICE] = { "pkt-dst-aws-service", 5 },
	[VPCE_FF_FLOW_DIRECTION] = { "flow-direction", 5 },
	[VPCE_FF_TRAFFIC_PATH] = { "traffic-path", 5 },
	[VPCE_FF_ECS_CLUSTER_ARN] = { "ecs-cluster-arn", 7 },
	[VPCE_FF_ECS_CLUSTER_NAME] = { "ecs-cluster-name", 7 },
	[VPCE_FF_ECS_CONTAINER_INSTANCE_ARN] = { "ecs-container-instance-arn", 7 },
	[VPCE_FF_ECS_CONTAINER_INSTANCE_ID] = { "ecs-container-instance-id", 7 },
	[VPCE_FF_ECS_CONTAINER_ID] = { "ecs-container-id", 7 },
	[VPCE_FF_ECS_SECOND_CONTAINER_ID] = { "ecs-second-container-id", 7 },
	[VPCE_FF_ECS_SERVICE_NAME] = { "ecs-service-name", 7 },
	[VPCE_FF_ECS_TASK_DEFINITION_ARN] = { "ecs-task-definition-arn", 7 },
	[VPCE_FF_ECS_TASK_ARN] = { "ecs-task-arn", 7 },
	[VPCE_FF_ECS_TASK_ID] = { "ecs-task-id", 7 },
	[VPCE_FF_REJECT_REASON] = { "reject-reason", 8 },
	[VPCE_FF_RESOURCE_ID] = { "resource-id", 9 },
	[VPCE_FF_ENCRYPTION_STATUS] = { "encryption-status", 10 },
};

const char *vpce_flowlog_field_name(unsigned field)
{
	return field < VPCE_FF_COUNT ? fields[field].name : NULL;
}

unsigned vpce_flowlog_field_version(unsigned field)
{
	return field < VPCE_FF_COUNT ? fields[field].version : 0;
}

/* Strip "${" ... "}" around a name. */
static void unwrap(const char **s, size_t *n)
{
	if (*n >= 3 && (*s)[0] == '$' && (*s)[1] == '{' && (*s)[*n - 1] == '}') {
		*s += 2;
		*n -= 3;
	}
}

unsigned vpce_flowlog_field_lookup(const char *name, size_t len)
{
	unwrap(&name, &len);
	for (unsigned i = 0; i < VPCE_FF_COUNT; i++)
		if (strlen(fields[i].name) == len && memcmp(fields[i].name, name, len) == 0)
			return i;
	return VPCE_FF_UNKNOWN;
}

/* Names that only Transit Gateway flow logs have. */
static bool is_tgw_name(const char *s, size_t n)
{
	unwrap(&s, &n);
	return (n > 4 && memcmp(s, "tgw-", 4) == 0) ||
	       (n > 13 && memcmp(s, "packets-lost-", 13) == 0);
}

void vpce_flowlog_format_default(struct vpce_flowlog_format *f)
{
	memset(f, 0, sizeof(*f));
	for (unsigned i = 0; i <= VPCE_FF_LOG_STATUS; i++)
		f->fields[f->nfields++] = (uint8_t)i;
	f->version = 2;
	f->is_default = true;
}

static void mark_default(struct vpce_flowlog_format *f)
{
	f->is_default = f->nfields == VPCE_FF_LOG_STATUS + 1;
	for (unsigned i = 0; f->is_default && i < f->nfields; i++)
		f->is_default = f->fields[i] == i;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

int vpce_flowlog_format_parse(const char *s, size_t len, struct vpce_flowlog_format *f,
			      struct vpce_error *err)
{
	size_t i = 0;

	memset(f, 0, sizeof(*f));
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	while (i < len) {
		size_t start;
		unsigned id;

		while (i < len && is_space(s[i]))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && !is_space(s[i]))
			i++;
		if (is_tgw_name(s + start, i - start))
			return vpce_error_setpos(err, VPCE_EUNSUPPORTED, "format", 1,
						 (unsigned)start + 1,
						 "\"%.*s\" is a Transit Gateway flow log field; only VPC flow logs are supported",
						 (int)(i - start), s + start);
		id = vpce_flowlog_field_lookup(s + start, i - start);
		if (id == VPCE_FF_UNKNOWN)
			return vpce_error_setpos(err, VPCE_EPARSE, "format", 1, (unsigned)start + 1,
						 "unknown flow log field \"%.*s\"",
						 (int)(i - start), s + start);
		if (f->nfields == VPCE_FLOWLOG_MAX_FIELDS)
			return vpce_error_setpos(err, VPCE_EPARSE, "format", 1, (unsigned)start + 1,
						 "more than %d fields", VPCE_FLOWLOG_MAX_FIELDS);
		for (unsigned k = 0; k < f->nfields; k++)
			if (f->fields[k] == id)
				return vpce_error_setpos(err, VPCE_EPARSE, "format", 1,
							 (unsigned)start + 1,
							 "field \"%s\" given twice", fields[id].name);
		f->fields[f->nfields++] = (uint8_t)id;
		if (fields[id].version > f->version)
			f->version = fields[id].version;
	}
	if (f->nfields == 0)
		return vpce_error_set(err, VPCE_EPARSE, "empty flow log format");
	mark_default(f);
	return 0;
}

int vpce_flowlog_header_parse(const char *line, size_t len, struct vpce_flowlog_format *f)
{
	struct vpce_flowlog_format tmp;
	size_t i = 0;
	unsigned known = 0, unknown = 0;
	bool tgw = false;

	memset(&tmp, 0, sizeof(tmp));
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	while (i < len) {
		size_t start;
		unsigned id;
		const char *name;
		size_t n;
		bool digit = false;

		while (i < len && is_space(line[i]))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && !is_space(line[i]))
			i++;
		name = line + start;
		n = i - start;
		unwrap(&name, &n);
		/* names are lower-case letters and '-', starting with a letter */
		if (n == 0 || name[0] < 'a' || name[0] > 'z')
			return 0;
		for (size_t k = 0; k < n; k++) {
			char c = name[k];
			if (c >= '0' && c <= '9')
				digit = true;
			else if (!((c >= 'a' && c <= 'z') || c == '-' || c == '_'))
				return 0;
		}
		if (is_tgw_name(name, n))
			tgw = true;
		id = vpce_flowlog_field_lookup(name, n);
		if (id == VPCE_FF_UNKNOWN) {
			if (digit)
				return 0; /* looks like an id ("eni-0abc"), not a name */
			unknown++;
		} else {
			known++;
		}
		if (tmp.nfields == VPCE_FLOWLOG_MAX_FIELDS)
			return 0;
		tmp.fields[tmp.nfields++] = (uint8_t)id;
		if (id != VPCE_FF_UNKNOWN && fields[id].version > tmp.version)
			tmp.version = fields[id].version;
	}
	if (tgw)
		return VPCE_EUNSUPPORTED;
	if (known == 0 || unknown > known)
		return 0;
	tmp.from_header = true;
	mark_default(&tmp);
	*f = tmp;
	return 1;
}

int vpce_flowlog_format_str(const struct vpce_flowlog_format *f, struct vpce_buf *out)
{
	for (unsigned i = 0; i < f->nfields; i++) {
		const char *n = f->fields[i] < VPCE_FF_COUNT ? fields[f->fields[i]].name : "?";
		vpce_buf_printf(out, "%s${%s}", i ? " " : "", n);
	}
	return out->failed ? VPCE_ENOMEM : 0;
}
