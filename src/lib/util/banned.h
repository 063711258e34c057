/* Functions that are banned in vpce: unbounded, locale-dependent or
 * stateful. Included by every library and CLI source file (through
 * util/util.h); using one is a compile error. Use vpce_buf_printf /
 * snprintf, vpce_str_* helpers and vpce_parse_* instead. */
#ifndef VPCE_BANNED_H
#define VPCE_BANNED_H

#define VPCE_BANNED(func) sorry_##func##_is_banned_in_vpce

#undef strcpy
#define strcpy(x, y) VPCE_BANNED(strcpy)
#undef strcat
#define strcat(x, y) VPCE_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) VPCE_BANNED(strncpy)
#undef sprintf
#define sprintf(...) VPCE_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) VPCE_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) VPCE_BANNED(strtok)
#undef atoi
#define atoi(x) VPCE_BANNED(atoi)
#undef atol
#define atol(x) VPCE_BANNED(atol)
#undef atof
#define atof(x) VPCE_BANNED(atof)
#undef gets
#define gets(x) VPCE_BANNED(gets)

#endif
