/* relp_send: the schools' side of scripts/bench-district.sh in one small process: one
 * RELP/TLS session per school, each with that school's own certificate (as each school's
 * box has), sending that school's RFC 5424 messages to its own listener at the district.
 * It stands in for the schools' rsyslogs, which in a real district run elsewhere.
 *
 * usage: relp_send [--threads N] [--window N] [--tlslib gnutls|openssl] --ca FILE --pki DIR --domain D --peer NAME
 *                  [--host ADDR] SCHOOLS MESSAGES
 *   SCHOOLS: "<school_id> <port>" a line (the list district-rsyslog-schools.sh reads);
 *   each school's key and certificate are DIR/<id>.<D>-key.pem and DIR/<id>.<D>-cert.pem;
 *   NAME: the collector's certificate name (tls.authmode "name").
 *   MESSAGES: one RFC 5424 message a line (scripts/district-gen.py without --framed),
 *   each sent on the session of the school its school_id="..." names, in file order.
 * Exits 0 once every session was closed cleanly (RELP's close answered, after every
 * message's answer), 1 on any error (with what failed), 2 on bad usage. */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <librelp.h> /* after stddef.h: it uses size_t without including it */

#define SCHOOLS_MAX 1024

struct school {
	char id[65], port[8];
	relpClt_t *clt;
	int thread;
};

struct msg {
	int school;
	const char *p;
	size_t len;
};

static struct school schools[SCHOOLS_MAX];
static size_t n_schools;
static struct msg *msgs;
static size_t n_msgs;
static const char *ca, *pki, *domain, *peer, *host = "127.0.0.1", *tlslib;
static int n_threads = 4, window = 1024;

struct worker {
	int idx;
	relpEngine_t *eng;
	int rc;
	pthread_t t;
};

static void dbg(char *fmt, ...)
{
	(void)fmt;
}

static int school_find(const char *line, size_t len)
{
	const char *k = "school_id=\"";
	const char *p = memmem(line, len, k, strlen(k));
	if (!p)
		return -1;
	p += strlen(k);
	const char *e = memchr(p, '"', (size_t)(line + len - p));
	if (!e)
		return -1;
	for (size_t i = 0; i < n_schools; i++)
		if (strlen(schools[i].id) == (size_t)(e - p) && !memcmp(schools[i].id, p, (size_t)(e - p)))
			return (int)i;
	return -1;
}

static int session_open(struct worker *w, struct school *s)
{
	char cert[1024], key[1024];
	snprintf(cert, sizeof cert, "%s/%s.%s-cert.pem", pki, s->id, domain);
	snprintf(key, sizeof key, "%s/%s.%s-key.pem", pki, s->id, domain);
	if (relpEngineCltConstruct(w->eng, &s->clt) != RELP_RET_OK ||
	    relpCltSetTimeout(s->clt, 300) != RELP_RET_OK ||
	    relpCltSetWindowSize(s->clt, window) != RELP_RET_OK ||
	    relpCltEnableTLS(s->clt) != RELP_RET_OK ||
	    relpCltSetAuthMode(s->clt, (char *)"name") != RELP_RET_OK ||
	    relpCltSetCACert(s->clt, (char *)ca) != RELP_RET_OK ||
	    relpCltSetOwnCert(s->clt, cert) != RELP_RET_OK ||
	    relpCltSetPrivKey(s->clt, key) != RELP_RET_OK ||
	    relpCltAddPermittedPeer(s->clt, (char *)peer) != RELP_RET_OK) {
		fprintf(stderr, "relp_send: %s: cannot set up the session\n", s->id);
		return -1;
	}
	relpRetVal r = relpCltConnect(s->clt, AF_INET, (unsigned char *)s->port,
				      (unsigned char *)host);
	if (r != RELP_RET_OK) {
		fprintf(stderr, "relp_send: %s: cannot connect to %s:%s (librelp %d)\n", s->id,
			host, s->port, r);
		return -1;
	}
	return 0;
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	w->rc = 0;
	if (relpEngineConstruct(&w->eng) != RELP_RET_OK) {
		w->rc = -1;
		return NULL;
	}
	relpEngineSetDbgprint(w->eng, dbg);
	if (tlslib && relpEngineSetTLSLibByName(w->eng, tlslib) != RELP_RET_OK) {
		fprintf(stderr, "relp_send: librelp does not take the TLS library %s\n", tlslib);
		w->rc = -1;
		relpEngineDestruct(&w->eng);
		return NULL;
	}
	relpEngineSetEnableCmd(w->eng, (unsigned char *)"syslog", eRelpCmdState_Required);
	for (size_t i = 0; i < n_schools; i++)
		if (schools[i].thread == w->idx && session_open(w, &schools[i]) < 0) {
			w->rc = -1;
			goto done;
		}
	for (size_t i = 0; i < n_msgs; i++) {
		struct school *s = &schools[msgs[i].school];
		if (s->thread != w->idx)
			continue;
		relpRetVal r = relpCltSendSyslog(s->clt, (unsigned char *)msgs[i].p, msgs[i].len);
		if (r != RELP_RET_OK) {
			fprintf(stderr, "relp_send: %s: send failed (librelp %d)\n", s->id, r);
			w->rc = -1;
			goto done;
		}
	}
done:
	/* closing a session waits for the answer to RELP's close, which comes after the
	 * answers to every message sent before it */
	for (size_t i = 0; i < n_schools; i++)
		if (schools[i].thread == w->idx && schools[i].clt)
			relpEngineCltDestruct(w->eng, &schools[i].clt);
	relpEngineDestruct(&w->eng);
	return NULL;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	size_t cap = 0, n = 0, r;
	if (!f)
		return NULL;
	do {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			b = realloc(b, cap + 1);
			if (!b)
				abort();
		}
		r = fread(b + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	b[n] = '\0';
	*len = n;
	return b;
}

static int load_schools(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		char *h = strchr(line, '#');
		if (h)
			*h = '\0';
		if (n_schools == SCHOOLS_MAX)
			break;
		struct school *s = &schools[n_schools];
		if (sscanf(line, "%64s %7s", s->id, s->port) == 2) {
			s->thread = (int)(n_schools % (size_t)n_threads);
			n_schools++;
		}
	}
	fclose(f);
	return n_schools ? 0 : -1;
}

static int usage(void)
{
	fputs("usage: relp_send [--threads N] [--window N] [--tlslib L] --ca FILE --pki DIR --domain D "
	      "--peer NAME [--host ADDR] SCHOOLS MESSAGES\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	int i;
	for (i = 1; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
		const char *o = argv[i], *v = argv[i + 1];
		if (!strcmp(o, "--ca")) ca = v;
		else if (!strcmp(o, "--pki")) pki = v;
		else if (!strcmp(o, "--domain")) domain = v;
		else if (!strcmp(o, "--peer")) peer = v;
		else if (!strcmp(o, "--host")) host = v;
		else if (!strcmp(o, "--threads")) n_threads = atoi(v);
		else if (!strcmp(o, "--window")) window = atoi(v);
		else if (!strcmp(o, "--tlslib")) tlslib = v;
		else return usage();
	}
	if (argc - i != 2 || !ca || !pki || !domain || !peer || n_threads < 1 || n_threads > 64 ||
	    window < 1)
		return usage();
	if (load_schools(argv[i]) < 0) {
		fprintf(stderr, "relp_send: %s: no school read\n", argv[i]);
		return 2;
	}
	size_t len;
	char *data = slurp(argv[i + 1], &len);
	if (!data) {
		fprintf(stderr, "relp_send: cannot read %s\n", argv[i + 1]);
		return 2;
	}
	size_t cap = 0;
	for (char *p = data, *e; p < data + len; p = e + 1) {
		e = memchr(p, '\n', (size_t)(data + len - p));
		if (!e)
			e = data + len;
		if (e == p)
			continue;
		int s = school_find(p, (size_t)(e - p));
		if (s < 0) {
			fprintf(stderr, "relp_send: a message of no listed school: %.80s\n", p);
			return 1;
		}
		if (n_msgs == cap) {
			cap = cap ? cap * 2 : 4096;
			msgs = realloc(msgs, cap * sizeof *msgs);
			if (!msgs)
				abort();
		}
		msgs[n_msgs++] = (struct msg){s, p, (size_t)(e - p)};
	}
	struct worker *w = calloc((size_t)n_threads, sizeof *w);
	for (int t = 0; t < n_threads; t++) {
		w[t].idx = t;
		pthread_create(&w[t].t, NULL, worker_run, &w[t]);
	}
	int rc = 0;
	for (int t = 0; t < n_threads; t++) {
		pthread_join(w[t].t, NULL);
		rc |= w[t].rc;
	}
	fprintf(stderr, "relp_send: %zu messages, %zu schools, %d threads: %s\n", n_msgs,
		n_schools, n_threads, rc ? "FAILED" : "sent, every session closed");
	free(w);
	free(msgs);
	free(data);
	return rc ? 1 : 0;
}
