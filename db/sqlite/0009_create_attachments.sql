-- Files attached to an item, kept in the database itself so that several hosts and one backup need nothing more.
-- The content is split into chunks (attachment_chunks) so that it is streamed in and out, never held whole in memory.
-- content_type and detected_type are decided by reading the content, never by the name or the client's header.
-- bound_sequence and bound_action name the audit event of the action that bound the file; once bound it cannot be
-- deleted, and its sha256 stands in that event's hash-chained data.
CREATE TABLE attachments (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    proposal_id      INTEGER NOT NULL REFERENCES proposals(id),
    organization_id  INTEGER NOT NULL REFERENCES organizations(id),
    uploaded_by      INTEGER NOT NULL REFERENCES users(id),
    uploader_name    TEXT    NOT NULL,
    file_name        TEXT    NOT NULL,
    content_type     TEXT    NOT NULL,
    detected_type    TEXT    NOT NULL,
    size             INTEGER NOT NULL,
    sha256           TEXT    NOT NULL,
    purpose          TEXT    NULL,
    uploaded_at      TEXT    NOT NULL,
    bound_sequence   INTEGER NULL,
    bound_action     TEXT    NULL
);
CREATE INDEX ix_attachments_proposal ON attachments (proposal_id);

CREATE TABLE attachment_chunks (
    attachment_id  INTEGER NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    data           BLOB    NOT NULL,
    PRIMARY KEY (attachment_id, seq)
);
