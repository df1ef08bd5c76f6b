-- The work inside implementation: the lead department's plan and its milestones, its contact with the party, the
-- percentage it last recorded, and the commitments B-class replies leave behind. A task about one milestone or one
-- commitment names it by number (subject); other tasks leave it null.
ALTER TABLE proposals ADD COLUMN plan_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE proposals ADD COLUMN plan_text TEXT NULL;
ALTER TABLE proposals ADD COLUMN recorded_percent INTEGER NULL;
ALTER TABLE proposals ADD COLUMN contact_round INTEGER NULL;
ALTER TABLE tasks ADD COLUMN subject INTEGER NULL;

-- Numbered on across an item's plans; a milestone of a replaced plan that was not completed is cancelled, not deleted.
CREATE TABLE proposal_milestones (
    proposal_id   INTEGER NOT NULL REFERENCES proposals(id),
    number        INTEGER NOT NULL,
    plan_version  INTEGER NOT NULL,
    title         TEXT    NOT NULL,
    due_date      TEXT    NOT NULL,
    completed_at  TEXT    NULL,
    cancelled_at  TEXT    NULL,
    PRIMARY KEY (proposal_id, number)
);

-- What a B-class reply promised (承诺事项): tracked after the item closes, until the department records its fulfilment.
CREATE TABLE proposal_commitments (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    proposal_id       INTEGER NOT NULL REFERENCES proposals(id),
    number            INTEGER NOT NULL,
    round             INTEGER NOT NULL,
    organization_id   INTEGER NOT NULL REFERENCES organizations(id),
    text              TEXT    NOT NULL,
    due_date          TEXT    NOT NULL,
    made_at           TEXT    NOT NULL,
    fulfilled_at      TEXT    NULL,
    fulfilment_text   TEXT    NULL,
    UNIQUE (proposal_id, number)
);
CREATE INDEX ix_proposal_commitments_org ON proposal_commitments (organization_id, fulfilled_at);
CREATE INDEX ix_proposal_commitments_due ON proposal_commitments (due_date, fulfilled_at);
