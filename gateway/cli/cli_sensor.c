/* campusgate sensor --read FILE: run a capture file through the sensor with the school's
 * policy, journal what it would block and who tried to bypass, and print a summary. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "cli.h"
#include "config.h"
#include "i18n.h"
#include "journal.h"
#include "policy.h"
#include "sensor.h"
#include "util.h"

static void sensor_usage(FILE *f)
{
	enum lang l = lang_from_env();
	fputs(msg(l, MSG_SENSOR_USAGE), f);
}

/* ---- per-request lines (-v) ------------------------------------------------------ */

static void print_obs(void *arg, const struct observation *ob, const char *host,
		      const struct verdict *v, const char *event)
{
	(void)arg;
	char ip[CG_ADDR_STRLEN];
	time_t t = (time_t)(ob->time_us / 1000000);
	struct tm tm;
	char ts[32];
	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	printf("%s.%06dZ %s %s %s", ts, (int)(ob->time_us % 1000000), addr_str(&ob->client, ip),
	       obs_kind_name(ob->kind), host ? host : "-");
	if (ob->path)
		printf(" %.*s", (int)(ob->path_len > 200 ? 200 : ob->path_len), ob->path);
	if (v)
		printf(" %s", action_name(v->action));
	if (v && v->category)
		printf(" %s", v->category);
	if (ob->kind == OBS_TLS && ob->ech)
		printf(" ech");
	if (event)
		printf(" [%s]", event);
	putchar('\n');
}

/* ---- the summary ---------------------------------------------------------------- */

static const char *dlt_name(int dlt)
{
	const char *n = pcap_datalink_val_to_name(dlt);
	return n ? n : "?";
}

static uint64_t malformed_total(const struct sensor_report *r)
{
	uint64_t n = 0;
	for (int i = 0; i < DERR_COUNT; i++)
		n += r->in.malformed[i];
	for (int i = 0; i < BAD_COUNT; i++)
		n += r->in.bad[i];
	return n + r->obs.bad_names;
}

static void summary_text(const char *path, const struct sensor_report *r, const char *jdir)
{
	enum lang l = lang_from_env();
	const struct inspect_stats *in = &r->in;
	const struct observer_stats *o = &r->obs;
	msg_printf(l, MSG_SENSOR_FILE, path);
	msg_printf(l, MSG_SENSOR_PACKETS,
		   in->packets, in->bytes, in->ipv4, in->ipv6, in->udp, in->tcp, in->other);
	msg_printf(l, MSG_SENSOR_FLOWS,
		   in->flow.created, in->flow.peak_active, in->flow.evicted, in->frag.reassembled);
	msg_printf(l, MSG_SENSOR_REQUESTS,
		   o->requests[OBS_PROTO_DNS], o->requests[OBS_PROTO_HTTP],
	       o->requests[OBS_PROTO_TLS], o->dns_responses);
	msg_printf(l, MSG_SENSOR_TLS_HIDDEN, in->tls_ech, in->tls_no_sni);
	msg_printf(l, MSG_SENSOR_HITS, o->hits);
	for (size_t i = 0; i < o->n_categories; i++)
		printf("    %-20s %" PRIu64 "\n", o->categories[i].name, o->categories[i].hits);
	uint64_t bypass = 0;
	for (int i = 0; i < BYPASS_COUNT; i++)
		bypass += o->bypass[i];
	msg_printf(l, MSG_SENSOR_BYPASS, bypass);
	for (int i = 0; i < BYPASS_COUNT; i++)
		if (o->bypass[i])
			printf("    %-20s %" PRIu64 "\n", bypass_kind_name((enum bypass_kind)i),
			       o->bypass[i]);
	msg_printf(l, MSG_SENSOR_MALFORMED, malformed_total(r));
	for (int i = 1; i < DERR_COUNT; i++)
		if (in->malformed[i])
			printf("    %-20s %" PRIu64 "\n", decode_err_name((enum decode_err)i),
			       in->malformed[i]);
	for (int i = 0; i < BAD_COUNT; i++)
		if (in->bad[i])
			printf("    %-20s %" PRIu64 "\n", inspect_bad_name((enum inspect_bad)i),
			       in->bad[i]);
	if (o->bad_names)
		printf("    %-20s %" PRIu64 "\n", "name", o->bad_names);
	fputs(msg(l, MSG_SENSOR_LINK_TYPES), stdout);
	for (size_t i = 0; i < in->n_linktypes; i++)
		printf(" %s (%" PRIu64 ")", dlt_name(in->linktypes[i].dlt),
		       in->linktypes[i].packets);
	putchar('\n');
	if (jdir)
		msg_printf(l, MSG_SENSOR_JOURNAL_SUMMARY,
			   o->journaled, o->journal_dropped, jdir, jdir);
	else
		fputs(msg(l, MSG_SENSOR_JOURNAL_NONE), stdout);
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void summary_json(const char *path, const struct sensor_report *r, const char *jdir)
{
	const struct inspect_stats *in = &r->in;
	const struct observer_stats *o = &r->obs;
	printf("{\"file\":");
	json_str(path);
	printf(",\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"ipv4\":%" PRIu64
	       ",\"ipv6\":%" PRIu64 ",\"udp\":%" PRIu64 ",\"tcp\":%" PRIu64, in->packets,
	       in->bytes, in->ipv4, in->ipv6, in->udp, in->tcp);
	printf(",\"flows\":%" PRIu64 ",\"flows_peak\":%zu,\"flows_evicted\":%" PRIu64
	       ",\"reassembled\":%" PRIu64, in->flow.created, in->flow.peak_active,
	       in->flow.evicted, in->frag.reassembled);
	printf(",\"requests\":{\"dns\":%" PRIu64 ",\"http\":%" PRIu64 ",\"tls\":%" PRIu64 "}",
	       o->requests[OBS_PROTO_DNS], o->requests[OBS_PROTO_HTTP],
	       o->requests[OBS_PROTO_TLS]);
	printf(",\"tls_ech\":%" PRIu64 ",\"tls_no_sni\":%" PRIu64, in->tls_ech, in->tls_no_sni);
	printf(",\"dns_responses\":%" PRIu64 ",\"http2\":%" PRIu64 ",\"hits\":%" PRIu64
	       ",\"categories\":{", o->dns_responses, in->http2, o->hits);
	for (size_t i = 0; i < o->n_categories; i++) {
		printf(i ? "," : "");
		json_str(o->categories[i].name);
		printf(":%" PRIu64, o->categories[i].hits);
	}
	printf("},\"bypass\":{");
	for (int i = 0; i < BYPASS_COUNT; i++)
		printf("%s\"%s\":%" PRIu64, i ? "," : "", bypass_kind_name((enum bypass_kind)i),
		       o->bypass[i]);
	printf("},\"malformed\":{");
	bool first = true;
	for (int i = 1; i < DERR_COUNT; i++) {
		printf("%s\"%s\":%" PRIu64, first ? "" : ",", decode_err_name((enum decode_err)i),
		       in->malformed[i]);
		first = false;
	}
	for (int i = 0; i < BAD_COUNT; i++)
		printf(",\"%s\":%" PRIu64, inspect_bad_name((enum inspect_bad)i), in->bad[i]);
	printf(",\"name\":%" PRIu64 "},\"malformed_total\":%" PRIu64, o->bad_names,
	       malformed_total(r));
	printf(",\"linktypes\":{");
	for (size_t i = 0; i < in->n_linktypes; i++) {
		printf(i ? "," : "");
		json_str(dlt_name(in->linktypes[i].dlt));
		printf(":%" PRIu64, in->linktypes[i].packets);
	}
	printf("}");
	if (jdir) {
		printf(",\"journaled\":%" PRIu64 ",\"journal_dropped\":%" PRIu64, o->journaled,
		       o->journal_dropped);
		printf(",\"journal_dir\":");
		json_str(jdir);
	}
	printf("}\n");
}

/* ---- the command ---------------------------------------------------------------- */

struct sensor_opts {
	const char *read, *live, *config, *journal_dir, *format;
	unsigned long long duration;   /* seconds; 0 = until a signal */
	bool no_journal, verbose;
};

static int parse_opts(int argc, char **argv, struct sensor_opts *o)
{
	static const struct option longopts[] = {
		{"read", required_argument, NULL, 'r'},
		{"live", required_argument, NULL, 'L'},
		{"duration", required_argument, NULL, 'D'},
		{"journal-dir", required_argument, NULL, 'J'},
		{"no-journal", no_argument, NULL, 'N'},
		{"format", required_argument, NULL, 'f'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	memset(o, 0, sizeof(*o));
	o->format = "text";
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "r:c:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': o->read = optarg; break;
		case 'L': o->live = optarg; break;
		case 'D':
			if (parse_uint(optarg, 1, 86400 * 365, &o->duration) < 0) {
				sensor_usage(stderr);
				return -1;
			}
			break;
		case 'c': o->config = optarg; break;
		case 'J': o->journal_dir = optarg; break;
		case 'N': o->no_journal = true; break;
		case 'f': o->format = optarg; break;
		case 'v': o->verbose = true; break;
		case 'h': sensor_usage(stdout); return 1;
		default: sensor_usage(stderr); return -1;
		}
	}
	if (optind < argc || !o->read == !o->live || (o->no_journal && o->journal_dir) ||
	    (strcmp(o->format, "text") != 0 && strcmp(o->format, "json") != 0)) {
		sensor_usage(stderr);
		return -1;
	}
	return 0;
}

/* The config to use: -c, else the default file when there is one, else the defaults. */
static struct config *load_config(const struct sensor_opts *o, enum lang l)
{
	const char *path = o->config;
	if (!path) {
		path = cli_default_config();
		if (access(path, R_OK) != 0)
			return config_default();
	}
	struct diag d;
	diag_init(&d);
	struct config *cfg = config_load(path, &d);
	lang_diag_print(lang_from_env(), &d, stderr);
	if (!cfg)
		msg_fprintf(stderr, l, MSG_SENSOR_CONFIG_ERRORS, path, d.errors);
	diag_free(&d);
	return cfg;
}

/* The sensor's own journal: sensor/ inside the configured journal directory, apart from
 * campusgated's (one writer per journal), created with the parent when missing. The
 * caller owns the string. */
static char *sensor_journal_dir(const struct config *cfg)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_printf(&b, "%s/sensor", cfg->journal.dir);
	if (mkdir(cfg->journal.dir, 0750) < 0 && errno != EEXIST)
		fprintf(stderr, "campusgate sensor: %s: %s\n", cfg->journal.dir, strerror(errno));
	return sbuf_take(&b);
}

/* --live: the daemon's sensor front end on one interface, in the foreground. */
static int run_live(const struct sensor_opts *o, struct config *cfg, struct policy *p,
		    struct journal *j, enum lang l)
{
	for (size_t i = 0; i < cfg->sensor.n_interfaces; i++)
		free(cfg->sensor.interfaces[i]);
	free(cfg->sensor.interfaces);
	cfg->sensor.interfaces = xcalloc(1, sizeof(char *));
	cfg->sensor.interfaces[0] = xstrdup(o->live);
	cfg->sensor.n_interfaces = 1;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* capture threads inherit the mask */
	const char *err = NULL;
	struct sensor_server *s = sensor_server_new(cfg, j, &err);
	if (!s) {
		fprintf(stderr, "campusgate sensor: %s\n", err ? err : "?");
		return 2;
	}
	policy_ref(p);
	policy_publish(p);
	if (sensor_server_run(s) < 0) {
		sensor_server_stop(s);
		return 2;
	}
	msg_fprintf(stderr, l, MSG_SENSOR_CAPTURING, o->live,
		j ? cfg->journal.dir : msg(l, MSG_SENSOR_NO_JOURNAL));
	struct timespec ts = { .tv_sec = (time_t)o->duration };
	int sig;
	if (o->duration)
		sig = sigtimedwait(&set, NULL, &ts);
	else
		sig = sigwaitinfo(&set, NULL);
	(void)sig;
	sensor_server_stop(s);
	return 0;
}

int cmd_sensor(int argc, char **argv)
{
	enum lang l = lang_from_env();
	struct sensor_opts o;
	int rc = parse_opts(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	struct config *cfg = load_config(&o, l);
	if (!cfg)
		return 2;
	struct policy *p = NULL;
	struct journal *j = NULL;
	struct diag d;
	diag_init(&d);
	p = policy_build(cfg, &d);
	lang_diag_print(lang_from_env(), &d, stderr);
	diag_free(&d);
	rc = 2;
	if (!p) {
		fputs(msg(l, MSG_SENSOR_NO_POLICY), stderr);
		goto out;
	}
	if (!o.no_journal) {
		const char *err = NULL;
		char *dir = o.journal_dir ? xstrdup(o.journal_dir) : sensor_journal_dir(cfg);
		free(cfg->journal.dir);
		cfg->journal.dir = dir;
		j = journal_open(&cfg->journal, cfg->timezone, &err);
		if (!j) {
			msg_fprintf(stderr, l, MSG_SENSOR_JOURNAL,
				    cfg->journal.dir ? cfg->journal.dir : "?", err ? err : "?");
			goto out;
		}
	}
	if (o.live) {
		rc = run_live(&o, cfg, p, j, l);
		goto out;
	}
	struct sensor_report rep;
	char err[CAPTURE_ERRLEN];
	int r = sensor_read_file(o.read, cfg, p, j, o.verbose ? print_obs : NULL, NULL, &rep,
				 err);
	if (j) {
		journal_close(j);
		j = NULL;
	}
	if (r < 0 && rep.in.packets == 0) {
		msg_fprintf(stderr, l, MSG_SENSOR_CANNOT_READ, err);
		goto out;
	}
	if (strcmp(o.format, "json") == 0)
		summary_json(o.read, &rep, o.no_journal ? NULL : cfg->journal.dir);
	else
		summary_text(o.read, &rep, o.no_journal ? NULL : cfg->journal.dir);
	fflush(stdout);
	if (r < 0) {
		msg_fprintf(stderr, l, MSG_SENSOR_FILE_ENDS_BADLY, err);
		goto out;
	}
	rc = 0;
out:
	if (j)
		journal_close(j);
	if (p)
		policy_unref(p);
	config_free(cfg);
	return rc;
}
