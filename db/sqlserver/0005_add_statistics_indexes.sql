-- The yearly figures read audit events by kind (decisions, replies, evaluations, extensions) and, for each, the
-- latest earlier event of another kind on the same item; both are seeks on this index instead of every item's history.
CREATE INDEX ix_audit_events_action ON audit_events (action, proposal_id, sequence) INCLUDE (organization_id);
-- Figures are grouped by party and topic within a year; the index covers what they read of an item, so the items are not read.
CREATE INDEX ix_proposals_year_party ON proposals (year, party_id, topic_id, id) INCLUDE (round);
GO
