/* The sensor front end: one capture thread per configured interface (live), and the
 * offline run over a capture file; both feed capture -> inspect -> observe. */
#include "sensor.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "util.h"

#define SENSOR_WAIT_MS 200      /* how long a capture thread waits before checking stop */
#define SENSOR_BATCH 4096       /* packets per policy snapshot in an offline run */

struct sensor_iface {
	struct sensor_server *srv;
	char *name;
	struct capture *cap;
	struct inspect *in;
	struct observer *obs;
	pthread_t thread;
	bool started;
	unsigned gen_seen;
};

struct sensor_server {
	struct journal *journal;
	struct sensor_iface *ifs;
	size_t n_ifs;
	atomic_bool stop;
	pthread_mutex_t lock;          /* guards resolvers while a reload replaces them */
	struct cg_addr *resolvers;
	size_t n_resolvers;
	atomic_uint gen;               /* bumped by each reload */
};

static void limits_from(const struct config *cfg, struct inspect_limits *lim)
{
	memset(lim, 0, sizeof(*lim));
	if (!cfg)
		return;
	lim->flow.max_flows = cfg->sensor.max_flows;
	lim->flow.timeout_s = cfg->sensor.flow_timeout_s;
}

static void iface_free(struct sensor_iface *f)
{
	capture_close(f->cap);
	inspect_free(f->in);
	observer_free(f->obs);
	free(f->name);
}

static void server_free(struct sensor_server *s)
{
	for (size_t i = 0; i < s->n_ifs; i++)
		iface_free(&s->ifs[i]);
	free(s->ifs);
	free(s->resolvers);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static void set_resolvers(struct sensor_server *s, const struct cfg_sensor *sc)
{
	free(s->resolvers);
	s->resolvers = NULL;
	s->n_resolvers = sc->n_resolvers;
	if (sc->n_resolvers) {
		s->resolvers = xcalloc(sc->n_resolvers, sizeof(*s->resolvers));
		memcpy(s->resolvers, sc->resolvers, sc->n_resolvers * sizeof(*s->resolvers));
	}
}

struct sensor_server *sensor_server_new(const struct config *cfg, struct journal *j,
				       const char **err)
{
	static __thread char msg[CAPTURE_ERRLEN];
	*err = NULL;
	if (cfg->sensor.n_interfaces == 0)
		return NULL;
	struct sensor_server *s = xcalloc(1, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->journal = j;
	set_resolvers(s, &cfg->sensor);
	s->ifs = xcalloc(cfg->sensor.n_interfaces, sizeof(*s->ifs));
	struct inspect_limits lim;
	limits_from(cfg, &lim);
	for (size_t i = 0; i < cfg->sensor.n_interfaces; i++) {
		struct sensor_iface *f = &s->ifs[s->n_ifs];
		f->srv = s;
		f->name = xstrdup(cfg->sensor.interfaces[i]);
		f->cap = capture_open_live(f->name, cfg->sensor.promiscuous, msg);
		s->n_ifs++;
		if (!f->cap) {
			*err = msg;
			server_free(s);
			return NULL;
		}
		f->obs = observer_new(&cfg->sensor, j);
		f->in = inspect_new(&lim, observer_handle, f->obs);
	}
	return s;
}

static void iface_log_stats(const struct sensor_iface *f)
{
	struct inspect_stats st;
	struct observer_stats os;
	inspect_get_stats(f->in, &st);
	observer_get_stats(f->obs, &os);
	uint64_t bypass = 0;
	for (int i = 0; i < BYPASS_COUNT; i++)
		bypass += os.bypass[i];
	log_info("sensor: %s: %llu packets, %llu dropped, %llu flows, %llu hits, "
		 "%llu bypass attempts, %llu journaled, %llu not journaled", f->name,
		 (unsigned long long)st.packets, (unsigned long long)capture_dropped(f->cap),
		 (unsigned long long)st.flow.created, (unsigned long long)os.hits,
		 (unsigned long long)bypass, (unsigned long long)os.journaled,
		 (unsigned long long)os.journal_dropped);
}

static void *iface_main(void *arg)
{
	struct sensor_iface *f = arg;
	struct sensor_server *s = f->srv;
	char err[CAPTURE_ERRLEN];
	while (!atomic_load(&s->stop)) {
		unsigned gen = atomic_load(&s->gen);
		if (gen != f->gen_seen) {
			pthread_mutex_lock(&s->lock);
			observer_set_resolvers(f->obs, s->resolvers, s->n_resolvers);
			pthread_mutex_unlock(&s->lock);
			f->gen_seen = gen;
		}
		struct policy *p = policy_acquire();
		observer_set_policy(f->obs, p);
		long n = capture_live_run(f->cap, f->in, SENSOR_WAIT_MS, err);
		observer_set_policy(f->obs, NULL);
		if (p)
			policy_unref(p);
		if (n < 0) {
			log_err("sensor: %s: capture stopped: %s", f->name, err);
			break;
		}
	}
	iface_log_stats(f);
	return NULL;
}

int sensor_server_run(struct sensor_server *s)
{
	for (size_t i = 0; i < s->n_ifs; i++) {
		struct sensor_iface *f = &s->ifs[i];
		int e = pthread_create(&f->thread, NULL, iface_main, f);
		if (e == 0)
			pthread_setname_np(f->thread, "cg-sensor");
		if (e != 0) {
			log_err("sensor: %s: cannot start the capture thread: %s", f->name,
				strerror(e));
			return -1;
		}
		f->started = true;
		log_info("sensor: capturing on %s", f->name);
	}
	return 0;
}

void sensor_server_reload(struct sensor_server *s, const struct config *cfg)
{
	pthread_mutex_lock(&s->lock);
	set_resolvers(s, &cfg->sensor);
	pthread_mutex_unlock(&s->lock);
	atomic_fetch_add(&s->gen, 1);
}

void sensor_server_stop(struct sensor_server *s)
{
	if (!s)
		return;
	atomic_store(&s->stop, true);
	for (size_t i = 0; i < s->n_ifs; i++)
		if (s->ifs[i].started)
			pthread_join(s->ifs[i].thread, NULL);
	server_free(s);
}

int sensor_read_file(const char *path, const struct config *cfg, const struct policy *p,
		     struct journal *j, observer_print_cb print, void *print_arg,
		     struct sensor_report *rep, char *err)
{
	memset(rep, 0, sizeof(*rep));
	struct capture *c = capture_open_file(path, err);
	if (!c)
		return -1;
	struct inspect_limits lim;
	limits_from(cfg, &lim);
	struct observer *obs = observer_new(cfg ? &cfg->sensor : NULL, j);
	observer_set_policy(obs, p);
	if (print)
		observer_set_printer(obs, print, print_arg);
	struct inspect *in = inspect_new(&lim, observer_handle, obs);
	long n;
	while ((n = capture_file_run(c, in, SENSOR_BATCH, err)) > 0)
		;
	inspect_get_stats(in, &rep->in);
	observer_get_stats(obs, &rep->obs);
	inspect_free(in);
	observer_free(obs);
	capture_close(c);
	if (n < 0)
		return -1;
	return 0;
}
