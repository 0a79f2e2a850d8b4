/* campusgate bundle keygen|make|sign|verify: the district bureau's side of the list
 * bundles (docs/district.md). The formats and checks are in gateway/bundle/. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "bundle_files.h"
#include "cli.h"
#include "i18n.h"
#include "manifest.h"
#include "minisign.h"

#define BUNDLE_MAX_KEYS 4

/* Write a new file with mode (O_EXCL: an existing key is never overwritten). */
static int write_excl(enum lang l, const char *path, const struct sbuf *b, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		if (errno == EEXIST)
			msg_fprintf(stderr, l, MSG_BUNDLE_EXISTS, path);
		else
			msg_fprintf(stderr, l, MSG_BUNDLE_CANNOT_WRITE, path, lang_reason(l, strerror(errno)));
		return -1;
	}
	if (write(fd, b->data, b->len) != (ssize_t)b->len || fsync(fd) < 0) {
		msg_fprintf(stderr, l, MSG_BUNDLE_CANNOT_WRITE, path, lang_reason(l, strerror(errno)));
		close(fd);
		unlink(path);
		return -1;
	}
	return close(fd);
}

static int read_or_say(enum lang l, const char *path, size_t max, struct sbuf *out)
{
	if (bundle_read_file(path, max, out) == 0)
		return 0;
	msg_fprintf(stderr, l, MSG_BUNDLE_ERROR, path, lang_reason(l, strerror(errno)));
	return -1;
}

static int bundle_keygen(enum lang l, const char *pub, const char *sec)
{
	struct sbuf p, s;
	struct minisign_pub k;
	const char *why;
	char id[17];
	int rc = 2;
	if (!pub || !sec) {
		fputs(msg(l, MSG_BUNDLE_USAGE), stderr);
		return 2;
	}
	sbuf_init(&p);
	sbuf_init(&s);
	minisign_keygen(&p, &s);
	if (minisign_pub_parse(p.data, p.len, &k, &why) < 0)
		goto out;
	if (write_excl(l, sec, &s, 0600) < 0)
		goto out;
	if (write_excl(l, pub, &p, 0644) < 0) {
		unlink(sec);
		goto out;
	}
	char *b64 = strchr(p.data, '\n') + 1;
	b64[strcspn(b64, "\n")] = '\0';
	msg_printf(l, MSG_BUNDLE_KEYS_MADE, minisign_keyid_str(k.keyid, id), pub, b64, sec);
	rc = 0;
out:
	sodium_memzero(s.data, s.len);
	sbuf_free(&p);
	sbuf_free(&s);
	return rc;
}

static void scope_text(const struct manifest *m, struct sbuf *out)
{
	if (m->all)
		sbuf_adds(out, "all");
	for (size_t i = 0; i < m->n_schools; i++)
		sbuf_printf(out, "%s%s", i ? "," : "", m->schools[i]);
}

struct make_opts {
	const char *out, *expires;
	unsigned long long serial, days;
	bool all;
	char **schools;
	size_t n_schools;
};

static int bundle_make_cmd(enum lang l, const char *dir, struct make_opts *o)
{
	struct manifest m;
	struct sbuf b, sc;
	struct diag d;
	char t[21];
	int rc = 2;
	memset(&m, 0, sizeof m);
	if (!o->out || !dir) {
		fputs(msg(l, MSG_BUNDLE_USAGE), stderr);
		return 2;
	}
	if (o->serial == 0) {
		msg_fprintf(stderr, l, MSG_BUNDLE_NEED_SERIAL);
		return 2;
	}
	if (o->all == (o->n_schools > 0)) {
		msg_fprintf(stderr, l, MSG_BUNDLE_NEED_SCOPE);
		return 2;
	}
	if (o->expires) {
		if (manifest_time_parse(o->expires, strlen(o->expires), &m.expires) < 0 ||
		    m.expires <= (int64_t)time(NULL)) {
			msg_fprintf(stderr, l, MSG_BUNDLE_BAD_EXPIRES, o->expires);
			return 2;
		}
	} else {
		m.expires = (int64_t)time(NULL) + (int64_t)(o->days ? o->days : 30) * 86400;
	}
	m.serial = o->serial;
	m.all = o->all;
	m.schools = o->schools;
	m.n_schools = o->n_schools;
	sbuf_init(&b);
	sbuf_init(&sc);
	diag_init(&d);
	int made = bundle_make(dir, &m, &b, &d);
	lang_diag_print(l, &d, stderr);
	if (made < 0) {
		msg_fprintf(stderr, l, MSG_BUNDLE_BAD_LINES, dir, d.errors);
		rc = 1;
		goto out;
	}
	if (bundle_write_atomic(o->out, b.data, b.len) < 0) {
		msg_fprintf(stderr, l, MSG_BUNDLE_CANNOT_WRITE, o->out, lang_reason(l, strerror(errno)));
		goto out;
	}
	scope_text(&m, &sc);
	manifest_time_str(m.expires, t);
	msg_printf(l, MSG_BUNDLE_MADE, o->out, m.n_lists, (unsigned long long)m.serial, t, sc.data);
	rc = 0;
out:
	diag_free(&d);
	sbuf_free(&b);
	sbuf_free(&sc);
	return rc;
}

static int bundle_sign_cmd(enum lang l, const char *file, const char *sec, const char *comment)
{
	struct sbuf b, k, sig, path;
	struct minisign_sec sk;
	const char *why = NULL;
	char id[17], tc[256];
	int rc = 2;
	if (!file || !sec) {
		fputs(msg(l, MSG_BUNDLE_USAGE), stderr);
		return 2;
	}
	sbuf_init(&b);
	sbuf_init(&k);
	sbuf_init(&sig);
	sbuf_init(&path);
	if (read_or_say(l, file, BUNDLE_MAX_BYTES, &b) < 0 ||
	    read_or_say(l, sec, MINISIGN_FILE_MAX, &k) < 0)
		goto out;
	if (minisign_sec_parse(k.data, k.len, &sk, &why) < 0) {
		msg_fprintf(stderr, l, MSG_BUNDLE_ERROR, sec, lang_reason(l, why));
		goto out;
	}
	if (!comment) {
		const char *base = strrchr(file, '/');
		snprintf(tc, sizeof tc, "timestamp:%lld\tfile:%s\thashed", (long long)time(NULL),
			 base ? base + 1 : file);
		comment = tc;
	}
	if (minisign_sign(&sk, (const uint8_t *)b.data, b.len, comment, &sig, &why) < 0) {
		msg_fprintf(stderr, l, MSG_BUNDLE_ERROR, file, lang_reason(l, why));
		goto out;
	}
	sbuf_printf(&path, "%s.minisig", file);
	if (bundle_write_atomic(path.data, sig.data, sig.len) < 0) {
		msg_fprintf(stderr, l, MSG_BUNDLE_CANNOT_WRITE, path.data, lang_reason(l, strerror(errno)));
		goto out;
	}
	msg_printf(l, MSG_BUNDLE_SIGNED, path.data, minisign_keyid_str(sk.keyid, id));
	rc = 0;
out:
	sodium_memzero(&sk, sizeof sk);
	sodium_memzero(k.data, k.len);
	sbuf_free(&b);
	sbuf_free(&k);
	sbuf_free(&sig);
	sbuf_free(&path);
	return rc;
}

struct verify_opts {
	const char *sig, *school;
	const char *keyfiles[BUNDLE_MAX_KEYS], *keys[BUNDLE_MAX_KEYS];
	size_t n_keyfiles, n_keys;
};

static int load_keys(enum lang l, const struct verify_opts *o, struct minisign_pub *k, size_t *n)
{
	const char *why = NULL;
	*n = 0;
	for (size_t i = 0; i < o->n_keys; i++) {
		if (minisign_pub_parse_b64(o->keys[i], strlen(o->keys[i]), &k[*n], &why) < 0) {
			msg_fprintf(stderr, l, MSG_BUNDLE_ERROR, o->keys[i], lang_reason(l, why));
			return -1;
		}
		++*n;
	}
	for (size_t i = 0; i < o->n_keyfiles; i++) {
		struct sbuf f;
		sbuf_init(&f);
		int r = read_or_say(l, o->keyfiles[i], MINISIGN_FILE_MAX, &f);
		if (r == 0 && minisign_pub_parse(f.data, f.len, &k[*n], &why) < 0) {
			msg_fprintf(stderr, l, MSG_BUNDLE_ERROR, o->keyfiles[i], lang_reason(l, why));
			r = -1;
		}
		sbuf_free(&f);
		if (r < 0)
			return -1;
		++*n;
	}
	if (*n == 0) {
		msg_fprintf(stderr, l, MSG_BUNDLE_NEED_KEY);
		return -1;
	}
	return 0;
}

static int bundle_verify_cmd(enum lang l, const char *file, const struct verify_opts *o)
{
	struct minisign_pub keys[2 * BUNDLE_MAX_KEYS];
	struct sbuf b, s, path, sc;
	struct manifest m;
	struct bundle *bd = xmalloc(sizeof *bd);
	struct diag d;
	size_t n = 0, used = 0;
	const char *why = NULL;
	char id[17], t[21];
	int rc = 2;
	memset(&m, 0, sizeof m);
	sbuf_init(&b);
	sbuf_init(&s);
	sbuf_init(&path);
	sbuf_init(&sc);
	diag_init(&d);
	if (!file) {
		fputs(msg(l, MSG_BUNDLE_USAGE), stderr);
		goto out;
	}
	if (o->sig)
		sbuf_adds(&path, o->sig);
	else
		sbuf_printf(&path, "%s.minisig", file);
	if (load_keys(l, o, keys, &n) < 0 || read_or_say(l, file, BUNDLE_MAX_BYTES, &b) < 0 ||
	    read_or_say(l, path.data, MINISIGN_FILE_MAX, &s) < 0)
		goto out;
	rc = 1;
	if (bundle_verify(b.data, b.len, s.data, s.len, keys, n, file, &m, bd, &used, &d,
			  &why) < 0) {
		lang_diag_print(l, &d, stderr);
		goto out;
	}
	if (o->school && manifest_decide(&m, false, 0, (int64_t)time(NULL), o->school, &why) < 0) {
		msg_fprintf(stderr, l, MSG_BUNDLE_ERROR, file, lang_reason(l, why));
		goto out;
	}
	scope_text(&m, &sc);
	manifest_time_str(m.expires, t);
	msg_printf(l, MSG_BUNDLE_VERIFIED, file, minisign_keyid_str(keys[used].keyid, id),
		   (unsigned long long)m.serial, t, sc.data, m.n_lists);
	rc = 0;
out:
	manifest_free(&m);
	free(bd);
	diag_free(&d);
	sbuf_free(&b);
	sbuf_free(&s);
	sbuf_free(&path);
	sbuf_free(&sc);
	return rc;
}

/* Everything the subcommands take. */
struct bundle_args {
	struct make_opts mo;
	struct verify_opts vo;
	const char *pub, *sec, *comment;
	char *schools[MANIFEST_MAX_SCHOOLS];
};

static int bundle_opt(enum lang l, int c, struct bundle_args *a)
{
	switch (c) {
	case 'o': a->mo.out = optarg; break;
	case 'S':
		if (parse_uint(optarg, 1, INT64_MAX, &a->mo.serial) < 0) {
			msg_fprintf(stderr, l, MSG_BUNDLE_NEED_SERIAL);
			return -1;
		}
		break;
	case 'E': a->mo.expires = optarg; break;
	case 'D':
		if (parse_uint(optarg, 1, 3650, &a->mo.days) < 0) {
			msg_fprintf(stderr, l, MSG_BUNDLE_BAD_EXPIRES, optarg);
			return -1;
		}
		break;
	case 'A': a->mo.all = true; break;
	case 'K':
		if (!manifest_school_ok(optarg, strlen(optarg)) ||
		    a->mo.n_schools == MANIFEST_MAX_SCHOOLS) {
			msg_fprintf(stderr, l, MSG_BUNDLE_ERROR, optarg,
				    lang_reason(l, "manifest: bad school id"));
			return -1;
		}
		a->mo.schools[a->mo.n_schools++] = optarg;
		a->vo.school = optarg;
		break;
	case 'p':
		a->pub = optarg;
		if (a->vo.n_keyfiles < BUNDLE_MAX_KEYS)
			a->vo.keyfiles[a->vo.n_keyfiles++] = optarg;
		break;
	case 'P':
		if (a->vo.n_keys < BUNDLE_MAX_KEYS)
			a->vo.keys[a->vo.n_keys++] = optarg;
		break;
	case 's': a->sec = optarg; break;
	case 't': a->comment = optarg; break;
	case 'x': a->vo.sig = optarg; break;
	default: fputs(msg(l, MSG_BUNDLE_USAGE), stderr); return -1;
	}
	return 0;
}

int cmd_bundle(int argc, char **argv)
{
	enum lang l = lang_from_env();
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"serial", required_argument, NULL, 'S'},
		{"expires", required_argument, NULL, 'E'},
		{"days", required_argument, NULL, 'D'},
		{"all", no_argument, NULL, 'A'},
		{"school", required_argument, NULL, 'K'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct bundle_args a = {0};
	int c;
	if (sodium_init() < 0)
		return 2;
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(msg(l, MSG_BUNDLE_USAGE), argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1];
	a.mo.schools = a.schools;
	optind = 2;
	while ((c = getopt_long(argc, argv, "o:p:P:s:t:x:h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(msg(l, MSG_BUNDLE_USAGE), stdout);
			return 0;
		}
		if (bundle_opt(l, c, &a) < 0)
			return 2;
	}
	const char *arg = optind < argc ? argv[optind] : NULL;
	if (optind + 1 < argc) {
		fputs(msg(l, MSG_BUNDLE_USAGE), stderr);
		return 2;
	}
	if (!strcmp(sub, "keygen"))
		return bundle_keygen(l, a.pub, a.sec);
	if (!strcmp(sub, "make"))
		return bundle_make_cmd(l, arg, &a.mo);
	if (!strcmp(sub, "sign"))
		return bundle_sign_cmd(l, arg, a.sec, a.comment);
	if (!strcmp(sub, "verify"))
		return bundle_verify_cmd(l, arg, &a.vo);
	fputs(msg(l, MSG_BUNDLE_USAGE), stderr);
	return 2;
}
