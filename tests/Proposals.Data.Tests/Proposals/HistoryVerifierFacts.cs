using Dapper;
using Proposals.Data.Proposals;
using Proposals.Data.Tests.Providers;

namespace Proposals.Data.Tests.Proposals;

/// <summary>The tamper-evident history: rows edited straight in the database are found, and the first one is named.</summary>
public abstract class HistoryVerifierFacts(IDatabaseProvider provider) : StoreFacts(provider)
{
    private static readonly DateTimeOffset Monday = TestCity.Monday;

    private HistoryVerifier Verifier => new(Database);

    // An adopted and signed item of four events (one with a comment), and a draft of one event, at times finer than a microsecond.
    private async Task<(long Adopted, long Drafted)> ChainAsync()
    {
        var city = await TestCity.CreateAsync(Database);
        var id = await city.SubmittedAsync(city.PartyAMember, city.PartyAAdmin, "关于社区养老的建议", Monday.AddTicks(1_234_567));
        await city.ActAsync(city.Government, id, "adopt", Monday.AddDays(1).AddTicks(7), TestCity.Adoption(city.DepartmentX.OrganizationId, [city.DepartmentY.OrganizationId]), comment: "同意");
        await city.ActAsync(city.DepartmentX, id, "sign", Monday.AddDays(2));
        var draft = await city.DraftAsync(city.PartyBMember, "关于停车难的建议", Monday.AddDays(3));
        return (id, draft.Id);
    }

    private Task<long> EventIdAsync(long proposalId, long sequence) =>
        ScalarAsync<long>("SELECT id FROM audit_events WHERE proposal_id = @proposalId AND sequence = @sequence", new { proposalId, sequence });

    private async Task<HistoryVerifier.ChainRow> EventAsync(long proposalId, long sequence)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        return await connection.QuerySingleAsync<HistoryVerifier.ChainRow>(
            $"{HistoryVerifier.SelectChains} WHERE p.id = @proposalId AND e.sequence = @sequence", new { proposalId, sequence });
    }

    private async Task<ChainMismatch?> FirstMismatchAsync() => (await Verifier.VerifyAsync(null, CancellationToken.None)).FirstMismatch;

    [SkippableFact]
    public async Task Transitions_written_by_the_store_form_intact_chains()
    {
        var (adopted, drafted) = await ChainAsync();

        var verification = await Verifier.VerifyAsync(null, CancellationToken.None);

        Assert.Equal((true, 2L, 5L), (verification.Intact, verification.ItemsChecked, verification.EventsChecked));
        var first = await EventAsync(adopted, 1);
        var second = await EventAsync(adopted, 2);
        Assert.Equal(AuditChain.FirstPreviousHash, first.PreviousHash);
        Assert.Equal(first.Hash, second.PreviousHash);
        Assert.Matches("^[0-9a-f]{64}$", second.Hash);
        Assert.Equal(AuditChain.FirstPreviousHash, (await EventAsync(drafted, 1)).PreviousHash);
        var one = await Verifier.VerifyAsync(drafted, CancellationToken.None);
        Assert.Equal((true, 1L, 1L), (one.Intact, one.ItemsChecked, one.EventsChecked));
    }

    [SkippableFact]
    public async Task A_changed_data_column_is_content_changed_at_that_event()
    {
        var (adopted, _) = await ChainAsync();

        await ExecuteAsync("UPDATE audit_events SET data = @data WHERE proposal_id = @adopted AND sequence = 3",
            new { data = """{"leadDepartmentId":1,"coDepartmentIds":[]}""", adopted });

        Assert.Equal(new ChainMismatch(adopted, 3, await EventIdAsync(adopted, 3), ChainBreak.ContentChanged), await FirstMismatchAsync());
    }

    [SkippableFact]
    public async Task A_changed_actor_name_is_content_changed_at_that_event_and_other_items_stay_intact()
    {
        var (adopted, drafted) = await ChainAsync();

        await ExecuteAsync("UPDATE audit_events SET actor_name = @name WHERE proposal_id = @adopted AND sequence = 2", new { name = "别人", adopted });

        Assert.Equal(new ChainMismatch(adopted, 2, await EventIdAsync(adopted, 2), ChainBreak.ContentChanged), await FirstMismatchAsync());
        Assert.True((await Verifier.VerifyAsync(drafted, CancellationToken.None)).Intact);
    }

    [SkippableFact]
    public async Task An_empty_comment_in_place_of_none_is_content_changed()
    {
        var (adopted, _) = await ChainAsync();

        await ExecuteAsync("UPDATE audit_events SET comment = @empty WHERE proposal_id = @adopted AND sequence = 1", new { empty = "", adopted });

        Assert.Equal(new ChainMismatch(adopted, 1, await EventIdAsync(adopted, 1), ChainBreak.ContentChanged), await FirstMismatchAsync());
    }

    [SkippableFact]
    public async Task A_deleted_event_is_a_sequence_gap_at_the_event_after_it()
    {
        var (adopted, _) = await ChainAsync();
        var third = await EventIdAsync(adopted, 3);

        await ExecuteAsync("DELETE FROM audit_events WHERE proposal_id = @adopted AND sequence = 2", new { adopted });

        var verification = await Verifier.VerifyAsync(null, CancellationToken.None);
        Assert.Equal(new ChainMismatch(adopted, 3, third, ChainBreak.SequenceGap), verification.FirstMismatch);
        Assert.Equal(4L, verification.EventsChecked);
    }

    [SkippableFact]
    public async Task A_deleted_last_event_is_a_sequence_gap_at_the_missing_sequence()
    {
        var (adopted, drafted) = await ChainAsync();

        await ExecuteAsync("DELETE FROM audit_events WHERE proposal_id = @adopted AND sequence = 4", new { adopted });
        Assert.Equal(new ChainMismatch(adopted, 4, null, ChainBreak.SequenceGap), await FirstMismatchAsync());

        await ExecuteAsync("DELETE FROM audit_events WHERE proposal_id = @drafted", new { drafted });
        var verification = await Verifier.VerifyAsync(drafted, CancellationToken.None);
        Assert.Equal((1L, 0L, new ChainMismatch(drafted, 1, null, ChainBreak.SequenceGap)), (verification.ItemsChecked, verification.EventsChecked, verification.FirstMismatch));
    }

    [SkippableFact]
    public async Task An_edited_event_given_a_matching_hash_breaks_the_chain_at_the_next_event()
    {
        var (adopted, _) = await ChainAsync();
        await ExecuteAsync("UPDATE audit_events SET actor_name = @name WHERE proposal_id = @adopted AND sequence = 2", new { name = "别人", adopted });
        var edited = await EventAsync(adopted, 2);

        await ExecuteAsync("UPDATE audit_events SET hash = @hash WHERE id = @EventId", new { hash = AuditChain.Hash(edited.Content, edited.PreviousHash), edited.EventId });

        Assert.Equal(new ChainMismatch(adopted, 3, await EventIdAsync(adopted, 3), ChainBreak.ChainBroken), await FirstMismatchAsync());
    }

    [SkippableFact]
    public async Task Events_without_hashes_are_sealed_once_and_a_hash_removed_afterwards_is_reported()
    {
        var (adopted, drafted) = await ChainAsync();
        var before = (await EventAsync(adopted, 4)).Hash;
        // As written before migration 0006: no hashes at all on one item, none after the second event on the other.
        await ExecuteAsync("UPDATE audit_events SET previous_hash = NULL, hash = NULL WHERE proposal_id = @drafted OR (proposal_id = @adopted AND sequence > 2)", new { adopted, drafted });
        Assert.Equal(new ChainMismatch(adopted, 3, await EventIdAsync(adopted, 3), ChainBreak.MissingHash), await FirstMismatchAsync());

        Assert.Equal(3, await Verifier.SealLegacyEventsAsync(Monday, CancellationToken.None));

        Assert.True((await Verifier.VerifyAsync(null, CancellationToken.None)).Intact);
        Assert.Equal(before, (await EventAsync(adopted, 4)).Hash);
        await ExecuteAsync("UPDATE audit_events SET hash = NULL WHERE proposal_id = @drafted", new { drafted });
        Assert.Equal(0, await Verifier.SealLegacyEventsAsync(Monday, CancellationToken.None));
        Assert.Equal(new ChainMismatch(drafted, 1, await EventIdAsync(drafted, 1), ChainBreak.MissingHash), await FirstMismatchAsync());
    }

    [SkippableFact]
    public async Task An_unknown_item_checks_nothing()
    {
        await ChainAsync();

        var verification = await Verifier.VerifyAsync(long.MaxValue, CancellationToken.None);

        Assert.Equal((true, 0L, 0L), (verification.Intact, verification.ItemsChecked, verification.EventsChecked));
    }
}
