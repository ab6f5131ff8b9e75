/*
 * fe_image.c - what the picture commands (cpu flame, cpu diff -o x.svg,
 * heap flame, heap diff -o x.svg) share: whether to draw, the format
 * from --format or -o's extension, the layout and render options from
 * the command line, the writer handed to the renderer, and the "file
 * (date)" label of their subtitles.
 */
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fe.h"

int fe_image_write(const void *data, size_t len, void *payload)
{
	return fwrite(data, 1, len, payload) != len;
}

int fe_wants_picture(const fe_opts *o)
{
	const char *dot = o->out ? strrchr(o->out, '.') : NULL;

	return o->format >= FE_SVG ||
	       (!o->format_set && dot &&
		(!strcmp(dot, ".svg") || !strcmp(dot, ".png") ||
		 !strcmp(dot, ".pdf")));
}

int fe_image_format(int *fmt, const fe_opts *o, const char *cmd)
{
	const char *dot = o->out ? strrchr(o->out, '.') : NULL;

	if (o->format_set) {
		*fmt = o->format;
		return FE_EXIT_OK;
	}
	if (!o->out) {
		*fmt = FE_SVG;
		if (isatty(STDOUT_FILENO))
			return fe_usage_error(cmd, "%s draws a picture: write "
					      "it to a file with -o "
					      "FILE.svg|png|pdf", cmd);
		return FE_EXIT_OK;
	}
	if (strlen(o->out) > 16 &&
	    !strcmp(o->out + strlen(o->out) - 16, ".speedscope.json"))
		*fmt = FE_SPEEDSCOPE;
	else if (dot && !strcmp(dot, ".svg"))
		*fmt = FE_SVG;
	else if (dot && !strcmp(dot, ".png"))
		*fmt = FE_PNG;
	else if (dot && !strcmp(dot, ".pdf"))
		*fmt = FE_PDF;
	else
		return fe_usage_error(cmd, "cannot tell the picture format "
				      "of '%s': name it .svg, .png, .pdf or "
				      ".speedscope.json, or give --format",
				      o->out);
	return FE_EXIT_OK;
}

void fe_file_label(char *buf, size_t cap, const char *path)
{
	struct stat sb;
	struct tm tm;
	char date[32] = "";
	const char *slash = strrchr(path, '/');
	const char *name = slash && slash[1] ? slash + 1 : path;

	if (!strcmp(path, "-")) {
		snprintf(buf, cap, "<stdin>");
		return;
	}
	if (stat(path, &sb) == 0 && gmtime_r(&sb.st_mtime, &tm))
		strftime(date, sizeof(date), " (%Y-%m-%d)", &tm);
	snprintf(buf, cap, "%s%s", name, date);
}

void fe_flame_opts(an_flame_render_opts *ro, an_flame_opts *fo,
		   const fe_opts *o, int fmt, double total,
		   const char *title, const char *subtitle, double px,
		   int by_weight)
{
	an_flame_render_opts rdef = AN_FLAME_RENDER_OPTS_INIT;
	an_flame_opts fdef = AN_FLAME_OPTS_INIT;

	*ro = rdef;
	*fo = fdef;
	ro->width = o->width > 0 ? o->width : 1200;
	ro->height = o->height;
	ro->palette = (an_flame_palette)o->palette;
	ro->title = o->title ? o->title : title;
	ro->subtitle = o->subtitle ? o->subtitle : subtitle;
	ro->inverted = o->inverted;
	ro->format = fmt == FE_PNG ? AN_FLAME_PNG :
		     fmt == FE_PDF ? AN_FLAME_PDF : AN_FLAME_SVG;
	fo->order = (o->sort_set ? o->sort_weight : by_weight) ?
			    AN_FLAME_BY_WEIGHT : AN_FLAME_BY_NAME;
	/* boxes under px pixels are elided; 20 px are the margins */
	if (o->min_width >= 0)
		px = o->min_width;
	fo->min_weight = total * px / (ro->width - 20);
}
