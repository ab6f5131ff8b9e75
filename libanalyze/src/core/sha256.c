/*
 * sha256.c - SHA-256 per FIPS 180-4, portable, and with the x86 SHA
 * extensions where the CPU has them (checked at run time: about 5x faster,
 * which is what `--db` costs on a big input). Checked against the standard
 * test vectors, and each path against the other, in tests/test_source.c.
 */
#include "core/sha256.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define AN_SHA_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

#ifdef AN_SHA_X86
/* CPUID: SHA (leaf 7, EBX bit 29), SSSE3 and SSE4.1 (leaf 1, ECX 9, 19). */
static int cpu_has_sha(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 9)) ||
	    !(c & (1u << 19)))
		return 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	return (b >> 29) & 1;
}

/*
 * nblocks blocks with SHA256RNDS2 (two rounds per instruction, on the
 * state split as ABEF and CDGH) and SHA256MSG1/MSG2 for the message
 * schedule. reg[j % 4] holds W[4j .. 4j + 3]; at group g (rounds 4g ..
 * 4g + 3) the words of group g + 1 are completed and the first half of
 * group g + 3's (msg1) is started.
 */
__attribute__((target("sha,sse4.1,ssse3"))) static void
blocks_x86(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL,
					     0x0405060700010203LL);
	__m128i abef, cdgh, tmp;

	tmp = _mm_shuffle_epi32(_mm_loadu_si128((const void *)&h[0]), 0xB1);
	cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const void *)&h[4]), 0x1B);
	abef = _mm_alignr_epi8(tmp, cdgh, 8);    /* A B E F */
	cdgh = _mm_blend_epi16(cdgh, tmp, 0xF0); /* C D G H */
	for (; nblocks > 0; nblocks--, p += 64) {
		__m128i abef0 = abef, cdgh0 = cdgh, reg[4], msg;
		int g;
		for (g = 0; g < 4; g++)
			reg[g] = _mm_shuffle_epi8(
				_mm_loadu_si128((const void *)(p + 16 * g)),
				bswap);
		for (g = 0; g < 16; g++) {
			msg = _mm_add_epi32(reg[g % 4],
					    _mm_loadu_si128((const void *)&K[4 * g]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, msg);
			if (g >= 3 && g <= 14) {
				__m128i *nx = &reg[(g + 1) % 4];
				*nx = _mm_add_epi32(*nx,
					_mm_alignr_epi8(reg[g % 4],
							reg[(g + 3) % 4], 4));
				*nx = _mm_sha256msg2_epu32(*nx, reg[g % 4]);
			}
			msg = _mm_shuffle_epi32(msg, 0x0E);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, msg);
			if (g >= 1 && g <= 12)
				reg[(g + 3) % 4] = _mm_sha256msg1_epu32(
					reg[(g + 3) % 4], reg[g % 4]);
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}
	tmp = _mm_shuffle_epi32(abef, 0x1B);      /* F E B A */
	cdgh = _mm_shuffle_epi32(cdgh, 0xB1);     /* D C H G */
	abef = _mm_blend_epi16(tmp, cdgh, 0xF0);  /* D C B A */
	cdgh = _mm_alignr_epi8(cdgh, tmp, 8);     /* H G F E */
	_mm_storeu_si128((void *)&h[0], abef);
	_mm_storeu_si128((void *)&h[4], cdgh);
}
#endif

static void block(an_sha256 *s, const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^
			      (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^
			      (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
	e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
		     ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
	s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

void an__sha256_init(an_sha256 *s)
{
	static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
				       0xa54ff53a, 0x510e527f, 0x9b05688c,
				       0x1f83d9ab, 0x5be0cd19};
	memcpy(s->h, iv, sizeof(iv));
	s->bytes = 0;
	s->fill = 0;
#ifdef AN_SHA_X86
	s->x86 = cpu_has_sha();
#else
	s->x86 = 0;
#endif
}

void an__sha256_portable(an_sha256 *s)
{
	s->x86 = 0;
}

/* Whole blocks, by the fastest path there is. */
static void blocks(an_sha256 *s, const uint8_t *p, size_t nblocks)
{
#ifdef AN_SHA_X86
	if (s->x86) {
		blocks_x86(s->h, p, nblocks);
		return;
	}
#endif
	for (; nblocks > 0; nblocks--, p += 64)
		block(s, p);
}

void an__sha256_update(an_sha256 *s, const void *data, size_t n)
{
	const uint8_t *p = data;

	s->bytes += n;
	if (s->fill) {
		size_t take = 64 - s->fill < n ? 64 - s->fill : n;
		memcpy(s->buf + s->fill, p, take);
		s->fill += take;
		p += take;
		n -= take;
		if (s->fill < 64)
			return;
		blocks(s, s->buf, 1);
		s->fill = 0;
	}
	if (n >= 64) {
		blocks(s, p, n / 64);
		p += n / 64 * 64;
		n %= 64;
	}
	if (n) {
		memcpy(s->buf, p, n);
		s->fill = n;
	}
}

void an__sha256_final_hex(an_sha256 *s, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	uint64_t bits = s->bytes * 8;
	uint8_t pad[72];
	size_t padlen = (s->fill < 56 ? 56 : 120) - s->fill;
	int i;

	memset(pad, 0, sizeof(pad));
	pad[0] = 0x80;
	for (i = 0; i < 8; i++)
		pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
	an__sha256_update(s, pad, padlen + 8);
	for (i = 0; i < 32; i++) {
		uint8_t b = (uint8_t)(s->h[i / 4] >> (24 - 8 * (i % 4)));
		hex[2 * i] = digits[b >> 4];
		hex[2 * i + 1] = digits[b & 15];
	}
	hex[64] = '\0';
}
