using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Proposals.Engine.Definitions;
using Proposals.Host.Admin;
using Proposals.Host.Auth;

namespace Proposals.Host.Pages.Admin;

/// <summary>Bulk import of organisations or users from a CSV file: check it first (预检), then import all of it or nothing.</summary>
[RequestFormLimits(MultipartBodyLengthLimit = AccountImport.MaxBytes + 64 * 1024)]
[RequestSizeLimit(AccountImport.MaxBytes + 64 * 1024)]
internal sealed class ImportPageModel(AccountImport import) : PageModel
{
    public ImportReport? Report { get; private set; }

    public string? Problem { get; private set; }

    public IActionResult OnGet() => Caller.From(User).IsIn(Roles.Admin) ? Page() : Forbid();

    public async Task<IActionResult> OnPostAsync(string? kind, string? encoding, string? mode, IFormFile? file, CancellationToken cancellationToken)
    {
        if (!Caller.From(User).IsIn(Roles.Admin))
        {
            return Forbid();
        }
        if (file is null || file.Length == 0)
        {
            Problem = "请选择要导入的 CSV 文件";
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        if (file.Length > AccountImport.MaxBytes)
        {
            Problem = $"导入文件过大：最多 {AccountImport.MaxBytes} 字节";
            Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return Page();
        }
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, cancellationToken);
        var wanted = AccountImport.Kinds.Contains(kind ?? "") ? kind! : "users";
        var result = await import.RunAsync(wanted, buffer.ToArray(), encoding, mode != "import", cancellationToken);
        switch (result)
        {
            case IValueHttpResult { Value: ImportReport report }:
                Report = report;
                break;
            case ProblemHttpResult problem:
                Problem = FormProblems.Take(problem, [], Response);
                if (problem.ProblemDetails.Extensions.TryGetValue("problems", out var listed) && listed is IReadOnlyList<ImportProblem> problems)
                {
                    Report = new ImportReport(wanted, false, false, 0, 0, problems, []);
                }
                break;
        }
        return Page();
    }
}
