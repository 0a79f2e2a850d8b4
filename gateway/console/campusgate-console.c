/* campusgate-console: the web console (HTTPS on [console] listen), its own process and
 * user; it talks to campusgated only over the control socket (docs/console.md). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <unistd.h>

#include "cert.h"
#include "cg_config.h"
#include "config.h"
#include "i18n.h"
#include "journal_index.h"
#include "journal_read.h"
#include "priv.h"
#include "server.h"
#include "util.h"

static void usage(FILE *f)
{
	fputs("usage: campusgate-console [-c CONFIG]\n"
	      "  Serves the web console on [console] listen (HTTPS); see docs/console.md.\n", f);
}

/* The certificate and key to serve: the configured pair, or a self-signed pair kept
 * beside the accounts file (made now when missing). 0 with *cert and *key (PEM text,
 * malloc'd), or -1 after logging why. */
static int load_cert(const struct config *cfg, uid_t uid, gid_t gid, char **cert, char **key)
{
	const struct cfg_console *cc = &cfg->console;
	char *cpath = NULL, *kpath = NULL;
	const char *err = NULL;
	int rc = -1;
	if (cc->cert) {
		cpath = xstrdup(cc->cert);
		kpath = xstrdup(cc->key);
	} else {
		char *copy = xstrdup(cc->accounts);
		const char *dir = dirname(copy);
		if (mkdir(dir, 0700) == 0 && uid != (uid_t)-1 && chown(dir, uid, gid) < 0)
			log_warn("%s: cannot give it to the console's user: %s", dir, strerror(errno));
		struct sbuf b;
		sbuf_init(&b);
		sbuf_printf(&b, "%s/console-cert.pem", dir);
		cpath = sbuf_take(&b);
		sbuf_printf(&b, "%s/console-key.pem", dir);
		kpath = sbuf_take(&b);
		free(copy);
		char host[CG_ADDR_STRLEN];
		int made = 0;
		if (cert_ensure(cpath, kpath, addr_str(&cc->listen.addr, host), uid, gid, &made,
				&err) < 0) {
			log_err("%s: cannot make a self-signed certificate: %s", cpath, err);
			goto out;
		}
		if (made)
			log_info("made a self-signed certificate %s (key %s, mode 0600); set "
				 "[console] cert and key to use your own", cpath, kpath);
	}
	if (!(*cert = cert_read_pem(cpath, &err))) {
		log_err("%s: %s", cpath, err);
		goto out;
	}
	if (!(*key = cert_read_pem(kpath, &err))) {
		log_err("%s: %s", kpath, err);
		free(*cert);
		goto out;
	}
	rc = 0;
out:
	free(cpath);
	free(kpath);
	return rc;
}

/* An empty list at dir/name.list when there is none, given to the console's user.
 * 1 when it was made. */
static int make_list(const char *dir, const char *name, uid_t uid, gid_t gid)
{
	struct sbuf p;
	int made = 0;
	sbuf_init(&p);
	sbuf_printf(&p, "%s/%s.list", dir, name);
	int fd = open(p.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (uid != (uid_t)-1 && fchown(fd, uid, gid) < 0)
			log_warn("%s: cannot give it to the console's user: %s", p.data,
				 strerror(errno));
		close(fd);
		made = 1;
	}
	sbuf_free(&p);
	return made;
}

/* The lists the console edits ([console] lists_dir): the folder (mode 0755: campusgated
 * reads the lists in it) and an empty NAME.list per category and allow.list, made when
 * missing and given to the console's user. A config names them as optional lists, which
 * it skips while they do not exist: the console only finds them editable once they do.
 * The install script makes them on the box; this serves a checkout. The number made. */
static int make_lists(const struct config *cfg, uid_t uid, gid_t gid)
{
	const char *dir = cfg->console.lists_dir;
	int made = 0;
	if (!dir)
		return 0;
	if (mkdir(dir, 0755) == 0) {
		if (uid != (uid_t)-1 && chown(dir, uid, gid) < 0)
			log_warn("%s: cannot give it to the console's user: %s", dir,
				 strerror(errno));
		log_info("made %s for the lists the console edits", dir);
	}
	for (size_t i = 0; i < cfg->n_categories; i++)
		if (strcmp(cfg->categories[i].name, "allow") != 0)
			made += make_list(dir, cfg->categories[i].name, uid, gid);
	return made + make_list(dir, "allow", uid, gid);
}

/* Become [console] user when started as root. 0 or -1 (logged). */
static int drop_privileges(const struct config *cfg)
{
	const char *err = NULL;
	if (getuid() != 0)
		return 0;
	if (!cfg->console.user) {
		log_warn("campusgate-console runs as root: set [console] user to its own user");
		return 0;
	}
	if (priv_drop(cfg->console.user, &err) < 0) {
		log_err("cannot become %s: %s", cfg->console.user, err);
		return -1;
	}
	return 0;
}

/* The journal's index lives beside the accounts file, in a folder of the console's own
 * user (it only reads the journal): journal-index/. A thread of its own builds it for the
 * last 31 days after the console serves, newest first, one file at a time and with the
 * cache unlocked while it parses: no page waits for it. Meanwhile the journal pages read
 * the files it has not reached plainly, and the dashboard indexes a day it needs itself
 * (or waits for the one being built). */
struct warm {
	pthread_t th;
	bool running;
	atomic_bool stop;
	const char *dir;
};

static void index_setup(const struct config *cfg)
{
	char *acc = xstrdup(cfg->console.accounts), path[4096];
	snprintf(path, sizeof path, "%s/journal-index", dirname(acc));
	free(acc);
	journal_index_cache_setup(path);
}

static void *index_warm(void *arg)
{
	struct warm *w = arg;
	const char *err = NULL;
	unsigned built = 0;
	uint64_t t0 = now_mono_ns();
	int64_t now = now_wall_us();
	if (journal_index_warm(w->dir, now - 31LL * 86400 * 1000000, &w->stop, &built, &err) < 0)
		log_warn("console: journal index: %s: %s", w->dir, err);
	else if (!atomic_load(&w->stop))
		log_info("console: journal index ready in %.1f s (%u files)",
			 (double)(now_mono_ns() - t0) / 1e9, built);
	return NULL;
}

/* Start the thread; it blocks the signals the main thread waits for (inherited mask). */
static void index_warm_start(struct warm *w, const struct config *cfg)
{
	atomic_init(&w->stop, false);
	w->dir = cfg->journal.dir;
	w->running = pthread_create(&w->th, NULL, index_warm, w) == 0;
	if (!w->running)
		log_warn("console: cannot start the journal index thread; pages read the "
			 "journal without it");
}

/* Stop it between two files and wait for it (at most one file's build). */
static void index_warm_stop(struct warm *w)
{
	atomic_store(&w->stop, true);
	if (w->running)
		pthread_join(w->th, NULL);
	w->running = false;
}

int main(int argc, char **argv)
{
	const char *conf = NULL;
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': conf = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("campusgate-console %s\n", CG_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!conf)
		conf = config_default_path();
	struct diag d;
	diag_init(&d);
	struct config *cfg = config_load(conf, &d);
	lang_diag_print(lang_from_env(), &d, stderr);
	diag_free(&d);
	if (!cfg)
		return 1;
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	if (getuid() == 0 && cfg->console.user && priv_lookup(cfg->console.user, &uid, &gid) < 0)
		fatal("[console] user %s: no such user", cfg->console.user);
	if (make_lists(cfg, uid, gid) > 0) { /* read again: the config names them now */
		diag_init(&d);
		struct config *again = config_load(conf, &d);
		diag_free(&d);
		if (again) {
			config_free(cfg);
			cfg = again;
		}
	}
	char *cert = NULL, *key = NULL;
	if (load_cert(cfg, uid, gid, &cert, &key) < 0 || drop_privileges(cfg) < 0)
		return 1;
	index_setup(cfg);
	/* the serving thread inherits this mask; the main thread waits for the signal */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	const char *err = NULL;
	struct server *s = server_start(cfg, cert, key, &err);
	sodium_memzero(key, strlen(key));
	free(key);
	free(cert);
	if (!s) {
		log_err("console: %s", err);
		config_free(cfg);
		return 1;
	}
	char ep[80];
	log_info("console serving https://%s/", endpoint_str(&cfg->console.listen, ep, sizeof ep));
	struct warm warm = { .running = false };
	index_warm_start(&warm, cfg);
	int sig = 0;
	while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
		log_info("console: SIGHUP ignored (accounts are read again when they change)");
	log_info("console: signal %d, stopping", sig);
	index_warm_stop(&warm);
	server_stop(s);
	config_free(cfg);
	return 0;
}
