-- A reminder row that cannot be sent (unreadable recipients, a task gone, a fault while wording it) is tried again
-- with back-off and, after too many attempts, dead-lettered: it keeps status 'pending' (as on SQLite, whose status
-- check cannot be altered) with dead_at set, and the dispatcher's claim passes over it until an administrator requeues it.
ALTER TABLE reminders ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE reminders ADD COLUMN last_error text NULL;
ALTER TABLE reminders ADD COLUMN next_attempt_at timestamptz NULL;
ALTER TABLE reminders ADD COLUMN dead_at timestamptz NULL;
CREATE INDEX ix_reminders_dead ON reminders (dead_at) WHERE dead_at IS NOT NULL;
