/* campusgated: the gateway daemon (DNS, HTTP, TLS and sensor front ends). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg_config.h"
#include "daemon.h"
#include "i18n.h"
#include "util.h"

static void usage(FILE *f)
{
	enum lang l = lang_from_env();
	fputs(msg(l, MSG_DAEMON_USAGE), f);
}

int main(int argc, char **argv)
{
	enum { OPT_VERSION = 256, OPT_DNS_LISTEN, OPT_UPSTREAM, OPT_BLOCKLIST, OPT_HTTP_LISTEN,
	       OPT_HTTP_PARENT, OPT_TLS_LISTEN, OPT_JOURNAL_DIR };
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"check", no_argument, NULL, 'n'},
		{"user", required_argument, NULL, 'u'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, OPT_VERSION},
		{"dns-listen", required_argument, NULL, OPT_DNS_LISTEN},
		{"upstream", required_argument, NULL, OPT_UPSTREAM},
		{"blocklist", required_argument, NULL, OPT_BLOCKLIST},
		{"http-listen", required_argument, NULL, OPT_HTTP_LISTEN},
		{"http-parent", required_argument, NULL, OPT_HTTP_PARENT},
		{"tls-listen", required_argument, NULL, OPT_TLS_LISTEN},
		{"journal-dir", required_argument, NULL, OPT_JOURNAL_DIR},
		{NULL, 0, NULL, 0},
	};
	struct daemon_opts o;
	memset(&o, 0, sizeof o);
	int c;
	while ((c = getopt_long(argc, argv, "c:nu:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o.config_path = optarg; break;
		case 'n': o.check_only = true; break;
		case 'u': o.user = optarg; break;
		case 'v': o.verbose = true; break;
		case 'h': usage(stdout); return 0;
		case OPT_VERSION: printf("campusgated %s\n", CG_VERSION); return 0;
		case OPT_DNS_LISTEN: o.dns_listen = optarg; break;
		case OPT_UPSTREAM: o.upstream = optarg; break;
		case OPT_BLOCKLIST: o.blocklist = optarg; break;
		case OPT_HTTP_LISTEN: o.http_listen = optarg; break;
		case OPT_HTTP_PARENT: o.http_parent = optarg; break;
		case OPT_TLS_LISTEN: o.tls_listen = optarg; break;
		case OPT_JOURNAL_DIR: o.journal_dir = optarg; break;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "campusgated: unexpected argument '%s' (see --help)\n", argv[optind]);
		return 2;
	}
	if (o.verbose)
		log_set_level(LOG_LVL_DEBUG);
	return daemon_main(&o);
}
