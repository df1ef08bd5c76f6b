using System.Net;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Pages;

public sealed class PageFactsOnSqlite() : PageFacts(TestDatabases.Sqlite);

public sealed class PageFactsOnPostgres() : PageFacts(TestDatabases.Postgres);

public sealed class PageFactsOnSqlServer() : PageFacts(TestDatabases.SqlServer);

/// <summary>The pages over real HTTP with cookies and anti-forgery tokens, as a browser without script sends them.</summary>
public abstract class PageFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    [SkippableFact]
    public async Task A_visitor_is_sent_to_sign_in_and_back_and_a_wrong_password_signs_nobody_in()
    {
        using var browser = new PageClient(Host);
        var away = await browser.Http.GetAsync("/proposals?stage=implementation");
        Assert.Equal(HttpStatusCode.Redirect, away.StatusCode);
        Assert.Equal("/signin?returnUrl=%2Fproposals%3Fstage%3Dimplementation", away.Headers.Location!.OriginalString);

        var wrong = await browser.SignInAsync("fgj.handler", "not-the-password");
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("用户名或密码错误", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync("/")).StatusCode);

        var offsite = await browser.SignInAsync("fgj.handler", returnUrl: "https://elsewhere.example/");
        Assert.Equal("/", offsite.Headers.Location!.OriginalString);
        var signedIn = await browser.SignInAsync("fgj.handler", returnUrl: "/proposals?stage=implementation");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/proposals?stage=implementation", signedIn.Headers.Location!.OriginalString);
        Assert.Contains("发改局经办人", await browser.GetAsync("/proposals"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task My_work_lists_the_department_s_tasks_by_urgency_and_its_notifications_and_signing_out_ends_the_session_at_once()
    {
        var id = await C.AdoptedAsync();
        using var browser = new PageClient(Host);
        await browser.SignInAsync("fgj.handler");

        var page = await browser.GetAsync("/");
        Assert.Contains("我的待办", page, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/proposals/{id}\">关于优化营商环境的调研报告</a>", page, StringComparison.Ordinal);
        Assert.Contains("<tr class=\"soon\">", page, StringComparison.Ordinal);
        Assert.Contains("新待办：签收", page, StringComparison.Ordinal);
        Assert.Contains("<td>2026-03-05</td>", page, StringComparison.Ordinal);
        Assert.Contains("2026-03-02 09:00", page, StringComparison.Ordinal); // when it was sent, in Beijing time (01:00 UTC)

        var read = await browser.PostFormAsync("/?handler=Read", page, PageIds(page));
        Assert.Equal(HttpStatusCode.Redirect, read.StatusCode);
        Assert.DoesNotContain("新待办：签收", await browser.GetAsync("/"), StringComparison.Ordinal);

        const string liveTokens = "SELECT COUNT(*) FROM access_tokens t JOIN users u ON u.id = t.user_id WHERE u.username = 'fgj.handler' AND t.revoked_at IS NULL";
        var live = Host.Scalar(liveTokens);
        var signOut = await browser.PostFormAsync("/signout", page, []);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(live - 1, Host.Scalar(liveTokens));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync("/")).StatusCode);
    }

    private static IEnumerable<KeyValuePair<string, string>> PageIds(string page) =>
        System.Text.RegularExpressions.Regex.Matches(page, "name=\"ids\" value=\"(\\d+)\"").Select(m => new KeyValuePair<string, string>("ids", m.Groups[1].Value));

    [SkippableFact]
    public async Task A_department_sees_neither_another_department_s_item_in_the_list_nor_by_its_address()
    {
        var id = await C.AdoptedAsync();
        using var outsider = new PageClient(Host);
        await outsider.SignInAsync("swj.handler");

        Assert.DoesNotContain($"/proposals/{id}\"", await outsider.GetAsync("/proposals"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.Http.GetAsync($"/proposals/{id}")).StatusCode);
        using var lead = new PageClient(Host);
        await lead.SignInAsync("fgj.handler");
        Assert.Contains($"/proposals/{id}\"", await lead.GetAsync("/proposals"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_title_with_a_script_is_shown_as_text_everywhere()
    {
        const string title = "<script>alert(1)</script>";
        var id = await C.SubmittedAsync(title);
        using var browser = new PageClient(Host);
        await browser.SignInAsync("zfb.reviewer");

        foreach (var page in new[] { await browser.GetAsync($"/proposals/{id}"), await browser.GetAsync("/proposals"), await browser.GetAsync("/") })
        {
            Assert.DoesNotContain("<script>alert(1)", page, StringComparison.Ordinal);
            Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task A_form_without_its_required_reason_shows_the_message_beside_the_field_and_changes_nothing()
    {
        var id = await C.SubmittedAsync();
        using var browser = new PageClient(Host);
        await browser.SignInAsync("zfb.reviewer");
        var page = await browser.GetAsync($"/proposals/{id}");
        var before = Host.RowCounts();

        var response = await browser.PostFormAsync($"/proposals/{id}?handler=Act", page,
            [new("actionId", "reject"), new("version", PageClient.FormValue(page, "reject", "version")), new("formKey", PageClient.FormValue(page, "reject", "formKey")), new("reason", "  ")]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Matches("<details class=\"action\" id=\"action-reject\" open", html);
        Assert.Matches("<div class=\"error\" data-field=\"reason\">[^<]*理由[^<]*</div>", html);
        Assert.Equal(before, Host.RowCounts());
    }

    [SkippableFact]
    public async Task A_returned_draft_is_revised_in_its_form_and_the_page_marks_what_changed_character_by_character()
    {
        var id = await C.DraftAsync();
        await C.Member.ActAsync(id, "revise", new { body = "建议加快建设养老服务中心。" });
        await C.Member.ActAsync(id, "submit-for-review");
        await C.PartyAdmin.ActAsync(id, "return-draft", new { reason = "请补充社区层面的措施" });
        using var browser = new PageClient(Host);
        await browser.SignInAsync("minmeng.member");
        var page = await browser.GetAsync($"/proposals/{id}");
        // The edit form opens with the current text to change.
        Assert.Contains("建议加快建设养老服务中心。</textarea>", page, StringComparison.Ordinal);

        var saved = await browser.PostFormAsync($"/proposals/{id}?handler=Act", page,
        [
            new("actionId", "revise"), new("version", PageClient.FormValue(page, "revise", "version")), new("formKey", PageClient.FormValue(page, "revise", "formKey")),
            new("title", "关于优化营商环境的调研报告"), new("summary", "摘要"), new("body", "建议尽快建设社区养老服务中心。\r\n第二段。"),
        ]);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("建议尽快建设社区养老服务中心。\n第二段。", (await C.Member.ProposalAsync(id))["body"]!.GetValue<string>());

        var compared = await browser.GetAsync($"/proposals/{id}?from=2&to=3");
        var diff = compared[compared.IndexOf("id=\"diff\"", StringComparison.Ordinal)..];
        Assert.Contains("<span>建议</span><del>加</del><ins>尽</ins><span>快建设</span><ins>社区</ins><span>养老服务中心</span>", diff, StringComparison.Ordinal);
        Assert.Contains("第 3 稿（当前）", compared, StringComparison.Ordinal);
        var refused = await browser.GetAsync($"/proposals/{id}?from=2&to=9");
        Assert.Contains("请选择第 1 至 3 稿中的两稿进行比较", refused, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Every_answer_forbids_sniffing_and_framing_and_the_pages_allow_no_script()
    {
        using var browser = new PageClient(Host);
        await browser.SignInAsync("fgj.handler");
        foreach (var url in new[] { "/", "/proposals", "/signin", "/api/me", "/health/live", "/proposals/999999" })
        {
            var response = url.StartsWith("/api", StringComparison.Ordinal) ? await C.Lead.GetAsync(url) : await browser.Http.GetAsync(url);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
        }
        var page = await browser.Http.GetAsync("/proposals");
        Assert.Contains("script-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("<script", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [SkippableFact]
    public async Task A_form_sent_without_its_anti_forgery_token_is_refused_and_changes_nothing()
    {
        var id = await C.SubmittedAsync();
        using var browser = new PageClient(Host);
        await browser.SignInAsync("zfb.reviewer");
        var page = await browser.GetAsync($"/proposals/{id}");
        var before = Host.RowCounts();

        var forged = await browser.Http.PostAsync($"/proposals/{id}?handler=Act", new FormUrlEncodedContent(
            [new("actionId", "keep-for-reference"), new("version", PageClient.FormValue(page, "keep-for-reference", "version"))]));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(before, Host.RowCounts());
        var signOut = await browser.Http.PostAsync("/signout", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/")).StatusCode);
    }

    [SkippableFact]
    public async Task The_government_adopts_through_the_form_with_a_lead_and_a_co_department_and_the_page_shows_the_new_stage()
    {
        var id = await C.SubmittedAsync();
        using var browser = new PageClient(Host);
        await browser.SignInAsync("zfb.reviewer");
        var page = await browser.GetAsync($"/proposals/{id}");
        Assert.Contains("<li class=\"current\" aria-current=\"step\">政府采纳</li>", page, StringComparison.Ordinal);
        var form = (string name) => PageClient.FormValue(page, "adopt", name);
        KeyValuePair<string, string>[] fields =
        [
            new("actionId", "adopt"), new("version", form("version")), new("formKey", form("formKey")),
            new("leadDepartmentId", C.Org("fgj").ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("coDepartmentIds", C.Org("jyj").ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("instruction", "请发改局牵头办理"), new("dueDate", "2026-06-30"),
        ];

        var adopted = await browser.PostFormAsync($"/proposals/{id}?handler=Act", page, fields);
        Assert.Equal(HttpStatusCode.Redirect, adopted.StatusCode);
        var again = await browser.PostFormAsync($"/proposals/{id}?handler=Act", page, fields); // the same form sent twice acts once
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);

        var after = await browser.GetAsync($"/proposals/{id}");
        Assert.Contains("<li class=\"current\" aria-current=\"step\">部门落实</li>", after, StringComparison.Ordinal);
        Assert.Contains("<td>发改局</td><td>主办</td>", after, StringComparison.Ordinal);
        Assert.Contains("<td>教育局</td><td>协办</td>", after, StringComparison.Ordinal);
        Assert.Contains("2026-06-30", after, StringComparison.Ordinal);
        Assert.Equal(1, Host.Scalar($"SELECT COUNT(*) FROM audit_events WHERE proposal_id = {id} AND action = 'adopt'"));
    }

    [SkippableFact]
    public async Task The_pages_speak_english_after_the_switch_and_chinese_again_after_switching_back()
    {
        using var browser = new PageClient(Host);
        await browser.SignInAsync("fgj.handler");
        Assert.Contains("我的待办", await browser.GetAsync("/"), StringComparison.Ordinal);

        var toEnglish = await browser.Http.GetAsync("/lang?to=en&returnUrl=%2Fproposals");
        Assert.Equal("/proposals", toEnglish.Headers.Location!.OriginalString);
        var english = await browser.GetAsync("/");
        Assert.Contains("My work", english, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", english, StringComparison.Ordinal);

        await browser.Http.GetAsync("/lang?to=zh-CN&returnUrl=https%3A%2F%2Felsewhere.example");
        Assert.Contains("我的待办", await browser.GetAsync("/"), StringComparison.Ordinal);
    }
}
