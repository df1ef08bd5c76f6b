using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Proposals.Data.Proposals;

/// <summary>An audit event's content as stored: every column the chain's hash covers except the hashes themselves.</summary>
public sealed record AuditEventContent(
    long ProposalId,
    long Sequence,
    string Action,
    string FromState,
    string ToState,
    long ActorUserId,
    string ActorName,
    long OrganizationId,
    DateTime At,
    string? Comment,
    string Data,
    int WorkflowVersion);

/// <summary>
/// The hash chain of an item's history: each event's hash covers its content and the hash of the item's previous event,
/// so changing, removing or reordering a stored event breaks every hash after it. Writing and verifying both hash here.
/// </summary>
public static class AuditChain
{
    /// <summary>The previous hash of an item's first event.</summary>
    public const string FirstPreviousHash = "";

    // Names the serialisation below: a different one would be a different tag, never a silent change.
    private const string Format = "proposals-audit-event-v1";

    private const string InstantFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    /// <summary>
    /// An event's instant as every database stores and returns it: UTC, truncated to microseconds, since PostgreSQL keeps
    /// no finer; the hash is computed from this value, so it reads back the same from each database.
    /// </summary>
    public static DateTime StoredInstant(DateTimeOffset instant)
    {
        var utc = instant.UtcDateTime;
        return new DateTime(utc.Ticks - (utc.Ticks % TicksPerMicrosecond), DateTimeKind.Utc);
    }

    /// <summary>The lowercase hex SHA-256 of an event's content and the hash of the event before it (<see cref="FirstPreviousHash"/> for the first).</summary>
    public static string Hash(AuditEventContent content, string? previousHash)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // Each field is written with its length (or -1 for null), so that no two different events serialise alike:
        // "ab"+"c" and "a"+"bc" differ, and a null comment differs from an empty one.
        void Field(string? value)
        {
            Span<byte> length = stackalloc byte[4];
            if (value is null)
            {
                BinaryPrimitives.WriteInt32BigEndian(length, -1);
                hash.AppendData(length);
                return;
            }
            var bytes = Encoding.UTF8.GetBytes(value);
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }
        static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

        Field(Format);
        Field(Number(content.ProposalId));
        Field(Number(content.Sequence));
        Field(content.Action);
        Field(content.FromState);
        Field(content.ToState);
        Field(Number(content.ActorUserId));
        Field(content.ActorName);
        Field(Number(content.OrganizationId));
        Field(DateTime.SpecifyKind(content.At, DateTimeKind.Utc).ToString(InstantFormat, CultureInfo.InvariantCulture));
        Field(content.Comment);
        Field(content.Data);
        Field(Number(content.WorkflowVersion));
        Field(previousHash);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
