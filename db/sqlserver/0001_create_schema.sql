-- The proposal chain's schema for SQL Server.
-- Instants are datetime2(7) in UTC (no offset: every host writes UTC); dates are date; flags are bit;
-- text users write is nvarchar so that Chinese is stored as entered; keyed text has a length so it can be indexed.

CREATE TABLE organizations (
    id          bigint        IDENTITY(1,1) PRIMARY KEY,
    code        nvarchar(64)  NOT NULL UNIQUE,
    name        nvarchar(200) NOT NULL,
    kind        nvarchar(32)  NOT NULL CHECK (kind IN ('committee','party','government','department','supervision','system')),
    parent_id   bigint        NULL REFERENCES organizations(id),
    time_zone   nvarchar(64)  NOT NULL DEFAULT 'Asia/Shanghai',
    active      bit           NOT NULL DEFAULT 1,
    created_at  datetime2(7)  NOT NULL
);
GO

CREATE TABLE users (
    id                 bigint        IDENTITY(1,1) PRIMARY KEY,
    username           nvarchar(128) NOT NULL UNIQUE,
    display_name       nvarchar(200) NOT NULL,
    organization_id    bigint        NOT NULL REFERENCES organizations(id),
    password_hash      nvarchar(400) NOT NULL,
    active             bit           NOT NULL DEFAULT 1,
    created_at         datetime2(7)  NOT NULL
);
GO

CREATE TABLE user_roles (
    user_id  bigint        NOT NULL REFERENCES users(id),
    role     nvarchar(32)  NOT NULL,
    PRIMARY KEY (user_id, role)
);
GO

CREATE TABLE access_tokens (
    token_hash  nvarchar(64)  PRIMARY KEY,
    user_id     bigint        NOT NULL REFERENCES users(id),
    created_at  datetime2(7)  NOT NULL,
    expires_at  datetime2(7)  NOT NULL,
    revoked_at  datetime2(7)  NULL
);
CREATE INDEX ix_access_tokens_user ON access_tokens (user_id);
GO

CREATE TABLE calendar_days (
    day             date          PRIMARY KEY,
    is_working_day  bit           NOT NULL,
    note            nvarchar(100) NULL
);
GO

CREATE TABLE workflow_definitions (
    workflow_id   nvarchar(64)  NOT NULL,
    version       int           NOT NULL,
    name          nvarchar(200) NOT NULL,
    content       nvarchar(max) NOT NULL,
    content_hash  nvarchar(64)  NOT NULL,
    published_at  datetime2(7)  NOT NULL,
    PRIMARY KEY (workflow_id, version)
);
GO

CREATE TABLE topics (
    id                 bigint        IDENTITY(1,1) PRIMARY KEY,
    title              nvarchar(400) NOT NULL,
    description        nvarchar(max) NOT NULL,
    year               int           NOT NULL,
    research_deadline  date          NOT NULL,
    state              nvarchar(64)  NOT NULL CHECK (state IN ('open','claimed','closed')),
    created_by         bigint        NOT NULL REFERENCES users(id),
    created_at         datetime2(7)  NOT NULL,
    closed_at          datetime2(7)  NULL
);
CREATE INDEX ix_topics_year ON topics (year);
GO

CREATE TABLE topic_parties (
    topic_id         bigint        NOT NULL REFERENCES topics(id),
    organization_id  bigint        NOT NULL REFERENCES organizations(id),
    how              nvarchar(16)  NOT NULL CHECK (how IN ('assigned','claimed')),
    at               datetime2(7)  NOT NULL,
    PRIMARY KEY (topic_id, organization_id)
);
GO

CREATE TABLE proposals (
    id                   bigint        IDENTITY(1,1) PRIMARY KEY,
    workflow_id          nvarchar(64)  NOT NULL,
    workflow_version     int           NOT NULL,
    state                nvarchar(64)  NOT NULL,
    stage                nvarchar(64)  NOT NULL,
    is_open              bit           NOT NULL,
    version              int           NOT NULL,
    party_id             bigint        NOT NULL REFERENCES organizations(id),
    topic_id             bigint        NULL REFERENCES topics(id),
    topic_deadline       date          NULL,
    year                 int           NOT NULL,
    title                nvarchar(400) NOT NULL,
    summary              nvarchar(max) NOT NULL,
    body                 nvarchar(max) NOT NULL,
    round                int           NOT NULL DEFAULT 1,
    key_supervision      bit           NOT NULL DEFAULT 0,
    item_due_date        date          NULL,
    extension_due_date   date          NULL,
    extension_reason     nvarchar(max) NULL,
    extension_requested_at datetime2(7)  NULL,
    created_by           bigint        NOT NULL REFERENCES users(id),
    created_at           datetime2(7)  NOT NULL,
    updated_at           datetime2(7)  NOT NULL,
    FOREIGN KEY (workflow_id, workflow_version) REFERENCES workflow_definitions (workflow_id, version)
);
CREATE INDEX ix_proposals_party ON proposals (party_id, id);
CREATE INDEX ix_proposals_state ON proposals (state, id);
CREATE INDEX ix_proposals_year ON proposals (year, stage);
GO

CREATE TABLE proposal_departments (
    proposal_id      bigint        NOT NULL REFERENCES proposals(id),
    organization_id  bigint        NOT NULL REFERENCES organizations(id),
    is_lead          bit           NOT NULL,
    assigned_at      datetime2(7)  NOT NULL,
    signed_at        datetime2(7)  NULL,
    opinion_at       datetime2(7)  NULL,
    ended_at         datetime2(7)  NULL,
    end_reason       nvarchar(32)  NULL,
    seq              int           NOT NULL,
    PRIMARY KEY (proposal_id, seq)
);
CREATE INDEX ix_proposal_departments_org ON proposal_departments (organization_id, proposal_id);
GO

CREATE TABLE tasks (
    id               bigint        IDENTITY(1,1) PRIMARY KEY,
    proposal_id      bigint        NOT NULL REFERENCES proposals(id),
    task_id          nvarchar(64)  NOT NULL,
    name             nvarchar(200) NOT NULL,
    organization_id  bigint        NOT NULL REFERENCES organizations(id),
    roles            nvarchar(400) NOT NULL,
    round            int           NOT NULL,
    opened_at        datetime2(7)  NOT NULL,
    due_date         date          NULL,
    due_at           datetime2(7)  NULL,
    closed_at        datetime2(7)  NULL,
    close_reason     nvarchar(64)  NULL
);
-- Filtered indexes: only open tasks, pending reminders and undelivered notifications are searched by time.
CREATE INDEX ix_tasks_open_by_org ON tasks (organization_id, due_at) WHERE closed_at IS NULL;
CREATE INDEX ix_tasks_proposal ON tasks (proposal_id, closed_at);
CREATE INDEX ix_tasks_open_due ON tasks (due_at) INCLUDE (proposal_id, organization_id) WHERE closed_at IS NULL;
GO

CREATE TABLE reminders (
    id            bigint        IDENTITY(1,1) PRIMARY KEY,
    proposal_id   bigint        NOT NULL REFERENCES proposals(id),
    task_row_id   bigint        NOT NULL REFERENCES tasks(id),
    level         nvarchar(32)  NOT NULL,
    due_at        datetime2(7)  NOT NULL,
    recipients    nvarchar(max) NOT NULL,
    repeat_every  nvarchar(16)  NULL,
    flag_key      bit           NOT NULL DEFAULT 0,
    status        nvarchar(16)  NOT NULL CHECK (status IN ('pending','sent','cancelled')),
    claimed_by    nvarchar(128) NULL,
    claimed_until datetime2(7)  NULL,
    sent_at       datetime2(7)  NULL,
    created_at    datetime2(7)  NOT NULL
);
CREATE INDEX ix_reminders_due ON reminders (due_at) WHERE status = 'pending';
CREATE INDEX ix_reminders_task ON reminders (task_row_id, status);
GO

CREATE TABLE notifications (
    id                 bigint        IDENTITY(1,1) PRIMARY KEY,
    proposal_id        bigint        NULL REFERENCES proposals(id),
    organization_id    bigint        NULL REFERENCES organizations(id),
    organization_kind  nvarchar(32)  NULL,
    role               nvarchar(32)  NULL,
    kind               nvarchar(32)  NOT NULL,
    title              nvarchar(400) NOT NULL,
    body               nvarchar(max) NOT NULL,
    created_at         datetime2(7)  NOT NULL,
    delivery_status    nvarchar(16)  NOT NULL DEFAULT 'pending' CHECK (delivery_status IN ('pending','delivered','dead')),
    attempts           int           NOT NULL DEFAULT 0,
    next_attempt_at    datetime2(7)  NULL,
    claimed_by         nvarchar(128) NULL,
    claimed_until      datetime2(7)  NULL,
    last_error         nvarchar(max) NULL
);
CREATE INDEX ix_notifications_org ON notifications (organization_id, id);
CREATE INDEX ix_notifications_kind ON notifications (organization_kind, id);
CREATE INDEX ix_notifications_delivery ON notifications (next_attempt_at) WHERE delivery_status = 'pending';
GO

CREATE TABLE notification_reads (
    notification_id  bigint        NOT NULL REFERENCES notifications(id),
    user_id          bigint        NOT NULL REFERENCES users(id),
    read_at          datetime2(7)  NOT NULL,
    PRIMARY KEY (notification_id, user_id)
);
GO

CREATE TABLE audit_events (
    id                bigint        IDENTITY(1,1) PRIMARY KEY,
    proposal_id       bigint        NOT NULL REFERENCES proposals(id),
    sequence          int           NOT NULL,
    action            nvarchar(64)  NOT NULL,
    from_state        nvarchar(64)  NOT NULL,
    to_state          nvarchar(64)  NOT NULL,
    actor_user_id     bigint        NOT NULL REFERENCES users(id),
    actor_name        nvarchar(200) NOT NULL,
    organization_id   bigint        NOT NULL REFERENCES organizations(id),
    at                datetime2(7)  NOT NULL,
    comment           nvarchar(max) NULL,
    data              nvarchar(max) NOT NULL,
    workflow_version  int           NOT NULL,
    UNIQUE (proposal_id, sequence)
);
GO

CREATE TABLE idempotency_keys (
    user_id          bigint        NOT NULL REFERENCES users(id),
    idempotency_key  nvarchar(200) NOT NULL,
    request_hash     nvarchar(64)  NOT NULL,
    proposal_id      bigint        NULL,
    status_code      int           NOT NULL,
    response_body    nvarchar(max) NOT NULL,
    created_at       datetime2(7)  NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
);
GO
