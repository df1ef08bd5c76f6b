-- The text of a proposal as its party revised it: every save is a numbered revision, kept for ever. The text in
-- proposals is always the latest revision. Items written before revisions existed get their text as revision 1.
ALTER TABLE proposals ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;

CREATE TABLE proposal_revisions (
    proposal_id      INTEGER NOT NULL REFERENCES proposals(id),
    number           INTEGER NOT NULL,
    title            TEXT    NOT NULL,
    summary          TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    topic_id         INTEGER NULL REFERENCES topics(id),
    actor_user_id    INTEGER NOT NULL REFERENCES users(id),
    actor_name       TEXT    NOT NULL,
    at               TEXT    NOT NULL,
    audit_sequence   INTEGER NOT NULL,
    PRIMARY KEY (proposal_id, number)
);

INSERT INTO proposal_revisions (proposal_id, number, title, summary, body, topic_id, actor_user_id, actor_name, at, audit_sequence)
SELECT p.id, 1, p.title, p.summary, p.body, p.topic_id, p.created_by, COALESCE(u.display_name, ''), p.created_at, 1
FROM proposals p LEFT JOIN users u ON u.id = p.created_by;

-- Parties invited to co-sign a proposal (联名), their answer and the round whose reply each last rated.
CREATE TABLE proposal_cosigners (
    proposal_id      INTEGER NOT NULL REFERENCES proposals(id),
    organization_id  INTEGER NOT NULL REFERENCES organizations(id),
    status           TEXT    NOT NULL,
    invited_at       TEXT    NOT NULL,
    answered_at      TEXT    NULL,
    evaluated_round  INTEGER NULL,
    rating           TEXT    NULL,
    PRIMARY KEY (proposal_id, organization_id)
);
CREATE INDEX ix_proposal_cosigners_org ON proposal_cosigners (organization_id, status, proposal_id);
