/* libFuzzer target: the parsers of what `campusgate update` downloads, on arbitrary
 * bytes: the whole input as a bundle (bundle_parse: an accepted one has valid, distinct
 * names, the manifest first, every file inside the input; its manifest then parsed and
 * checked against the files), as a manifest (manifest_parse: an accepted one has a
 * serial, valid school ids and list names), and as minisign signature, public key and
 * secret key files (a parsed signature is then verified with a fixed key). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "manifest.h"
#include "minisign.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void check_manifest(const char *buf, size_t size)
{
	struct manifest m;
	const char *why = NULL;
	unsigned line;
	if (manifest_parse(buf, size, &m, &why, &line) == 0) {
		if (m.serial == 0 || m.serial > INT64_MAX || (m.all && m.n_schools) ||
		    (!m.all && !m.n_schools) || m.n_lists > MANIFEST_MAX_LISTS)
			abort();
		for (size_t i = 0; i < m.n_schools; i++)
			if (!manifest_school_ok(m.schools[i], strlen(m.schools[i])))
				abort();
		for (size_t i = 0; i < m.n_lists; i++)
			if (!bundle_name_ok(m.lists[i].name, strlen(m.lists[i].name)))
				abort();
	} else if (!why) {
		abort();
	}
	manifest_free(&m);
}

static void check_bundle(const char *buf, size_t size)
{
	static struct bundle b;
	const char *why = NULL, *name;
	if (bundle_parse(buf, size, &b, &why) < 0) {
		if (!why)
			abort();
		return;
	}
	if (b.n == 0 || strcmp(b.files[0].name, BUNDLE_MANIFEST) != 0)
		abort();
	for (size_t i = 0; i < b.n; i++) {
		const struct bundle_file *f = &b.files[i];
		if (!bundle_name_ok(f->name, strlen(f->name)) || f->data < buf ||
		    f->data + f->len > buf + size || bundle_find(&b, f->name) != f)
			abort();
	}
	struct manifest m;
	unsigned line;
	if (manifest_parse(b.files[0].data, b.files[0].len, &m, &why, &line) == 0)
		manifest_check_files(&m, &b, &why, &name);
	manifest_free(&m);
	check_manifest(b.files[0].data, b.files[0].len);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct minisign_pub key;
	static bool ready;
	const char *buf = (const char *)data, *why = NULL;
	if (!ready) {
		const char *b64 = "RWQZk2rRIh3BMYHUJWU/eahC6m8y0xbM2NN0Prz0xTGZ8auH7h4YwO44";
		if (sodium_init() < 0 || minisign_pub_parse_b64(b64, strlen(b64), &key, &why) < 0)
			abort();
		ready = true;
	}
	check_bundle(buf, size);
	check_manifest(buf, size);
	struct minisign_sig sig;
	if (minisign_sig_parse(buf, size, &sig, &why) == 0) {
		if (sig.trusted_len > MINISIGN_COMMENT_MAX || strlen(sig.trusted) != sig.trusted_len)
			abort();
		minisign_verify(&key, 1, &sig, data, size, NULL, &why);
	}
	struct minisign_pub pub;
	minisign_pub_parse(buf, size, &pub, &why);
	struct minisign_sec sec;
	minisign_sec_parse(buf, size, &sec, &why);
	return 0;
}
