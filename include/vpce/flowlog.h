/* vpce — VPC Flow Logs reader (text format, every record version).
 *
 * Fields and versions follow "Flow log records" in the Amazon VPC User Guide
 * (https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html):
 * the default format is the 14 version-2 fields; custom formats choose any
 * fields in any order; a field that does not apply is written as "-".
 * Files delivered to S3 start with a header line naming the fields
 * (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3.html).
 *
 * Field order for a file: its header line when it has one, else the
 * caller's format (vpce_flowlog_format_parse), else the v2 default.
 *
 * Input: plain or gzip files (detected by the 1f 8b magic, multi-member
 * streams allowed), directories (walked recursively in name order, so the S3
 * layout AWSLogs/<acct>/vpcflowlogs/<region>/YYYY/MM/DD/ and Hive-partitioned
 * prefixes both work), or "-" for standard input. Transit Gateway flow logs
 * (tgw-* fields) are recognised and counted as unsupported, never parsed as
 * VPC records. Parquet files are counted as unsupported.
 *
 * Malformed lines never stop reading: they are counted (stats.malformed) and
 * the first VPCE_FLOWLOG_ISSUES_KEPT are kept with file:line. Invariant:
 * stats.lines == stats.records + stats.malformed + stats.unsupported_lines.
 *
 * Records are delivered in batches to a callback. A record's slices point
 * into the reader's buffer and are valid only during the callback; nothing
 * is allocated per line.
 */
#ifndef VPCE_FLOWLOG_H
#define VPCE_FLOWLOG_H

#include "common.h"
#include "error.h"
#include "buf.h"
#include "cidr.h"

/* Every field AWS documents for VPC flow log records, in the documentation's
 * order (the first 14 are the v2 default format, in order). */
enum vpce_flow_field {
	VPCE_FF_VERSION,            /* v2 */
	VPCE_FF_ACCOUNT_ID,
	VPCE_FF_INTERFACE_ID,
	VPCE_FF_SRCADDR,
	VPCE_FF_DSTADDR,
	VPCE_FF_SRCPORT,
	VPCE_FF_DSTPORT,
	VPCE_FF_PROTOCOL,
	VPCE_FF_PACKETS,
	VPCE_FF_BYTES,
	VPCE_FF_START,
	VPCE_FF_END,
	VPCE_FF_ACTION,
	VPCE_FF_LOG_STATUS,
	VPCE_FF_VPC_ID,             /* v3 */
	VPCE_FF_SUBNET_ID,
	VPCE_FF_INSTANCE_ID,
	VPCE_FF_TCP_FLAGS,
	VPCE_FF_TYPE,
	VPCE_FF_PKT_SRCADDR,
	VPCE_FF_PKT_DSTADDR,
	VPCE_FF_REGION,             /* v4 */
	VPCE_FF_AZ_ID,
	VPCE_FF_SUBLOCATION_TYPE,
	VPCE_FF_SUBLOCATION_ID,
	VPCE_FF_PKT_SRC_AWS_SERVICE,/* v5 */
	VPCE_FF_PKT_DST_AWS_SERVICE,
	VPCE_FF_FLOW_DIRECTION,
	VPCE_FF_TRAFFIC_PATH,
	VPCE_FF_ECS_CLUSTER_ARN,    /* v7 */
	VPCE_FF_ECS_CLUSTER_NAME,
	VPCE_FF_ECS_CONTAINER_INSTANCE_ARN,
	VPCE_FF_ECS_CONTAINER_INSTANCE_ID,
	VPCE_FF_ECS_CONTAINER_ID,
	VPCE_FF_ECS_SECOND_CONTAINER_ID,
	VPCE_FF_ECS_SERVICE_NAME,
	VPCE_FF_ECS_TASK_DEFINITION_ARN,
	VPCE_FF_ECS_TASK_ARN,
	VPCE_FF_ECS_TASK_ID,
	VPCE_FF_REJECT_REASON,      /* v8 */
	VPCE_FF_RESOURCE_ID,        /* newer: see vpce_flowlog_field_version() */
	VPCE_FF_ENCRYPTION_STATUS,
	VPCE_FF_COUNT,
	VPCE_FF_UNKNOWN = 0xff      /* a header name vpce does not know: skipped */
};

#define VPCE_FLOWLOG_MAX_FIELDS 64

struct vpce_flowlog_format {
	uint8_t nfields;
	uint8_t fields[VPCE_FLOWLOG_MAX_FIELDS]; /* enum vpce_flow_field */
	uint8_t version;   /* the highest version among the fields */
	bool from_header;
	bool is_default;   /* exactly the v2 default fields in order (set by the
			    * vpce_flowlog_format_* / header functions; enables a
			    * faster parser) */
};

enum vpce_flow_action { VPCE_ACTION_NONE, VPCE_ACTION_ACCEPT, VPCE_ACTION_REJECT };
enum vpce_flow_status { VPCE_STATUS_NONE, VPCE_STATUS_OK, VPCE_STATUS_NODATA, VPCE_STATUS_SKIPDATA };
enum vpce_flow_direction { VPCE_DIR_NONE, VPCE_DIR_INGRESS, VPCE_DIR_EGRESS };

/* One parsed record. `present` has bit (1 << field) set for every field the
 * format has and whose value is not "-"; numeric members of absent fields
 * are 0. raw[field] is the field's text for every field of the format
 * (including "-"); the reader leaves raw[] of other fields empty (ptr NULL).
 * vpce_flowlog_parse_line() only writes raw[] of the format's fields. */
struct vpce_flow_record {
	uint64_t present;
	struct vpce_cidr srcaddr, dstaddr, pkt_srcaddr, pkt_dstaddr;
	uint64_t packets, bytes;
	uint64_t start, end;       /* Unix seconds */
	uint32_t version;
	uint16_t srcport, dstport;
	uint16_t tcp_flags;
	uint8_t protocol;          /* IANA number */
	uint8_t action;            /* enum vpce_flow_action */
	uint8_t log_status;        /* enum vpce_flow_status */
	uint8_t flow_direction;    /* enum vpce_flow_direction */
	uint8_t traffic_path;      /* 1..8, 0 = absent */
	uint8_t type;              /* 4 (IPv4), 6 (IPv6), 'E' (EFA), 0 = absent */
	uint64_t line;             /* 1-based line number in its file */
	struct vpce_slice raw[VPCE_FF_COUNT];
};

static inline bool vpce_flow_has(const struct vpce_flow_record *r, enum vpce_flow_field f)
{
	return (r->present >> f) & 1;
}

/* Canonical name ("srcaddr", "pkt-dst-aws-service", ...) and the version
 * that introduced a field. Static strings; NULL / 0 out of range. */
VPCE_EXTERN const char *vpce_flowlog_field_name(unsigned field);
VPCE_EXTERN unsigned vpce_flowlog_field_version(unsigned field);
/* Field by name (accepts "srcaddr" and "${srcaddr}"); VPCE_FF_UNKNOWN if unknown. */
VPCE_EXTERN unsigned vpce_flowlog_field_lookup(const char *name, size_t len);

/* The default (v2) format. */
VPCE_EXTERN void vpce_flowlog_format_default(struct vpce_flowlog_format *f);
/* Parse a format: "${version} ${srcaddr} ..." (as given to CreateFlowLogs)
 * or space-separated names. Unknown names are an error (VPCE_EPARSE, col set);
 * Transit Gateway names give VPCE_EUNSUPPORTED. */
VPCE_EXTERN int vpce_flowlog_format_parse(const char *s, size_t len, struct vpce_flowlog_format *f,
					  struct vpce_error *err);
/* Is this line a header? Returns 1 (and fills f; unknown names become
 * VPCE_FF_UNKNOWN) when the line is a list of field names, 0 when it is not,
 * VPCE_EUNSUPPORTED when it is a Transit Gateway flow log header. */
VPCE_EXTERN int vpce_flowlog_header_parse(const char *line, size_t len,
					  struct vpce_flowlog_format *f);
/* Format as "${a} ${b} ..." into out. */
VPCE_EXTERN int vpce_flowlog_format_str(const struct vpce_flowlog_format *f, struct vpce_buf *out);

/* Parse one line (without its newline; a trailing '\r' is ignored) into r.
 * Only the members of the format's fields are written (a "-" value writes
 * 0), so zero *r once before parsing lines of a new format into it; the
 * reader does this for the records it delivers.
 * Returns 0, or VPCE_EPARSE with *bad_field set to the 0-based index of the
 * offending field (f->nfields when the field count is wrong) and *why to a
 * static description. */
VPCE_EXTERN int vpce_flowlog_parse_line(const struct vpce_flowlog_format *f, const char *line,
					size_t len, struct vpce_flow_record *r, unsigned *bad_field,
					const char **why);

#define VPCE_FLOWLOG_ISSUES_KEPT 8

struct vpce_flowlog_issue {
	char file[256];
	uint64_t line;       /* 0 when the issue is about the whole file */
	char message[192];
};

struct vpce_flowlog_stats {
	uint64_t files;             /* files opened */
	uint64_t files_unsupported; /* Transit Gateway logs, Parquet */
	uint64_t bytes_in;          /* bytes read from files (compressed size for gz) */
	uint64_t bytes_text;        /* text bytes parsed */
	uint64_t lines;             /* non-blank, non-header lines */
	uint64_t records;           /* lines parsed into records (all log-status values) */
	uint64_t ok, nodata, skipdata;
	uint64_t malformed;
	uint64_t unsupported_lines; /* lines of Transit Gateway logs */
	uint64_t headers, blank;
	unsigned n_issues;          /* kept issues (<= VPCE_FLOWLOG_ISSUES_KEPT) */
	struct vpce_flowlog_issue issues[VPCE_FLOWLOG_ISSUES_KEPT];
};

/* Receives n >= 1 records; return 0 to continue, anything else to stop
 * (the reader then returns that value). */
typedef int (*vpce_flowlog_cb)(void *ctx, const struct vpce_flow_record *recs, size_t n);

struct vpce_flowlog_opts {
	const struct vpce_flowlog_format *format; /* for files without a header; NULL: v2 default */
	size_t batch;        /* records per callback; 0: 256 */
	size_t chunk;        /* read / inflate chunk bytes; 0: 4 MiB */
};

/* Parse a whole in-memory text (not compressed). name is used in issues.
 * Statistics are added to *st (zero it first). */
VPCE_EXTERN int vpce_flowlog_parse_buffer(const char *text, size_t len, const char *name,
					  const struct vpce_flowlog_opts *opts, vpce_flowlog_cb cb,
					  void *ctx, struct vpce_flowlog_stats *st,
					  struct vpce_error *err);

/* Read a file, a directory (recursively) or "-" (stdin). Returns 0 when
 * everything readable was read (malformed lines and unsupported files are
 * only counted), VPCE_EIO / VPCE_ENOMEM on hard failures (a corrupt gzip
 * stream is reported as an issue and the file's remaining bytes skipped),
 * or the callback's non-zero value. Statistics are added to *st. */
VPCE_EXTERN int vpce_flowlog_read_path(const char *path, const struct vpce_flowlog_opts *opts,
				       vpce_flowlog_cb cb, void *ctx,
				       struct vpce_flowlog_stats *st, struct vpce_error *err);

#endif
