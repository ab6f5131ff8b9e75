/*
 * strtab.h - string arena with interning. Strings are copied in, stored
 * NUL-terminated with their length, and identified by a dense u32 id.
 * Ids are assigned in insertion order starting at 0. The table owns all
 * bytes; nothing is freed one by one.
 */
#ifndef AN_STRTAB_H
#define AN_STRTAB_H

#include "core/hashtab.h"

typedef struct an_strtab {
	char **blocks;      /* arena blocks */
	size_t nblocks;     /* blocks in use */
	size_t cap_blocks;  /* capacity of `blocks` */
	size_t block_used;  /* bytes used in the last block */
	size_t block_size;  /* size of the last block */
	an_str *items;      /* id -> string (ptr, len) */
	uint32_t count;     /* number of ids */
	size_t cap;         /* capacity of items */
	an_hashtab ht;      /* interned ids (an__strtab_intern) */
	uint64_t bytes;     /* total payload bytes, for limits */
} an_strtab;

AN_HIDDEN void an__strtab_init(an_strtab *t);
AN_HIDDEN void an__strtab_free(an_strtab *t);
/* Interns (s, len); returns AN_OK and *id, or AN_ENOMEM / AN_ELIMIT. */
AN_HIDDEN int an__strtab_intern(an_strtab *t, const char *s, size_t len,
				uint32_t *id);
/* Appends (s, len) without interning; *id is its position. */
AN_HIDDEN int an__strtab_push(an_strtab *t, const char *s, size_t len,
			      uint32_t *id);
static inline an_str an__strtab_get(const an_strtab *t, uint32_t id)
{
	return t->items[id];
}

#endif
