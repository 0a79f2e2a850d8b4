-- campusgate district store, PostgreSQL 15 (docs/district.md).
-- Apply once as the store's owner:  psql -v ON_ERROR_STOP=1 -d campusgate -f schema.sql
-- Every statement is idempotent, so applying it again after an upgrade is safe.
--
-- events     every journal line of every school, partitioned by (UTC) day; the line is
--            kept byte for byte (line), the columns are copies for the review filters.
--            (school_id, seq) is unique: a line delivered twice is stored once.
-- digests    each school's daily digests, as the school sent them.
-- schools    one row per school: when it was last heard from, its newest heartbeat.
-- daily_counts, daily_hosts, daily_sites   rollups kept by the ingest in the same transaction as the
--            lines (only lines really inserted are counted), for reports over weeks.
-- rejects    messages the ingest could not take, with why (evidence, never dropped).

-- 'does not exist, skipping' notices of the idempotent statements are not news to the
-- admin who applies this file; errors and warnings still show.
SET client_min_messages = warning;

-- The text columns that are keys of indexes compare bytewise (COLLATE "C"): they are
-- ids, names and ASCII words, never sorted for people, and a B-tree insert compared them
-- with strcoll() (most of the ingest's time in the server went there). A store made
-- before keeps the database's collation: correct, only slower.
CREATE TABLE IF NOT EXISTS events (
	school_id   text        COLLATE "C" NOT NULL,
	seq         bigint      NOT NULL,
	ts          timestamptz NOT NULL,
	utc_offset  integer     NOT NULL,
	day         date        NOT NULL,     -- the school's local day of ts
	event       text        COLLATE "C",
	proto       text,
	action      text        COLLATE "C",
	client      inet,
	mac         text,
	client_name text,
	grp         text,
	host        text        COLLATE "C",
	path        text,
	qtype       text,
	category    text        COLLATE "C",
	rule_file   text,
	rule_line   integer,
	reason      text,
	id          text,
	hash        text        NOT NULL,     -- the hash field of the line (hex)
	hash_ok     boolean     NOT NULL,     -- the line matched its hash when it arrived
	line        text        NOT NULL,     -- the journal line as written by the school
	received    timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (school_id, seq, ts)
) PARTITION BY RANGE (ts);

-- ts: a BRIN index (lines arrive in about time order, so a day's partition is ordered by
-- ts and the summary of a few pages finds a range), cheap to keep up at ingest where a
-- B-tree on ts cost as much as the others; a store made before it loses the B-tree.
DROP INDEX IF EXISTS events_ts;
CREATE INDEX IF NOT EXISTS events_ts_brin ON events USING brin (ts) WITH (pages_per_range = 32);
CREATE INDEX IF NOT EXISTS events_school_ts ON events (school_id, ts);
CREATE INDEX IF NOT EXISTS events_client_ts ON events (client, ts);
CREATE INDEX IF NOT EXISTS events_category_ts ON events (category, ts);
CREATE INDEX IF NOT EXISTS events_host_ts ON events (host, ts);

-- The admin audit events of every school (console logins, account changes, ...).
CREATE OR REPLACE VIEW admin_events AS
	SELECT school_id, seq, ts, utc_offset, action, client, reason, id, line
	FROM events WHERE event = 'admin';

CREATE TABLE IF NOT EXISTS digests (
	school_id  text    NOT NULL,
	day        date    NOT NULL,
	count      bigint  NOT NULL,
	first_seq  bigint  NOT NULL,
	last_seq   bigint  NOT NULL,
	last_hash  text    NOT NULL,
	line       text    NOT NULL,
	received   timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (school_id, day, last_seq)
);

CREATE TABLE IF NOT EXISTS schools (
	school_id      text PRIMARY KEY,
	first_seen     timestamptz NOT NULL DEFAULT now(),
	last_seen      timestamptz,      -- when the store last received a line from it
	last_event     timestamptz,      -- the time written on its newest line
	last_heartbeat timestamptz,      -- the time written on its newest heartbeat
	last_seq       bigint
);

CREATE TABLE IF NOT EXISTS daily_counts (
	day       date   NOT NULL,
	school_id text   COLLATE "C" NOT NULL,
	category  text   COLLATE "C" NOT NULL,       -- '' for none
	action    text   COLLATE "C" NOT NULL,
	event     text   COLLATE "C" NOT NULL,
	n         bigint NOT NULL,
	PRIMARY KEY (day, school_id, category, action, event)
);

CREATE TABLE IF NOT EXISTS daily_hosts (
	day       date   NOT NULL,
	school_id text   COLLATE "C" NOT NULL,
	category  text   COLLATE "C" NOT NULL,
	host      text   COLLATE "C" NOT NULL,
	n         bigint NOT NULL,
	PRIMARY KEY (day, school_id, category, host)
);

-- The host rollup across schools (what daily_hosts sums to per day, category and host):
-- the summary's top sites and the names a `journal --district --host` part matches are
-- read here, 3 k rows a day instead of 300 k for 100 schools. A store made before it
-- gets it filled from daily_hosts once.
CREATE TABLE IF NOT EXISTS daily_sites (
	day       date   NOT NULL,
	category  text   COLLATE "C" NOT NULL,
	host      text   COLLATE "C" NOT NULL,
	n         bigint NOT NULL,
	PRIMARY KEY (day, category, host)
);
INSERT INTO daily_sites SELECT day, category, host, sum(n) FROM daily_hosts
	WHERE NOT EXISTS (SELECT 1 FROM daily_sites) GROUP BY 1, 2, 3;

CREATE TABLE IF NOT EXISTS rejects (
	received timestamptz NOT NULL DEFAULT now(),
	why      text NOT NULL,
	message  bytea NOT NULL
);

-- The partition of events for the UTC day d (made by the ingest before it copies lines
-- of a new day; concurrent ingests serialise on an advisory lock).
CREATE OR REPLACE FUNCTION cg_ensure_partition(d date) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	name text := 'events_' || to_char(d, 'YYYYMMDD');
BEGIN
	IF to_regclass(name) IS NOT NULL THEN
		RETURN;
	END IF;
	PERFORM pg_advisory_xact_lock(hashtext(name));
	EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF events '
		       'FOR VALUES FROM (%L) TO (%L)', name,
		       (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
END $$;

-- Retention: drop the partitions of events older than keep_days (whole days, by their
-- UTC day), and the rollups, digests and rejects of the same age. Returns the partitions
-- dropped. Six months (China's Cybersecurity Law, art. 21) is keep_days = 183 or more.
CREATE OR REPLACE FUNCTION cg_retain(keep_days integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	p record;
	cut date := (now() AT TIME ZONE 'UTC')::date - keep_days;
	n integer := 0;
BEGIN
	IF keep_days < 1 THEN
		RAISE EXCEPTION 'keep_days must be at least 1';
	END IF;
	FOR p IN SELECT c.relname FROM pg_inherits i
		 JOIN pg_class c ON c.oid = i.inhrelid
		 WHERE i.inhparent = 'events'::regclass AND c.relname ~ '^events_[0-9]{8}$'
		   AND to_date(substr(c.relname, 8), 'YYYYMMDD') < cut
	LOOP
		EXECUTE format('DROP TABLE %I', p.relname);
		n := n + 1;
	END LOOP;
	DELETE FROM daily_counts WHERE day < cut;
	DELETE FROM daily_hosts WHERE day < cut - 1; -- a kept line's local day may be cut - 1
	DELETE FROM daily_sites WHERE day < cut - 1;
	DELETE FROM digests WHERE day < cut;
	DELETE FROM rejects WHERE received < cut;
	RETURN n;
END $$;
