using Proposals.Data;
using Proposals.Data.Migrations;
using Proposals.Data.Proposals;

namespace Proposals.Host.History;

/// <summary><c>verify-history</c>: brings the database up to date (or, with Database:MigrateOnStart=false, refuses one that is behind), seals events written before the chain existed, and recomputes every chain.</summary>
internal static class VerifyHistoryCommand
{
    public const int Intact = 0;
    public const int MismatchFound = 1;
    public const int CouldNotCheck = 3;

    public static async Task<int> RunAsync(Database database, TimeProvider time, bool migrate, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var migrated = DatabaseMigrator.Prepare(database, migrate);
        if (!migrated.Successful)
        {
            error.WriteLine($"error: {migrated.Error}");
            return CouldNotCheck;
        }
        var verifier = new HistoryVerifier(database);
        var sealedEvents = await verifier.SealLegacyEventsAsync(time.GetUtcNow(), cancellationToken);
        if (sealedEvents > 0)
        {
            output.WriteLine($"Sealed {sealedEvents} event(s) written before the history was chained.");
        }
        var verification = await verifier.VerifyAsync(null, cancellationToken);
        if (verification.FirstMismatch is not { } mismatch)
        {
            output.WriteLine($"History intact: {verification.ItemsChecked} item(s), {verification.EventsChecked} event(s) checked.");
            return Intact;
        }
        output.WriteLine($"History NOT intact: {verification.ItemsChecked} item(s), {verification.EventsChecked} event(s) checked.");
        var eventText = mismatch.EventId is { } id ? $"event {id}" : "no event";
        output.WriteLine($"First mismatch: proposal {mismatch.ProposalId}, sequence {mismatch.Sequence} ({eventText}): {Describe(mismatch.Reason)}");
        return MismatchFound;
    }

    private static string Describe(ChainBreak reason) => reason switch
    {
        ChainBreak.ContentChanged => "content changed (the stored columns no longer give the stored hash)",
        ChainBreak.ChainBroken => "chain broken (its previous hash differs from the stored hash of the event before it)",
        ChainBreak.MissingHash => "missing hash",
        ChainBreak.SequenceGap => "sequence gap (an event was deleted)",
        ChainBreak.AttachmentChanged => "attachment changed (a file the event names is missing or no longer has the SHA-256 it recorded)",
        _ => reason.ToString(),
    };
}
