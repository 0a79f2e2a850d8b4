/* bench_gen: the policy benchmark's deterministic generator (see bench_gen.h). */
#include "bench_gen.h"

#include <stdbool.h>
#include <string.h>

uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

unsigned rng_below(uint64_t *s, unsigned n)
{
	return (unsigned)(rng_next(s) % n);
}

static double rng_unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) / 9007199254740992.0;
}

static const char *const tlds[] = { /* weights as in gen_data.py, x2 */
	"com", "com", "com", "com", "com", "com", "com", "com", "com", "com", "com", "com",
	"com", "com", "com", "com", "com", "com", "com", "com", "com", "com", "com", "com",
	"com", "com", "com", "com", "com", "com", "com", "com", "com", "com", "com", "com",
	"com", "com", "com", "com", "com", "com", "com", "com", "com", "com", "com", "com",
	"com", "com", "com", "com", "com", "com", "com", "com", "com", "com", "com", "com",
	"com", "com", "com", "com", "com", "com", "com", "com", "com", "com", "com", "com",
	"com", "com", "com", "com", "com", "com", "com", "com",
	"net", "net", "net", "net", "net", "net", "net", "net", "net", "net", "net", "net",
	"net", "net", "net", "net", "net", "net", "org", "org", "org", "org", "org", "org",
	"org", "org", "org", "org", "ru", "ru", "ru", "ru", "ru", "ru", "ru", "ru", "de", "de",
	"de", "de", "de", "de", "info", "info", "info", "info", "info", "info", "io", "io", "io",
	"io", "io", "io", "xyz", "xyz", "xyz", "xyz", "xyz", "xyz", "top", "top", "top", "top",
	"top", "top", "co.uk", "co.uk", "co.uk", "co.uk", "cn", "cn", "cn", "cn", "com.br",
	"com.br", "com.br", "com.br", "online", "online", "online", "online", "site", "site",
	"site", "site", "club", "club", "biz", "biz", "fr", "fr", "nl", "nl", "pl", "pl", "jp",
	"jp", "in", "in", "eu", "eu", "us", "us", "me", "me", "tk", "tk", "cc", "cc", "shop",
	"shop", "app", "app", "com.au", "com.au", "it", "it", "es", "es", "co", "co", "tv", "tv",
	"live", "live", "pro", "pro", "store", "store", "ws", "icu", "buzz", "cloud",
};

static const char *const words[] = {
	"ad", "ads", "track", "media", "stat", "stats", "click", "cloud", "shop", "news", "web",
	"app", "mail", "data", "host", "net", "online", "best", "free", "my", "go", "get", "top",
	"smart", "fast", "easy", "live", "world", "global", "digital", "tech", "info", "pro",
	"plus", "hub", "link", "zone", "star", "sun", "blue", "red", "green", "gold", "city",
	"home", "game", "games", "play", "bet", "casino", "win", "deal", "deals", "promo",
	"offer", "market", "trade", "crypto", "coin", "pay", "bank", "secure", "safe", "login",
	"account", "update", "service", "view", "video", "tube", "stream", "music", "photo",
	"pic", "img", "cdn", "static", "api", "sync", "tag", "pixel", "beacon", "metric",
	"metrics", "analytic", "analytics", "insight", "target", "reach", "boost", "traffic",
	"lead", "leads", "mobile", "phone", "life", "style", "health", "care", "travel", "hotel",
	"food", "auto", "car", "club", "team", "group", "labs", "works", "solutions", "system",
	"systems", "network", "partner", "partners", "direct", "express", "daily", "press",
	"report", "journal",
};
static const char *const syl_c[] = { "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n",
	"p", "r", "s", "t", "v", "w", "z", "br", "ch", "cl", "cr", "dr", "fl", "gr", "kr", "pl",
	"pr", "sh", "st", "th", "tr" };
static const char *const syl_v[] = { "a", "e", "i", "o", "u", "a", "e", "i", "o", "ai", "ea",
	"ou", "io" };
static const char *const syl_e[] = { "", "", "", "n", "r", "s", "x", "l", "t", "m" };
static const char *const block_subs[] = { "ads", "ad", "track", "tracking", "pixel",
	"metrics", "stats", "analytics", "cdn", "static", "t", "s", "img", "click", "log",
	"beacon", "api", "www", "m", "sync", "rtb", "bid", "tag", "collect", "events",
	"telemetry", "srv", "eu", "us", "ssl", "data", "px", "go", "ww2", "secure" };
static const char *const query_subs[] = { "www", "cdn", "img", "static", "api", "m", "t",
	"s", "ads", "eu", "a", "b", "c", "x1", "edge", "media", "assets" };
static const char *const allow_subs[] = { "www", "www", "www", "www", "mail", "api", "cdn",
	"static", "img", "login", "portal", "docs", "m", "app", "news", "video" };

#define PICK(s, a) ((a)[rng_below((s), (unsigned)CG_ARRAY_LEN(a))])

static void gen_pseudo(uint64_t *s, struct sbuf *b)
{
	static const int nsyl[] = { 1, 2, 2, 2, 3, 3, 4 };
	int n = nsyl[rng_below(s, 7)];
	for (int i = 0; i < n; i++) {
		sbuf_adds(b, PICK(s, syl_c));
		sbuf_adds(b, PICK(s, syl_v));
		sbuf_adds(b, PICK(s, syl_e));
	}
}

static void gen_label(uint64_t *s, struct sbuf *b)
{
	size_t start = b->len;
	double x = rng_unit(s);

	if (x < 0.10) {
		unsigned n = 10 + rng_below(s, 15);
		for (unsigned i = 0; i < n; i++)
			sbuf_addc(b, "abcdefghijklmnopqrstuvwxyz0123456789"[rng_below(s, 36)]);
		return;
	}
	bool dash = rng_unit(s) < 0.15;
	if (x < 0.45) {
		bool word_first = rng_unit(s) < 0.5;
		if (word_first)
			sbuf_adds(b, PICK(s, words));
		else
			gen_pseudo(s, b);
		if (dash)
			sbuf_addc(b, '-');
		if (word_first)
			gen_pseudo(s, b);
		else
			sbuf_adds(b, PICK(s, words));
	} else if (x < 0.65) {
		sbuf_adds(b, PICK(s, words));
		if (dash)
			sbuf_addc(b, '-');
		sbuf_adds(b, PICK(s, words));
	} else {
		gen_pseudo(s, b);
	}
	if (rng_unit(s) < 0.12)
		sbuf_printf(b, "%u", 1 + rng_below(s, 999));
	if (b->len - start > 40)
		b->len = start + 40;
	b->data[b->len] = '\0';
}

/* Blocklist entry number i (the same i always gives the same name). */
void gen_block_name(uint64_t seed, size_t i, struct sbuf *b)
{
	uint64_t s = seed ^ (i * 0xd1b54a32d192ed03ULL);
	double x = rng_unit(&s);

	sbuf_reset(b);
	if (x >= 0.55) {
		sbuf_adds(b, PICK(&s, block_subs));
		if (rng_unit(&s) < 0.2)
			sbuf_printf(b, "%u", 1 + rng_below(&s, 20));
		sbuf_addc(b, '.');
		if (x >= 0.90) {
			if (rng_unit(&s) < 0.5)
				sbuf_adds(b, PICK(&s, block_subs));
			else
				gen_pseudo(&s, b);
			sbuf_addc(b, '.');
		}
	}
	gen_label(&s, b);
	sbuf_addc(b, '.');
	sbuf_adds(b, PICK(&s, tlds));
}

void gen_allow_name(uint64_t *s, struct sbuf *b)
{
	sbuf_reset(b);
	if (rng_unit(s) < 0.6) {
		sbuf_adds(b, PICK(s, allow_subs));
		sbuf_addc(b, '.');
	}
	gen_label(s, b);
	sbuf_adds(b, "-ok.");
	sbuf_adds(b, PICK(s, tlds));
}

/* Pattern number i: keyword, pinyin and number-padded gambling shapes; one in a hundred
 * has no literal of 3 bytes or more. */
void gen_pattern(size_t i, struct sbuf *b)
{
	static const char *const pinyin[] = { "caipiao", "bocai", "duchang", "liuhecai",
		"touzhu", "qipai", "baijiale", "shishicai", "xianjin", "dubo", "yulecheng",
		"zuqiu", "lottery", "casino", "poker", "slots", "jackpot", "betting", "pk10",
		"ssc", "kuai3", "fenfencai" };
	static const char *const hanzi[] = { "\xe5\x85\xad\xe5\x90\x88\xe5\xbd\xa9",
		"\xe5\x8d\x9a\xe5\xbd\xa9", "\xe5\xbd\xa9\xe7\xa5\xa8", "\xe8\xb5\x8c\xe5\x9c\xba",
		"\xe7\x99\xbe\xe5\xae\xb6\xe4\xb9\x90", "\xe5\xa8\xb1\xe4\xb9\x90\xe5\x9f\x8e" };
	static const char *const pad[] = { "\\d{2,}", "[0-9]{3,}", "(888|666|999)", "\\d*",
		"(vip|app)?", "[-_.]?\\d+" };
	uint64_t s = 0x5eed0000ULL + i;

	sbuf_reset(b);
	if (i % 100 == 99) {
		/* no usable literal: letters-and-digits shapes */
		sbuf_printf(b, "^[a-z]{%u}\\d{%u,}\\.", 1 + rng_below(&s, 3), 5 + rng_below(&s, 4));
		return;
	}
	switch (rng_below(&s, 4)) {
	case 0:
		sbuf_printf(b, "%s%s", PICK(&s, pinyin), PICK(&s, pad));
		break;
	case 1:
		sbuf_printf(b, "%s%s%u", PICK(&s, pad), PICK(&s, pinyin), rng_below(&s, 1000));
		break;
	case 2:
		sbuf_printf(b, "%s|%s%u", PICK(&s, hanzi), PICK(&s, pinyin), rng_below(&s, 100));
		break;
	default:
		sbuf_printf(b, "(^|\\.)%s%s[a-z]{0,3}\\d", PICK(&s, pinyin), PICK(&s, pinyin));
		break;
	}
}
const char *gen_query_sub(uint64_t *s)
{
	return PICK(s, query_subs);
}
