-- The proposal chain's schema for the embedded SQLite default.
-- Instants are UTC text ('yyyy-MM-dd HH:mm:ss.FFFFFFF', which sorts in time order); dates are 'yyyy-MM-dd'.

CREATE TABLE organizations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('committee','party','government','department','supervision','system')),
    parent_id   INTEGER NULL REFERENCES organizations(id),
    time_zone   TEXT    NOT NULL DEFAULT 'Asia/Shanghai',
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL
);

CREATE TABLE users (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    username           TEXT    NOT NULL UNIQUE,
    display_name       TEXT    NOT NULL,
    organization_id    INTEGER NOT NULL REFERENCES organizations(id),
    password_hash      TEXT    NOT NULL,
    active             INTEGER NOT NULL DEFAULT 1,
    created_at         TEXT    NOT NULL
);

CREATE TABLE user_roles (
    user_id  INTEGER NOT NULL REFERENCES users(id),
    role     TEXT    NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE access_tokens (
    token_hash  TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    revoked_at  TEXT    NULL
);
CREATE INDEX ix_access_tokens_user ON access_tokens (user_id);

CREATE TABLE calendar_days (
    day             TEXT    PRIMARY KEY,
    is_working_day  INTEGER NOT NULL,
    note            TEXT    NULL
);

CREATE TABLE workflow_definitions (
    workflow_id   TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    content       TEXT    NOT NULL,
    content_hash  TEXT    NOT NULL,
    published_at  TEXT    NOT NULL,
    PRIMARY KEY (workflow_id, version)
);

CREATE TABLE topics (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    title              TEXT    NOT NULL,
    description        TEXT    NOT NULL,
    year               INTEGER NOT NULL,
    research_deadline  TEXT    NOT NULL,
    state              TEXT    NOT NULL CHECK (state IN ('open','claimed','closed')),
    created_by         INTEGER NOT NULL REFERENCES users(id),
    created_at         TEXT    NOT NULL,
    closed_at          TEXT    NULL
);
CREATE INDEX ix_topics_year ON topics (year);

CREATE TABLE topic_parties (
    topic_id         INTEGER NOT NULL REFERENCES topics(id),
    organization_id  INTEGER NOT NULL REFERENCES organizations(id),
    how              TEXT    NOT NULL CHECK (how IN ('assigned','claimed')),
    at               TEXT    NOT NULL,
    PRIMARY KEY (topic_id, organization_id)
);

CREATE TABLE proposals (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    workflow_id          TEXT    NOT NULL,
    workflow_version     INTEGER NOT NULL,
    state                TEXT    NOT NULL,
    stage                TEXT    NOT NULL,
    is_open              INTEGER NOT NULL,
    version              INTEGER NOT NULL,
    party_id             INTEGER NOT NULL REFERENCES organizations(id),
    topic_id             INTEGER NULL REFERENCES topics(id),
    topic_deadline       TEXT    NULL,
    year                 INTEGER NOT NULL,
    title                TEXT    NOT NULL,
    summary              TEXT    NOT NULL,
    body                 TEXT    NOT NULL,
    round                INTEGER NOT NULL DEFAULT 1,
    key_supervision      INTEGER NOT NULL DEFAULT 0,
    item_due_date        TEXT    NULL,
    extension_due_date   TEXT    NULL,
    extension_reason     TEXT    NULL,
    extension_requested_at TEXT  NULL,
    created_by           INTEGER NOT NULL REFERENCES users(id),
    created_at           TEXT    NOT NULL,
    updated_at           TEXT    NOT NULL,
    FOREIGN KEY (workflow_id, workflow_version) REFERENCES workflow_definitions (workflow_id, version)
);
CREATE INDEX ix_proposals_party ON proposals (party_id, id);
CREATE INDEX ix_proposals_state ON proposals (state, id);
CREATE INDEX ix_proposals_year ON proposals (year, stage);

CREATE TABLE proposal_departments (
    proposal_id      INTEGER NOT NULL REFERENCES proposals(id),
    organization_id  INTEGER NOT NULL REFERENCES organizations(id),
    is_lead          INTEGER NOT NULL,
    assigned_at      TEXT    NOT NULL,
    signed_at        TEXT    NULL,
    opinion_at       TEXT    NULL,
    ended_at         TEXT    NULL,
    end_reason       TEXT    NULL,
    seq              INTEGER NOT NULL,
    PRIMARY KEY (proposal_id, seq)
);
CREATE INDEX ix_proposal_departments_org ON proposal_departments (organization_id, proposal_id);

CREATE TABLE tasks (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    proposal_id      INTEGER NOT NULL REFERENCES proposals(id),
    task_id          TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    organization_id  INTEGER NOT NULL REFERENCES organizations(id),
    roles            TEXT    NOT NULL,
    round            INTEGER NOT NULL,
    opened_at        TEXT    NOT NULL,
    due_date         TEXT    NULL,
    due_at           TEXT    NULL,
    closed_at        TEXT    NULL,
    close_reason     TEXT    NULL
);
CREATE INDEX ix_tasks_open_by_org ON tasks (organization_id, closed_at, due_at);
CREATE INDEX ix_tasks_proposal ON tasks (proposal_id, closed_at);
CREATE INDEX ix_tasks_open_due ON tasks (closed_at, due_at);

CREATE TABLE reminders (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    proposal_id   INTEGER NOT NULL REFERENCES proposals(id),
    task_row_id   INTEGER NOT NULL REFERENCES tasks(id),
    level         TEXT    NOT NULL,
    due_at        TEXT    NOT NULL,
    recipients    TEXT    NOT NULL,
    repeat_every  TEXT    NULL,
    flag_key      INTEGER NOT NULL DEFAULT 0,
    status        TEXT    NOT NULL CHECK (status IN ('pending','sent','cancelled')),
    claimed_by    TEXT    NULL,
    claimed_until TEXT    NULL,
    sent_at       TEXT    NULL,
    created_at    TEXT    NOT NULL
);
CREATE INDEX ix_reminders_due ON reminders (status, due_at);
CREATE INDEX ix_reminders_task ON reminders (task_row_id, status);

CREATE TABLE notifications (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    proposal_id        INTEGER NULL REFERENCES proposals(id),
    organization_id    INTEGER NULL REFERENCES organizations(id),
    organization_kind  TEXT    NULL,
    role               TEXT    NULL,
    kind               TEXT    NOT NULL,
    title              TEXT    NOT NULL,
    body               TEXT    NOT NULL,
    created_at         TEXT    NOT NULL,
    delivery_status    TEXT    NOT NULL DEFAULT 'pending' CHECK (delivery_status IN ('pending','delivered','dead')),
    attempts           INTEGER NOT NULL DEFAULT 0,
    next_attempt_at    TEXT    NULL,
    claimed_by         TEXT    NULL,
    claimed_until      TEXT    NULL,
    last_error         TEXT    NULL
);
CREATE INDEX ix_notifications_org ON notifications (organization_id, id);
CREATE INDEX ix_notifications_kind ON notifications (organization_kind, id);
CREATE INDEX ix_notifications_delivery ON notifications (delivery_status, next_attempt_at);

CREATE TABLE notification_reads (
    notification_id  INTEGER NOT NULL REFERENCES notifications(id),
    user_id          INTEGER NOT NULL REFERENCES users(id),
    read_at          TEXT    NOT NULL,
    PRIMARY KEY (notification_id, user_id)
);

CREATE TABLE audit_events (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    proposal_id       INTEGER NOT NULL REFERENCES proposals(id),
    sequence          INTEGER NOT NULL,
    action            TEXT    NOT NULL,
    from_state        TEXT    NOT NULL,
    to_state          TEXT    NOT NULL,
    actor_user_id     INTEGER NOT NULL REFERENCES users(id),
    actor_name        TEXT    NOT NULL,
    organization_id   INTEGER NOT NULL REFERENCES organizations(id),
    at                TEXT    NOT NULL,
    comment           TEXT    NULL,
    data              TEXT    NOT NULL,
    workflow_version  INTEGER NOT NULL,
    UNIQUE (proposal_id, sequence)
);

CREATE TABLE idempotency_keys (
    user_id          INTEGER NOT NULL REFERENCES users(id),
    idempotency_key  TEXT    NOT NULL,
    request_hash     TEXT    NOT NULL,
    proposal_id      INTEGER NULL,
    status_code      INTEGER NOT NULL,
    response_body    TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
);
