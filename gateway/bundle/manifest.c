/* manifest: the district bundle's manifest, and the decisions on it. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

#define MANIFEST_MAGIC "campusgate-manifest 1"

bool manifest_school_ok(const char *s, size_t len)
{
	if (len == 0 || len > MANIFEST_SCHOOL_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

int manifest_time_parse(const char *s, size_t len, int64_t *out)
{
	static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned y, mo, d, h, mi, se;
	if (len != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != 'Z' || digits(s, 4, &y) < 0 || digits(s + 5, 2, &mo) < 0 ||
	    digits(s + 8, 2, &d) < 0 || digits(s + 11, 2, &h) < 0 ||
	    digits(s + 14, 2, &mi) < 0 || digits(s + 17, 2, &se) < 0)
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
	    se > 59)
		return -1;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return 0;
}

void manifest_time_str(int64_t t, char buf[21])
{
	int64_t days = t / 86400, rem = t % 86400;
	/* civil_from_days */
	days += 719468;
	int64_t era = days / 146097;
	unsigned doe = (unsigned)(days - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = (int64_t)yoe + era * 400 + (m <= 2);
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)(y % 10000), m % 13,
		 d % 32, (unsigned)(rem / 3600), (unsigned)(rem % 3600 / 60), (unsigned)(rem % 60));
	memcpy(buf, tmp, 20);
	buf[20] = '\0';
}

/* A list file's name: CATEGORY.list with a category name as the config allows. */
static bool list_name_ok(const char *s, size_t n)
{
	return n > 5 && n - 5 <= 32 && memcmp(s + n - 5, ".list", 5) == 0 &&
	       bundle_name_ok(s, n);
}

static int hex32(const char *s, size_t n, uint8_t out[32])
{
	size_t got = 0;
	const char *end = NULL;
	if (n != 64 || sodium_hex2bin(out, 32, s, n, NULL, &got, &end) != 0 || got != 32 ||
	    end != s + n)
		return -1;
	return 0;
}

/* The words of a line: at most max, split at single or repeated spaces and tabs. */
static size_t words(const char *s, size_t n, const char **w, size_t *wl, size_t max)
{
	size_t k = 0, i = 0;
	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n)
			break;
		size_t st = i;
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		if (k == max)
			return max + 1;
		w[k] = s + st;
		wl[k++] = i - st;
	}
	return k;
}

static bool word_is(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(w, s, n) == 0;
}

#define SEEN_SERIAL 1u
#define SEEN_EXPIRES 2u
#define SEEN_SCOPE 4u

static int manifest_scope(struct manifest *m, const char **w, const size_t *wl, size_t nw,
			  const char **why)
{
	if (nw == 2 && word_is(w[1], wl[1], "all")) {
		if (m->all || m->n_schools) {
			*why = "manifest: 'scope all' with other scope lines";
			return -1;
		}
		m->all = true;
		return 0;
	}
	if (m->all || nw < 2) {
		*why = nw < 2 ? "manifest: scope names no school" :
			     "manifest: 'scope all' with other scope lines";
		return -1;
	}
	for (size_t i = 1; i < nw; i++) {
		if (!manifest_school_ok(w[i], wl[i])) {
			*why = "manifest: bad school id";
			return -1;
		}
		if (m->n_schools == MANIFEST_MAX_SCHOOLS) {
			*why = "manifest: too many schools";
			return -1;
		}
		m->schools = xrealloc(m->schools, (m->n_schools + 1) * sizeof *m->schools);
		m->schools[m->n_schools++] = xstrndup(w[i], wl[i]);
	}
	return 0;
}

static int manifest_list(struct manifest *m, const char **w, const size_t *wl, size_t nw,
			 const char **why)
{
	if (nw != 3 || !list_name_ok(w[1], wl[1])) {
		*why = "manifest: bad list line (list CATEGORY.list SHA256)";
		return -1;
	}
	struct manifest_list *l = &m->lists[m->n_lists];
	if (m->n_lists == MANIFEST_MAX_LISTS) {
		*why = "manifest: too many lists";
		return -1;
	}
	if (hex32(w[2], wl[2], l->sha256) < 0) {
		*why = "manifest: bad SHA-256";
		return -1;
	}
	memcpy(l->name, w[1], wl[1]);
	l->name[wl[1]] = '\0';
	for (size_t i = 0; i < m->n_lists; i++)
		if (strcmp(m->lists[i].name, l->name) == 0) {
			*why = "manifest: a list is named twice";
			return -1;
		}
	m->n_lists++;
	return 0;
}

static int manifest_line(struct manifest *m, const char *s, size_t n, unsigned *seen,
			 const char **why)
{
	const char *w[4];
	size_t wl[4], nw = words(s, n, w, wl, 3);
	unsigned long long v;
	char num[24];
	if (nw == 0 || w[0][0] == '#')
		return 0;
	if (word_is(w[0], wl[0], "scope")) {
		const char *sw[257];
		size_t swl[257], sn = words(s, n, sw, swl, 256);
		*seen |= SEEN_SCOPE;
		if (sn > 256) {
			*why = "manifest: too many schools on one line";
			return -1;
		}
		return manifest_scope(m, sw, swl, sn, why);
	}
	if (word_is(w[0], wl[0], "list"))
		return manifest_list(m, w, wl, nw, why);
	unsigned bit = word_is(w[0], wl[0], "serial") ? SEEN_SERIAL :
		       word_is(w[0], wl[0], "expires") ? SEEN_EXPIRES : 0;
	if (!bit) {
		*why = "manifest: unknown key";
		return -1;
	}
	if (*seen & bit) {
		*why = "manifest: key given twice";
		return -1;
	}
	*seen |= bit;
	if (nw != 2) {
		*why = bit == SEEN_SERIAL ? "manifest: bad serial" : "manifest: bad expiry time";
		return -1;
	}
	if (bit == SEEN_EXPIRES) {
		if (manifest_time_parse(w[1], wl[1], &m->expires) < 0) {
			*why = "manifest: bad expiry time";
			return -1;
		}
		return 0;
	}
	if (wl[1] >= sizeof num || (wl[1] > 1 && w[1][0] == '0')) {
		*why = "manifest: bad serial";
		return -1;
	}
	memcpy(num, w[1], wl[1]);
	num[wl[1]] = '\0';
	if (parse_uint(num, 1, INT64_MAX, &v) < 0) {
		*why = "manifest: bad serial";
		return -1;
	}
	m->serial = v;
	return 0;
}

int manifest_parse(const char *buf, size_t len, struct manifest *out, const char **why,
		   unsigned *line)
{
	size_t pos = 0;
	unsigned seen = 0;
	memset(out, 0, sizeof *out);
	*line = 0;
	if (len > MANIFEST_MAX_BYTES) {
		*why = "manifest: too long";
		return -1;
	}
	if (memchr(buf, '\0', len)) {
		*why = "manifest: NUL byte";
		return -1;
	}
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len, n = end - pos;
		++*line;
		if (n > MANIFEST_MAX_LINE) {
			*why = "manifest: line too long";
			return -1;
		}
		if (n > 0 && buf[pos + n - 1] == '\r')
			n--;
		if (*line == 1) {
			if (n != strlen(MANIFEST_MAGIC) || memcmp(buf, MANIFEST_MAGIC, n) != 0) {
				*why = "manifest: not a campusgate manifest (version 1)";
				return -1;
			}
		} else if (manifest_line(out, buf + pos, n, &seen, why) < 0) {
			return -1;
		}
		pos = end + 1;
	}
	*line = 0;
	if (!(seen & SEEN_SERIAL) || !(seen & SEEN_EXPIRES) || !(seen & SEEN_SCOPE)) {
		*why = *line == 0 && len == 0 ? "manifest: not a campusgate manifest (version 1)"
					      : "manifest: serial, expires or scope missing";
		return -1;
	}
	return 0;
}

void manifest_free(struct manifest *m)
{
	for (size_t i = 0; i < m->n_schools; i++)
		free(m->schools[i]);
	free(m->schools);
	m->schools = NULL;
	m->n_schools = 0;
}

void manifest_write(struct sbuf *out, const struct manifest *m)
{
	char t[21], hex[65];
	manifest_time_str(m->expires, t);
	sbuf_printf(out, MANIFEST_MAGIC "\nserial %llu\nexpires %s\n",
		    (unsigned long long)m->serial, t);
	if (m->all)
		sbuf_adds(out, "scope all\n");
	for (size_t i = 0; i < m->n_schools; i++)
		sbuf_printf(out, "scope %s\n", m->schools[i]);
	for (size_t i = 0; i < m->n_lists; i++)
		sbuf_printf(out, "list %s %s\n", m->lists[i].name,
			    sodium_bin2hex(hex, sizeof hex, m->lists[i].sha256, 32));
}

int manifest_decide(const struct manifest *m, bool have_last, uint64_t last, int64_t now,
		    const char *school, const char **why)
{
	if (have_last && m->serial <= last) {
		*why = "serial not newer than the one applied last (rollback refused)";
		return -1;
	}
	if (m->expires <= now) {
		*why = "manifest expired";
		return -1;
	}
	if (m->all)
		return 0;
	if (!school) {
		*why = "bundle names schools but [district] school_id is not set";
		return -1;
	}
	for (size_t i = 0; i < m->n_schools; i++)
		if (strcmp(m->schools[i], school) == 0)
			return 0;
	*why = "bundle is not for this school (scope)";
	return -1;
}

int manifest_check_files(const struct manifest *m, const struct bundle *b, const char **why,
			 const char **name)
{
	uint8_t h[32];
	*name = NULL;
	for (size_t i = 1; i < b->n; i++) {
		const struct manifest_list *l = NULL;
		for (size_t j = 0; j < m->n_lists && !l; j++)
			if (strcmp(m->lists[j].name, b->files[i].name) == 0)
				l = &m->lists[j];
		*name = b->files[i].name;
		if (!l) {
			*why = "file not named in the manifest";
			return -1;
		}
		crypto_hash_sha256(h, (const uint8_t *)b->files[i].data, b->files[i].len);
		if (sodium_memcmp(h, l->sha256, 32) != 0) {
			*why = "SHA-256 differs from the manifest";
			return -1;
		}
	}
	for (size_t j = 0; j < m->n_lists; j++)
		if (!bundle_find(b, m->lists[j].name)) {
			*name = m->lists[j].name;
			*why = "list named in the manifest is missing";
			return -1;
		}
	*name = NULL;
	return 0;
}
