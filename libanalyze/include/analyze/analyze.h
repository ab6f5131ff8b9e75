/*
 * analyze.h - umbrella header for libanalyze.
 */
#ifndef AN_ANALYZE_H
#define AN_ANALYZE_H

#define AN_VERSION_MAJOR 0
#define AN_VERSION_MINOR 1
#define AN_VERSION_PATCH 0

#include "analyze/common.h"
#include "analyze/cpu.h"
#include "analyze/filter.h"
#include "analyze/heap.h"
#include "analyze/profile.h"
#include "analyze/sniff.h"
#include "analyze/source.h"
#include "analyze/store.h"

#endif
