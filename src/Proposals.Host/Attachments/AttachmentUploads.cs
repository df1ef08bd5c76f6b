using System.Security.Cryptography;
using Proposals.Data.Attachments;
using Proposals.Data.Organizations;
using Proposals.Data.Proposals;
using Proposals.Engine.Execution;
using Proposals.Host.Auth;
using Proposals.Host.Http;
using Proposals.Host.Proposals;
using Proposals.Host.Workflows;

namespace Proposals.Host.Attachments;

/// <summary>The limits of <c>Attachments:</c> in configuration.</summary>
internal sealed record AttachmentLimits(long MaxBytes, int MaxFilesPerItem)
{
    public const long DefaultMaxBytes = 20 * 1024 * 1024;
    public const int DefaultMaxFilesPerItem = 50;

    /// <summary>What a multipart request may carry besides the file: boundaries, part headers, the purpose.</summary>
    public const long Envelope = 64 * 1024;

    public long MaxRequestBytes => MaxBytes + Envelope;

    public static AttachmentLimits From(IConfiguration configuration) => new(
        Math.Max(1, configuration.GetValue("Attachments:MaxBytes", DefaultMaxBytes)),
        Math.Max(1, configuration.GetValue("Attachments:MaxFilesPerItem", DefaultMaxFilesPerItem)));
}

/// <summary>Why an upload, a download or a deletion was refused; the API and the page each turn it into their answer.</summary>
internal enum AttachmentRefusalKind
{
    NotFound,
    Forbidden,
    TooLarge,
    TooMany,
    Unsupported,
    BadRequest,
    Invalid,
    Conflict,
}

internal sealed record AttachmentRefusal(AttachmentRefusalKind Kind, string Message, string? DetectedType = null, string? Field = null);

/// <summary>A file of an item as the API and the page show it.</summary>
internal sealed record AttachmentView(
    long Id, string FileName, long Size, string ContentType, string DetectedType, string Sha256, string? Purpose, DateTimeOffset UploadedAt,
    ActorView UploadedBy, OrganizationRef Organization, string? BoundAction, int? BoundSequence);

/// <summary>
/// An upload received into a temporary file (deleted when disposed), counted and hashed on the way, so that its type
/// can be read from the whole content (a zip's directory is at its end) before the database sees a byte of it.
/// </summary>
internal sealed class SpooledFile : IDisposable
{
    private SpooledFile(FileStream file, long size, string sha256)
    {
        File = file;
        Size = size;
        Sha256 = sha256;
    }

    public FileStream File { get; }
    public long Size { get; }
    public string Sha256 { get; }

    /// <summary>The spooled file, or null when the content passed <paramref name="maxBytes"/> (reading stops there).</summary>
    public static async Task<SpooledFile?> ReceiveAsync(Stream source, long maxBytes, CancellationToken cancellationToken)
    {
        var file = new FileStream(Path.Combine(Path.GetTempPath(), "proposals-upload-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[64 * 1024];
            long size = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                size += read;
                if (size > maxBytes)
                {
                    await file.DisposeAsync();
                    return null;
                }
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
            await file.FlushAsync(cancellationToken);
            file.Position = 0;
            return new SpooledFile(file, size, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    public void Dispose() => File.Dispose();
}

/// <summary>
/// Files of items: who may upload (whoever may act on the item now), what is accepted (by content), the limits, and
/// the views. The API and the item page both call it and map its refusals to their own answers.
/// </summary>
internal sealed class AttachmentUploads(
    AttachmentStore attachments, ProposalStore proposals, OrganizationStore organizations, WorkflowCatalog catalog, EngineContextFactory contexts,
    TimeProvider time, IConfiguration configuration)
{
    public const int PurposeLimit = 100;

    public AttachmentLimits Limits { get; } = AttachmentLimits.From(configuration);

    /// <summary>Whether the caller may upload to the item now; checked before the body is read, and again before storing.</summary>
    public async Task<AttachmentRefusal?> CheckUploaderAsync(Caller caller, long proposalId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var record = await proposals.FindAsync(proposalId, caller.Viewer, cancellationToken);
        if (record is null)
        {
            return new(AttachmentRefusalKind.NotFound, $"提案 {proposalId} 不存在，或不属于本单位");
        }
        if (!await MayUploadAsync(caller, record, cancellationToken))
        {
            return new(AttachmentRefusalKind.Forbidden, "此件当前不由本单位办理，不能上传附件：只有此时可以对其办理操作的单位可以上传");
        }
        if (await attachments.CountAsync(proposalId, cancellationToken) >= Limits.MaxFilesPerItem)
        {
            return TooMany();
        }
        return null;
    }

    /// <summary>Whoever is working on the item at this point: the caller has at least one action they could take now.</summary>
    public async Task<bool> MayUploadAsync(Caller caller, ProposalRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(record);
        var definition = await catalog.GetAsync(record.Instance.WorkflowId, record.Instance.WorkflowVersion, cancellationToken);
        var context = await contexts.CreateAsync(cancellationToken);
        return WorkflowEngine.AllowedActions(definition, record.Instance, caller.Actor, context).Count > 0;
    }

    /// <summary>Checks a received file's type and the caller's right once more, then stores it.</summary>
    public async Task<(AttachmentView? Created, AttachmentRefusal? Refusal)> StoreAsync(
        Caller caller, long proposalId, SpooledFile file, string? fileName, string? purpose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(file);
        purpose = string.IsNullOrWhiteSpace(purpose) ? null : purpose.Trim();
        if (purpose is { Length: > PurposeLimit })
        {
            return (null, new(AttachmentRefusalKind.Invalid, $"用途过长：最多 {PurposeLimit} 字，实际 {purpose.Length} 字", Field: "purpose"));
        }
        if (purpose is not null && TextInput.Problem("purpose", purpose) is { } problem)
        {
            return (null, new(AttachmentRefusalKind.Invalid, problem, Field: "purpose"));
        }
        var kind = FileKinds.Detect(file.File);
        if (!kind.Accepted)
        {
            return (null, new(AttachmentRefusalKind.Unsupported,
                $"不接受此类文件（检测到的类型：{kind.Type}）。可上传 PDF、OFD、Word/Excel/PowerPoint（含 WPS）文档、PNG、JPEG 图片和纯文本", kind.Type));
        }
        if (await CheckUploaderAsync(caller, proposalId, cancellationToken) is { } refusal)
        {
            return (null, refusal);
        }
        file.File.Position = 0;
        var created = await attachments.CreateAsync(
            new NewAttachment(proposalId, caller.OrganizationId, caller.UserId, caller.DisplayName, FileNames.Sanitise(fileName), kind.ContentType, kind.Type, purpose),
            file.File, Limits.MaxFilesPerItem, time.GetUtcNow(), cancellationToken);
        if (created is null)
        {
            return (null, TooMany());
        }
        return (await ViewAsync(created, cancellationToken), null);
    }

    public AttachmentRefusal TooLarge() =>
        new(AttachmentRefusalKind.TooLarge, $"文件过大：最多 {Limits.MaxBytes} 字节（{Limits.MaxBytes / 1024.0 / 1024.0:0.##} MiB）");

    private AttachmentRefusal TooMany() =>
        new(AttachmentRefusalKind.TooMany, $"此件的附件已达上限（{Limits.MaxFilesPerItem} 个），请先删除不需要的附件");

    /// <summary>The files of an item the caller may see; null when the item is not theirs.</summary>
    public async Task<IReadOnlyList<AttachmentView>?> ListAsync(Caller caller, long proposalId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (await proposals.FindAsync(proposalId, caller.Viewer, cancellationToken) is null)
        {
            return null;
        }
        var directory = await organizations.DirectoryAsync(cancellationToken);
        return (await attachments.ListAsync(proposalId, caller.Viewer, cancellationToken)).Select(a => View(a, directory)).ToList();
    }

    public async Task<AttachmentRefusal?> DeleteAsync(Caller caller, long attachmentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return await attachments.DeleteAsync(attachmentId, caller.OrganizationId, caller.Viewer, cancellationToken) switch
        {
            AttachmentDeletion.Deleted => null,
            AttachmentDeletion.Bound => new(AttachmentRefusalKind.Conflict, "此附件已随办理操作提交，记入办理过程，不能删除"),
            AttachmentDeletion.NotYours => new(AttachmentRefusalKind.Forbidden, "此附件由其他单位上传，只有上传单位可以删除"),
            _ => new(AttachmentRefusalKind.NotFound, $"附件 {attachmentId} 不存在，或不属于本单位可见的提案"),
        };
    }

    private async Task<AttachmentView> ViewAsync(AttachmentRecord record, CancellationToken cancellationToken) =>
        View(record, await organizations.DirectoryAsync(cancellationToken));

    public static AttachmentView View(AttachmentRecord a, IReadOnlyDictionary<long, OrganizationInfo> directory) => new(
        a.Id, a.FileName, a.Size, a.ContentType, a.DetectedType, a.Sha256, a.Purpose, a.UploadedAt, new ActorView(a.UploadedBy, a.UploaderName),
        directory.TryGetValue(a.OrganizationId, out var org) ? new OrganizationRef(org.Id, org.Code, org.Name) : new OrganizationRef(a.OrganizationId, "", $"#{a.OrganizationId}"),
        a.BoundAction, a.BoundSequence);
}
