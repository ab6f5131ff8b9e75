/*
 * fuzz_cpuprofile.c - libFuzzer target for the .cpuprofile loader
 * (seeded with the .cpuprofile files of fixtures/cpu and fixtures/bad):
 * bytes from memory through an_source and an_profile_load(), then the
 * analyses on whatever loaded (fuzz_profile.h).
 */
#include "fuzz_profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_profile(data, size);
}
