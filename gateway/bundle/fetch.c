/* fetch: bounded HTTPS downloads with libcurl. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "fetch.h"

struct fetch_sink {
	struct sbuf *out;
	size_t max;
	bool too_big;
};

static size_t fetch_write(char *p, size_t size, size_t n, void *arg)
{
	struct fetch_sink *s = arg;
	size_t len = size * n;
	if (len > s->max - s->out->len) {
		s->too_big = true;
		return 0; /* curl stops with CURLE_WRITE_ERROR */
	}
	sbuf_add(s->out, p, len);
	return len;
}

int fetch_url(const char *url, const char *ca_file, unsigned timeout_s, size_t max,
	      struct sbuf *out, char *err, size_t errlen)
{
	struct fetch_sink sink = {.out = out, .max = max};
	char ebuf[CURL_ERROR_SIZE] = "";
	long status = 0;
	int rc = -1;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		snprintf(err, errlen, "libcurl does not start");
		return -1;
	}
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(err, errlen, "libcurl does not start");
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, ca_file);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)timeout_s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)(timeout_s < 30 ? timeout_s : 30));
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "campusgate-update");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fetch_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	CURLcode cr = curl_easy_perform(c);
	if (cr != CURLE_OK) {
		snprintf(err, errlen, "%s", sink.too_big || cr == CURLE_FILESIZE_EXCEEDED
			 ? "larger than the limit" : ebuf[0] ? ebuf : curl_easy_strerror(cr));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		snprintf(err, errlen, "HTTP status %ld", status);
		goto out;
	}
	rc = 0;
out:
	if (c)
		curl_easy_cleanup(c);
	curl_global_cleanup();
	return rc;
}
