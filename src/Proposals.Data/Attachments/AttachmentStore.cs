using System.Data.Common;
using System.Security.Cryptography;
using Dapper;
using Proposals.Data.Dialects;

namespace Proposals.Data.Attachments;

/// <summary>A file about to be stored: who uploads it to which item, and what its content was found to be.</summary>
public sealed record NewAttachment(
    long ProposalId, long OrganizationId, long UploadedBy, string UploaderName, string FileName, string ContentType, string DetectedType, string? Purpose);

/// <summary>A stored file's description; its content is read with <see cref="AttachmentStore.OpenReadAsync"/>.</summary>
public sealed record AttachmentRecord(
    long Id, long ProposalId, long OrganizationId, long UploadedBy, string UploaderName, string FileName, string ContentType, string DetectedType,
    long Size, string Sha256, string? Purpose, DateTimeOffset UploadedAt, int? BoundSequence, string? BoundAction)
{
    public bool Bound => BoundSequence is not null;
}

/// <summary>What became of a request to delete a file.</summary>
public enum AttachmentDeletion
{
    Deleted,

    /// <summary>No such file on an item the caller may see.</summary>
    NotFound,

    /// <summary>An action already names it; its hash is in the history.</summary>
    Bound,

    /// <summary>Another organisation uploaded it.</summary>
    NotYours,
}

/// <summary>
/// Files of items, stored in the database in chunks: written and read a chunk at a time, so a file is never held whole
/// in memory, and several hosts and one database backup need nothing else.
/// </summary>
public sealed class AttachmentStore(Database database)
{
    /// <summary>The size of a stored chunk; large enough to keep rows few, small enough to keep memory flat.</summary>
    public const int ChunkSize = 256 * 1024;

    private sealed class AttachmentRow
    {
        public long Id { get; init; }
        public long ProposalId { get; init; }
        public long OrganizationId { get; init; }
        public long UploadedBy { get; init; }
        public string UploaderName { get; init; } = "";
        public string FileName { get; init; } = "";
        public string ContentType { get; init; } = "";
        public string DetectedType { get; init; } = "";
        public long Size { get; init; }
        public string Sha256 { get; init; } = "";
        public string? Purpose { get; init; }
        public DateTime UploadedAt { get; init; }
        public int? BoundSequence { get; init; }
        public string? BoundAction { get; init; }

        public AttachmentRecord ToRecord() => new(Id, ProposalId, OrganizationId, UploadedBy, UploaderName, FileName, ContentType, DetectedType,
            Size, Sha256.Trim(), Purpose, DateValues.Load(UploadedAt), BoundSequence, BoundAction);
    }

    private const string SelectAttachment = """
        SELECT a.id AS Id, a.proposal_id AS ProposalId, a.organization_id AS OrganizationId, a.uploaded_by AS UploadedBy, a.uploader_name AS UploaderName,
               a.file_name AS FileName, a.content_type AS ContentType, a.detected_type AS DetectedType, a.size AS Size, a.sha256 AS Sha256,
               a.purpose AS Purpose, a.uploaded_at AS UploadedAt, a.bound_sequence AS BoundSequence, a.bound_action AS BoundAction
        FROM attachments a
        """;

    /// <summary>
    /// Stores <paramref name="content"/> as a new file of the item, reading it a chunk at a time and hashing as it goes, in one
    /// transaction. Returns null, storing nothing, when the item already holds <paramref name="maxFiles"/> files.
    /// </summary>
    public async Task<AttachmentRecord?> CreateAsync(NewAttachment attachment, Stream content, int maxFiles, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        ArgumentNullException.ThrowIfNull(content);
        return await database.InTransactionAsync<AttachmentRecord?>(async (connection, transaction) =>
        {
            // Takes the item's row lock, as a transition does, so that two uploads at once cannot both pass the count.
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE proposals SET version = version WHERE id = @ProposalId", new { attachment.ProposalId }, transaction, cancellationToken: cancellationToken));
            var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM attachments WHERE proposal_id = @ProposalId", new { attachment.ProposalId }, transaction, cancellationToken: cancellationToken));
            if (count >= maxFiles)
            {
                return (false, null);
            }
            var uploadedAt = DateValues.Store(now);
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                database.Dialect.InsertReturningId("attachments",
                    "proposal_id, organization_id, uploaded_by, uploader_name, file_name, content_type, detected_type, size, sha256, purpose, uploaded_at",
                    "@ProposalId, @OrganizationId, @UploadedBy, @UploaderName, @FileName, @ContentType, @DetectedType, 0, '', @Purpose, @UploadedAt"),
                new
                {
                    attachment.ProposalId, attachment.OrganizationId, attachment.UploadedBy, attachment.UploaderName, attachment.FileName,
                    attachment.ContentType, attachment.DetectedType, attachment.Purpose, UploadedAt = uploadedAt,
                }, transaction, cancellationToken: cancellationToken));
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[ChunkSize];
            long size = 0;
            var seq = 0;
            while (true)
            {
                var filled = await content.ReadAtLeastAsync(buffer, ChunkSize, throwOnEndOfStream: false, cancellationToken);
                if (filled == 0)
                {
                    break;
                }
                hash.AppendData(buffer, 0, filled);
                size += filled;
                // The driver sends the whole array: the last, shorter chunk is copied to its own length.
                var data = filled == ChunkSize ? buffer : buffer[..filled];
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (@id, @seq, @data)",
                    new { id, seq, data }, transaction, cancellationToken: cancellationToken));
                seq++;
                if (filled < ChunkSize)
                {
                    break;
                }
            }
            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE attachments SET size = @size, sha256 = @sha256 WHERE id = @id", new { size, sha256, id }, transaction, cancellationToken: cancellationToken));
            var record = new AttachmentRecord(id, attachment.ProposalId, attachment.OrganizationId, attachment.UploadedBy, attachment.UploaderName,
                attachment.FileName, attachment.ContentType, attachment.DetectedType, size, sha256, attachment.Purpose, DateValues.Load(uploadedAt), null, null);
            return (true, record);
        }, cancellationToken);
    }

    /// <summary>How many files an item holds, bound or not.</summary>
    public async Task<int> CountAsync(long proposalId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM attachments WHERE proposal_id = @proposalId", new { proposalId }, cancellationToken: cancellationToken));
    }

    /// <summary>The files of an item the viewer may see, oldest first; none when the item is not theirs.</summary>
    public async Task<IReadOnlyList<AttachmentRecord>> ListAsync(long proposalId, Viewer viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AttachmentRow>(new CommandDefinition(
            $"{SelectAttachment} JOIN proposals p ON p.id = a.proposal_id WHERE a.proposal_id = @proposalId AND {viewer.ProposalFilter} ORDER BY a.id",
            new { proposalId, ViewerOrganizationId = viewer.OrganizationId }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>Every file of an item, oldest first, read inside a transaction that is still writing it (an action's own answer).</summary>
    internal static async Task<IReadOnlyList<AttachmentRecord>> ListInAsync(DbConnection connection, DbTransaction transaction, long proposalId, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<AttachmentRow>(new CommandDefinition(
            $"{SelectAttachment} WHERE a.proposal_id = @proposalId ORDER BY a.id", new { proposalId }, transaction, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>A file on an item the viewer may see, or null.</summary>
    public async Task<AttachmentRecord?> FindAsync(long id, Viewer viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<AttachmentRow>(new CommandDefinition(
            $"{SelectAttachment} JOIN proposals p ON p.id = a.proposal_id WHERE a.id = @id AND {viewer.ProposalFilter}",
            new { id, ViewerOrganizationId = viewer.OrganizationId }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    /// <summary>The files with these ids, whichever item they belong to, for the engine to judge a binding.</summary>
    public async Task<IReadOnlyList<AttachmentRecord>> FindManyAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return [];
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AttachmentRow>(new CommandDefinition(
            $"{SelectAttachment} WHERE {database.Dialect.InList("a.id", "ids")} ORDER BY a.id", new { ids = ids.ToArray() }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>A stream of the file's content that reads one chunk at a time from the database; the caller disposes it.</summary>
    public async Task<Stream> OpenReadAsync(long id, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        var stream = new ChunkReadStream(connection, id);
        try
        {
            // The first chunk now: a database that cannot answer fails here, before the answer has started.
            await stream.FillAsync(cancellationToken);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>Deletes a file that no action names yet, for the organisation that uploaded it.</summary>
    public async Task<AttachmentDeletion> DeleteAsync(long id, long organizationId, Viewer viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        return await database.InTransactionAsync<AttachmentDeletion>(async (connection, transaction) =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<AttachmentRow>(new CommandDefinition(
                $"{SelectAttachment} JOIN proposals p ON p.id = a.proposal_id WHERE a.id = @id AND {viewer.ProposalFilter}",
                new { id, ViewerOrganizationId = viewer.OrganizationId }, transaction, cancellationToken: cancellationToken));
            if (row is null)
            {
                return (false, AttachmentDeletion.NotFound);
            }
            if (row.BoundSequence is not null)
            {
                return (false, AttachmentDeletion.Bound);
            }
            if (row.OrganizationId != organizationId)
            {
                return (false, AttachmentDeletion.NotYours);
            }
            // The row goes only while still unbound: an action binding it at this moment wins, and the delete is refused.
            var deleted = await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM attachments WHERE id = @id AND bound_sequence IS NULL AND organization_id = @organizationId",
                new { id, organizationId }, transaction, cancellationToken: cancellationToken));
            if (deleted == 0)
            {
                return (false, AttachmentDeletion.Bound);
            }
            // Deleted after the row, so the check above holds the row's lock; the cascade does the same where foreign keys are enforced.
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM attachment_chunks WHERE attachment_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            return (true, AttachmentDeletion.Deleted);
        }, cancellationToken);
    }

    /// <summary>The lowercase hex SHA-256 of the file's stored chunks as they are now, or null when the file is gone.</summary>
    public async Task<string?> ComputeSha256Async(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM attachments WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        if (exists == 0)
        {
            return null;
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var content = new ChunkReadStream(connection, id, ownsConnection: false);
        var buffer = new byte[ChunkSize];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Binds files to the action whose audit event has <paramref name="sequence"/>, inside that action's transaction. Returns
    /// false when any of them is no longer an unbound file of the item (bound or deleted at the same moment): the caller rolls back.
    /// </summary>
    public static async Task<bool> MarkBoundAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, long proposalId, long sequence, string action, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return true;
        }
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE attachments SET bound_sequence = @sequence, bound_action = @action
            WHERE {dialect.InList("id", "ids")} AND proposal_id = @proposalId AND bound_sequence IS NULL
            """,
            new { sequence = (int)sequence, action, ids = ids.ToArray(), proposalId }, transaction, cancellationToken: cancellationToken));
        return changed == ids.Count;
    }

    /// <summary>Reads a file's chunks in order, one query per chunk, so that only one chunk is in memory at a time.</summary>
    private sealed class ChunkReadStream(DbConnection connection, long attachmentId, bool ownsConnection = true) : Stream
    {
        private byte[] _chunk = [];
        private int _offset;
        private int _nextSeq;
        private bool _ended;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!await FillAsync(cancellationToken))
            {
                return 0;
            }
            var count = Math.Min(buffer.Length, _chunk.Length - _offset);
            _chunk.AsMemory(_offset, count).CopyTo(buffer);
            _offset += count;
            return count;
        }

        /// <summary>Makes sure unread bytes are at hand, fetching the next chunk when the current one is used up; false at the end.</summary>
        public async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            while (_offset >= _chunk.Length)
            {
                if (_ended)
                {
                    return false;
                }
                var next = await connection.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition(
                    "SELECT data FROM attachment_chunks WHERE attachment_id = @attachmentId AND seq = @seq",
                    new { attachmentId, seq = _nextSeq }, cancellationToken: cancellationToken));
                if (next is null)
                {
                    _ended = true;
                    return false;
                }
                _chunk = next;
                _offset = 0;
                _nextSeq++;
            }
            return true;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && ownsConnection)
            {
                connection.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
