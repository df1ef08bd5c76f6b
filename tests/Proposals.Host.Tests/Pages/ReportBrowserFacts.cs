using Microsoft.Playwright;
using Proposals.Host.Tests.Infrastructure;
using Proposals.Host.Tests.Statistics;

namespace Proposals.Host.Tests.Pages;

/// <summary>
/// The annual report and the administration page in a browser, over the year of <see cref="YearScenario"/>, read on its reading day.
/// </summary>
public sealed class ReportBrowserFacts : LaterBrowserFacts
{
    protected override DateTimeOffset ReadAt => YearScenario.ReadAt;

    protected override Task PrepareAsync(Chain chain) => YearScenario.BuildAsync(chain);

    [SkippableFact]
    public async Task The_committee_reads_the_annual_report_and_prints_it_without_the_navigation()
    {
        var committee = await Browser.SignInAsync("tzb.admin");
        await committee.GotoAsync("/");
        await committee.Locator("header nav a", new() { HasText = "年度报告" }).ClickAsync();
        await committee.WaitForLoadStateAsync(LoadState.DOMContentLoaded);

        Assert.Equal("2026 年度提案办理工作报告", (await committee.Locator("#report-title").TextContentAsync())?.Trim());
        Assert.Contains("采纳率 71.4%（5/7）", await committee.Locator("#figures").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(5, await committee.Locator("#adopted tbody tr").CountAsync());
        Assert.Equal(4, await committee.Locator("#by-department tbody tr").CountAsync());
        Assert.True(await committee.Locator("#chart-stages rect").CountAsync() > 0);
        await BrowserSession.ScreenshotAsync(committee, "annual-report");

        await committee.Locator("#print").ClickAsync();
        await committee.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        Assert.Equal(0, await committee.Locator("header").CountAsync());
        Assert.Equal(5, await committee.Locator("#adopted tbody tr").CountAsync());
        await BrowserSession.ScreenshotAsync(committee, "annual-report-print");
    }

    [SkippableFact]
    public async Task The_administrator_adds_a_user_and_sees_the_temporary_password_once()
    {
        var admin = await Browser.SignInAsync("admin");
        await admin.GotoAsync("/admin");
        await admin.Locator("#new-user summary").ClickAsync();
        await admin.FillAsync("#username", "swj.second");
        await admin.FillAsync("#displayName", "商务局第二经办人");
        await admin.SelectOptionAsync("#organizationId", new SelectOptionValue { Label = "商务局" });
        await admin.Locator("#new-user input[name=roles][value=department]").CheckAsync();
        await admin.Locator("#new-user button[type=submit]").ClickAsync();
        await admin.WaitForLoadStateAsync(LoadState.DOMContentLoaded);

        Assert.Contains("临时密码", await admin.Locator("#done").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await admin.Locator("#users tbody tr", new() { HasText = "swj.second" }).CountAsync());
        await BrowserSession.ScreenshotAsync(admin, "administration");
        await admin.ReloadAsync();
        Assert.Equal(0, await admin.Locator("#done").CountAsync());
    }
}
