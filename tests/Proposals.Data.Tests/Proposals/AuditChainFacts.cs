using Proposals.Data.Proposals;

namespace Proposals.Data.Tests.Proposals;

public sealed class AuditChainFacts
{
    private static readonly AuditEventContent Event = new(7, 2, "submit", "draft", "government-review", 3, "民盟 管理员", 4,
        new DateTime(2025, 3, 3, 2, 0, 0, DateTimeKind.Utc), null, """{"a":1}""", 1);

    [Fact]
    public void Every_field_and_the_previous_hash_change_the_hash()
    {
        var hash = AuditChain.Hash(Event, "");
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(hash, AuditChain.Hash(Event with { }, ""));
        Assert.All(new[]
        {
            AuditChain.Hash(Event with { Sequence = 3 }, ""),
            AuditChain.Hash(Event with { Comment = "" }, ""),
            AuditChain.Hash(Event with { Data = """{"a":2}""" }, ""),
            AuditChain.Hash(Event with { At = Event.At.AddTicks(10) }, ""),
            AuditChain.Hash(Event, null),
            AuditChain.Hash(Event, hash),
        }, other => Assert.NotEqual(hash, other));
    }

    [Fact]
    public void Fields_are_delimited_so_text_moved_between_neighbours_changes_the_hash()
    {
        Assert.NotEqual(
            AuditChain.Hash(Event with { FromState = "draftg", ToState = "overnment-review" }, ""),
            AuditChain.Hash(Event, ""));
    }

    [Fact]
    public void Stored_instants_are_utc_and_whole_microseconds()
    {
        var stored = AuditChain.StoredInstant(new DateTimeOffset(2025, 3, 3, 10, 0, 0, TimeSpan.FromHours(8)).AddTicks(1_234_567));
        Assert.Equal((DateTimeKind.Utc, new DateTime(2025, 3, 3, 2, 0, 0).AddTicks(1_234_560).Ticks), (stored.Kind, stored.Ticks));
    }
}
