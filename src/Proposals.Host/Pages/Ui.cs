using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Proposals.Host.Pages;

/// <summary>
/// What every page needs to speak to its reader: Chinese by default, English when they switch, and times in
/// Beijing time (the organisations' zone) whatever the server's clock says.
/// </summary>
internal sealed class Ui(IHttpContextAccessor http, Time.ServiceTimeZone zone)
{
    public static readonly CultureInfo Chinese = new("zh-CN");
    public static readonly CultureInfo English = new("en");


    // An instance member, like the rest, so that views read every wording from the one injected Ui.
#pragma warning disable CA1822
    public bool InEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
#pragma warning restore CA1822

    /// <summary>The Chinese text, or the English one for a reader who chose English.</summary>
    public string T(string chinese, string english) => InEnglish ? english : chinese;

    /// <summary>A definition's name in the reader's language, falling back to the Chinese one.</summary>
    public string Name(string chinese, string? english) => InEnglish && !string.IsNullOrEmpty(english) ? english : chinese;

    public string Time(DateTimeOffset? instant) =>
        instant is { } value ? zone.Local(value).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";

    /// <summary>The year it is now in the organisations' zone, the default of every year field.</summary>
    public int CurrentYear => zone.CurrentYear;

    public static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—";

    public string Choice(string value) => value switch
    {
        "satisfied" => T("满意", "Satisfied"),
        "basically-satisfied" => T("基本满意", "Basically satisfied"),
        "not-satisfied" => T("不满意", "Not satisfied"),
        "A" => T("A 类（已解决或基本解决）", "A (solved)"),
        "B" => T("B 类（列入计划逐步解决）", "B (planned)"),
        "C" => T("C 类（因条件限制暂不能解决）", "C (not possible now)"),
        "lead" => T("主办", "Lead"),
        "co" => T("协办", "Co-department"),
        "meeting" => T("座谈会商", "Meeting"),
        "phone" => T("电话", "Phone"),
        "visit" => T("走访", "Visit"),
        "letter" => T("函件", "Letter"),
        "online" => T("网络视频", "Online"),
        _ => value,
    };

    /// <summary>The address that switches the language and comes back to where the reader was.</summary>
    public string SwitchLanguage => $"/lang?to={(InEnglish ? "zh-CN" : "en")}&returnUrl={Uri.EscapeDataString(http.HttpContext?.Request.Path + http.HttpContext?.Request.QueryString)}";

    public static string CultureCookieValue(string culture) => CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture));
}
