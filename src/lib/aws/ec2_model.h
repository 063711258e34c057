/* Tables generated from botocore's EC2 service model (see
 * tools/gen_ec2_model.py): shapes, members and operations that the XML ->
 * AWS CLI JSON translation in ec2.c walks. Internal. */
#ifndef VPCE_AWS_EC2_MODEL_H
#define VPCE_AWS_EC2_MODEL_H

#include <stddef.h>
#include <stdint.h>

enum ec2_type { EC2_STRING, EC2_BOOLEAN, EC2_INTEGER, EC2_DOUBLE, EC2_TIMESTAMP,
		EC2_STRUCT, EC2_LIST };

/* Shapes 0..4 are the scalars (their index equals their type). STRUCT:
 * members ec2_members[a .. a+n); LIST: a = the item shape. */
struct ec2_shape {
	uint8_t type;
	uint16_t a;
	uint16_t n;
};

struct ec2_member {
	const char *name;   /* JSON key (botocore member name) */
	const char *xml;    /* XML element name (locationName) */
	uint16_t shape;
};

#define EC2_MAX_RESULT_KEYS 3
struct ec2_operation {
	const char *name;
	uint16_t output;          /* output structure shape */
	uint8_t paginated;        /* the CLI merges pages (paginators-1.json) */
	const char *result_keys[EC2_MAX_RESULT_KEYS]; /* paginator order */
};

extern const struct ec2_shape ec2_shapes[];
extern const struct ec2_member ec2_members[];
extern const struct ec2_operation ec2_operations[];
extern const unsigned ec2_noperations;

#endif
