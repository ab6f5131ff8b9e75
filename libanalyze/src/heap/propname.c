/*
 * propname.c - DevTools' JSHeapSnapshotNode.formatPropertyName, the one
 * formatting of property names that both the class names ("{a, b}"
 * interface names, heapclass.c) and the display names of plain objects
 * (heap.c) use, with its length in UTF-16 units as their budgets count.
 */
#include <stdio.h>

#include "heap/heap_int.h"

/* A name holding one of these is quoted and escaped. */
static int needs_quotes(an_str s)
{
	uint32_t i;

	for (i = 0; i < s.len; i++)
		if (s.ptr[i] == ',' || s.ptr[i] == '\'' || s.ptr[i] == '"' ||
		    s.ptr[i] == '{' || s.ptr[i] == '}')
			return 1;
	return 0;
}

/* JSON.stringify's short escapes, or NULL. */
static const char *json_escape(unsigned char c)
{
	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\b': return "\\b";
	case '\f': return "\\f";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	default: return NULL;
	}
}

/* Appends n bytes at *len, writing only what fits in room. */
static void put(char *dst, size_t room, size_t *len, const char *s,
		size_t n)
{
	if (*len < room)
		memcpy(dst + *len, s, n < room - *len ? n : room - *len);
	*len += n;
}

size_t an__heap_prop_format(an_str s, char *dst, size_t room)
{
	size_t len = 0;
	uint32_t i;

	if (!needs_quotes(s)) {
		put(dst, room, &len, s.ptr, s.len);
		return len;
	}
	put(dst, room, &len, "\"", 1);
	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		const char *esc = json_escape(c);
		char tmp[8];
		if (esc) {
			put(dst, room, &len, esc, 2);
		} else if (c < 0x20) {
			snprintf(tmp, sizeof(tmp), "\\u%04x", c);
			put(dst, room, &len, tmp, 6);
		} else {
			put(dst, room, &len, s.ptr + i, 1);
		}
	}
	put(dst, room, &len, "\"", 1);
	return len;
}

size_t an__heap_js_len(const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c & 0xc0) == 0x80)
			continue; /* continuation byte */
		k += c >= 0xf0 ? 2 : 1;
	}
	return k;
}

size_t an__heap_prop_units(an_str s)
{
	size_t i, k = 0;

	if (!needs_quotes(s))
		return an__heap_js_len(s.ptr, s.len);
	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		if ((c & 0xc0) == 0x80)
			continue;
		if (json_escape(c))
			k += 2;
		else if (c < 0x20)
			k += 6;
		else
			k += c >= 0xf0 ? 2 : 1;
	}
	return k + 2; /* the quotes */
}
