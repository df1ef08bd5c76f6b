-- A reminder row that cannot be sent (unreadable recipients, a task gone, a fault while wording it) is tried again
-- with back-off and, after too many attempts, dead-lettered: it keeps status 'pending' (the status check cannot be
-- altered on SQLite) with dead_at set, and the dispatcher's claim passes over it until an administrator requeues it.
ALTER TABLE reminders ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reminders ADD COLUMN last_error TEXT NULL;
ALTER TABLE reminders ADD COLUMN next_attempt_at TEXT NULL;
ALTER TABLE reminders ADD COLUMN dead_at TEXT NULL;
CREATE INDEX ix_reminders_dead ON reminders (dead_at) WHERE dead_at IS NOT NULL;
