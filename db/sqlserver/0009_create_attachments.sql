-- Files attached to an item, kept in the database itself so that several hosts and one backup need nothing more.
-- The content is split into chunks (attachment_chunks) so that it is streamed in and out, never held whole in memory.
-- content_type and detected_type are decided by reading the content, never by the name or the client's header.
-- bound_sequence and bound_action name the audit event of the action that bound the file; once bound it cannot be
-- deleted, and its sha256 stands in that event's hash-chained data.
CREATE TABLE attachments (
    id               bigint         IDENTITY(1,1) PRIMARY KEY,
    proposal_id      bigint         NOT NULL REFERENCES proposals(id),
    organization_id  bigint         NOT NULL REFERENCES organizations(id),
    uploaded_by      bigint         NOT NULL REFERENCES users(id),
    uploader_name    nvarchar(200)  NOT NULL,
    file_name        nvarchar(255)  NOT NULL,
    content_type     nvarchar(200)  NOT NULL,
    detected_type    nvarchar(32)   NOT NULL,
    size             bigint         NOT NULL,
    sha256           char(64)       NOT NULL,
    purpose          nvarchar(100)  NULL,
    uploaded_at      datetime2(7)   NOT NULL,
    bound_sequence   int            NULL,
    bound_action     nvarchar(64)   NULL
);
CREATE INDEX ix_attachments_proposal ON attachments (proposal_id);
GO

CREATE TABLE attachment_chunks (
    attachment_id  bigint          NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
    seq            int             NOT NULL,
    data           varbinary(max)  NOT NULL,
    PRIMARY KEY (attachment_id, seq)
);
GO
