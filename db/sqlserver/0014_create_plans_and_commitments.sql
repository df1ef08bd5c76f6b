-- The work inside implementation: the lead department's plan and its milestones, its contact with the party, the
-- percentage it last recorded, and the commitments B-class replies leave behind. A task about one milestone or one
-- commitment names it by number (subject); other tasks leave it null.
ALTER TABLE proposals ADD plan_version int NOT NULL CONSTRAINT df_proposals_plan_version DEFAULT 0;
ALTER TABLE proposals ADD plan_text nvarchar(max) NULL;
ALTER TABLE proposals ADD recorded_percent int NULL;
ALTER TABLE proposals ADD contact_round int NULL;
ALTER TABLE tasks ADD subject int NULL;
GO

-- Numbered on across an item's plans; a milestone of a replaced plan that was not completed is cancelled, not deleted.
CREATE TABLE proposal_milestones (
    proposal_id   bigint        NOT NULL REFERENCES proposals(id),
    number        int           NOT NULL,
    plan_version  int           NOT NULL,
    title         nvarchar(400) NOT NULL,
    due_date      date          NOT NULL,
    completed_at  datetime2(7)  NULL,
    cancelled_at  datetime2(7)  NULL,
    PRIMARY KEY (proposal_id, number)
);
GO

-- What a B-class reply promised (承诺事项): tracked after the item closes, until the department records its fulfilment.
CREATE TABLE proposal_commitments (
    id                bigint        IDENTITY(1,1) PRIMARY KEY,
    proposal_id       bigint        NOT NULL REFERENCES proposals(id),
    number            int           NOT NULL,
    round             int           NOT NULL,
    organization_id   bigint        NOT NULL REFERENCES organizations(id),
    text              nvarchar(max) NOT NULL,
    due_date          date          NOT NULL,
    made_at           datetime2(7)  NOT NULL,
    fulfilled_at      datetime2(7)  NULL,
    fulfilment_text   nvarchar(max) NULL,
    UNIQUE (proposal_id, number)
);
CREATE INDEX ix_proposal_commitments_org ON proposal_commitments (organization_id, fulfilled_at);
CREATE INDEX ix_proposal_commitments_due ON proposal_commitments (due_date, fulfilled_at);
GO
