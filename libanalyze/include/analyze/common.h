/*
 * common.h - status codes, the caller-owned error record and the string
 * view shared by every libanalyze module.
 *
 * Conventions for the whole API: functions return int, AN_OK (0) on
 * success or a negative an_status. Objects returned through `**out` are
 * owned by the caller and released with the matching an_<type>_free(),
 * which accepts NULL. Getters return borrowed pointers that stay valid
 * until their parent object is freed. The library never prints, exits or
 * reads the environment.
 *
 * Threads: everything here may be called from any thread at any time
 * (an_error records are the caller's, one per thread).
 */
#ifndef AN_COMMON_H
#define AN_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define AN_BEGIN_DECL extern "C" {
#define AN_END_DECL }
#else
#define AN_BEGIN_DECL
#define AN_END_DECL
#endif

#define AN_API __attribute__((visibility("default")))

AN_BEGIN_DECL

/* Status codes. Values are pinned: never renumber them. */
typedef enum an_status {
	AN_OK = 0,
	AN_ERROR = -1,    /* unexpected failure */
	AN_ENOMEM = -2,   /* allocation failed */
	AN_EIO = -3,      /* read/write failure, truncated gzip */
	AN_EPARSE = -4,   /* malformed JSON */
	AN_EFORMAT = -5,  /* valid JSON, but not a valid artifact */
	AN_ELIMIT = -6,   /* a count or size beyond what we accept */
	AN_ENOTFOUND = -7,/* no such object / file */
	AN_EINVAL = -8,   /* bad argument (e.g. invalid regex) */
	AN_ECANCELED = -9,/* a callback asked to stop */
	AN_EUSER = -10,   /* error raised by a user callback */
	AN_EEXIST = -11   /* already there, and not to be replaced */
} an_status;

/* Index value meaning "no such node / function / class" (every u32
 * index of the API). */
#define AN_NONE UINT32_MAX

/* Offset value meaning "no byte offset applies". */
#define AN_NO_OFFSET UINT64_MAX

/*
 * Caller-owned error record. Every function that can fail takes an
 * `an_error *err` (which may be NULL) and fills it on failure.
 * `offset` is the byte offset in the (decompressed) input where the
 * problem was found, or AN_NO_OFFSET.
 */
typedef struct an_error {
	int code;          /* an_status */
	uint64_t offset;   /* byte offset in the input, or AN_NO_OFFSET */
	char message[256]; /* one line, no trailing newline, no file name */
} an_error;

/* A string view into a model's arena: not NUL-terminated-by-contract,
 * but the library always stores a NUL after `len` bytes. */
typedef struct an_str {
	const char *ptr; /* borrowed from the owning model */
	uint32_t len;    /* bytes, may contain NUL when the artifact does */
} an_str;

/* Static description of a status code ("malformed JSON", ...). */
AN_API const char *an_status_str(int code);

/* Resets an error record to "no error". */
AN_API void an_error_clear(an_error *err);

/* Library version string, e.g. "0.1.0". */
AN_API const char *an_version(void);

AN_END_DECL

#endif /* AN_COMMON_H */
