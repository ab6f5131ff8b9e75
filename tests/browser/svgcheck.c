/*
 * svgcheck.c - compares what a browser drew of a profkit SVG with what
 * cairo drew of the same flame graph as PNG, at the boxes the SVG's own
 * hit rectangles name (<g id="profkit-frames">: the layout's positions).
 * Usage: svgcheck FILE.svg CAIRO.png BROWSER.png
 * Samples each box at least 4 px wide and tall near its top right corner
 * (labels sit on the left), both pictures; prints the count of boxes
 * sampled and of matches (every channel within 12), and exits 1 when
 * fewer than 5 boxes were sampled or any box differs.
 */
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = 0;
	fclose(f);
	return buf;
}

static int pixel(cairo_surface_t *s, int x, int y, int rgb[3])
{
	unsigned char *d = cairo_image_surface_get_data(s);
	int w = cairo_image_surface_get_width(s);
	int h = cairo_image_surface_get_height(s);
	int stride = cairo_image_surface_get_stride(s);
	unsigned v;

	if (x < 0 || y < 0 || x >= w || y >= h)
		return 0;
	memcpy(&v, d + (size_t)y * (size_t)stride + (size_t)x * 4, 4);
	rgb[0] = (int)(v >> 16 & 0xff);
	rgb[1] = (int)(v >> 8 & 0xff);
	rgb[2] = (int)(v & 0xff);
	return 1;
}

int main(int argc, char **argv)
{
	char *svg, *p;
	cairo_surface_t *a, *b;
	int sampled = 0, same = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: svgcheck FILE.svg CAIRO.png "
			"BROWSER.png\n");
		return 2;
	}
	svg = slurp(argv[1]);
	a = cairo_image_surface_create_from_png(argv[2]);
	b = cairo_image_surface_create_from_png(argv[3]);
	if (!svg || cairo_surface_status(a) || cairo_surface_status(b)) {
		fprintf(stderr, "svgcheck: cannot read the inputs\n");
		return 2;
	}
	p = strstr(svg, "<g id=\"profkit-frames\"");
	while (p && (p = strstr(p, "<rect x=\"")) != NULL) {
		double x, y, w, h;
		int ca[3], cb[3], k, ok = 1, px, py;
		if (sscanf(p, "<rect x=\"%lf\" y=\"%lf\" width=\"%lf\" "
			      "height=\"%lf\"", &x, &y, &w, &h) != 4)
			break;
		p++;
		if (w < 4 || h < 4)
			continue;
		px = (int)(x + w - 2);
		py = (int)(y + 2);
		if (!pixel(a, px, py, ca) || !pixel(b, px, py, cb))
			continue;
		sampled++;
		for (k = 0; k < 3; k++)
			if (abs(ca[k] - cb[k]) > 12)
				ok = 0;
		if (ok)
			same++;
		else
			printf("box at %.1f,%.1f (%.1f x %.1f): cairo "
			       "%02x%02x%02x, browser %02x%02x%02x\n", x, y,
			       w, h, ca[0], ca[1], ca[2], cb[0], cb[1], cb[2]);
	}
	printf("%d boxes sampled, %d the same colour\n", sampled, same);
	free(svg);
	cairo_surface_destroy(a);
	cairo_surface_destroy(b);
	return sampled >= 5 && same == sampled ? 0 : 1;
}
