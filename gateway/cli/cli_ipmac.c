/* campusgate ipmac sync: read the DHCP lease files and static bindings of the config,
 * and replace the nftables IP-MAC binding set with them in one `nft -f -` transaction
 * (the set, the script and the difference are journal/ipmac.c's). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "i18n.h"
#include "ipmac.h"
#include "leases_parse.h"
#include "util.h"

#define MAX_LEASE_BYTES (16u << 20) /* as the journal's lease cache reads */

enum { IPMAC_OK = 0, IPMAC_NFT = 1, IPMAC_USAGE = 2, IPMAC_LEASES = 3 };

/* The whole file at path into out (at most MAX_LEASE_BYTES): 0, or -1 with errno. */
static int slurp(const char *path, struct sbuf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int e = S_ISREG(st.st_mode) ? errno : EINVAL;
		close(fd);
		errno = e;
		return -1;
	}
	char buf[65536];
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (r == 0 || out->len + (size_t)r > MAX_LEASE_BYTES)
			break;
		sbuf_add(out, buf, (size_t)r);
	}
	close(fd);
	return 0;
}

/* Run nft with args; in (len bytes) on its stdin when given, its stdout into out when
 * given (stderr passes through). 0 when it exited 0, else -1 with why in err. */
static int run_nft(const char *const args[], const char *in, size_t len, struct sbuf *out,
		   char *err, size_t errlen)
{
	int pin[2] = {-1, -1}, pout[2] = {-1, -1};
	if ((in && pipe2(pin, O_CLOEXEC) < 0) || (out && pipe2(pout, O_CLOEXEC) < 0)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto fail;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		if (in && dup2(pin[0], 0) < 0)
			_exit(127);
		if (out && dup2(pout[1], 1) < 0)
			_exit(127);
		const char *argv[8] = {"nft"};
		for (size_t i = 0; args[i] && i + 2 < CG_ARRAY_LEN(argv); i++)
			argv[i + 1] = args[i];
		execvp("nft", (char *const *)argv);
		_exit(127);
	}
	if (in) {
		close(pin[0]);
		pin[0] = -1;
		void (*old)(int) = signal(SIGPIPE, SIG_IGN);
		for (size_t o = 0; o < len;) {
			ssize_t w = write(pin[1], in + o, len - o);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break; /* nft stopped reading: its status tells */
			o += (size_t)w;
		}
		signal(SIGPIPE, old);
		close(pin[1]);
		pin[1] = -1;
	}
	if (out) {
		close(pout[1]);
		pout[1] = -1;
		char buf[8192];
		ssize_t r;
		while ((r = read(pout[0], buf, sizeof buf)) != 0) {
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				break;
			sbuf_add(out, buf, (size_t)r);
		}
		close(pout[0]);
		pout[0] = -1;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(err, errlen, "cannot run nft");
	else if (WIFEXITED(status))
		snprintf(err, errlen, "exit status %d", WEXITSTATUS(status));
	else
		snprintf(err, errlen, "killed by signal %d", WTERMSIG(status));
	return -1;
fail:
	for (int i = 0; i < 2; i++) {
		if (pin[i] >= 0)
			close(pin[i]);
		if (pout[i] >= 0)
			close(pout[i]);
	}
	return -1;
}

/* The bindings the config asks for into s (settled), what each file gave said on f.
 * 0, or the exit status. */
static int wanted(const struct config *cfg, enum lang l, FILE *f, struct ipmac_set *s)
{
	const struct cfg_ipmac *m = &cfg->ipmac;
	char *const *files = m->leases;
	size_t n = m->n_leases;
	char *journal[1] = {cfg->journal.dhcp_leases};
	if (n == 0 && cfg->journal.dhcp_leases) {
		files = journal;
		n = 1;
	}
	for (size_t i = 0; i < n; i++) {
		struct sbuf b;
		sbuf_init(&b);
		if (slurp(files[i], &b) < 0) {
			msg_fprintf(stderr, l, MSG_IPMAC_NO_LEASES, files[i], strerror(errno));
			sbuf_free(&b);
			return IPMAC_LEASES;
		}
		struct ipmac_stats st;
		ipmac_add_leases(s, b.data ? b.data : "", b.len, (int64_t)time(NULL), &st);
		msg_fprintf(f, l, MSG_IPMAC_FILE_STATS, files[i],
			    leases_format_name(leases_detect(b.data ? b.data : "", b.len)), st.bound,
			    st.expired, st.inactive, st.no_mac, st.ipv6, st.bad);
		sbuf_free(&b);
	}
	for (size_t i = 0; i < m->n_statics; i++)
		ipmac_set_add(s, m->statics[i].mac, &m->statics[i].addr);
	if (m->n_statics)
		msg_fprintf(f, l, MSG_IPMAC_STATICS, m->n_statics);
	ipmac_set_settle(s);
	return IPMAC_OK;
}

struct counts {
	enum lang l;
	size_t added, removed;
};

static void print_change(void *arg, const struct ipmac_pair *p, int added)
{
	struct counts *c = arg;
	char b[IPMAC_PAIR_STRLEN];
	ipmac_pair_str(p, b);
	if (added) {
		msg_printf(c->l, MSG_IPMAC_ADDED, b);
		c->added++;
	} else {
		msg_printf(c->l, MSG_IPMAC_REMOVED, b);
		c->removed++;
	}
}

/* List the set as nft holds it, apply the script, print the difference. */
static int apply(const struct config *cfg, enum lang l, const struct ipmac_set *want,
		 const struct sbuf *script)
{
	static const char *const list[] = {"list", "set", "inet", "campusgate", IPMAC_SET, NULL};
	static const char *const load[] = {"-f", "-", NULL};
	struct ipmac_set cur;
	struct sbuf out;
	char err[128];
	int rc = IPMAC_NFT;
	ipmac_set_init(&cur);
	sbuf_init(&out);
	if (run_nft(list, NULL, 0, &out, err, sizeof err) < 0) {
		if (!cfg->ipmac.enforce) {
			msg_printf(l, MSG_IPMAC_OFF, (size_t)0); /* no rules: nothing to turn off */
			rc = IPMAC_OK;
		} else {
			msg_fprintf(stderr, l, MSG_IPMAC_NOT_LOADED);
		}
		goto out;
	}
	sbuf_addc(&out, '\0');
	if (ipmac_parse_listing(out.data, out.len - 1, &cur) < 0) {
		msg_fprintf(stderr, l, MSG_IPMAC_BAD_LISTING, out.data);
		goto out;
	}
	ipmac_set_settle(&cur);
	if (run_nft(load, script->data, script->len, NULL, err, sizeof err) < 0) {
		msg_fprintf(stderr, l, MSG_IPMAC_NFT_FAILED, "-f -", err);
		goto out;
	}
	struct counts c = {l, 0, 0};
	if (cfg->ipmac.enforce) {
		ipmac_diff(&cur, want, print_change, &c);
		msg_printf(l, MSG_IPMAC_SUMMARY, cfg->ipmac.interface, want->n, c.added, c.removed);
	} else {
		msg_printf(l, MSG_IPMAC_OFF, cur.n);
	}
	rc = IPMAC_OK;
out:
	ipmac_set_free(&cur);
	sbuf_free(&out);
	return rc;
}

static int ipmac_sync(int argc, char **argv, enum lang l)
{
	const char *path = NULL;
	bool dry = false;
	static const struct option longopts[] = {
		{"dry-run", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'n': dry = true; break;
		case 'h': fputs(msg(l, MSG_IPMAC_HELP), stdout); return IPMAC_OK;
		default: fputs(msg(l, MSG_IPMAC_HELP), stderr); return IPMAC_USAGE;
		}
	}
	if (optind < argc) {
		fputs(msg(l, MSG_IPMAC_HELP), stderr);
		return IPMAC_USAGE;
	}
	if (!path)
		path = cli_default_config();
	struct diag d;
	diag_init(&d);
	struct config *cfg = config_load(path, &d);
	lang_diag_print(l, &d, stderr);
	diag_free(&d);
	if (!cfg)
		return IPMAC_USAGE;
	struct ipmac_set want;
	struct sbuf script;
	ipmac_set_init(&want);
	sbuf_init(&script);
	int rc = cfg->ipmac.enforce ? wanted(cfg, l, dry ? stderr : stdout, &want) : IPMAC_OK;
	if (rc == IPMAC_OK) {
		ipmac_script(&want, cfg->ipmac.enforce ? cfg->ipmac.interface : NULL, &script);
		if (dry)
			fwrite(script.data, 1, script.len, stdout);
		else
			rc = apply(cfg, l, &want, &script);
	}
	ipmac_set_free(&want);
	sbuf_free(&script);
	config_free(cfg);
	return rc;
}

int cmd_ipmac(int argc, char **argv)
{
	enum lang l = lang_from_env();
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(msg(l, MSG_IPMAC_HELP), argc < 2 ? stderr : stdout);
		return argc < 2 ? IPMAC_USAGE : IPMAC_OK;
	}
	if (strcmp(argv[1], "sync") == 0)
		return ipmac_sync(argc - 1, argv + 1, l);
	msg_fprintf(stderr, l, MSG_IPMAC_UNKNOWN_COMMAND, argv[1]);
	return IPMAC_USAGE;
}
