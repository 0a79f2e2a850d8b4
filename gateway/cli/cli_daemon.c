/* campusgate reload / status: talk to the running daemon through its control socket
 * (the result of a reload comes back), or through its pid file when none is configured. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "cli.h"
#include "control.h"
#include "config.h"
#include "i18n.h"
#include "util.h"

/* The daemon's PID from the config's pid file, checked to be a campusgated process.
 * Returns the PID, or -1 after printing why. */
static pid_t daemon_pid(const char *conf_path, enum lang l)
{
	struct diag diag;
	diag_init(&diag);
	struct config *cfg = config_load(conf_path, &diag);
	if (!cfg) {
		lang_diag_print(lang_from_env(), &diag, stderr);
		diag_free(&diag);
		return -1;
	}
	diag_free(&diag);
	pid_t pid = -1;
	if (!cfg->pid_file) {
		fprintf(stderr, "%s: %s\n", conf_path,
			msg(l, MSG_CTL_NO_GENERAL_PID_FILE));
		goto out;
	}
	FILE *f = fopen(cfg->pid_file, "r");
	long v = 0;
	if (!f || fscanf(f, "%ld", &v) != 1 || v <= 1) {
		fprintf(stderr, "%s: %s\n", cfg->pid_file,
			msg(l, MSG_CTL_NOT_RUNNING));
		if (f)
			fclose(f);
		goto out;
	}
	fclose(f);
	char path[64], comm[64] = "";
	snprintf(path, sizeof path, "/proc/%ld/comm", v);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(comm, sizeof comm, f))
			comm[0] = '\0';
		fclose(f);
	}
	if (strncmp(comm, "campusgated", 11) != 0) {
		fprintf(stderr, "%s: %s %ld\n", cfg->pid_file,
			msg(l, MSG_CTL_STALE_PID_FILE),
			v);
		goto out;
	}
	pid = (pid_t)v;
out:
	config_free(cfg);
	return pid;
}

/* Where the daemon's control socket is: from the config, or, when the config on disk
 * does not load (an admin is halfway through an edit), from its control_socket line read
 * leniently, so that `status` still finds the running daemon. Returns a malloc'd path or
 * NULL (none configured); *broken tells that the config did not load. */
static char *control_path(const char *conf_path, bool *broken)
{
	struct diag diag;
	diag_init(&diag);
	struct config *cfg = config_load(conf_path, &diag);
	diag_free(&diag);
	*broken = cfg == NULL;
	if (cfg) {
		char *p = cfg->control_socket ? xstrdup(cfg->control_socket) : NULL;
		config_free(cfg);
		return p;
	}
	FILE *f = fopen(conf_path, "r");
	if (!f)
		return NULL;
	char line[1024], *found = NULL;
	while (!found && fgets(line, sizeof(line), f)) {
		char *k = line + strspn(line, " \t");
		if (strncasecmp(k, "control_socket", 14) != 0)
			continue;
		char *v = k + 14;
		v += strspn(v, " \t");
		if (*v++ != '=')
			continue;
		v += strspn(v, " \t");
		v[strcspn(v, " \t\r\n#;")] = '\0';
		if (!*v)
			continue;
		if (v[0] == '/') {
			found = xstrdup(v);
		} else { /* relative to the config's folder, as the loader resolves it */
			const char *slash = strrchr(conf_path, '/');
			struct sbuf b;
			sbuf_init(&b);
			if (slash)
				sbuf_add(&b, conf_path, (size_t)(slash - conf_path) + 1);
			sbuf_adds(&b, v);
			found = sbuf_take(&b);
		}
	}
	fclose(f);
	return found;
}

/* The value of key in a "key value" status reply, or "" (points into reply). */
static const char *status_get(const char *reply, const char *key, char *buf, size_t n)
{
	size_t kl = strlen(key);
	for (const char *p = reply; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, kl) == 0 && p[kl] == ' ') {
			size_t vl = strcspn(p + kl + 1, "\n");
			if (vl >= n)
				vl = n - 1;
			memcpy(buf, p + kl + 1, vl);
			buf[vl] = '\0';
			return buf;
		}
	}
	buf[0] = '\0';
	return buf;
}

static void print_duration(long long s, enum lang l)
{
	if (s < 0)
		s = 0;
	if (s >= 86400)
		msg_printf(l, MSG_CTL_DURATION_DAYS, s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		msg_printf(l, MSG_CTL_DURATION_HOURS, s / 3600, s % 3600 / 60);
	else
		msg_printf(l, MSG_CTL_DURATION_MINUTES, s / 60, s % 60);
}

/* The status reply for people. */
static void print_status(const char *r, enum lang l)
{
	char a[256], b[256], c[256], d[256], e[256], f[256];
	msg_printf(l, MSG_CTL_STATUS_RUNNING,
	       status_get(r, "pid", a, sizeof a), status_get(r, "version", b, sizeof b));
	print_duration(atoll(status_get(r, "uptime_s", a, sizeof a)), l);
	fputs(msg(l, MSG_CTL_STATUS_UP_END), stdout);
	msg_printf(l, MSG_CTL_STATUS_CONFIG, status_get(r, "config", a, sizeof a));
	msg_printf(l, MSG_CTL_STATUS_FRONTENDS, status_get(r, "frontends", a, sizeof a));
	msg_printf(l, MSG_CTL_STATUS_POLICY,
	       status_get(r, "policy_domains", a, sizeof a), status_get(r, "policy_exact", b, sizeof b),
	       status_get(r, "policy_urls", c, sizeof c), status_get(r, "policy_patterns", d, sizeof d),
	       status_get(r, "policy_allow_rules", e, sizeof e),
	       status_get(r, "policy_lists", f, sizeof f));
	print_duration(atoll(status_get(r, "policy_age_s", a, sizeof a)), l);
	fputs(msg(l, MSG_CTL_STATUS_BUILT_AGO), stdout);
	status_get(r, "last_reload", a, sizeof a);
	if (a[0]) {
		char *age = strchr(a, ' ');
		bool ok = strncmp(a, "ok", 2) == 0;
		msg_printf(l, MSG_CTL_STATUS_RELOADS,
		       status_get(r, "reloads", b, sizeof b), status_get(r, "reload_failures", c, sizeof c),
		       ok ? msg(l, MSG_CTL_STATUS_SUCCEEDED) : msg(l, MSG_CTL_STATUS_FAILED));
		print_duration(age ? atoll(age + 1) : 0, l);
		fputs(msg(l, MSG_CTL_STATUS_AGO), stdout);
	}
	msg_printf(l, MSG_CTL_STATUS_JOURNAL,
	       status_get(r, "journal_written", a, sizeof a), status_get(r, "journal_dropped", b, sizeof b),
	       status_get(r, "journal_write_errors", c, sizeof c), status_get(r, "journal_seq", d, sizeof d));
	if (atoll(status_get(r, "journal_suppressed", a, sizeof a)) > 0)
		msg_printf(l, MSG_CTL_STATUS_JOURNAL_SUPPRESSED, a);
	if (atoll(status_get(r, "journal_low_space", a, sizeof a)) > 0)
		msg_printf(l, MSG_CTL_STATUS_JOURNAL_LOW_SPACE,
			   status_get(r, "journal_low_space_skipped", b, sizeof b));
	/* "upstream NAME STATE answered N timeouts N errors N last_answer_s S" */
	for (const char *p = strstr(r, "upstream "); p; p = strstr(p + 1, "\nupstream ")) {
		if (*p == '\n')
			p++;
		char name[64], state[16];
		unsigned long long ans, to, er;
		long long last;
		if (sscanf(p, "upstream %63s %15s answered %llu timeouts %llu errors %llu "
			      "last_answer_s %lld", name, state, &ans, &to, &er, &last) != 6)
			continue;
		const char *st = strcmp(state, "up") == 0       ? msg(l, MSG_CTL_UPSTREAM_UP)
				 : strcmp(state, "failing") == 0 ? msg(l, MSG_CTL_UPSTREAM_FAILING)
				 : strcmp(state, "down") == 0    ? msg(l, MSG_CTL_UPSTREAM_DOWN)
								 : msg(l, MSG_CTL_UPSTREAM_UNUSED);
		msg_printf(l, MSG_CTL_STATUS_UPSTREAM,
		       name, st, ans, to, er);
		if (last >= 0) {
			fputs(msg(l, MSG_CTL_STATUS_LAST_ANSWER), stdout);
			print_duration(last, l);
			fputs(msg(l, MSG_CTL_STATUS_AGO_PLAIN), stdout);
		}
		fputc('\n', stdout);
	}
	if (status_get(r, "tls_hellos", a, sizeof a)[0])
		msg_printf(l, MSG_CTL_STATUS_TLS,
		       a, status_get(r, "tls_blocked", b, sizeof b), status_get(r, "tls_no_sni", c, sizeof c),
		       status_get(r, "tls_ech", d, sizeof d));
}

/* reload/status through the control socket at path. Exit status as daemon_cmd's. */
static int control_cmd(const char *path, bool reload, bool raw, enum lang l)
{
	struct sbuf out;
	sbuf_init(&out);
	if (control_request(path, reload ? "reload" : "status", reload ? 120000 : 5000, &out,
			    1 << 20) < 0) {
		int e = errno;
		if (e == ENOENT || e == ECONNREFUSED)
			fprintf(stderr, "%s: %s\n", path,
				msg(l, MSG_CTL_SOCKET_NOBODY));
		else if (e == EACCES)
			fprintf(stderr, "%s: %s\n", path,
				msg(l, MSG_CTL_SOCKET_DENIED));
		else
			fprintf(stderr, "%s: %s\n", path, strerror(e));
		sbuf_free(&out);
		return reload ? 2 : 1;
	}
	bool ok = out.len >= 3 && memcmp(out.data, "ok\n", 3) == 0;
	const char *body = out.data ? strchr(out.data, '\n') : NULL;
	body = body ? body + 1 : "";
	int rc;
	if (reload) {
		fputs(body, ok ? stdout : stderr);
		if (!ok)
			fputs(msg(l, MSG_CTL_RELOAD_REFUSED), stderr);
		rc = ok ? 0 : 1;
	} else if (!ok) {
		fputs(body, stderr);
		rc = 1;
	} else {
		if (raw)
			fputs(body, stdout);
		else
			print_status(body, l);
		rc = 0;
	}
	sbuf_free(&out);
	return rc;
}

static int daemon_cmd(int argc, char **argv, bool reload)
{
	enum lang l = lang_from_env();
	const char *conf = NULL;
	bool raw = false;
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"raw", no_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		if (c == 'c') {
			conf = optarg;
		} else if (c == 'r' && !reload) {
			raw = true;
		} else {
			fputs(reload ? msg(l, MSG_CTL_USAGE_RELOAD)
				      : msg(l, MSG_CTL_USAGE_STATUS), c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : 2;
		}
	}
	if (!conf)
		conf = cli_default_config();
	bool broken = false;
	char *sock = control_path(conf, &broken);
	if (broken)
		fprintf(stderr, "%s: %s\n", conf,
			msg(l, MSG_CTL_CONFIG_BROKEN_WARNING));
	if (sock) {
		int rc = control_cmd(sock, reload, raw, l);
		free(sock);
		return rc;
	}
	pid_t pid = daemon_pid(conf, l);
	if (pid < 0)
		return reload ? 2 : 1;
	if (!reload) {
		msg_printf(l, MSG_CTL_RUNNING, (long)pid);
		return 0;
	}
	if (kill(pid, SIGHUP) < 0) {
		fprintf(stderr, "campusgate: kill %ld: %s\n", (long)pid, strerror(errno));
		return 2;
	}
	msg_printf(l, MSG_CTL_RELOAD_REQUESTED, (long)pid);
	return 0;
}

int cmd_reload(int argc, char **argv)
{
	return daemon_cmd(argc, argv, true);
}

int cmd_status(int argc, char **argv)
{
	return daemon_cmd(argc, argv, false);
}
