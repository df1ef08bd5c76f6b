-- Tamper-evident history: each event carries the SHA-256 (lowercase hex) of its content and of the previous event
-- of the same item. Nullable because events written before this script have none until the host seals them.
ALTER TABLE audit_events ADD COLUMN previous_hash varchar(64) NULL;
ALTER TABLE audit_events ADD COLUMN hash varchar(64) NULL;
