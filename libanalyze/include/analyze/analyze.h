/*
 * analyze.h - umbrella header for libanalyze: every public header and the
 * version macros (AN_VERSION_MAJOR/MINOR/PATCH, AN_VERSION_STRING).
 */
#ifndef AN_ANALYZE_H
#define AN_ANALYZE_H

#include "analyze/version.h"

#include "analyze/common.h"
#include "analyze/cpu.h"
#include "analyze/filter.h"
#include "analyze/heap.h"
#include "analyze/profile.h"
#include "analyze/sniff.h"
#include "analyze/source.h"
#include "analyze/store.h"

#endif
