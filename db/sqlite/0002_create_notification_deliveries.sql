-- One row per notification and external channel it goes out through (email, group robots, webhooks):
-- each channel retries and dead-letters on its own, so one failing channel never holds back the others.
CREATE TABLE notification_deliveries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    notification_id  INTEGER NOT NULL REFERENCES notifications(id),
    channel          TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('pending','sent','dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT    NOT NULL,
    claimed_by       TEXT    NULL,
    claimed_until    TEXT    NULL,
    last_error       TEXT    NULL,
    sent_at          TEXT    NULL,
    created_at       TEXT    NOT NULL,
    UNIQUE (notification_id, channel)
);
CREATE INDEX ix_notification_deliveries_due ON notification_deliveries (status, next_attempt_at);

-- Work that must happen once per period however many hosts run it (the supervisors' daily digest).
CREATE TABLE job_runs (
    job      TEXT NOT NULL,
    run_key  TEXT NOT NULL,
    at       TEXT NOT NULL,
    PRIMARY KEY (job, run_key)
);
