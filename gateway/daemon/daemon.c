/* The daemon's life: load, build policy, open journal, start front ends, drop root,
 * serve, reload on SIGHUP, stop on SIGTERM. Signals are taken synchronously with
 * sigwait in the main thread; every other thread has them blocked. */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "admin_event.h"
#include "cg_config.h"
#include "config.h"
#include "config_check.h"
#include "control.h"
#include "dns.h"
#include "http.h"
#include "i18n.h"
#include "journal.h"
#include "pidfile.h"
#include "daemon_explain.h"
#include "policy.h"
#include "priv.h"
#include "sensor.h"
#include "tls.h"
#include "util.h"

struct frontends {
	struct dns_server *dns;
	struct http_server *http;
	struct tls_server *tls;
	struct sensor_server *sensor;
};

/* Replace an endpoint list with the one endpoint given on the command line. */
static int override_endpoint(struct cg_endpoint **list, size_t *n, const char *text,
			     uint16_t default_port, const char *flag, struct diag *diag)
{
	struct cg_endpoint e;
	if (endpoint_parse(text, default_port, &e) < 0) {
		diag_error(diag, flag, 0, "'%s' is not ADDR:PORT", text);
		return -1;
	}
	free(*list);
	*list = xmalloc(sizeof **list);
	(*list)[0] = e;
	*n = 1;
	return 0;
}

static void clear_endpoints(struct cg_endpoint **list, size_t *n)
{
	free(*list);
	*list = NULL;
	*n = 0;
}

/* The config the daemon runs: the file (or the defaults) with the overrides applied.
 * Without a file only the front ends named on the command line run. */
static struct config *daemon_load(const struct daemon_opts *o, struct diag *diag)
{
	struct config *cfg = o->config_path ? config_load(o->config_path, diag)
					    : config_default();
	if (!cfg)
		return NULL;
	if (!o->config_path) {
		clear_endpoints(&cfg->dns.listen, &cfg->dns.n_listen);
		clear_endpoints(&cfg->http.listen, &cfg->http.n_listen);
		clear_endpoints(&cfg->http.explicit_listen, &cfg->http.n_explicit_listen);
		clear_endpoints(&cfg->http.tls_listen, &cfg->http.n_tls_listen);
		clear_endpoints(&cfg->http.blockpage_listen, &cfg->http.n_blockpage_listen);
		for (size_t i = 0; i < cfg->sensor.n_interfaces; i++)
			free(cfg->sensor.interfaces[i]);
		cfg->sensor.n_interfaces = 0;
	}
	int bad = 0;
	if (o->dns_listen)
		bad |= override_endpoint(&cfg->dns.listen, &cfg->dns.n_listen, o->dns_listen, 53,
					 "--dns-listen", diag);
	if (o->upstream)
		bad |= override_endpoint(&cfg->dns.upstream, &cfg->dns.n_upstream, o->upstream,
					 53, "--upstream", diag);
	if (o->http_listen)
		bad |= override_endpoint(&cfg->http.listen, &cfg->http.n_listen, o->http_listen,
					 80, "--http-listen", diag);
	if (o->tls_listen)
		bad |= override_endpoint(&cfg->http.tls_listen, &cfg->http.n_tls_listen,
					 o->tls_listen, 443, "--tls-listen", diag);
	if (o->http_parent) {
		if (endpoint_parse(o->http_parent, 80, &cfg->http.parent) < 0) {
			diag_error(diag, "--http-parent", 0, "'%s' is not ADDR:PORT", o->http_parent);
			bad = -1;
		}
	}
	if (o->journal_dir) {
		free(cfg->journal.dir);
		cfg->journal.dir = xstrdup(o->journal_dir);
	}
	if (o->user) {
		free(cfg->user);
		cfg->user = xstrdup(o->user);
	}
	if (o->blocklist && config_add_blocklist(cfg, o->blocklist, diag) < 0)
		bad = -1;
	if (bad) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

/* Whether anything is served beyond loopback (then root needs an explicit yes). */
static bool serves_network(const struct config *cfg)
{
	const struct {
		const struct cg_endpoint *e;
		size_t n;
	} sets[] = {
		{cfg->dns.listen, cfg->dns.n_listen},
		{cfg->http.listen, cfg->http.n_listen},
		{cfg->http.explicit_listen, cfg->http.n_explicit_listen},
		{cfg->http.tls_listen, cfg->http.n_tls_listen},
		{cfg->http.blockpage_listen, cfg->http.n_blockpage_listen},
	};
	for (size_t s = 0; s < CG_ARRAY_LEN(sets); s++)
		for (size_t i = 0; i < sets[s].n; i++)
			if (!addr_is_loopback(&sets[s].e[i].addr))
				return true;
	return cfg->sensor.n_interfaces > 0;
}

/* The journal directory must belong to the service user, who rotates files in it. */
/* mkdir -p: create dir and any missing parents with mode. 0 or -1 (errno set). */
static int mkdir_parents(const char *dir, mode_t mode)
{
	char path[4096];
	size_t len = strlen(dir);
	if (len == 0 || len >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, dir, len + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, mode) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

static void journal_dir_prepare(const struct config *cfg)
{
	if (mkdir_parents(cfg->journal.dir, 0750) < 0)
		fatal("%s: cannot create the journal directory: %s", cfg->journal.dir,
		      strerror(errno));
	if (cfg->user && getuid() == 0) {
		uid_t uid;
		gid_t gid;
		if (priv_lookup(cfg->user, &uid, &gid) < 0)
			fatal("[general] user: no such user '%s'", cfg->user);
		/* By descriptor: the folder may already be the service user's, who could
		 * have put a symlink in its place (a chown by path would follow it). */
		int fd = open(cfg->journal.dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			fatal("%s: cannot open the journal directory (a symlink is refused): %s",
			      cfg->journal.dir, strerror(errno));
		/* Already the user's: keep its group, which may be a staff group that reads
		 * the journal (scripts/install.sh: 2750 campusgate:campusgate-staff). */
		struct stat st;
		if (fstat(fd, &st) == 0 && st.st_uid == uid) {
			close(fd);
			return;
		}
		if (fchown(fd, uid, gid) < 0)
			fatal("%s: cannot give the journal directory to %s: %s", cfg->journal.dir,
			      cfg->user, strerror(errno));
		close(fd);
	}
}

#define START(kind, field)                                                             \
	do {                                                                            \
		const char *err = NULL;                                                 \
		fe->field = kind##_server_new(cfg, j, &err);                            \
		if (!fe->field && err)                                                  \
			fatal(#kind ": %s", err);                                       \
	} while (0)

static void frontends_new(struct frontends *fe, const struct config *cfg, struct journal *j)
{
	memset(fe, 0, sizeof *fe);
	START(dns, dns);
	START(http, http);
	START(tls, tls);
	START(sensor, sensor);
	if (!fe->dns && !fe->http && !fe->tls && !fe->sensor)
		fatal("nothing to serve: the configuration has no listener and no sensor "
		      "interface");
}

static void frontends_run(struct frontends *fe)
{
	if ((fe->dns && dns_server_run(fe->dns) < 0) ||
	    (fe->http && http_server_run(fe->http) < 0) ||
	    (fe->tls && tls_server_run(fe->tls) < 0) ||
	    (fe->sensor && sensor_server_run(fe->sensor) < 0))
		fatal("a front end failed to start");
}

static void frontends_reload(struct frontends *fe, const struct config *cfg)
{
	if (fe->dns)
		dns_server_reload(fe->dns, cfg);
	if (fe->http)
		http_server_reload(fe->http, cfg);
	if (fe->tls)
		tls_server_reload(fe->tls, cfg);
	if (fe->sensor)
		sensor_server_reload(fe->sensor, cfg);
}

static void frontends_stop(struct frontends *fe)
{
	if (fe->sensor)
		sensor_server_stop(fe->sensor);
	if (fe->tls)
		tls_server_stop(fe->tls);
	if (fe->http)
		http_server_stop(fe->http);
	if (fe->dns)
		dns_server_stop(fe->dns);
}

/* A list message for the log, "FILE:LINE: MESSAGE": log_warn gives the warning mark, so
 * the message's own ("FILE:LINE: warning: ...") is not said twice. */
static void log_list_diag(const char *m)
{
	static const char mark[] = ": warning: ";
	const char *w = strstr(m, mark);
	if (w)
		log_warn("%.*s: %s", (int)(w - m), m, w + sizeof mark - 1);
	else
		log_warn("%s", m);
}

/* Build and publish a new policy for cfg. 0, or -1 with the old policy kept. The list
 * messages are logged, and appended to reply when it is not NULL. */
static int policy_install(const struct config *cfg, struct sbuf *reply)
{
	struct diag diag;
	diag_init(&diag);
	uint64_t t0 = now_mono_ns();
	struct policy *p = policy_build(cfg, &diag);
	for (size_t i = 0; i < diag.n; i++) {
		log_list_diag(diag.msgs[i]);
		if (reply)
			sbuf_printf(reply, "%s\n", diag.msgs[i]);
	}
	if (diag.errors + diag.warnings > diag.n)
		log_warn("(%zu more list messages not shown)",
			 diag.errors + diag.warnings - diag.n);
	diag_free(&diag);
	if (!p)
		return -1;
	struct policy_stats st;
	policy_get_stats(p, &st);
	log_info("policy built in %.3f s: %zu domains, %zu exact, %zu URL prefixes, "
		 "%zu patterns (%zu always run), %zu allow rules, %zu bad lines skipped, %zu KiB",
		 (double)(now_mono_ns() - t0) / 1e9, st.domains, st.exact, st.urls, st.patterns,
		 st.patterns_always_run, st.allow_rules, st.bad_lines, st.bytes / 1024);
	policy_publish(p);
	return 0;
}

/* The uid of cfg's [console] user, or -1 (none, or no such user). */
static uid_t console_uid(const struct config *cfg)
{
	uid_t uid = (uid_t)-1;
	gid_t gid;
	if (!cfg->console.user || priv_lookup(cfg->console.user, &uid, &gid) < 0)
		return (uid_t)-1;
	return uid;
}

/* What the running daemon is; the main thread (SIGHUP) and the control thread both
 * reload it, one at a time (lock). */
struct daemon {
	pthread_mutex_t lock;
	const struct daemon_opts *o;
	struct config *cfg;
	struct frontends fe;
	struct journal *journal;
	time_t started, policy_loaded, last_reload;
	unsigned long long reloads, reload_failures;
	bool last_reload_ok;
	uid_t console_uid;  /* [console] user's, or -1; read without the lock (atomic), since
			     * a reload holds the lock while it builds the policy */
};

/* Load the config again and install it. The file:line messages and the result go to
 * the log, and to reply (the control socket's answer) when it is not NULL. 0, or -1
 * with the running policy kept. Takes d->lock. */
/* One reload's heavy part: read the config and lists and build the policy. */
struct reload_job {
	const struct daemon_opts *o;
	struct diag *diag;
	struct sbuf *reply;
	struct config *next;
	int installed; /* policy_install's result, when next was loaded */
};

static void *reload_build(void *arg)
{
	struct reload_job *j = arg;
	j->next = daemon_load(j->o, j->diag);
	for (size_t i = 0; j->reply && i < j->diag->n; i++)
		sbuf_printf(j->reply, "%s\n", j->diag->msgs[i]);
	if (j->next)
		j->installed = policy_install(j->next, j->reply);
	return NULL;
}

/* Runs the build on a thread of its own at SCHED_IDLE, so that it only ever takes CPU
 * time the serving threads leave: where the daemon is pinned to one core (or the box has
 * one), a million-name rebuild would otherwise stall answers for the second it takes.
 * Lowering a policy needs no privilege; if the thread cannot be made, the caller builds. */
static void reload_build_idle(struct reload_job *j)
{
	pthread_attr_t attr;
	struct sched_param sp = {.sched_priority = 0};
	pthread_t t;
	int rc = pthread_attr_init(&attr);
	if (rc == 0) {
		pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
		pthread_attr_setschedpolicy(&attr, SCHED_IDLE);
		pthread_attr_setschedparam(&attr, &sp);
		rc = pthread_create(&t, &attr, reload_build, j);
		pthread_attr_destroy(&attr);
	}
	if (rc == 0) {
		pthread_setname_np(t, "cg-reload");
		pthread_join(t, NULL);
	} else {
		reload_build(j);
	}
}

static int reload(struct daemon *d, struct sbuf *reply)
{
	const struct daemon_opts *o = d->o;
	struct diag diag;
	int rc = -1;
	diag_init(&diag);
	pthread_mutex_lock(&d->lock);
	log_info("reloading %s", o->config_path ? o->config_path : "(built-in defaults)");
	struct reload_job job = {.o = o, .diag = &diag, .reply = reply};
	reload_build_idle(&job);
	struct config *next = job.next;
	if (!next) {
		for (size_t i = 0; i < diag.n; i++)
			log_err("%s", diag.msgs[i]);
		log_err("reload failed: the configuration has errors; the running policy is kept");
		if (reply)
			sbuf_adds(reply, "reload failed: the configuration has errors; the running "
					 "policy is kept\n");
		goto out;
	}
	if (job.installed < 0) {
		log_err("reload failed: the lists could not be compiled; the running policy is "
			"kept");
		if (reply)
			sbuf_adds(reply, "reload failed: the lists could not be compiled; the running "
					 "policy is kept\n");
		config_free(next);
		goto out;
	}
	/* Front ends copy what they keep from the config they are given. */
	frontends_reload(&d->fe, next);
	config_free(d->cfg);
	d->cfg = next;
	__atomic_store_n(&d->console_uid, console_uid(next), __ATOMIC_RELAXED);
	d->policy_loaded = time(NULL);
	log_info("reload done");
	if (reply)
		sbuf_adds(reply, "reload done\n");
	rc = 0;
out:
	d->reloads++;
	d->reload_failures += rc < 0;
	d->last_reload_ok = rc == 0;
	d->last_reload = time(NULL);
	pthread_mutex_unlock(&d->lock);
	diag_free(&diag);
	return rc;
}

/* The state as "key value" lines, one fact a line (read by `campusgate status` and the
 * console; keys are stable, values have no newline). */
static void daemon_status(struct daemon *d, struct sbuf *out)
{
	pthread_mutex_lock(&d->lock);
	time_t now = time(NULL);
	sbuf_printf(out, "version %s\npid %ld\nuptime_s %lld\nconfig %s\n", CG_VERSION,
		    (long)getpid(), (long long)(now - d->started),
		    d->o->config_path ? d->o->config_path : "(built-in defaults)");
	sbuf_printf(out, "policy_age_s %lld\nreloads %llu\nreload_failures %llu\n",
		    (long long)(now - d->policy_loaded), d->reloads, d->reload_failures);
	if (d->reloads)
		sbuf_printf(out, "last_reload %s %lld\n", d->last_reload_ok ? "ok" : "failed",
			    (long long)(now - d->last_reload));
	struct statvfs vfs;
	if (d->cfg->journal.dir && statvfs(d->cfg->journal.dir, &vfs) == 0)
		sbuf_printf(out, "journal_free_mb %llu\njournal_disk_mb %llu\n",
			    (unsigned long long)vfs.f_bavail * vfs.f_frsize >> 20,
			    (unsigned long long)vfs.f_blocks * vfs.f_frsize >> 20);
	pthread_mutex_unlock(&d->lock);
	struct policy *p = policy_acquire();
	if (p) {
		struct policy_stats ps;
		policy_get_stats(p, &ps);
		sbuf_printf(out, "policy_domains %zu\npolicy_exact %zu\npolicy_urls %zu\n"
			    "policy_patterns %zu\npolicy_allow_rules %zu\npolicy_lists %zu\n"
			    "policy_bad_lines %zu\npolicy_pattern_limits %lu\n", ps.domains,
			    ps.exact, ps.urls, ps.patterns, ps.allow_rules, ps.lists, ps.bad_lines,
			    ps.pattern_limits);
		policy_unref(p);
	}
	struct journal_stats js;
	journal_get_stats(d->journal, &js);
	sbuf_printf(out, "journal_appended %llu\njournal_written %llu\njournal_dropped %llu\n"
		    "journal_write_errors %llu\njournal_seq %llu\njournal_suppressed %llu\n"
		    "journal_low_space %d\njournal_low_space_skipped %llu\n",
		    (unsigned long long)js.appended, (unsigned long long)js.written,
		    (unsigned long long)js.dropped, (unsigned long long)js.write_errors,
		    (unsigned long long)js.seq, (unsigned long long)js.suppressed,
		    js.low_space ? 1 : 0, (unsigned long long)js.low_space_skipped);
	if (d->fe.tls) {
		struct tls_stats ts;
		tls_server_get_stats(d->fe.tls, &ts);
		sbuf_printf(out, "tls_hellos %llu\ntls_blocked %llu\ntls_no_sni %llu\ntls_ech %llu\n"
			    "tls_blocked_no_sni %llu\ntls_blocked_ech %llu\ntls_closed_open %llu\n",
			    ts.hellos, ts.blocked, ts.no_sni, ts.ech, ts.blocked_no_sni,
			    ts.blocked_ech, ts.closed_open);
	}
	if (d->fe.dns)
		dns_server_status(d->fe.dns, out);
	sbuf_printf(out, "frontends%s%s%s%s\n", d->fe.dns ? " dns" : "", d->fe.http ? " http" : "",
		    d->fe.tls ? " tls" : "", d->fe.sensor ? " sensor" : "");
}

/* "journal-admin ACTION ACCOUNT ADDRESS [DETAIL]" from the web console: an event of its accounts,
 * appended by the daemon's journal writer (the only writer of the chain). Taken from root
 * and from [console] user only, since it writes what the console says. */
static void journal_admin(struct daemon *d, const char *cmd, uid_t peer, struct sbuf *out)
{
	struct admin_event ae;
	const char *why = NULL;
	uid_t cuid = __atomic_load_n(&d->console_uid, __ATOMIC_RELAXED);
	if (peer != 0 && !(cuid != (uid_t)-1 && peer == cuid)) {
		sbuf_adds(out, "error\njournal-admin is for root and the console's user\n");
		return;
	}
	if (admin_event_parse(cmd, strlen(cmd), &ae, &why) < 0) {
		sbuf_printf(out, "error\n%s\n", why);
		return;
	}
	struct journal_event ev = {
		.proto = PROTO_HTTP,
		.client = ae.client,
		.event = "admin",
		.action = ae.action,
		.host = "console",
		.reason = ae.detail[0] ? ae.detail : NULL,
		.account = ae.account,
	};
	char id[JOURNAL_ID_LEN];
	if (journal_append(d->journal, &ev, id) < 0) {
		sbuf_adds(out, "error\njournal queue full\n");
		return;
	}
	sbuf_printf(out, "ok\n%s\n", id);
}

/* One request on the control socket: "status", "reload", "journal-admin ..." or
 * "check ...". */
static void daemon_control(void *arg, const char *cmd, uid_t peer, struct sbuf *out)
{
	struct daemon *d = arg;
	if (strcmp(cmd, "status") == 0) {
		sbuf_adds(out, "ok\n");
		daemon_status(d, out);
	} else if (strcmp(cmd, "reload") == 0) {
		log_info("reload asked on the control socket by uid %ld", (long)peer);
		struct sbuf body;
		sbuf_init(&body);
		int rc = reload(d, &body);
		sbuf_adds(out, rc == 0 ? "ok\n" : "error\n");
		if (body.len)
			sbuf_add(out, body.data, body.len);
		sbuf_free(&body);
	} else if (strncmp(cmd, "journal-admin ", 14) == 0) {
		journal_admin(d, cmd, peer, out);
	} else if (strncmp(cmd, "check ", 6) == 0 || strcmp(cmd, "check") == 0) {
		daemon_explain(cmd, out); /* reads the running policy; any peer the socket lets in */
	} else {
		sbuf_adds(out, "error\nunknown request (status, reload, journal-admin, check)\n");
	}
}

/* The control socket of cfg, made by root with group control_group (mode 0660; without
 * one 0600: root alone); NULL when none is configured (or it cannot be opened: logged,
 * the daemon serves without it). */
static struct control *control_setup(const struct config *cfg)
{
	if (!cfg->control_socket)
		return NULL;
	gid_t gid = (gid_t)-1;
	if (cfg->control_group) {
		const struct group *gr = getgrnam(cfg->control_group);
		if (gr)
			gid = gr->gr_gid;
	}
	const char *err = NULL;
	struct control *c = control_open(cfg->control_socket, gid, &err);
	if (!c)
		log_err("control socket %s: %s; `campusgate reload` and `status` will not reach "
			"this daemon", cfg->control_socket, err ? err : "cannot open");
	return c;
}

/* Written as root, maybe in a folder the service user can write: pidfile_write never
 * follows or truncates what is at the path. */
static void write_pid_file(const char *path)
{
	if (pidfile_write(path, getpid()) < 0)
		log_warn("%s: cannot write the pid file: %s", path, strerror(errno));
}

/* Without -c and without a listener named on the command line, the config is found
 * where `campusgate` finds it; with a listener override only, the built-in defaults. */
static bool daemon_overrides_only(const struct daemon_opts *o)
{
	return o->dns_listen || o->http_listen || o->tls_listen;
}

/* -n: the config as the daemon would run it, then its lists compiled. Exit status. */
static int daemon_check(const struct daemon_opts *o)
{
	enum lang l = lang_from_env();
	struct diag diag;
	diag_init(&diag);
	struct config *cfg = daemon_load(o, &diag);
	lang_diag_print(l, &diag, stderr);
	if (!cfg) {
		config_check_failed(l, o->config_path ? o->config_path : "campusgated",
				    diag.errors, stderr);
		diag_free(&diag);
		return 1;
	}
	diag_free(&diag);
	int rc = config_check_lists(cfg, l, false, stdout, stderr) < 0 ? 1 : 0;
	if (rc == 0)
		config_check_ok(l, stdout);
	config_free(cfg);
	return rc;
}

/* Block the signals the main thread takes with sigwait (into set), before any thread
 * starts, so that no other thread receives them; SIGPIPE is ignored. */
static void signals_block(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Once the sockets are bound and the files open: switch to [general] user when started
 * as root (fatal if that fails), or say why root stays. */
static void privileges_drop(const struct config *cfg)
{
	if (cfg->user && getuid() == 0) {
		const char *err = NULL;
		if (priv_drop(cfg->user, &err) < 0)
			fatal("cannot switch to user %s: %s", cfg->user, err);
		log_info("running as user %s", cfg->user);
	} else if (getuid() == 0) {
		if (serves_network(cfg))
			log_warn("running as root and serving beyond loopback because allow_root = "
				 "yes; set [general] user to drop privileges");
		else
			log_warn("running as root: allowed only because every listener is on "
				 "loopback; set [general] user before serving the network");
	}
}

/* SIGUSR1: the journal's counters and the TLS front end's, in the log. */
static void stats_log(struct journal *j, const struct frontends *fe)
{
	struct journal_stats js;
	journal_get_stats(j, &js);
	log_info("journal: %llu appended, %llu written, %llu dropped, %llu write errors, "
		 "seq %llu",
		 (unsigned long long)js.appended, (unsigned long long)js.written,
		 (unsigned long long)js.dropped, (unsigned long long)js.write_errors,
		 (unsigned long long)js.seq);
	if (fe->tls)
		tls_server_log_stats(fe->tls);
}

int daemon_main(const struct daemon_opts *given)
{
	struct daemon_opts opts = *given;
	const struct daemon_opts *o = &opts;
	if (!opts.config_path && !daemon_overrides_only(&opts))
		opts.config_path = config_default_path();
	if (o->check_only)
		return daemon_check(o);

	struct diag diag;
	diag_init(&diag);
	struct config *cfg = daemon_load(o, &diag);
	if (!cfg) {
		lang_diag_print(lang_from_env(), &diag, stderr);
		config_check_failed(lang_from_env(), o->config_path ? o->config_path : "campusgated",
				    diag.errors, stderr);
		diag_free(&diag);
		return 1;
	}
	if (o->config_path && !given->config_path)
		log_info("configuration %s (no -c given)", o->config_path);
	lang_diag_print(lang_from_env(), &diag, stderr); /* warnings */
	diag_free(&diag);

	if (getuid() == 0 && !cfg->user && serves_network(cfg) && !cfg->allow_root)
		fatal("refusing to serve the network as root: set [general] user (or "
		      "allow_root = yes)");

	sigset_t set;
	signals_block(&set);

	if (policy_install(cfg, NULL) < 0)
		fatal("the lists could not be compiled");

	journal_dir_prepare(cfg);
	const char *jerr = NULL;
	cfg->journal.lookup_mac = true; /* its clients are this box's neighbours */
	struct journal *j = journal_open(&cfg->journal, cfg->timezone, &jerr);
	if (!j)
		fatal("journal %s: %s", cfg->journal.dir, jerr ? jerr : "cannot open");

	struct daemon d = { .o = o, .cfg = cfg, .journal = j, .console_uid = console_uid(cfg) };
	pthread_mutex_init(&d.lock, NULL);
	d.started = d.policy_loaded = time(NULL);
	frontends_new(&d.fe, cfg, j); /* binds and opens as root */
	struct control *ctl = control_setup(cfg);
	if (cfg->pid_file)
		write_pid_file(cfg->pid_file);
	privileges_drop(cfg);
	frontends_run(&d.fe);
	if (ctl && control_start(ctl, daemon_control, &d) < 0) {
		log_err("control socket: cannot start its thread");
		control_close(ctl);
		ctl = NULL;
	}
	fprintf(stderr, "campusgated: ready\n");
	log_info("campusgate %s ready", CG_VERSION);

	for (;;) {
		int sig = 0;
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			reload(&d, NULL);
		} else if (sig == SIGUSR1) {
			stats_log(j, &d.fe);
		} else {
			log_info("stopping on signal %d", sig);
			break;
		}
	}
	control_close(ctl); /* no reload can start after this */
	frontends_stop(&d.fe);
	journal_close(j);
	if (d.cfg->pid_file)
		unlink(d.cfg->pid_file);
	policy_publish(NULL);
	config_free(d.cfg);
	pthread_mutex_destroy(&d.lock);
	return 0;
}
