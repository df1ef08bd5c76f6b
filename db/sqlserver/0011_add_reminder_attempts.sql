-- A reminder row that cannot be sent (unreadable recipients, a task gone, a fault while wording it) is tried again
-- with back-off and, after too many attempts, dead-lettered: it keeps status 'pending' (as on SQLite, whose status
-- check cannot be altered) with dead_at set, and the dispatcher's claim passes over it until an administrator requeues it.
ALTER TABLE reminders ADD
    attempts        int           NOT NULL CONSTRAINT df_reminders_attempts DEFAULT 0,
    last_error      nvarchar(max) NULL,
    next_attempt_at datetime2(7)  NULL,
    dead_at         datetime2(7)  NULL;
GO
CREATE INDEX ix_reminders_dead ON reminders (dead_at) WHERE dead_at IS NOT NULL;
GO
