/* config_load: read the INI file with libinih, line by line, hand each key to its setter
 * (config_keys.h), then check what needs the whole file; report file:line. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config_keys.h"
#include "config_state.h"
#include "suggest.h"
#include "tz.h"

#define CONFIG_MAX_FILE (1024 * 1024)

/* The file's directory ("." when it has none). */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* ---- sections ---- */

static const struct {
	const char *name;
	enum cload_sec sec;
	bool named;
} sections[] = {
	{"general", SEC_GENERAL, false}, {"dns", SEC_DNS, false},
	{"http", SEC_HTTP, false},       {"sensor", SEC_SENSOR, false},
	{"journal", SEC_JOURNAL, false}, {"console", SEC_CONSOLE, false},
	{"district", SEC_DISTRICT, false},
	{"allow", SEC_ALLOW, false},
	{"category", SEC_CATEGORY, true}, {"timetable", SEC_TIMETABLE, true},
	{"group", SEC_GROUP, true},       {"ipmac", SEC_IPMAC, false},
};

/* Names of categories, timetables and groups: letters, digits, - _ . (1-32 bytes). */
static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

static int named_find(const struct cload *st, enum cload_sec sec, const char *name)
{
	const struct config *c = st->cfg;
	size_t n = sec == SEC_CATEGORY ? c->n_categories
		   : sec == SEC_TIMETABLE ? c->n_timetables : c->n_groups;
	for (size_t i = 0; i < n; i++) {
		const char *have = sec == SEC_CATEGORY ? c->categories[i].name
				   : sec == SEC_TIMETABLE ? c->timetables[i].name : c->groups[i].name;
		if (strcmp(have, name) == 0)
			return (int)i;
	}
	return -1;
}

static unsigned named_line(const struct cload *st, enum cload_sec sec, size_t i)
{
	return sec == SEC_CATEGORY ? st->cfg->categories[i].line
	       : sec == SEC_TIMETABLE ? st->cfg->timetables[i].line : st->cfg->groups[i].line;
}

static void named_add(struct cload *st, enum cload_sec sec, char *name)
{
	struct config *c = st->cfg;
	if (sec == SEC_CATEGORY) {
		c->categories = xrealloc(c->categories, (c->n_categories + 1) * sizeof *c->categories);
		struct cfg_category *x = &c->categories[c->n_categories];
		memset(x, 0, sizeof *x);
		x->name = name;
		x->kind = CATEGORY_BLOCK;
		x->line = st->line;
		st->idx = c->n_categories++;
	} else if (sec == SEC_TIMETABLE) {
		c->timetables = xrealloc(c->timetables, (c->n_timetables + 1) * sizeof *c->timetables);
		struct cfg_timetable *x = &c->timetables[c->n_timetables];
		memset(x, 0, sizeof *x);
		x->name = name;
		x->line = st->line;
		st->idx = c->n_timetables++;
	} else {
		c->groups = xrealloc(c->groups, (c->n_groups + 1) * sizeof *c->groups);
		st->gp = xrealloc(st->gp, (c->n_groups + 1) * sizeof *st->gp);
		struct cfg_group *x = &c->groups[c->n_groups];
		memset(x, 0, sizeof *x);
		x->name = name;
		x->line = st->line;
		x->timetable = -1;
		x->block_mode = BLOCK_NXDOMAIN;
		struct cload_group *g = &st->gp[c->n_groups];
		memset(g, 0, sizeof *g);
		g->safe_search = -1;
		st->idx = c->n_groups++;
	}
}

/* A "[...]" line: s is what is between the brackets. */
static void section_begin(struct cload *st, const char *s, size_t n)
{
	st->sec = SEC_BAD;
	st->seen = 0;
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	size_t w = 0;
	while (w < n && !isspace((unsigned char)s[w]))
		w++;
	const char *rest = s + w;
	size_t rn = n - w;
	while (rn && isspace((unsigned char)*rest))
		rest++, rn--;
	for (size_t i = 0; i < CG_ARRAY_LEN(sections); i++) {
		if (strlen(sections[i].name) != w || strncasecmp(s, sections[i].name, w) != 0)
			continue;
		enum cload_sec sec = sections[i].sec;
		if (!sections[i].named) {
			if (rn) {
				cload_msg(st, MSG_CFG_SECTION_NO_NAME, sections[i].name);
				return;
			}
			if (st->sec_line[sec]) {
				cload_msg(st, MSG_CFG_SECTION_TWICE, sections[i].name,
					  st->sec_line[sec]);
				return;
			}
			st->sec_line[sec] = st->line;
			st->sec = sec;
			return;
		}
		if (!rn) {
			cload_msg(st, MSG_CFG_SECTION_NEEDS_NAME, sections[i].name,
				  sections[i].name);
			return;
		}
		if (!name_ok(rest, rn)) {
			cload_msg(st, MSG_CFG_BAD_SECTION_NAME, sections[i].name, (int)rn, rest);
			return;
		}
		char *name = xstrndup(rest, rn);
		int dup = named_find(st, sec, name);
		if (dup >= 0) {
			cload_msg(st, MSG_CFG_NAMED_TWICE, sections[i].name, name,
				  named_line(st, sec, (size_t)dup));
			free(name);
			return;
		}
		if (sec == SEC_CATEGORY && st->cfg->n_categories >= CFG_MAX_CATEGORIES) {
			cload_msg(st, MSG_CFG_TOO_MANY_CATEGORIES, CFG_MAX_CATEGORIES);
			free(name);
			return;
		}
		named_add(st, sec, name);
		st->sec = sec;
		return;
	}
	const char *names[CG_ARRAY_LEN(sections)];
	for (size_t i = 0; i < CG_ARRAY_LEN(sections); i++)
		names[i] = sections[i].name;
	char word[40];
	snprintf(word, sizeof(word), "%.*s", (int)(w < 39 ? w : 39), s);
	const char *near = suggest_closest(word, names, CG_ARRAY_LEN(sections));
	if (near)
		cload_msg(st, MSG_CFG_UNKNOWN_SECTION_NEAR, (int)n, s, near);
	else
		cload_msg(st, MSG_CFG_UNKNOWN_SECTION, (int)n, s);
}

/* ---- the line reader inih calls: counts lines and checks their shape ---- */

/* Length of the valid UTF-8 prefix of s (n bytes). */
static size_t utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t k;
		unsigned min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			k = 1, min = 0x80, c &= 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			k = 2, min = 0x800, c &= 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			k = 3, min = 0x10000, c &= 0x07;
		} else {
			return i;
		}
		if (n - i <= k)
			return i;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return i;
			c = c << 6 | (s[i + j] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return i;
		i += k + 1;
	}
	return i;
}

/* Check the bytes of a whole line, comments included: UTF-8 text, no NUL or controls. */
static int line_bytes_ok(struct cload *st, const char *s, size_t n)
{
	if (memchr(s, '\0', n)) {
		cload_msg(st, MSG_CFG_NUL_BYTE);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t') {
			cload_msg(st, MSG_CFG_CONTROL_CHAR);
			return -1;
		}
	}
	if (utf8_valid((const unsigned char *)s, n) != n) {
		cload_msg(st, MSG_CFG_NOT_UTF8);
		return -1;
	}
	return 0;
}

/* Check one line (leading/trailing space and comments already gone); 0 to pass it on. */
static int line_check(struct cload *st, const char *s, size_t n, int num)
{
	if (n + 2 > (size_t)num) {
		cload_msg(st, MSG_CFG_LINE_TOO_LONG, num - 2);
		return -1;
	}
	if (s[0] == '[') {
		if (s[n - 1] != ']') {
			cload_msg(st, MSG_CFG_SECTION_UNCLOSED);
			st->sec = SEC_BAD;
			return -1;
		}
		section_begin(st, s + 1, n - 2);
		return 0;
	}
	size_t eq = 0;
	while (eq < n && s[eq] != '=' && s[eq] != ':')
		eq++;
	if (eq >= n || s[eq] != '=') {
		cload_msg(st, MSG_CFG_NOT_KEY_VALUE);
		return -1;
	}
	if (eq == 0) {
		cload_msg(st, MSG_CFG_KEY_MISSING);
		return -1;
	}
	return 0;
}

static char *reader(char *str, int num, void *stream)
{
	struct cload *st = stream;
	if (st->pos >= st->len || num < 4)
		return NULL;
	const char *s = st->buf + st->pos;
	const char *nl = memchr(s, '\n', st->len - st->pos);
	size_t n = nl ? (size_t)(nl - s) : st->len - st->pos;
	st->pos += n + (nl ? 1 : 0);
	st->line++;
	if (st->line == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3, n -= 3;
	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	str[0] = '\0';
	if (line_bytes_ok(st, s, n) != 0)
		return str; /* inih sees an empty line */
	/* comments: a line starting with # or ;, or whitespace then # or ; */
	for (size_t i = 0; i < n; i++) {
		if ((s[i] == '#' || s[i] == ';') && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t')) {
			n = i;
			while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
				n--;
			break;
		}
	}
	if (n == 0 || line_check(st, s, n, num) != 0)
		return str; /* inih sees an empty line */
	memcpy(str, s, n);
	str[n] = '\0';
	return str;
}

/* ---- keys ---- */

static int handler(void *user, const char *section, const char *key, const char *value)
{
	struct cload *st = user;
	CG_UNUSED(section);
	if (st->sec == SEC_BAD)
		return 1;
	if (st->sec == SEC_NONE) {
		cload_msg(st, MSG_CFG_KEY_OUTSIDE, key);
		return 1;
	}
	const struct cload_key *k = cload_keys(st->sec);
	int i = 0;
	for (; k[i].name; i++)
		if (strcasecmp(k[i].name, key) == 0)
			break;
	if (!k[i].name) {
		const char *names[64];
		int n = 0;
		for (; n < 64 && k[n].name; n++)
			names[n] = k[n].name;
		const char *near = suggest_closest(key, names, (size_t)n);
		if (near)
			cload_msg(st, MSG_CFG_UNKNOWN_KEY_NEAR, key, near);
		else
			cload_msg(st, MSG_CFG_UNKNOWN_KEY, key);
		return 1;
	}
	uint64_t bit = (uint64_t)1 << i;
	st->first = !(st->seen & bit);
	if (!k[i].repeat && !st->first) {
		cload_msg(st, MSG_CFG_KEY_TWICE, k[i].name);
		return 1;
	}
	st->seen |= bit;
	st->key = k[i].name;
	if (!*value && !k[i].empty_ok) {
		cload_msg(st, MSG_CFG_KEY_NO_VALUE, k[i].name);
		return 1;
	}
	k[i].set(st, value);
	return 1;
}

/* ---- checks that need the whole file ---- */

static void finish_categories(struct cload *st)
{
	for (size_t i = 0; i < st->cfg->n_categories; i++) {
		struct cfg_category *c = &st->cfg->categories[i];
		if (!c->title_en)
			c->title_en = xstrdup(c->name);
		if (!c->title_zh)
			c->title_zh = xstrdup(c->title_en);
		if (c->n_lists == 0)
			diag_msg(st->diag, true, st->file, c->line, MSG_CFG_CATEGORY_NO_LIST,
				 c->name);
	}
}

static void finish_timetables(struct cload *st)
{
	for (size_t i = 0; i < st->cfg->n_timetables; i++) {
		struct cfg_timetable *t = &st->cfg->timetables[i];
		if (!t->weekdays)
			t->weekdays = 0x1f; /* mon-fri */
		if (!t->timezone) {
			t->timezone = xstrdup(st->cfg->timezone);
			const char *err = "?";
			struct tz *tz = tz_load(t->timezone, &err);
			if (!tz)
				diag_msg(st->diag, false, st->file, t->line, MSG_CFG_TIMETABLE_ZONE,
					 t->name, t->timezone, MSG_REASON(err));
			tz_free(tz);
		}
	}
}

static bool subnet_eq(const struct cg_subnet *a, const struct cg_subnet *b)
{
	return a->prefix == b->prefix && a->addr.family == b->addr.family &&
	       memcmp(a->addr.a, b->addr.a, sizeof a->addr.a) == 0;
}

static void group_add_subnet(struct cfg_group *g, const char *text)
{
	struct cg_subnet n;
	if (subnet_parse(text, &n) < 0)
		fatal("config: built-in subnet %s does not parse", text);
	g->subnets = xrealloc(g->subnets, (g->n_subnets + 1) * sizeof *g->subnets);
	g->subnets[g->n_subnets++] = n;
}

static void finish_group(struct cload *st, size_t gi)
{
	struct config *c = st->cfg;
	struct cfg_group *g = &c->groups[gi];
	struct cload_group *p = &st->gp[gi];
	for (size_t r = 0; r < p->n_refs; r++) {
		int ci = config_category_index(c, p->refs[r].name);
		if (ci < 0) {
			diag_msg(st->diag, false, st->file, p->refs[r].line,
				 MSG_CFG_GROUP_UNKNOWN_CATEGORY, g->name, p->refs[r].name);
			continue;
		}
		if (p->refs[r].scheduled)
			g->block_scheduled |= 1u << ci;
		else
			g->block_always |= 1u << ci;
	}
	if (p->timetable) {
		int ti = named_find(st, SEC_TIMETABLE, p->timetable);
		if (ti < 0)
			diag_msg(st->diag, false, st->file, p->tt_line,
				 MSG_CFG_GROUP_UNKNOWN_TIMETABLE, g->name, p->timetable);
		g->timetable = ti;
	} else if (p->has_scheduled) {
		diag_msg(st->diag, false, st->file, g->line, MSG_CFG_GROUP_SCHEDULED, g->name);
	}
	if (p->safe_search >= 0) {
		enum safesearch *e[4] = {&g->safesearch_google, &g->safesearch_bing,
					 &g->safesearch_youtube, &g->safesearch_duckduckgo};
		for (int k = 0; k < 4; k++)
			if (!p->ss_set[k])
				*e[k] = (enum safesearch)p->safe_search;
	}
	if (g->block_mode == BLOCK_PAGE && !c->dns.block_page_v4.family &&
	    !c->dns.block_page_v6.family)
		diag_msg(st->diag, false, st->file, g->line, MSG_CFG_GROUP_PAGE, g->name);
	if (g->n_subnets == 0) {
		if (strcmp(g->name, "default") == 0) {
			group_add_subnet(g, "0.0.0.0/0");
			group_add_subnet(g, "::/0");
		} else {
			diag_msg(st->diag, false, st->file, g->line, MSG_CFG_GROUP_NO_SUBNET,
				 g->name);
		}
	}
	for (size_t k = 0; k < g->n_subnets; k++)
		for (size_t o = 0; o < gi; o++)
			for (size_t m = 0; m < c->groups[o].n_subnets; m++)
				if (subnet_eq(&g->subnets[k], &c->groups[o].subnets[m])) {
					char buf[CG_ADDR_STRLEN];
					diag_msg(st->diag, false, st->file, g->line,
						 MSG_CFG_GROUP_SUBNET_SHARED, g->name,
						 addr_str(&g->subnets[k].addr, buf),
						 g->subnets[k].prefix, c->groups[o].name);
				}
}

/* Categories no group enforces and timetables no group uses are probably mistakes. */
static void finish_unused(struct cload *st)
{
	const struct config *c = st->cfg;
	if (c->n_groups == 0)
		return; /* the built-in default group blocks every category */
	uint32_t used = 0;
	for (size_t g = 0; g < c->n_groups; g++)
		used |= c->groups[g].block_always | c->groups[g].block_scheduled;
	for (size_t i = 0; i < c->n_categories; i++)
		if (!(used & (1u << i)))
			diag_msg(st->diag, true, st->file, c->categories[i].line,
				 MSG_CFG_CATEGORY_UNUSED, c->categories[i].name);
	for (size_t t = 0; t < c->n_timetables; t++) {
		bool named = false;
		for (size_t g = 0; g < c->n_groups && !named; g++)
			named = c->groups[g].timetable == (int)t;
		if (!named)
			diag_msg(st->diag, true, st->file, c->timetables[t].line,
				 MSG_CFG_TIMETABLE_UNUSED, c->timetables[t].name);
	}
}

/* A list of the district's, when update has put it there. */
static void district_list(struct cfg_list **lists, size_t *n, const char *dir,
			  const char *file, unsigned line)
{
	struct sbuf p;
	sbuf_init(&p);
	sbuf_printf(&p, "%s/%s", dir, file);
	if (access(p.data, F_OK) != 0) {
		sbuf_free(&p);
		return;
	}
	*lists = xrealloc(*lists, (*n + 1) * sizeof **lists);
	struct cfg_list *l = &(*lists)[(*n)++];
	l->format = LIST_NATIVE;
	l->path = sbuf_take(&p);
	sbuf_printf(&p, "district/%s", file);
	l->name = sbuf_take(&p);
	l->line = line;
}

/* [district]: defaults, the key a URL needs, and the district's lists added to the
 * school's own (categories read LISTS_DIR/NAME.list, the allowlist allow.list). */
static void finish_district(struct cload *st)
{
	struct cfg_district *d = &st->cfg->district;
	unsigned line = st->sec_line[SEC_DISTRICT];
	if (!line)
		return;
	d->on = true;
	if (d->url && !d->pubkey)
		diag_msg(st->diag, false, st->file, line, MSG_CFG_DISTRICT_NO_PUBKEY);
	if (!d->state_dir)
		d->state_dir = cload_path(st, "var/district");
	if (!d->lists_dir) {
		struct sbuf p;
		sbuf_init(&p);
		sbuf_printf(&p, "%s/lists", d->state_dir);
		d->lists_dir = sbuf_take(&p);
	}
	for (size_t i = 0; i < st->cfg->n_categories; i++) {
		struct cfg_category *c = &st->cfg->categories[i];
		struct sbuf f;
		sbuf_init(&f);
		sbuf_printf(&f, "%s.list", c->name);
		district_list(&c->lists, &c->n_lists, d->lists_dir, f.data, line);
		sbuf_free(&f);
	}
	district_list(&st->cfg->allow, &st->cfg->n_allow, d->lists_dir, "allow.list", line);
}

static void finish(struct cload *st)
{
	struct config *c = st->cfg;
	finish_district(st);
	finish_categories(st);
	finish_timetables(st);
	for (size_t i = 0; i < c->n_groups; i++)
		finish_group(st, i);
	finish_unused(st);
	if (c->ipmac.enforce && !c->ipmac.interface)
		diag_msg(st->diag, false, st->file, st->sec_line[SEC_IPMAC],
			 MSG_CFG_IPMAC_NO_INTERFACE);
	if (c->ipmac.enforce && c->ipmac.n_leases == 0 && !c->journal.dhcp_leases &&
	    c->ipmac.n_statics == 0)
		diag_msg(st->diag, false, st->file, st->sec_line[SEC_IPMAC], MSG_CFG_IPMAC_NO_SOURCE);
	if (c->http.max_line_bytes > c->http.max_head_bytes)
		diag_msg(st->diag, false, st->file, st->sec_line[SEC_HTTP], MSG_CFG_LINE_OVER_HEAD,
			 c->http.max_line_bytes, c->http.max_head_bytes);
	if (!c->console.cert != !c->console.key)
		diag_msg(st->diag, false, st->file, st->sec_line[SEC_CONSOLE],
			 MSG_CFG_CONSOLE_CERT_KEY_PAIR, c->console.cert ? "key" : "cert",
			 c->console.cert ? "cert" : "key");
	if (c->console.session_idle_s > c->console.session_max_s)
		diag_msg(st->diag, false, st->file, st->sec_line[SEC_CONSOLE],
			 MSG_CFG_CONSOLE_IDLE_OVER_MAX, c->console.session_idle_s,
			 c->console.session_max_s);
}

static void cload_free(struct cload *st)
{
	for (size_t i = 0; i < st->cfg->n_groups; i++) {
		for (size_t r = 0; r < st->gp[i].n_refs; r++)
			free(st->gp[i].refs[r].name);
		free(st->gp[i].refs);
		free(st->gp[i].timetable);
	}
	free(st->gp);
}

/* Read the whole file (bounded); NULL with a message on failure. */
static char *slurp(const char *path, size_t *len, struct diag *diag)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		diag_msg(diag, false, path, 0, MSG_CFG_CANNOT_OPEN, MSG_REASON(strerror(errno)));
		return NULL;
	}
	char *buf = xmalloc(CONFIG_MAX_FILE + 1);
	errno = 0;
	size_t n = fread(buf, 1, CONFIG_MAX_FILE + 1, f);
	int err = ferror(f) ? (errno ? errno : EIO) : 0;
	fclose(f);
	if (err) {
		diag_msg(diag, false, path, 0, MSG_CFG_CANNOT_READ, MSG_REASON(strerror(err)));
		goto fail;
	}
	if (n > CONFIG_MAX_FILE) {
		diag_msg(diag, false, path, 0, MSG_CFG_FILE_TOO_BIG, CONFIG_MAX_FILE);
		goto fail;
	}
	*len = n;
	return buf;
fail:
	free(buf);
	return NULL;
}

struct config *config_parse(const char *buf, size_t len, const char *path, struct diag *diag)
{
	size_t errors = diag->errors;
	struct cload st;
	memset(&st, 0, sizeof st);
	st.cfg = config_default();
	st.cfg->file = xstrdup(path);
	st.cfg->dir = dir_of(path);
	st.diag = diag;
	st.file = path;
	st.buf = buf;
	st.len = len;
	st.sec = SEC_NONE;
	int rc = ini_parse_stream(reader, &st, handler, &st);
	if (rc != 0)
		diag_msg(diag, false, path, (unsigned)(rc > 0 ? rc : 0), MSG_CFG_INI_REFUSED);
	finish(&st);
	cload_free(&st);
	if (diag->errors != errors) {
		config_free(st.cfg);
		return NULL;
	}
	return st.cfg;
}

struct config *config_load(const char *path, struct diag *diag)
{
	size_t len = 0;
	char *buf = slurp(path, &len, diag);
	if (!buf)
		return NULL;
	struct config *cfg = config_parse(buf, len, path, diag);
	free(buf);
	return cfg;
}
