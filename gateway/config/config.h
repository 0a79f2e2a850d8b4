/* The admin's configuration file (INI, read with libinih) as a validated struct.
 * The full reference is config/campusgate.conf (every key, commented). */
#ifndef CG_CONFIG_H
#define CG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "util.h"

#define CFG_MAX_CATEGORIES 32 /* categories are a bit mask in the policy */

enum list_format { LIST_NATIVE, LIST_HOSTS, LIST_ADBLOCK, LIST_UT1 };

struct cfg_list {
	enum list_format format;
	char *path;     /* resolved against the config file's directory */
	char *name;     /* as written in the config (shown in provenance) */
	unsigned line;  /* config line that named it */
};

enum category_kind { CATEGORY_BLOCK, CATEGORY_BYPASS };

struct cfg_category {
	char *name;            /* "pornography", "gambling", ... */
	enum category_kind kind;
	char *title_zh, *title_en;
	struct cfg_list *lists;
	size_t n_lists;
	struct cfg_list *ech_lists; /* client-facing ECH names (ech_list): blocked only in a
				     * hello that carries encrypted_client_hello */
	size_t n_ech_lists;
	unsigned line;
};

/* What a TLS ClientHello without a server name gets ([group] tls_no_sni). AUTO (not
 * set): block when the group enforces any category at that moment, else allow. */
enum tls_no_sni { TLS_NO_SNI_AUTO, TLS_NO_SNI_ALLOW, TLS_NO_SNI_BLOCK };

enum block_mode { BLOCK_NXDOMAIN, BLOCK_NULL, BLOCK_PAGE, BLOCK_REFUSED };
enum safesearch { SAFESEARCH_OFF, SAFESEARCH_MODERATE, SAFESEARCH_STRICT };

/* A date range [from, to] as days since 1970-01-01 (inclusive). */
struct cfg_daterange {
	int32_t from, to;
	char *label;    /* "national-day", "final-exams" (optional) */
};

/* Minutes since midnight, [start, end); end < start means across midnight. */
struct cfg_timerange {
	uint16_t start, end;
};

struct cfg_timetable {
	char *name;
	char *timezone;           /* IANA name, e.g. "Asia/Shanghai" */
	uint8_t weekdays;         /* bit 0 = Monday ... bit 6 = Sunday */
	struct cfg_timerange *times;
	size_t n_times;
	struct cfg_daterange *holidays; /* not in force on these days */
	size_t n_holidays;
	struct cfg_daterange *extra;    /* in force all day on these days (exam periods) */
	size_t n_extra;
	unsigned line;
};

struct cfg_group {
	char *name;
	struct cg_subnet *subnets;
	size_t n_subnets;
	uint32_t block_always;    /* category bit mask: always enforced */
	uint32_t block_scheduled; /* enforced while the timetable is in force */
	int timetable;            /* index into cfg.timetables, -1 = none */
	enum block_mode block_mode;
	enum tls_no_sni tls_no_sni;
	enum safesearch safesearch_google, safesearch_bing, safesearch_youtube,
		safesearch_duckduckgo;
	unsigned line;
};

struct cfg_dns {
	struct cg_endpoint *listen;  /* UDP and TCP on each */
	size_t n_listen;
	struct cg_endpoint *upstream;
	size_t n_upstream;
	unsigned threads;            /* worker threads (0 = number of cores) */
	unsigned timeout_ms;         /* per upstream try */
	size_t cache_entries;        /* 0 disables the cache */
	size_t cache_max_bytes;
	unsigned rate_limit_qps;     /* per client; 0 = off */
	unsigned rate_limit_burst;
	bool strip_ech;
	struct cg_addr block_page_v4, block_page_v6; /* for BLOCK_PAGE */
	unsigned tcp_idle_ms;
	unsigned tcp_msg_timeout_ms; /* from a message's first byte to its last */
	unsigned tcp_max_per_client; /* open TCP connections per client (IPv6: /64); 0 = off */
	unsigned block_ttl;          /* TTL of synthesised answers */
	unsigned max_pending;        /* upstream queries in flight per worker */
};

#define CFG_MAX_CONNECT_PORTS 16
/* connect_deny words: where CONNECT never goes. */
#define CFG_DENY_LOOPBACK 1u   /* 127.0.0.0/8, ::1, 0.0.0.0/8, :: */
#define CFG_DENY_LINK_LOCAL 2u /* 169.254.0.0/16, fe80::/10 */
#define CFG_DENY_LAN 4u        /* every group's subnets */
#define CFG_DENY_SELF 8u       /* the box's own addresses (getifaddrs at start and reload) */

struct cfg_http {
	struct cg_endpoint *listen;          /* transparent (REDIRECT) */
	size_t n_listen;
	struct cg_endpoint *explicit_listen; /* explicit proxy (absolute-form, CONNECT) */
	size_t n_explicit_listen;
	struct cg_endpoint *tls_listen;      /* transparent TLS (redirected 443) */
	size_t n_tls_listen;
	struct cg_endpoint *blockpage_listen;/* where DNS block-page answers point (port 80) */
	size_t n_blockpage_listen;
	struct cg_endpoint parent;           /* send every allowed request here (port 0 = off) */
	unsigned max_conns;
	unsigned max_conns_per_client;
	unsigned head_timeout_ms;
	unsigned idle_timeout_ms;
	unsigned tls_idle_timeout_ms;        /* a spliced TLS connection silent both ways */
	size_t max_head_bytes;
	size_t max_line_bytes;
	unsigned max_headers;
	/* The explicit proxy's CONNECT: the ports it may tunnel to (default 443) and the
	 * destinations it never tunnels to (CFG_DENY_* bits plus subnets). */
	uint16_t connect_ports[CFG_MAX_CONNECT_PORTS];
	size_t n_connect_ports;
	unsigned connect_deny;                /* CFG_DENY_* */
	struct cg_subnet *connect_deny_nets;  /* further subnets named in connect_deny */
	size_t n_connect_deny_nets;
	unsigned review_limit;  /* block page review requests per client per window (0: off) */
	unsigned review_window; /* that window, in seconds */
};

struct cfg_sensor {
	char **interfaces;
	size_t n_interfaces;
	bool promiscuous;
	struct cg_addr *resolvers;   /* the school's resolvers: DNS elsewhere is a bypass */
	size_t n_resolvers;
	size_t max_flows;
	unsigned flow_timeout_s;
};

struct cfg_journal {
	char *dir;
	unsigned fsync_interval_ms;
	unsigned retention_days;
	size_t max_file_bytes;
	size_t queue_events;
	unsigned client_max_events; /* written per client and interval; 0 = no limit */
	unsigned client_interval_s;
	unsigned min_free_mb;       /* below this free space only the low-space event is written */
	char *syslog;       /* NULL/"off", "local", "udp:HOST:PORT", "tcp:HOST:PORT" */
	char *school;       /* school name/id for reports, block pages and syslog */
	char *contact;      /* whom pupils and teachers ask (block pages) */
	char *dhcp_leases;  /* the DHCP server's lease file (dnsmasq format), or NULL */
	bool lookup_mac;    /* not from the file: campusgated sets it (neighbour table MACs) */
	/* [district] keys the journal uses (docs/district.md): */
	char *school_id;    /* the school's id in the district store; NULL = not in a district */
	unsigned heartbeat_min; /* a heartbeat event every N minutes; 0 = none */
};

/* A device with a fixed address: [ipmac] static = MAC ADDR. */
struct cfg_ipmac_static {
	uint8_t mac[6];
	struct cg_addr addr; /* IPv4 */
	unsigned line;
};

/* [ipmac]: the IP-MAC binding that `campusgate ipmac sync` writes into nftables. */
struct cfg_ipmac {
	bool enforce;	  /* drop LAN packets whose (MAC, source) pair is not bound */
	char *interface;  /* the LAN interface the rule checks */
	char **leases;	  /* lease files; none given: [journal] dhcp_leases */
	size_t n_leases;
	struct cfg_ipmac_static *statics;
	size_t n_statics;
};

/* The web console, campusgate-console (docs/console.md). */
struct cfg_console {
	struct cg_endpoint listen;  /* HTTPS; default 127.0.0.1:8444 */
	char *cert, *key;           /* PEM files; both NULL = a self-signed pair made at first
				     * start beside the accounts file */
	char *accounts;             /* the account file (campusgate user ...) */
	char *user;                 /* the console's own unprivileged user; NULL = stay */
	char *lists_dir;            /* the lists the console may edit: NAME.list per category
				     * and allow.list; NULL = the console edits none */
	unsigned session_idle_s;    /* a session unused this long ends (default 1800) */
	unsigned session_max_s;     /* and any session this old (default 43200) */
};

/* [district]: lists from the district (docs/district.md), fetched by `campusgate update`. */
struct cfg_district {
	bool on;                    /* the section is there */
	char *url;                  /* https:// URL of the bundle; its signature at url.minisig */
	char *pubkey, *pubkey2;     /* minisign public keys (base64); pubkey2 for a rotation */
	char *ca_file;              /* PEM CA file for the district's server; NULL = system CAs */
	char *school_id;            /* this school's id in a bundle's scope */
	char *state_dir;            /* bundles kept, the last applied serial */
	char *lists_dir;            /* where the applied lists are (a link update replaces);
				     * each category reads LISTS_DIR/CATEGORY.list when it is
				     * there, and the allowlist LISTS_DIR/allow.list */
	unsigned timeout_s;         /* a whole download */
};

struct config {
	char *file;                 /* the path it was read from */
	char *dir;                  /* its directory (relative paths resolve here) */
	char *user;                 /* drop to this user after binding; NULL = stay */
	char *pid_file;             /* written by campusgated (for init systems and scripts) */
	char *control_socket;       /* campusgated's control socket; NULL = none */
	char *control_group;        /* group that may use it (reload, status); NULL = root and
				     * the service user only */
	bool allow_root;            /* serve non-loopback addresses as root anyway */
	char *timezone;             /* the school's zone, default "Asia/Shanghai" */
	char *language;             /* "zh-CN" or "en" for block pages and reports */
	struct cfg_dns dns;
	struct cfg_http http;
	struct cfg_sensor sensor;
	struct cfg_journal journal;
	struct cfg_ipmac ipmac;
	struct cfg_console console;
	struct cfg_district district;
	struct cfg_category *categories;
	size_t n_categories;
	struct cfg_list *allow;     /* the allowlist */
	size_t n_allow;
	char *grants;               /* approved unblock requests (grants.h); NULL = none */
	struct cfg_timetable *timetables;
	size_t n_timetables;
	struct cfg_group *groups;   /* first match by longest prefix; "default" catches all */
	size_t n_groups;
};

/* Read and validate a config file. Every problem is added to diag as "file:line: what";
 * returns NULL when there was any error (nothing half-valid is returned). */
struct config *config_load(const char *path, struct diag *diag);

/* The same for a config already in memory (len bytes, need not be NUL-terminated),
 * read as if from path: messages name it and relative paths resolve against its folder. */
struct config *config_parse(const char *buf, size_t len, const char *path, struct diag *diag);

/* A config with no file: the built-in defaults plus what overrides add (used by
 * campusgated's --dns-listen/--blocklist/--upstream flags without -c). */
struct config *config_default(void);

/* Where both programs look for the config when -c is not given: $CAMPUSGATE_CONF, then
 * ./config/campusgate.conf when it is readable (run from a checkout), else
 * CG_CONFIG_FILE (meson -Dconfig_file, default /etc/campusgate/campusgate.conf).
 * Returns a static or environment string; never NULL. */
const char *config_default_path(void);

/* Add a plain list file (one domain per line) as category "blocklist". 0 or -1. */
int config_add_blocklist(struct config *cfg, const char *path, struct diag *diag);

void config_free(struct config *cfg);

int config_category_index(const struct config *cfg, const char *name);
const char *block_mode_name(enum block_mode m);

#endif
