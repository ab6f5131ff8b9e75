/*
 * sha256.h - incremental SHA-256 (FIPS 180-4), used to key artifacts in
 * the results database by content.
 */
#ifndef AN_SHA256_H
#define AN_SHA256_H

#include "core/common_int.h"

typedef struct an_sha256 {
	uint32_t h[8];      /* chaining state */
	uint64_t bytes;     /* message length so far */
	uint8_t buf[64];    /* partial block */
	size_t fill;        /* bytes in buf */
	int x86;            /* use the CPU's SHA instructions */
} an_sha256;

AN_HIDDEN void an__sha256_init(an_sha256 *s);
/* After init: the portable code even where the CPU has SHA instructions
 * (the tests compare the two). */
AN_HIDDEN void an__sha256_portable(an_sha256 *s);
AN_HIDDEN void an__sha256_update(an_sha256 *s, const void *data, size_t n);
/* Writes 64 lowercase hex digits and a NUL into hex[65]. */
AN_HIDDEN void an__sha256_final_hex(an_sha256 *s, char hex[65]);

#endif
