/* journal_syslog: each journal event as an RFC 5424 message with structured data and the
 * exact journal line as its MSG (so that a district store can recompute the hash chain),
 * sent to the local syslog socket or a collector (UDP, or TCP with RFC 6587 octet
 * counting), without ever making the journal's writer thread wait. */
#include "journal_syslog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "addr.h"

#define SD_ID "campusgate@32473"
#define FACILITY 16                 /* local0 */
#define TCP_PENDING_MAX (256u << 10) /* bytes queued for a slow TCP collector */
#define RECONNECT_NS 5000000000ull
#define LOCAL_SOCKET "/dev/log"
#define DROP_LOG_NS 60000000000ull

enum js_kind { JS_LOCAL, JS_UDP, JS_TCP };

struct journal_syslog {
	enum js_kind kind;
	int fd;
	bool connected;                /* TCP: the connect has completed */
	struct sockaddr_storage ss;
	socklen_t sslen;
	char *school, *school_id;
	char hostname[256];
	struct sbuf msg, pending;      /* one message; TCP bytes not yet sent */
	uint64_t pending_msgs;         /* messages (wholly or partly) in pending */
	uint64_t sent, dropped;
	uint64_t last_connect_ns;
	uint64_t last_drop_log_ns;
};

static int js_connect(struct journal_syslog *js)
{
	int type = js->kind == JS_TCP ? SOCK_STREAM : SOCK_DGRAM;
	js->last_connect_ns = now_mono_ns();
	js->connected = false;
	js->fd = socket(js->ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (js->fd < 0)
		return -1;
	if (connect(js->fd, (struct sockaddr *)&js->ss, js->sslen) < 0) {
		if (js->kind == JS_TCP && errno == EINPROGRESS)
			return 0; /* completes later; messages wait in pending meanwhile */
		close(js->fd);
		js->fd = -1;
		return -1;
	}
	js->connected = true;
	return 0;
}

struct journal_syslog *journal_syslog_open(const char *spec, const char *school,
					   const char *school_id, const char **err)
{
	struct journal_syslog *js;
	*err = NULL;
	if (!spec || !*spec || strcmp(spec, "off") == 0)
		return NULL;
	js = xcalloc(1, sizeof *js);
	js->fd = -1;
	sbuf_init(&js->msg);
	sbuf_init(&js->pending);
	if (strcmp(spec, "local") == 0) {
		struct sockaddr_un *sun = (struct sockaddr_un *)&js->ss;
		js->kind = JS_LOCAL;
		sun->sun_family = AF_UNIX;
		memcpy(sun->sun_path, LOCAL_SOCKET, sizeof LOCAL_SOCKET);
		js->sslen = (socklen_t)sizeof *sun;
	} else if (strncmp(spec, "udp:", 4) == 0 || strncmp(spec, "tcp:", 4) == 0) {
		struct cg_endpoint ep;
		js->kind = spec[0] == 'u' ? JS_UDP : JS_TCP;
		if (endpoint_parse(spec + 4, 514, &ep) < 0) {
			*err = "syslog: expected udp:HOST:PORT or tcp:HOST:PORT with HOST an address";
			goto fail;
		}
		js->sslen = endpoint_to_sockaddr(&ep, &js->ss);
	} else {
		*err = "syslog: expected off, local, udp:HOST:PORT or tcp:HOST:PORT";
		goto fail;
	}
	if (gethostname(js->hostname, sizeof js->hostname - 1) < 0 || !js->hostname[0])
		strcpy(js->hostname, "-");
	/* RFC 5424 HOSTNAME: printable US-ASCII, no spaces. */
	for (char *c = js->hostname; *c; c++)
		if (*c <= ' ' || *c > '~')
			*c = '_';
	js->school = school && *school ? xstrdup(school) : NULL;
	js->school_id = school_id && *school_id ? xstrdup(school_id) : NULL;
	if (js_connect(js) < 0 && js->kind != JS_LOCAL) {
		/* A collector that is away now may come back: retry later, do not fail. */
		log_warn("syslog %s: cannot connect now (%s); will retry", spec,
			 strerror(errno));
	}
	return js;
fail:
	sbuf_free(&js->msg);
	sbuf_free(&js->pending);
	free(js);
	return NULL;
}

/* An SD-PARAM value: the JSON string escaping (so control bytes and invalid UTF-8 are
 * already safe, and " and \ escaped as RFC 5424 wants) plus ] escaped as \]. */
static void sd_param(struct sbuf *out, const char *name, const char *val)
{
	if (!val)
		return;
	sbuf_addc(out, ' ');
	sbuf_adds(out, name);
	sbuf_add(out, "=\"", 2);
	size_t start = out->len;
	journal_json_escape(out, val, 4096);
	size_t n = 0;
	for (size_t i = start; i < out->len; i++)
		n += out->data[i] == ']';
	if (n) {
		size_t old = out->len;
		for (size_t i = 0; i < n; i++)
			sbuf_addc(out, ' ');
		char *d = out->data;
		size_t w = out->len;
		for (size_t i = old; i-- > start;) {
			d[--w] = d[i];
			if (d[i] == ']')
				d[--w] = '\\';
		}
	}
	sbuf_addc(out, '"');
}

static int severity(const struct journal_record *r)
{
	if (r->action && (strcmp(r->action, "block") == 0 || strcmp(r->action, "bypass") == 0))
		return 4; /* warning */
	if (r->event && strcmp(r->event, "hit") != 0)
		return 4; /* recovered, retention, bypass, ... */
	return 5; /* notice */
}

/* MSGID and the short text are printable ASCII tokens. */
static void token(struct sbuf *out, const char *s, size_t max)
{
	size_t n = 0;
	for (; s && *s && n < max; s++, n++)
		sbuf_addc(out, *s > ' ' && *s <= '~' ? *s : '_');
	if (n == 0)
		sbuf_addc(out, '-');
}

void journal_syslog_format(struct sbuf *out, const struct journal_record *r, const char *hostname,
			   const char *school, const char *school_id, const char *line, size_t len)
{
	char t[JOURNAL_TIME_LEN], hex[JOURNAL_HEX_LEN];
	journal_format_time(r->time_us, r->utc_offset, t);
	sbuf_printf(out, "<%d>1 %s ", FACILITY * 8 + severity(r), t);
	token(out, hostname, 255);
	sbuf_printf(out, " campusgated %ld ", (long)getpid());
	token(out, r->event, 32);
	sbuf_adds(out, " [" SD_ID);
	sbuf_printf(out, " seq=\"%llu\"", (unsigned long long)r->seq);
	sd_param(out, "id", r->id);
	sd_param(out, "school_id", school_id);
	sd_param(out, "school", school);
	sd_param(out, "proto", r->proto);
	sd_param(out, "action", r->action);
	sd_param(out, "client", r->client);
	sd_param(out, "mac", r->mac);
	sd_param(out, "client_name", r->client_name);
	sd_param(out, "group", r->group);
	sd_param(out, "host", r->host);
	sd_param(out, "path", r->path);
	sd_param(out, "qtype", r->qtype);
	sd_param(out, "category", r->category);
	sd_param(out, "rule_file", r->rule_file);
	if (r->rule_line)
		sbuf_printf(out, " rule_line=\"%u\"", r->rule_line);
	sd_param(out, "rule_text", r->rule_text);
	sd_param(out, "block_mode", r->block_mode);
	sd_param(out, "reason", r->reason);
	sd_param(out, "account", r->account);
	sd_param(out, "teacher", r->teacher);
	journal_hex(r->hash, hex);
	sd_param(out, "hash", hex);
	sbuf_adds(out, "] ");
	/* MSG: the journal line itself, byte for byte (JSON: printable, no newline, UTF-8),
	 * which a district store keeps and rehashes. */
	if (len && line[len - 1] == '\n')
		len--;
	sbuf_add(out, line, len);
}

void journal_syslog_format_digest(struct sbuf *out, int64_t time_us, int32_t utc_offset,
				  const char *hostname, const char *school_id, const char *day,
				  const char *line, size_t len)
{
	char t[JOURNAL_TIME_LEN];
	journal_format_time(time_us, utc_offset, t);
	sbuf_printf(out, "<%d>1 %s ", FACILITY * 8 + 5, t);
	token(out, hostname, 255);
	sbuf_printf(out, " campusgated %ld digest [" SD_ID, (long)getpid());
	sd_param(out, "school_id", school_id);
	sd_param(out, "day", day);
	sbuf_adds(out, "] ");
	if (len && line[len - 1] == '\n')
		len--;
	sbuf_add(out, line, len);
}

/* Count a message not sent; say so in the log at most once a minute. */
static void js_drop(struct journal_syslog *js)
{
	js->dropped++;
	uint64_t now = now_mono_ns();
	if (js->last_drop_log_ns && now - js->last_drop_log_ns < DROP_LOG_NS)
		return;
	js->last_drop_log_ns = now;
	log_warn("syslog: collector away or slow: message not sent (%llu dropped so far; the "
		 "journal itself is unaffected)", (unsigned long long)js->dropped);
}

/* Send what is pending on a TCP connection; drop the connection on an error. */
static void tcp_push(struct journal_syslog *js)
{
	while (js->pending.len > 0) {
		ssize_t w = send(js->fd, js->pending.data, js->pending.len, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOTCONN)
				return;
			close(js->fd);
			js->fd = -1;
			js->connected = false;
			sbuf_reset(&js->pending); /* a new connection starts on a frame */
			js->sent -= js->pending_msgs; /* they were never delivered */
			js->dropped += js->pending_msgs;
			js->pending_msgs = 0;
			return;
		}
		js->connected = true;
		memmove(js->pending.data, js->pending.data + w, js->pending.len - (size_t)w);
		js->pending.len -= (size_t)w;
		if (js->pending.len == 0)
			js->pending_msgs = 0;
	}
}

/* Send the message in js->msg. */
static void js_send_msg(struct journal_syslog *js)
{
	if (js->kind != JS_TCP) {
		if (send(js->fd, js->msg.data, js->msg.len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
			int e = errno;
			js_drop(js);
			if (e != EAGAIN && e != EWOULDBLOCK && e != ENOBUFS) {
				close(js->fd); /* e.g. the local syslogd restarted */
				js->fd = -1;
			}
			return;
		}
		js->sent++;
		return;
	}
	if (js->pending.len + js->msg.len + 24 > TCP_PENDING_MAX) {
		js_drop(js);
		tcp_push(js);
		return;
	}
	sbuf_printf(&js->pending, "%zu ", js->msg.len);
	sbuf_add(&js->pending, js->msg.data, js->msg.len);
	js->pending_msgs++;
	js->sent++;
	tcp_push(js);
}

/* Whether there is a socket to send on (connecting again when it is time); counts a
 * drop when not. */
static bool js_ready(struct journal_syslog *js)
{
	if (js->fd < 0 && now_mono_ns() - js->last_connect_ns >= RECONNECT_NS)
		js_connect(js);
	if (js->fd < 0) {
		js_drop(js);
		return false;
	}
	return true;
}

void journal_syslog_send(struct journal_syslog *js, const struct journal_record *r,
			 const char *line, size_t len)
{
	if (!js || !js_ready(js))
		return;
	sbuf_reset(&js->msg);
	journal_syslog_format(&js->msg, r, js->hostname, js->school, js->school_id, line, len);
	js_send_msg(js);
}

void journal_syslog_send_digest(struct journal_syslog *js, int64_t time_us, int32_t utc_offset,
				const char *day, const char *line, size_t len)
{
	if (!js || !js_ready(js))
		return;
	sbuf_reset(&js->msg);
	journal_syslog_format_digest(&js->msg, time_us, utc_offset, js->hostname, js->school_id,
				     day, line, len);
	js_send_msg(js);
}

void journal_syslog_counts(const struct journal_syslog *js, uint64_t *sent, uint64_t *dropped)
{
	*sent = js ? js->sent : 0;
	*dropped = js ? js->dropped : 0;
}

void journal_syslog_close(struct journal_syslog *js)
{
	if (!js)
		return;
	if (js->fd >= 0) {
		if (js->kind == JS_TCP)
			tcp_push(js); /* one last try, never a wait */
		close(js->fd);
	}
	sbuf_free(&js->msg);
	sbuf_free(&js->pending);
	free(js->school);
	free(js->school_id);
	free(js);
}
