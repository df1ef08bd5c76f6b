using Microsoft.AspNetCore.Mvc;
using Proposals.Data.Proposals;
using Proposals.Host.Attachments;
using Proposals.Host.Auth;

namespace Proposals.Host.Pages.Proposals;

/// <summary>The item page's files: listed by the action that bound them, uploaded and deleted through the same use case as the API.</summary>
internal sealed partial class ProposalPageModel
{
    public AttachmentsPanel Attachments { get; private set; } = new(0, [], false, 0, null, AttachmentLimits.DefaultMaxBytes);

    public async Task<IActionResult> OnPostUploadAsync(long id, IFormFile? file, string? purpose, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }
        var uploads = HttpContext.RequestServices.GetRequiredService<AttachmentUploads>();
        AttachmentRefusal? refusal;
        if (file is null)
        {
            refusal = new(AttachmentRefusalKind.BadRequest, Text("请选择要上传的文件", "Choose a file to upload"));
        }
        else if (file.Length > uploads.Limits.MaxBytes)
        {
            refusal = uploads.TooLarge();
        }
        else
        {
            await using var source = file.OpenReadStream();
            using var spooled = await SpooledFile.ReceiveAsync(source, uploads.Limits.MaxBytes, cancellationToken);
            refusal = spooled is null ? uploads.TooLarge() : (await uploads.StoreAsync(Caller.From(User), id, spooled, file.FileName, purpose, cancellationToken)).Refusal;
        }
        if (refusal is null)
        {
            return RedirectToPage(new { id });
        }
        Response.StatusCode = AttachmentsApi.Problem(refusal).StatusCode;
        await LoadAttachmentsAsync(id, refusal.Message, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAttachmentAsync(long id, long attachmentId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }
        var refusal = await HttpContext.RequestServices.GetRequiredService<AttachmentUploads>().DeleteAsync(Caller.From(User), attachmentId, cancellationToken);
        if (refusal is null)
        {
            return RedirectToPage(new { id });
        }
        Response.StatusCode = AttachmentsApi.Problem(refusal).StatusCode;
        await LoadAttachmentsAsync(id, refusal.Message, cancellationToken);
        return Page();
    }

    private async Task LoadAttachmentsAsync(long id, string? problem, CancellationToken cancellationToken)
    {
        var uploads = HttpContext.RequestServices.GetRequiredService<AttachmentUploads>();
        var caller = Caller.From(User);
        var files = await uploads.ListAsync(caller, id, cancellationToken) ?? [];
        var record = await HttpContext.RequestServices.GetRequiredService<ProposalStore>().FindAsync(id, caller.Viewer, cancellationToken);
        var canUpload = record is not null && await uploads.MayUploadAsync(caller, record, cancellationToken);
        var ui = HttpContext.RequestServices.GetRequiredService<global::Proposals.Host.Pages.Ui>();
        var groups = files.GroupBy(f => f.BoundSequence).OrderBy(g => g.Key is null ? int.MaxValue : g.Key.Value).Select(g =>
        {
            if (g.Key is not { } sequence)
            {
                return new AttachmentGroup(null, ui.T("未提交", "Not yet submitted"), null, g.ToList());
            }
            var entry = History.FirstOrDefault(h => h.Sequence == sequence);
            return new AttachmentGroup(sequence, entry?.ActionName ?? g.First().BoundAction ?? "", entry is null ? null : ui.Time(entry.At), g.ToList());
        }).ToList();
        Attachments = new AttachmentsPanel(id, groups, canUpload, caller.OrganizationId, problem, uploads.Limits.MaxBytes);
    }

    private string Text(string chinese, string english) => HttpContext.RequestServices.GetRequiredService<global::Proposals.Host.Pages.Ui>().T(chinese, english);
}
