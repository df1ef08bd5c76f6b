using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Proposals.Data.Calendar;
using Proposals.Engine.Calendar;
using Proposals.Engine.Definitions;
using Proposals.Host.Auth;
using Proposals.Host.Calendar;
using Proposals.Host.Time;

namespace Proposals.Host.Pages.Admin;

/// <summary>
/// The working-day calendar for the administrator: each loaded year with its holidays and make-up working days, the days
/// of one year, the coverage warning, and the import of a year's file (the API's parser and errors; a refused file
/// imports nothing).
/// </summary>
[RequestFormLimits(MultipartBodyLengthLimit = CalendarApi.MaxImportBytes + 64 * 1024)]
[RequestSizeLimit(CalendarApi.MaxImportBytes + 64 * 1024)]
internal sealed class CalendarPageModel(CalendarStore calendar, CalendarImport import, ServiceTimeZone zone) : PageModel
{
    public IReadOnlyList<CalendarYear> Years { get; private set; } = [];

    public int Year { get; private set; }

    public IReadOnlyList<CalendarDay> Days { get; private set; } = [];

    public string? Problem { get; private set; }

    public IReadOnlyList<string> FileErrors { get; private set; } = [];

    public string? Done { get; private set; }

    public async Task<IActionResult> OnGetAsync(int? year, CancellationToken cancellationToken)
    {
        if (!Caller.From(User).IsIn(Roles.Admin))
        {
            return Forbid();
        }
        await LoadAsync(year, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(IFormFile? file, CancellationToken cancellationToken)
    {
        if (!Caller.From(User).IsIn(Roles.Admin))
        {
            return Forbid();
        }
        if (file is null || file.Length == 0)
        {
            Problem = "请选择要导入的日历文件（CSV）";
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }
        else if (file.Length > CalendarApi.MaxImportBytes)
        {
            Problem = $"日历文件过大：最多 {CalendarApi.MaxImportBytes} 字节";
            Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        }
        else
        {
            using var reader = new StreamReader(file.OpenReadStream(), System.Text.Encoding.UTF8);
            var parsed = CalendarFile.Parse(Path.GetFileName(file.FileName), await reader.ReadToEndAsync(cancellationToken));
            if (!parsed.IsValid)
            {
                Problem = "日历文件有误，未导入任何日期";
                FileErrors = parsed.Errors;
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            }
            else
            {
                var recomputed = await import.ImportAsync(parsed.Days, cancellationToken);
                var summary = CalendarApi.Summary(parsed.Days, dryRun: false);
                Done = $"已导入 {summary.Days} 天（{summary.From:yyyy-MM-dd} 至 {summary.To:yyyy-MM-dd}）：节假日 {summary.Holidays} 天，调休上班 {summary.Workdays} 天；重新计算了 {recomputed} 件的办理期限。";
                await LoadAsync(summary.From?.Year, cancellationToken);
                return Page();
            }
        }
        await LoadAsync(null, cancellationToken);
        return Page();
    }

    private async Task LoadAsync(int? year, CancellationToken cancellationToken)
    {
        Years = await calendar.YearsAsync(cancellationToken);
        Year = year is >= 2000 and <= 2100 ? year.Value : zone.CurrentYear;
        Days = await calendar.ListAsync(Year, cancellationToken);
    }
}
