using System.Globalization;
using Microsoft.AspNetCore.Http.Features;

namespace Proposals.Host.Attachments;

/// <summary>What the item page shows of its files: by the action that bound them, the caller's right to upload, a refusal.</summary>
internal sealed record AttachmentsPanel(long ProposalId, IReadOnlyList<AttachmentGroup> Groups, bool CanUpload, long CallerOrganizationId, string? Problem, long MaxBytes)
{
    public bool Any => Groups.Any(g => g.Files.Count > 0);
}

/// <summary>The files one action bound (or, with no sequence, those not yet submitted with any action).</summary>
internal sealed record AttachmentGroup(int? Sequence, string Title, string? At, IReadOnlyList<AttachmentView> Files);

/// <summary>The item page's part in uploads.</summary>
internal static class AttachmentPages
{
    public const string UploadHandler = "Upload";

    /// <summary>
    /// Lets an upload from the item page through the request size limit, up to the attachment limit: the page's form is
    /// read (and its anti-forgery token checked) before the page sees it.
    /// </summary>
    public static void AllowUploadSize(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var request = http.Request;
        if (!HttpMethods.IsPost(request.Method) || !request.Path.StartsWithSegments("/proposals")
            || !string.Equals(request.Query["handler"], UploadHandler, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = http.RequestServices.GetRequiredService<AttachmentUploads>().Limits.MaxRequestBytes;
        }
    }

    /// <summary>A size as people read it.</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KB",
        _ => (bytes / 1024.0 / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
    };
}
