using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Pages;

/// <summary>
/// The chain clicked through in a real browser by the demo users of process.md, each signing in in turn; the browser
/// tests run on SQLite (the pages are the same on every database, whose suites run over HTTP).
/// </summary>
public sealed class BrowserFacts : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabases.Sqlite();
    private ProposalsHost _host = null!;
    private BrowserSession _browser = null!;

    public async Task InitializeAsync()
    {
        Skip.If(BrowserSession.Unavailable is not null, BrowserSession.Unavailable);
        _host = new ProposalsHost(_database);
        _browser = await BrowserSession.StartAsync(_host);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _host?.Dispose();
        _database.Dispose();
    }

    private static async Task ActAsync(IPage page, string actionId, Func<ILocator, Task>? fill = null)
    {
        var form = page.Locator($"#action-{actionId}");
        await form.Locator("summary").ClickAsync();
        if (fill is not null)
        {
            await fill(form);
        }
        await form.Locator("button[type=submit]").ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        Assert.Equal(0, await page.Locator("#problem").CountAsync());
    }

    private static async Task SignOutAsync(IPage page) => await page.Context.CloseAsync();

    [SkippableFact]
    public async Task The_whole_chain_is_clicked_through_by_its_people_and_ends_closed_with_the_full_timeline()
    {
        var committee = await _browser.SignInAsync("tzb.admin");
        await committee.GotoAsync("/topics");
        await committee.Locator("#new-topic summary").ClickAsync();
        await committee.FillAsync("#title", "优化营商环境课题");
        await committee.FillAsync("#description", "围绕市场主体反映集中的问题开展调研");
        await committee.FillAsync("#researchDeadline", "2026-06-30");
        await committee.Locator("#new-topic button[type=submit]").ClickAsync();
        await committee.Locator("#topics", new() { HasText = "优化营商环境课题" }).WaitForAsync();
        await SignOutAsync(committee);

        var partyAdmin = await _browser.SignInAsync("minmeng.admin");
        await partyAdmin.GotoAsync("/topics");
        await partyAdmin.Locator("#topics tr", new() { HasText = "优化营商环境课题" }).Locator("button", new() { HasText = "认领" }).ClickAsync();
        await partyAdmin.Locator("#topics tr", new() { HasText = "民盟" }).WaitForAsync();
        await SignOutAsync(partyAdmin);

        var member = await _browser.SignInAsync("minmeng.member");
        await member.GotoAsync("/topics");
        await member.Locator("a", new() { HasText = "起草调研报告" }).ClickAsync();
        await member.FillAsync("#title", "关于优化营商环境的调研报告");
        await member.FillAsync("#summary", "针对审批时限长的问题提出三条建议");
        await member.FillAsync("#body", "一、压缩审批时限；二、推行一网通办；三、建立企业服务专员制度。");
        await member.ClickAsync("main button[type=submit]");
        await member.WaitForURLAsync(new Regex("/proposals/\\d+$"));
        var itemUrl = new Uri(member.Url).AbsolutePath;
        await ActAsync(member, "submit-for-review");
        await SignOutAsync(member);

        partyAdmin = await _browser.SignInAsync("minmeng.admin");
        await partyAdmin.GotoAsync(itemUrl);
        await ActAsync(partyAdmin, "submit");
        await SignOutAsync(partyAdmin);

        var government = await _browser.SignInAsync("zfb.reviewer");
        await government.GotoAsync(itemUrl);
        await ActAsync(government, "adopt", async form =>
        {
            await form.Locator("select[name=leadDepartmentId]").SelectOptionAsync(new SelectOptionValue { Label = "发改局" });
            await form.Locator("label", new() { HasText = "教育局" }).Locator("input").CheckAsync();
            await form.Locator("textarea[name=instruction]").FillAsync("请发改局牵头办理");
            await form.Locator("input[name=dueDate]").FillAsync("2026-06-30");
        });
        Assert.Equal("部门落实", await government.Locator(".progress li.current").TextContentAsync());
        await SignOutAsync(government);

        var lead = await _browser.SignInAsync("fgj.handler");
        Assert.Contains("关于优化营商环境的调研报告", await lead.Locator("#tasks").TextContentAsync(), StringComparison.Ordinal);
        await BrowserSession.ScreenshotAsync(lead, "my-work");
        await lead.GotoAsync(itemUrl);
        await ActAsync(lead, "sign");
        var co = await _browser.SignInAsync("jyj.handler");
        await co.GotoAsync(itemUrl);
        await ActAsync(co, "sign");
        await ActAsync(co, "give-opinion", form => form.Locator("textarea[name=text]").FillAsync("教育局同意主办单位意见"));
        await SignOutAsync(co);
        await lead.ReloadAsync();
        await ActAsync(lead, "record-contact", async form =>
        {
            // The host's clock starts on Monday 2 March 2026.
            await form.Locator("input[name=contactDate]").FillAsync("2026-03-02");
            await form.Locator("select[name=method]").SelectOptionAsync("meeting");
            await form.Locator("textarea[name=text]").FillAsync("与民盟市委会当面商定办理思路");
        });
        await ActAsync(lead, "reply", async form =>
        {
            await form.Locator("textarea[name=text]").FillAsync("已出台优化营商环境若干措施");
            await form.Locator("select[name=category]").SelectOptionAsync("A");
        });
        await SignOutAsync(lead);

        partyAdmin = await _browser.SignInAsync("minmeng.admin");
        await partyAdmin.GotoAsync(itemUrl);
        await ActAsync(partyAdmin, "evaluate", async form =>
        {
            await form.Locator("select[name=rating]").SelectOptionAsync("satisfied");
            await form.Locator("select[name=attitudeRating]").SelectOptionAsync("satisfied");
        });
        Assert.Equal("已办结", await partyAdmin.Locator("#state").TextContentAsync());
        var timeline = await partyAdmin.Locator("#history li strong").AllTextContentsAsync();
        Assert.Equal(["创建草稿", "提交党派审核", "报送政府", "采纳并交办", "签收", "签收", "提交协办意见", "记录沟通联系", "答复办理结果", "评价办理结果"], timeline);
        Assert.Equal(0, await partyAdmin.Locator("details.action").CountAsync());
        await BrowserSession.ScreenshotAsync(partyAdmin, "proposal-page");
        await SignOutAsync(partyAdmin);
    }

    [SkippableFact]
    public async Task A_script_in_a_title_is_shown_as_text_and_never_runs_and_the_page_fits_a_phone()
    {
        using var chain = await Chain.StartAsync(_host);
        var id = await chain.SubmittedAsync("<script>alert(1)</script>");
        var page = await _browser.SignInAsync("zfb.reviewer", width: 390, height: 844);
        var dialogs = 0;
        page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };

        await page.GotoAsync($"/proposals/{id}");

        Assert.Equal("<script>alert(1)</script>", (await page.Locator("#title").TextContentAsync())!.Trim());
        await page.Locator("#action-adopt summary").ClickAsync();
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth + 1"), "the proposal page with a form open overflows a phone's width");
        await page.GotoAsync("/proposals");
        Assert.Contains("<script>alert(1)</script>", await page.Locator("#proposals").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, dialogs);
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth + 1"), "the list overflows a phone's width");
        await BrowserSession.ScreenshotAsync(page, "proposals-phone");
    }

    [SkippableFact]
    public async Task A_reason_left_out_is_shown_beside_its_field_and_a_department_cannot_open_another_s_item()
    {
        using var chain = await Chain.StartAsync(_host);
        var id = await chain.AdoptedAsync();
        var government = await _browser.SignInAsync("zfb.reviewer");
        var submitted = await chain.SubmittedAsync("另一份报告");
        await government.GotoAsync($"/proposals/{submitted}");
        var form = government.Locator("#action-reject");
        await form.Locator("summary").ClickAsync();
        await form.Locator("button[type=submit]").ClickAsync();
        Assert.Contains("理由", await government.Locator("#action-reject .error[data-field=reason]").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal("政府审阅", (await government.Locator("#state").TextContentAsync())?.Trim());

        var outsider = await _browser.SignInAsync("swj.handler");
        var response = await outsider.GotoAsync($"/proposals/{id}");
        Assert.Equal(404, response!.Status);

    }
}

/// <summary>
/// The supervision board in a browser, ten days after an adoption nobody signed for.
/// </summary>
public sealed class BoardBrowserFacts : LaterBrowserFacts
{
    protected override DateTimeOffset ReadAt => ProposalsHost.DefaultStart.AddDays(10);

    // Signing due Thursday 5 March for all three departments.
    protected override Task PrepareAsync(Chain chain) => chain.AdoptedAsync();

    [SkippableFact]
    public async Task The_board_groups_the_overdue_steps_by_department_with_their_charts()
    {
        var supervisor = await Browser.SignInAsync("dcs.supervisor");
        await supervisor.GotoAsync("/supervision");

        Assert.Equal(3, await supervisor.Locator(".board-group").CountAsync()); // the lead and both co-departments
        Assert.Equal(3, await supervisor.Locator(".board-group button", new() { HasText = "催办" }).CountAsync());
        Assert.Equal(3, await supervisor.Locator("#chart-overdue rect").CountAsync());
        await BrowserSession.ScreenshotAsync(supervisor, "supervision-board");
    }
}
