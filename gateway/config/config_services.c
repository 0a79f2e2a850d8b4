/* config_services: the setters of the sections of the services beside the filter
 * ([ipmac] the address bindings, [console] the web console, [district] the district
 * store and list bundles), each checking its value (see docs/config.md), and their key
 * tables, which cload_keys (config_keys.c) hands to the line reader. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_services.h"
#include "config_state.h"

#define CFG (st->cfg)

/* ---- [ipmac] ---- */

#define MAX_STATIC 1024 /* [ipmac] static bindings */

static void k_enforce(struct cload *st, const char *v)
{
	cload_bool(st, v, &CFG->ipmac.enforce);
}

static void k_ipmac_if(struct cload *st, const char *v)
{
	if (cload_iface_ok(st, v))
		cload_set_string(st, v, 15, &CFG->ipmac.interface);
}

static void k_ipmac_leases(struct cload *st, const char *v)
{
	struct cfg_ipmac *m = &CFG->ipmac;
	if (m->n_leases >= CLOAD_MAX_LIST) {
		cload_msg(st, MSG_CFG_AT_MOST, "leases", CLOAD_MAX_LIST);
		return;
	}
	m->leases = xrealloc(m->leases, (m->n_leases + 1) * sizeof *m->leases);
	m->leases[m->n_leases++] = cload_path(st, v);
}

/* "MAC ADDR": a device with a fixed IPv4 address. */
static void k_static(struct cload *st, const char *v)
{
	struct cfg_ipmac *m = &CFG->ipmac;
	struct cfg_ipmac_static s = {.line = st->line};
	const char *sp = strpbrk(v, " \t");
	const char *ip = sp ? sp + strspn(sp, " \t") : NULL;
	if (!sp || mac_parse(v, (size_t)(sp - v), s.mac) < 0 || addr_parse(ip, &s.addr) < 0 ||
	    s.addr.family != AF_INET) {
		cload_msg(st, MSG_CFG_BAD_IPMAC_STATIC, v);
		return;
	}
	for (size_t i = 0; i < m->n_statics; i++)
		if (memcmp(m->statics[i].addr.a, s.addr.a, 4) == 0) {
			cload_msg(st, MSG_CFG_LISTED_TWICE, "static", ip);
			return;
		}
	if (m->n_statics >= MAX_STATIC) {
		cload_msg(st, MSG_CFG_AT_MOST, "static", MAX_STATIC);
		return;
	}
	m->statics = xrealloc(m->statics, (m->n_statics + 1) * sizeof *m->statics);
	m->statics[m->n_statics++] = s;
}

const struct cload_key cload_ipmac_keys[] = {
	{"enforce", false, false, k_enforce},
	{"interface", false, false, k_ipmac_if},
	{"leases", true, false, k_ipmac_leases},
	{"static", true, false, k_static},
	{NULL, false, false, NULL},
};

/* ---- [console] ---- */

static void k_console_listen(struct cload *st, const char *v)
{
	struct cg_endpoint e;
	if (endpoint_parse(v, 8444, &e) < 0 || e.port == 0) {
		cload_msg(st, MSG_CFG_NOT_ADDR_PORT, st->key, v);
		return;
	}
	CFG->console.listen = e;
}

static void k_console_cert(struct cload *st, const char *v)
{
	cload_set_path(st, v, &CFG->console.cert);
}

static void k_console_key(struct cload *st, const char *v)
{
	cload_set_path(st, v, &CFG->console.key);
}

static void k_console_accounts(struct cload *st, const char *v)
{
	cload_set_path(st, v, &CFG->console.accounts);
}

static void k_console_lists_dir(struct cload *st, const char *v)
{
	cload_set_path(st, v, &CFG->console.lists_dir);
}

static void k_console_user(struct cload *st, const char *v)
{
	cload_set_user(st, v, &CFG->console.user); /* the same checks as [general] user */
}

/* Session lifetimes: a few seconds at least (for tests), a day idle, a week in all. */
static void k_session_idle(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 2, 86400, &CFG->console.session_idle_s);
}

static void k_session_max(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 2, 7 * 86400, &CFG->console.session_max_s);
}

const struct cload_key cload_console_keys[] = {
	{"listen", false, false, k_console_listen},
	{"cert", false, false, k_console_cert},
	{"key", false, false, k_console_key},
	{"accounts", false, false, k_console_accounts},
	{"user", false, false, k_console_user},
	{"lists_dir", false, false, k_console_lists_dir},
	{"session_idle_s", false, false, k_session_idle},
	{"session_max_s", false, false, k_session_max},
	{NULL, false, false, NULL},
};

/* ---- [district] ---- */

/* The school's id in the district store and in list bundles' scopes: 1-64 of
 * [A-Za-z0-9._-], one token in syslog, SQL and file names alike. */
static void k_school_id(struct cload *st, const char *v)
{
	size_t n = strlen(v);
	bool ok = n >= 1 && n <= 64;
	for (size_t i = 0; ok && i < n; i++)
		ok = (v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
		     (v[i] >= '0' && v[i] <= '9') || v[i] == '.' || v[i] == '_' || v[i] == '-';
	if (!ok) {
		cload_msg(st, MSG_CFG_BAD_SCHOOL_ID, v);
		return;
	}
	cload_set_string(st, v, 64, &CFG->journal.school_id);
	cload_set_string(st, v, 64, &CFG->district.school_id);
}

static void k_heartbeat(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 0, 1440, &CFG->journal.heartbeat_min);
}

static void k_district_url(struct cload *st, const char *v)
{
	size_t n = strlen(v);
	bool ok = n > 8 && n <= 1024 && strncasecmp(v, "https://", 8) == 0;
	for (size_t i = 0; ok && i < n; i++)
		ok = (unsigned char)v[i] > 0x20 && (unsigned char)v[i] < 0x7f;
	if (!ok) {
		cload_msg(st, MSG_CFG_DISTRICT_URL, v);
		return;
	}
	cload_set_string(st, v, 1024, &CFG->district.url);
}

/* A minisign public key: base64 of "Ed" || key id (8) || Ed25519 key (32). */
static void district_key(struct cload *st, const char *v, char **out)
{
	unsigned char raw[42];
	size_t got = 0;
	const char *end = NULL;
	if (strlen(v) != 56 ||
	    sodium_base642bin(raw, sizeof raw, v, 56, NULL, &got, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != sizeof raw || end != v + 56 || memcmp(raw, "Ed", 2) != 0) {
		cload_msg(st, MSG_CFG_DISTRICT_PUBKEY, st->key, v);
		return;
	}
	cload_set_string(st, v, 56, out);
}

static void k_district_pubkey(struct cload *st, const char *v)
{
	district_key(st, v, &CFG->district.pubkey);
}

static void k_district_pubkey2(struct cload *st, const char *v)
{
	district_key(st, v, &CFG->district.pubkey2);
}

static void k_district_ca(struct cload *st, const char *v)
{
	cload_set_path(st, v, &CFG->district.ca_file);
}

static void k_district_lists(struct cload *st, const char *v)
{
	cload_set_path(st, v, &CFG->district.lists_dir);
}

static void k_district_state(struct cload *st, const char *v)
{
	cload_set_path(st, v, &CFG->district.state_dir);
}

static void k_district_timeout(struct cload *st, const char *v)
{
	cload_set_uns(st, v, 5, 3600, &CFG->district.timeout_s);
}

const struct cload_key cload_district_keys[] = {
	{"url", false, false, k_district_url},
	{"pubkey", false, false, k_district_pubkey},
	{"pubkey2", false, false, k_district_pubkey2},
	{"ca_file", false, false, k_district_ca},
	{"school_id", false, false, k_school_id},
	{"heartbeat_minutes", false, false, k_heartbeat},
	{"lists_dir", false, false, k_district_lists},
	{"state_dir", false, false, k_district_state},
	{"timeout", false, false, k_district_timeout},
	{NULL, false, false, NULL},
};
