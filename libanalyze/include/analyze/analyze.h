/*
 * analyze.h - umbrella header for libanalyze: every public header and the
 * version macros (AN_VERSION_MAJOR/MINOR/PATCH, AN_VERSION_STRING).
 *
 * Threads: the library keeps no global state. Independent models may be
 * loaded in parallel; one model may be queried (through const pointers)
 * from many threads at once, but never while it is freed; a filter, a
 * source and a store handle are used by one thread at a time. Each
 * header says it for its own types.
 */
#ifndef AN_ANALYZE_H
#define AN_ANALYZE_H

#include "analyze/version.h"

#include "analyze/common.h"
#include "analyze/cpu.h"
#include "analyze/filter.h"
#include "analyze/flame.h"
#include "analyze/heap.h"
#include "analyze/ingest.h"
#include "analyze/profile.h"
#include "analyze/sniff.h"
#include "analyze/source.h"
#include "analyze/store.h"

#endif
