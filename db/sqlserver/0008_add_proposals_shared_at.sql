-- When an item first left its party's hands (in proposal-chain: submit). Until then it is the party's business
-- alone: no other organisation sees it in a list, a count or a notice. Items already past the party's states when
-- this script runs are stamped with the time of the first event that took them there.
ALTER TABLE proposals ADD shared_at datetime2(7) NULL;
GO
UPDATE proposals
SET shared_at = COALESCE(
    (SELECT MIN(e.at) FROM audit_events e WHERE e.proposal_id = proposals.id AND e.to_state NOT IN ('draft', 'party-review')),
    updated_at)
WHERE state NOT IN ('draft', 'party-review');
GO
