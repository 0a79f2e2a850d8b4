/* Benchmark of the journal writer: events per second appended through journal_append
 * at the default fsync policy (1 s group commit), until every event is written and
 * fsynced, with the CPU time it took. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "journal.h"
#include "util.h"

struct producer {
	struct journal *j;
	unsigned long long n, full_retries;
	unsigned index;
	double cpu; /* this thread's CPU seconds */
};

static const char *const categories[] = { "gambling", "porn", "superstition", "doh", "vpn" };
static const char *const qtypes[] = { "A", "AAAA", "HTTPS" };

/* Events shaped like a DNS front end's: a generated host, a client in 10.x, a rule. */
static void *producer_main(void *arg)
{
	struct producer *p = arg;
	char host[80], rule[64];
	struct journal_event ev;
	memset(&ev, 0, sizeof ev);
	ev.proto = PROTO_DNS;
	ev.group = "students";
	ev.action = "block";
	ev.block_mode = "nxdomain";
	ev.rule_file = "lists/blocklist.list";
	ev.host = host;
	ev.rule_text = rule;
	uint64_t x = 0x9e3779b97f4a7c15ull * (p->index + 1);
	for (unsigned long long i = 0; i < p->n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		snprintf(rule, sizeof rule, "bad%llu.example", (unsigned long long)(x % 1000000));
		snprintf(host, sizeof host, "www.%s", rule);
		ev.client.family = 2; /* AF_INET */
		ev.client.a[0] = 10;
		ev.client.a[1] = (uint8_t)p->index;
		ev.client.a[2] = (uint8_t)(x >> 8);
		ev.client.a[3] = (uint8_t)x;
		ev.category = categories[x % 5];
		ev.qtype = qtypes[(x >> 3) % 3];
		ev.rule_line = (unsigned)(x % 100000) + 1;
		while (journal_append(p->j, &ev, NULL) < 0) {
			p->full_retries++; /* the writer is behind: wait for it, as a burst would */
			usleep(50);
		}
	}
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	p->cpu = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	return NULL;
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static uint64_t dir_bytes(const char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "du -sb '%s' 2>/dev/null", dir);
	FILE *f = popen(cmd, "r");
	unsigned long long b = 0;
	if (f) {
		if (fscanf(f, "%llu", &b) != 1)
			b = 0;
		pclose(f);
	}
	return b;
}

static void usage(void)
{
	fputs("usage: bench_journal [-n EVENTS] [-t PRODUCERS] [-d DIR] [-k] [-f FSYNC_MS]\n"
	      "  -n  events in all (default 2000000)\n"
	      "  -t  producer threads (default 1)\n"
	      "  -d  journal directory (default: a new one under $TMPDIR or /tmp, removed after\n"
	      "      unless -k; a directory given here is never removed)\n"
	      "  -k  keep the journal directory\n"
	      "  -f  fsync interval in ms (default 1000, the daemon's default)\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long long total = 2000000;
	unsigned threads = 1, fsync_ms = 1000;
	const char *dir = NULL;
	bool keep = false;
	int c;
	while ((c = getopt(argc, argv, "n:t:d:kf:h")) != -1) {
		unsigned long long v;
		switch (c) {
		case 'n':
			if (parse_uint(optarg, 1, 1000000000ull, &total) < 0)
				usage();
			break;
		case 't':
			if (parse_uint(optarg, 1, 64, &v) < 0)
				usage();
			threads = (unsigned)v;
			break;
		case 'f':
			if (parse_uint(optarg, 1, 600000, &v) < 0)
				usage();
			fsync_ms = (unsigned)v;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'k':
			keep = true;
			break;
		default:
			usage();
		}
	}
	char tmpl[4096];
	const char *tmp = getenv("TMPDIR");
	snprintf(tmpl, sizeof tmpl, "%s/bench_journal.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!dir) {
		if (!mkdtemp(tmpl)) {
			perror("mkdtemp");
			return 1;
		}
		dir = tmpl;
	}
	struct cfg_journal cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.dir = (char *)dir;
	cfg.fsync_interval_ms = fsync_ms;
	cfg.queue_events = 65536;
	const char *err = NULL;
	struct journal *j = journal_open(&cfg, "Asia/Shanghai", &err);
	if (!j) {
		fprintf(stderr, "bench_journal: %s: %s\n", dir, err ? err : "cannot open");
		return 1;
	}
	struct producer *ps = xcalloc(threads, sizeof *ps);
	pthread_t *tids = xcalloc(threads, sizeof *tids);
	double cpu0 = cpu_seconds();
	uint64_t t0 = now_mono_ns();
	for (unsigned i = 0; i < threads; i++) {
		ps[i].j = j;
		ps[i].index = i;
		ps[i].n = total / threads + (i < total % threads);
		pthread_create(&tids[i], NULL, producer_main, &ps[i]);
	}
	unsigned long long retries = 0;
	double prod_cpu = 0;
	for (unsigned i = 0; i < threads; i++) {
		pthread_join(tids[i], NULL);
		retries += ps[i].full_retries;
		prod_cpu += ps[i].cpu;
	}
	uint64_t t_queued = now_mono_ns();
	journal_flush(j); /* every event written and fdatasynced */
	uint64_t t1 = now_mono_ns();
	double cpu1 = cpu_seconds();
	struct journal_stats st;
	journal_get_stats(j, &st);
	journal_close(j);
	uint64_t bytes = dir_bytes(dir);

	double secs = (double)(t1 - t0) / 1e9;
	double cpu = cpu1 - cpu0;
	printf("events            %llu (%u producer thread%s)\n", total, threads,
	       threads == 1 ? "" : "s");
	printf("written           %llu, write errors %llu, fsyncs %llu\n",
	       (unsigned long long)st.written, (unsigned long long)st.write_errors,
	       (unsigned long long)st.fsyncs);
	printf("queue full        %llu times (counted as dropped: %llu; the benchmark "
	       "retried each, none lost)\n", retries, (unsigned long long)st.dropped);
	printf("wall              %.3f s (queued in %.3f s, final flush %.3f s)\n", secs,
	       (double)(t_queued - t0) / 1e9, (double)(t1 - t_queued) / 1e9);
	printf("events/s          %.0f (appended, written and fsynced)\n", (double)total / secs);
	printf("cpu               %.3f s (all threads) = %.0f events per CPU-second\n", cpu,
	       (double)total / cpu);
	printf("writer cpu        %.3f s (all but the producers) = %.0f events per CPU-second\n",
	       cpu - prod_cpu, (double)total / (cpu - prod_cpu));
	printf("producer cpu      %.3f s = %.2f us per journal_append (incl. building the event)\n",
	       prod_cpu, prod_cpu * 1e6 / (double)total);
	printf("bytes on disk     %llu (%.0f per event)\n", (unsigned long long)bytes,
	       (double)bytes / (double)total);
	if (!keep && dir == tmpl) { /* only what we made */
		char cmd[4200];
		snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", tmpl);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_journal: could not remove %s\n", dir);
	} else {
		printf("journal kept in   %s\n", dir);
	}
	free(ps);
	free(tids);
	return st.written == total ? 0 : 1;
}
