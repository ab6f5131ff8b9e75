/*
 * speedscope.c - a flame layout in speedscope's file format
 * (https://www.speedscope.app/file-format-schema.json): one "sampled"
 * profile whose samples are the boxes' stacks weighted by their own
 * (self) weight, so speedscope rebuilds the same tree; elided boxes are
 * frames named "(elided: N frames)".
 */
#include "analyze/flame.h"
#include "analyze/version.h"
#include "core/hashtab.h"
#include "core/sbuf.h"
#include "flame/flame_int.h"

#define FLUSH_AT ((size_t)1 << 20)

typedef struct frames {
	uint32_t *key;    /* per frame: its key (AN_NONE: elided, per box) */
	uint32_t *elided; /* an elided frame: how many frames it stands for */
	uint32_t n, cap;
} frames;

static uint64_t key_hash(uint32_t key)
{
	return an__ht_mix64(key);
}

static uint64_t frame_hash(uint32_t i, const void *ctx)
{
	const frames *fr = ctx;

	return key_hash(fr->key[i]);
}

static int frame_eq(uint32_t i, const void *key, const void *ctx)
{
	const frames *fr = ctx;

	return fr->key[i] == *(const uint32_t *)key;
}

static int flush(an_sbuf *b, an_flame_write_cb write, void *payload,
		 an_error *err)
{
	if (b->failed)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	if (b->len && write(b->p, b->len, payload))
		return an__fail(err, AN_EIO, AN_NO_OFFSET,
				"could not write the speedscope file");
	b->len = 0;
	return AN_OK;
}

int an_flame_speedscope(const an_flame *f, const an_flame_labels *l,
			an_flame_unit unit, const char *name,
			an_flame_write_cb write, void *payload, an_error *err)
{
	an_sbuf b = AN_SBUF_INIT;
	an_hashtab ht;
	frames fr = {NULL, NULL, 0, 0};
	uint32_t *fidx = NULL, *path = NULL, i, k;
	int rc = AN_OK;
	size_t nsamples = 0;

	an__ht_init(&ht, frame_hash, frame_eq, &fr);
	if (!f || !l || !l->label || !write)
		AN_FAIL(err, AN_EINVAL, AN_NO_OFFSET,
			"an_flame_speedscope needs a layout, labels and a "
			"writer");
	if (!name)
		name = "profkit";
	fidx = an__calloc((size_t)f->n + 1, sizeof(*fidx));
	path = an__calloc((size_t)f->depth + 1, sizeof(*path));
	fr.cap = f->n + 1;
	fr.key = an__calloc(fr.cap, sizeof(*fr.key));
	fr.elided = an__calloc(fr.cap, sizeof(*fr.elided));
	if (!fidx || !path || !fr.key || !fr.elided)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	/* a frame per key; every elided box a frame of its own */
	for (i = 0; i < f->n; i++) {
		uint32_t key = f->r[i].key, at;
		if (key == AN_NONE) {
			fr.key[fr.n] = AN_NONE;
			fr.elided[fr.n] = f->r[i].elided;
			fidx[i] = fr.n++;
			continue;
		}
		rc = an__ht_add(&ht, key_hash(key), &key, fr.n, &at);
		if (rc < 0)
			AN_FAIL(err, rc, AN_NO_OFFSET, "out of memory");
		if (rc == 1)
			fr.key[fr.n++] = key;
		rc = AN_OK;
		fidx[i] = at;
	}
	an__sbuf_printf(&b, "{\"$schema\": \"https://www.speedscope.app/"
			"file-format-schema.json\", \"exporter\": "
			"\"profkit %s\", \"name\": ", AN_VERSION_STRING);
	an__sbuf_put_json(&b, name, strlen(name));
	an__sbuf_printf(&b, ", \"activeProfileIndex\": 0, \"shared\": "
			"{\"frames\": [");
	for (k = 0; k < fr.n; k++) {
		an_str s, loc = {"", 0};
		an__sbuf_put(&b, k ? ",\n" : "\n", k ? 2 : 1);
		if (fr.key[k] == AN_NONE) {
			an__sbuf_printf(&b, "{\"name\": \"(elided: %u "
					"frames)\"}", fr.elided[k]);
		} else {
			s = l->label(fr.key[k], l->ctx);
			if (l->location)
				loc = l->location(fr.key[k], l->ctx);
			an__sbuf_put(&b, "{\"name\": ", 9);
			an__sbuf_put_json(&b, s.ptr, s.len);
			if (loc.len) {
				an__sbuf_put(&b, ", \"file\": ", 10);
				an__sbuf_put_json(&b, loc.ptr, loc.len);
			}
			an__sbuf_put(&b, "}", 1);
		}
		if (b.len >= FLUSH_AT)
			AN_TRY(flush(&b, write, payload, err));
	}
	an__sbuf_printf(&b, "]}, \"profiles\": [{\"type\": \"sampled\", "
			"\"name\": ");
	an__sbuf_put_json(&b, name, strlen(name));
	an__sbuf_printf(&b, ", \"unit\": \"%s\", \"startValue\": 0, "
			"\"endValue\": %.17g, \"samples\": [",
			unit == AN_FLAME_BYTES ? "bytes" : "microseconds",
			f->total);
	/* a sample per box with weight of its own: its stack, root first */
	for (i = 0; i < f->n; i++) {
		const an_flame_rect *r = &f->r[i];
		double w = r->key == AN_NONE ? r->width : r->self;
		path[r->depth] = fidx[i];
		if (!(w > 0))
			continue;
		if (nsamples++)
			an__sbuf_put(&b, ",", 1);
		an__sbuf_put(&b, "\n[", 2);
		for (k = 0; k <= r->depth; k++)
			an__sbuf_printf(&b, k ? ",%u" : "%u", path[k]);
		an__sbuf_put(&b, "]", 1);
		if (b.len >= FLUSH_AT)
			AN_TRY(flush(&b, write, payload, err));
	}
	an__sbuf_printf(&b, "], \"weights\": [");
	for (i = 0, k = 0; i < f->n; i++) {
		const an_flame_rect *r = &f->r[i];
		double w = r->key == AN_NONE ? r->width : r->self;
		if (!(w > 0))
			continue;
		an__sbuf_printf(&b, k++ ? ",%.17g" : "%.17g", w);
		if (b.len >= FLUSH_AT)
			AN_TRY(flush(&b, write, payload, err));
	}
	an__sbuf_printf(&b, "]}]}\n");
	AN_TRY(flush(&b, write, payload, err));
done:
	an__ht_free(&ht);
	free(b.p);
	free(fidx);
	free(path);
	free(fr.key);
	free(fr.elided);
	return rc;
}
