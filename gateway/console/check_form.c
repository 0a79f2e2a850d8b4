/* check_form: the /check form's fields into a "check" request line (check_form.h). */
#include "check_form.h"

#include <string.h>

#include "check_request.h"

/* An optional address field: 0 (given: *has set) or -1. */
static int form_addr(const char *buf, size_t len, struct cg_addr *a, bool *has)
{
	bool too_long;
	*has = buf && len > 0;
	if (!*has)
		return 0;
	return check_addr_parse(buf, len, a, &too_long);
}

int check_form_request(const struct check_form *f, struct sbuf *out,
		       enum check_form_field *bad)
{
	char target[CHECK_TARGET_MAX + 1];
	struct cg_addr client, dest;
	bool has_client, has_dest;

	*bad = CHECK_FORM_TARGET;
	if (!f->target || f->target_len == 0 || f->target_len > CHECK_TARGET_MAX ||
	    memchr(f->target, '\0', f->target_len))
		goto fail;
	memcpy(target, f->target, f->target_len);
	target[f->target_len] = '\0';
	*bad = CHECK_FORM_CLIENT;
	if (form_addr(f->client, f->client_len, &client, &has_client) < 0)
		goto fail;
	*bad = CHECK_FORM_DEST;
	if (form_addr(f->dest, f->dest_len, &dest, &has_dest) < 0)
		goto fail;
	*bad = CHECK_FORM_TIME;
	if (f->when < -1 || f->when > CHECK_TIME_MAX)
		goto fail;
	*bad = CHECK_FORM_TARGET; /* spaces, control characters */
	if (check_request_format(out, target, has_client ? &client : NULL,
				 has_dest ? &dest : NULL, f->when) < 0)
		goto fail;
	*bad = CHECK_FORM_OK;
	return 0;
fail:
	return -1;
}
