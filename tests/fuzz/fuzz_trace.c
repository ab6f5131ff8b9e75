/*
 * fuzz_trace.c - libFuzzer target for the Chrome trace JSON loader
 * (seeded with the traces of fixtures/cpu and the .json files of
 * fixtures/bad): the same path as fuzz_cpuprofile.c, with trace seeds,
 * so that mutations stay mostly traces (the kind is sniffed from the
 * content).
 */
#include "fuzz_profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_profile(data, size);
}
