-- The text of a proposal as its party revised it: every save is a numbered revision, kept for ever. The text in
-- proposals is always the latest revision. Items written before revisions existed get their text as revision 1.
ALTER TABLE proposals ADD revision int NOT NULL CONSTRAINT df_proposals_revision DEFAULT 1;
GO

CREATE TABLE proposal_revisions (
    proposal_id      bigint        NOT NULL REFERENCES proposals(id),
    number           int           NOT NULL,
    title            nvarchar(400) NOT NULL,
    summary          nvarchar(max) NOT NULL,
    body             nvarchar(max) NOT NULL,
    topic_id         bigint        NULL REFERENCES topics(id),
    actor_user_id    bigint        NOT NULL REFERENCES users(id),
    actor_name       nvarchar(200) NOT NULL,
    at               datetime2(7)  NOT NULL,
    audit_sequence   int           NOT NULL,
    PRIMARY KEY (proposal_id, number)
);
GO

INSERT INTO proposal_revisions (proposal_id, number, title, summary, body, topic_id, actor_user_id, actor_name, at, audit_sequence)
SELECT p.id, 1, p.title, p.summary, p.body, p.topic_id, p.created_by, COALESCE(u.display_name, N''), p.created_at, 1
FROM proposals p LEFT JOIN users u ON u.id = p.created_by;
GO

-- Parties invited to co-sign a proposal (联名), their answer and the round whose reply each last rated.
CREATE TABLE proposal_cosigners (
    proposal_id      bigint        NOT NULL REFERENCES proposals(id),
    organization_id  bigint        NOT NULL REFERENCES organizations(id),
    status           nvarchar(16)  NOT NULL,
    invited_at       datetime2(7)  NOT NULL,
    answered_at      datetime2(7)  NULL,
    evaluated_round  int           NULL,
    rating           nvarchar(32)  NULL,
    PRIMARY KEY (proposal_id, organization_id)
);
CREATE INDEX ix_proposal_cosigners_org ON proposal_cosigners (organization_id, status, proposal_id);
GO
