/* vpce — common definitions: export macro and version.
 *
 * Every public symbol is declared with VPCE_EXTERN; the library is built
 * with -fvisibility=hidden so nothing else leaks out of the shared object.
 */
#ifndef VPCE_COMMON_H
#define VPCE_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#if defined(VPCE_BUILDING_LIBRARY) && defined(__GNUC__)
#define VPCE_EXTERN __attribute__((visibility("default")))
#else
#define VPCE_EXTERN
#endif

#if defined(__GNUC__)
#define VPCE_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define VPCE_PRINTF(fmt, args)
#endif

/* The library version, "MAJOR.MINOR.PATCH". Static storage. */
VPCE_EXTERN const char *vpce_version(void);

#endif
