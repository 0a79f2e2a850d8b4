/* campusgate update: fetch the district's list bundle over HTTPS, verify it with the
 * pinned keys, refuse a rollback, an expired or foreign bundle or a bad list, unpack it
 * beside the last good one, point [district] lists_dir at it and have campusgated reload;
 * the outcome is journaled through the control socket (docs/district.md). */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "admin_event.h"
#include "bundle.h"
#include "bundle_files.h"
#include "cli.h"
#include "config.h"
#include "control.h"
#include "fetch.h"
#include "i18n.h"
#include "manifest.h"
#include "minisign.h"

struct update {
	enum lang l;
	struct config *cfg;
	struct sbuf bundle, sig;
	struct manifest m;
	struct bundle *b;
	bool have_last;
	uint64_t last;
	char old_target[PATH_MAX];   /* where lists_dir pointed before, "" if nowhere */
	char reload_reply[512];      /* campusgated's answer to the reload, for the journal */
};

static char *upd_path(const char *dir, const char *name)
{
	struct sbuf p;
	sbuf_init(&p);
	sbuf_printf(&p, "%s/%s", dir, name);
	return sbuf_take(&p);
}

/* Journal an outcome through campusgated (its writer is the chain's only writer), with
 * the serial, what happened and the reload's answer as the event's detail. */
static void upd_journal(struct update *u, const char *action, const char *what)
{
	struct sbuf req, out, detail;
	if (!u->cfg->control_socket)
		return;
	sbuf_init(&req);
	sbuf_init(&out);
	sbuf_init(&detail);
	if (u->m.serial)
		sbuf_printf(&detail, "serial %llu: ", (unsigned long long)u->m.serial);
	sbuf_adds(&detail, what);
	if (u->reload_reply[0])
		sbuf_printf(&detail, "; reload: %s", u->reload_reply);
	if (admin_event_request(&req, action, "-", "127.0.0.1", detail.data) == 0 &&
	    (control_request(u->cfg->control_socket, req.data, 10000, &out, 4096) < 0 ||
	     strncmp(out.data, "ok\n", 3) != 0))
		msg_fprintf(stderr, u->l, MSG_UPDATE_NOT_JOURNALED, action,
			    out.len ? out.data : lang_reason(u->l, strerror(errno)));
	sbuf_free(&req);
	sbuf_free(&out);
	sbuf_free(&detail);
}

/* Refuse: say why (in the reader's language) and journal it; detail (NULL: why) is what
 * the journal gets, such as the first bad list line. */
static int upd_refuse_detail(struct update *u, const char *why, const char *detail)
{
	if (u->m.serial)
		msg_fprintf(stderr, u->l, MSG_UPDATE_REFUSED_SERIAL,
			    (unsigned long long)u->m.serial, lang_reason(u->l, why));
	else
		msg_fprintf(stderr, u->l, MSG_UPDATE_REFUSED, lang_reason(u->l, why));
	upd_journal(u, "bundle_refused", detail ? detail : why);
	return 1;
}

static int upd_refuse(struct update *u, const char *why)
{
	return upd_refuse_detail(u, why, NULL);
}

static void upd_read_serial(struct update *u)
{
	char *p = upd_path(u->cfg->district.state_dir, "serial");
	struct sbuf s;
	unsigned long long v;
	sbuf_init(&s);
	if (bundle_read_file(p, 32, &s) == 0) {
		while (s.len && (s.data[s.len - 1] == '\n'))
			s.data[--s.len] = '\0';
		if (parse_uint(s.data, 1, INT64_MAX, &v) == 0) {
			u->have_last = true;
			u->last = v;
		}
	}
	sbuf_free(&s);
	free(p);
}

/* Is this bundle the one applied last (the same bytes)? Then there is nothing to do. */
static bool upd_same_as_applied(struct update *u, char hex[65])
{
	uint8_t h[32];
	struct sbuf s;
	char *p = upd_path(u->cfg->district.state_dir, "applied.sha256");
	crypto_hash_sha256(h, (const uint8_t *)u->bundle.data, u->bundle.len);
	sodium_bin2hex(hex, 65, h, 32);
	sbuf_init(&s);
	bool same = bundle_read_file(p, 128, &s) == 0 && s.len >= 64 &&
		    memcmp(s.data, hex, 64) == 0;
	sbuf_free(&s);
	free(p);
	return same;
}

static int upd_fetch(struct update *u, const char *bundle_file, const char *sig_file)
{
	const struct cfg_district *d = &u->cfg->district;
	char err[256];
	if (bundle_file) {
		if (bundle_read_file(bundle_file, BUNDLE_MAX_BYTES, &u->bundle) < 0 ||
		    bundle_read_file(sig_file, MINISIGN_FILE_MAX, &u->sig) < 0) {
			msg_fprintf(stderr, u->l, MSG_UPDATE_FETCH_FAILED, bundle_file,
				    lang_reason(u->l, strerror(errno)));
			return -1;
		}
		return 0;
	}
	struct sbuf url;
	sbuf_init(&url);
	sbuf_printf(&url, "%s.minisig", d->url);
	int rc = -1;
	if (fetch_url(d->url, d->ca_file, d->timeout_s, BUNDLE_MAX_BYTES, &u->bundle, err,
		      sizeof err) < 0)
		msg_fprintf(stderr, u->l, MSG_UPDATE_FETCH_FAILED, d->url, err);
	else if (fetch_url(url.data, d->ca_file, d->timeout_s, MINISIGN_FILE_MAX, &u->sig, err,
			   sizeof err) < 0)
		msg_fprintf(stderr, u->l, MSG_UPDATE_FETCH_FAILED, url.data, err);
	else
		rc = 0;
	sbuf_free(&url);
	return rc;
}

/* Lists whose category this school does not have are not read: say so. */
static void upd_warn_unused(struct update *u)
{
	for (size_t i = 0; i < u->m.n_lists; i++) {
		char cat[BUNDLE_NAME_MAX + 1];
		snprintf(cat, sizeof cat, "%s", u->m.lists[i].name);
		cat[strlen(cat) - 5] = '\0'; /* ".list" */
		if (strcmp(cat, "allow") != 0 && config_category_index(u->cfg, cat) < 0)
			msg_fprintf(stderr, u->l, MSG_UPDATE_UNUSED_LIST, u->m.lists[i].name);
	}
}

/* Point lists_dir at target (a symbolic link replaced by rename: atomic). */
static int upd_link(const char *lists_dir, const char *target)
{
	struct sbuf t;
	sbuf_init(&t);
	sbuf_printf(&t, "%s.new", lists_dir);
	unlink(t.data);
	int rc = symlink(target, t.data) == 0 && rename(t.data, lists_dir) == 0 ? 0 : -1;
	if (rc < 0)
		unlink(t.data);
	sbuf_free(&t);
	return rc;
}

/* Keep the new bundle and the one before it; remove older ones. */
static void upd_prune(const char *bundles, const char *keep1, const char *keep2)
{
	DIR *dh = opendir(bundles);
	struct dirent *e;
	if (!dh)
		return;
	while ((e = readdir(dh))) {
		if (e->d_name[0] == '.')
			continue;
		char *p = upd_path(bundles, e->d_name);
		if (strcmp(p, keep1) != 0 && strcmp(p, keep2) != 0)
			bundle_remove_dir(p);
		free(p);
	}
	closedir(dh);
}

/* Ask campusgated to reload; 0 it did, 1 it refused (reply printed), 2 not reachable. */
static int upd_reload(struct update *u)
{
	struct sbuf out;
	int rc;
	if (!u->cfg->control_socket) {
		msg_fprintf(stderr, u->l, MSG_UPDATE_NO_DAEMON, "[general] control_socket", "-");
		return 2;
	}
	sbuf_init(&out);
	if (control_request(u->cfg->control_socket, "reload", 120000, &out, 1 << 20) < 0) {
		msg_fprintf(stderr, u->l, MSG_UPDATE_NO_DAEMON, u->cfg->control_socket,
			    lang_reason(u->l, strerror(errno)));
		rc = 2;
	} else {
		msg_printf(u->l, MSG_UPDATE_RELOAD, out.data);
		snprintf(u->reload_reply, sizeof u->reload_reply, "%s", out.data);
		rc = strncmp(out.data, "ok\n", 3) == 0 ? 0 : 1;
	}
	sbuf_free(&out);
	return rc;
}

static int upd_apply(struct update *u, const char *hex)
{
	const struct cfg_district *d = &u->cfg->district;
	char *bundles = upd_path(d->state_dir, "bundles"), name[32], *dest = NULL, *p;
	int rc = 2;
	ssize_t n = readlink(d->lists_dir, u->old_target, sizeof u->old_target - 1);
	struct stat st;
	u->old_target[n > 0 ? n : 0] = '\0';
	if (n < 0 && lstat(d->lists_dir, &st) == 0) { /* a real folder: never replaced */
		msg_fprintf(stderr, u->l, MSG_UPDATE_STATE_ERROR, d->lists_dir,
			    lang_reason(u->l, strerror(EEXIST)));
		goto out;
	}
	if (mkdir(bundles, 0755) < 0 && errno != EEXIST) {
		msg_fprintf(stderr, u->l, MSG_UPDATE_STATE_ERROR, bundles,
			    lang_reason(u->l, strerror(errno)));
		goto out;
	}
	snprintf(name, sizeof name, "%llu", (unsigned long long)u->m.serial);
	dest = upd_path(bundles, name);
	bundle_remove_dir(dest); /* left by an update that did not finish */
	if (bundle_unpack(u->b, dest) < 0 || upd_link(d->lists_dir, dest) < 0) {
		msg_fprintf(stderr, u->l, MSG_UPDATE_STATE_ERROR, dest,
			    lang_reason(u->l, strerror(errno)));
		goto out;
	}
	int r = upd_reload(u);
	if (r == 1) {
		if (u->old_target[0])
			upd_link(d->lists_dir, u->old_target);
		else
			unlink(d->lists_dir);
		bundle_remove_dir(dest);
		msg_fprintf(stderr, u->l, MSG_UPDATE_RELOAD_FAILED);
		rc = upd_refuse(u, "campusgated refused the reload");
		goto out;
	}
	p = upd_path(d->state_dir, "serial");
	char line[32];
	snprintf(line, sizeof line, "%llu\n", (unsigned long long)u->m.serial);
	bundle_write_atomic(p, line, strlen(line));
	free(p);
	p = upd_path(d->state_dir, "applied.sha256");
	bundle_write_atomic(p, hex, 64);
	free(p);
	upd_prune(bundles, dest, u->old_target);
	msg_printf(u->l, MSG_UPDATE_APPLIED, (unsigned long long)u->m.serial, u->m.n_lists, dest);
	if (r == 0) {
		char what[96];
		snprintf(what, sizeof what, "%zu lists applied", u->m.n_lists);
		upd_journal(u, "bundle_applied", what);
	}
	rc = 0;
out:
	free(bundles);
	free(dest);
	return rc;
}

static int upd_run(struct update *u, const char *bundle_file, const char *sig_file)
{
	const struct cfg_district *d = &u->cfg->district;
	struct minisign_pub keys[2];
	struct diag dg;
	const char *why = NULL;
	size_t n = 0, used;
	char hex[65];
	int rc;
	if (!d->on || !d->pubkey || (!d->url && !bundle_file)) {
		msg_fprintf(stderr, u->l, MSG_UPDATE_NOT_CONFIGURED, u->cfg->file);
		return 2;
	}
	const char *pk[2] = {d->pubkey, d->pubkey2};
	for (size_t i = 0; i < 2; i++)
		if (pk[i] && minisign_pub_parse_b64(pk[i], strlen(pk[i]), &keys[n], &why) == 0)
			n++;
	if (mkdir(d->state_dir, 0755) < 0 && errno != EEXIST) {
		msg_fprintf(stderr, u->l, MSG_UPDATE_STATE_ERROR, d->state_dir,
			    lang_reason(u->l, strerror(errno)));
		return 2;
	}
	if (upd_fetch(u, bundle_file, sig_file) < 0)
		return 2;
	upd_read_serial(u);
	diag_init(&dg);
	if (bundle_verify(u->bundle.data, u->bundle.len, u->sig.data, u->sig.len, keys, n,
			  bundle_file ? bundle_file : d->url, &u->m, u->b, &used, &dg, &why) < 0) {
		lang_diag_print(u->l, &dg, stderr);
		char first[512] = "";
		if (dg.n && strcmp(why, "bad list lines") == 0)
			snprintf(first, sizeof first, "%zu bad list lines, the first: %s", dg.errors,
				 dg.msgs[0]);
		diag_free(&dg);
		return upd_refuse_detail(u, why, first[0] ? first : NULL);
	}
	diag_free(&dg);
	if (u->have_last && u->m.serial == u->last && upd_same_as_applied(u, hex)) {
		msg_printf(u->l, MSG_UPDATE_NOTHING_NEW, (unsigned long long)u->last);
		return 0;
	}
	if (manifest_decide(&u->m, u->have_last, u->last, (int64_t)time(NULL), d->school_id,
			    &why) < 0)
		return upd_refuse(u, why);
	upd_same_as_applied(u, hex);
	upd_warn_unused(u);
	rc = upd_apply(u, hex);
	return rc;
}

int cmd_update(int argc, char **argv)
{
	enum lang l = lang_from_env();
	static const struct option opts[] = {
		{"bundle", required_argument, NULL, 'b'},
		{"sig", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *conf = NULL, *bundle_file = NULL, *sig_file = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'b': bundle_file = optarg; break;
		case 's': sig_file = optarg; break;
		case 'h': fputs(msg(l, MSG_UPDATE_USAGE), stdout); return 0;
		default: fputs(msg(l, MSG_UPDATE_USAGE), stderr); return 2;
		}
	}
	if (optind != argc || !bundle_file != !sig_file) {
		fputs(msg(l, MSG_UPDATE_USAGE), stderr);
		return 2;
	}
	if (sodium_init() < 0)
		return 2;
	struct diag d;
	diag_init(&d);
	struct update u = {.l = l};
	u.cfg = config_load(conf ? conf : cli_default_config(), &d);
	lang_diag_print(l, &d, stderr);
	diag_free(&d);
	if (!u.cfg)
		return 2;
	sbuf_init(&u.bundle);
	sbuf_init(&u.sig);
	u.b = xmalloc(sizeof *u.b);
	int rc = upd_run(&u, bundle_file, sig_file);
	manifest_free(&u.m);
	free(u.b);
	sbuf_free(&u.bundle);
	sbuf_free(&u.sig);
	config_free(u.cfg);
	return rc;
}
