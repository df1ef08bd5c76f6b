-- One row per notification and external channel it goes out through (email, group robots, webhooks):
-- each channel retries and dead-letters on its own, so one failing channel never holds back the others.
CREATE TABLE notification_deliveries (
    id               bigint        IDENTITY(1,1) PRIMARY KEY,
    notification_id  bigint        NOT NULL REFERENCES notifications(id),
    channel          nvarchar(100) NOT NULL,
    status           nvarchar(16)  NOT NULL CHECK (status IN ('pending','sent','dead')),
    attempts         int           NOT NULL DEFAULT 0,
    next_attempt_at  datetime2(7)  NOT NULL,
    claimed_by       nvarchar(128) NULL,
    claimed_until    datetime2(7)  NULL,
    last_error       nvarchar(max) NULL,
    sent_at          datetime2(7)  NULL,
    created_at       datetime2(7)  NOT NULL,
    UNIQUE (notification_id, channel)
);
CREATE INDEX ix_notification_deliveries_due ON notification_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX ix_notification_deliveries_dead ON notification_deliveries (id) WHERE status = 'dead';
GO

-- Work that must happen once per period however many hosts run it (the supervisors' daily digest).
CREATE TABLE job_runs (
    job      nvarchar(100) NOT NULL,
    run_key  nvarchar(100) NOT NULL,
    at       datetime2(7)  NOT NULL,
    PRIMARY KEY (job, run_key)
);
GO
