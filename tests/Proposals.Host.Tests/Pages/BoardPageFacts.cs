using System.Net;
using System.Text.RegularExpressions;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Pages;

public sealed class BoardPageFactsOnSqlite() : BoardPageFacts(TestDatabases.Sqlite);

public sealed class BoardPageFactsOnPostgres() : BoardPageFacts(TestDatabases.Postgres);

public sealed class BoardPageFactsOnSqlServer() : BoardPageFacts(TestDatabases.SqlServer);

/// <summary>The topics, drafting, supervision and workflow pages over real HTTP.</summary>
public abstract class BoardPageFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    [SkippableFact]
    public async Task The_committee_sets_a_topic_a_party_claims_it_and_its_member_drafts_a_report_on_it()
    {
        using var committee = new PageClient(Host);
        await committee.SignInAsync("tzb.admin");
        var page = await committee.GetAsync("/topics");
        var before = Host.RowCounts();
        var missing = await committee.PostFormAsync("/topics?handler=Create", page, [new("title", ""), new("year", "2026"), new("researchDeadline", "2026-06-30")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        Assert.Matches("<div class=\"error\" data-field=\"title\">必须填写课题名称</div>", await missing.Content.ReadAsStringAsync());
        Assert.Equal(before, Host.RowCounts());

        var created = await committee.PostFormAsync("/topics?handler=Create", page, [new("title", "数字经济发展课题"), new("description", "围绕数字经济开展调研"), new("year", "2026"), new("researchDeadline", "2026-06-30")]);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var topicId = Host.Scalar("SELECT MAX(id) FROM topics");

        using var partyAdmin = new PageClient(Host);
        await partyAdmin.SignInAsync("minmeng.admin");
        var topics = await partyAdmin.GetAsync("/topics");
        Assert.Contains("数字经济发展课题", topics, StringComparison.Ordinal);
        var claimed = await partyAdmin.PostFormAsync("/topics?handler=Claim", topics, [new("topicId", topicId.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.Equal(HttpStatusCode.Redirect, claimed.StatusCode);
        var again = await partyAdmin.PostFormAsync("/topics?handler=Claim", topics, [new("topicId", topicId.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.StatusCode);
        Assert.Contains("本党派已认领或被指定此课题", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var member = new PageClient(Host);
        await member.SignInAsync("minmeng.member");
        Assert.Contains($"/proposals/new?topicId={topicId}", await member.GetAsync("/topics"), StringComparison.Ordinal);
        var form = await member.GetAsync($"/proposals/new?topicId={topicId}");
        var fields = new KeyValuePair<string, string>[]
        {
            new("topicId", topicId.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("formKey", Regex.Match(form, "name=\"formKey\" value=\"([^\"]+)\"").Groups[1].Value),
            new("title", "关于发展数字经济的调研报告"), new("summary", "摘要"), new("body", "正文"),
        };
        var drafted = await member.PostFormAsync("/proposals/new", form, fields);
        Assert.Equal(HttpStatusCode.Redirect, drafted.StatusCode);
        var draftPage = await member.GetAsync(drafted.Headers.Location!.OriginalString);
        Assert.Contains("关于发展数字经济的调研报告", draftPage, StringComparison.Ordinal);
        Assert.Contains("id=\"action-submit-for-review\"", draftPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await member.PostFormAsync("/proposals/new", form, fields)).StatusCode);
        Assert.Equal(1, Host.Scalar($"SELECT COUNT(*) FROM proposals WHERE topic_id = {topicId}"));
    }

    [SkippableFact]
    public async Task The_supervision_board_groups_overdue_steps_by_organisation_charts_them_and_urges_with_one_click()
    {
        var id = await C.AdoptedAsync();
        await C.Lead.ActAsync(id, "sign");
        await C.AdvanceAsync(new DateTimeOffset(2026, 3, 10, 1, 30, 0, TimeSpan.Zero) - Host.Clock.GetUtcNow());
        using var supervisor = new PageClient(Host);
        await supervisor.SignInAsync("dcs.supervisor");

        var board = await supervisor.GetAsync("/supervision");
        Assert.Contains("逾期 2 件", board, StringComparison.Ordinal);
        Assert.Matches("<h2>教育局 <span class=\"muted\">逾期 1 件</span></h2>", board);
        Assert.Matches("<h2>住建局 <span class=\"muted\">逾期 1 件</span></h2>", board);
        Assert.Contains("3 个工作日", board, StringComparison.Ordinal);
        Assert.Matches("id=\"chart-overdue\"[\\s\\S]*?教育局</text><rect[^>]*>.*?</rect><text[^>]*data-value=\"1\"", board);
        Assert.Matches("id=\"chart-stages\"[\\s\\S]*?部门落实</text><rect[^>]*>.*?</rect><text[^>]*data-value=\"1\"", board);
        Assert.Matches("id=\"chart-ageing\"[\\s\\S]*?1–5</text><rect[^>]*>.*?</rect><text[^>]*data-value=\"2\"", board);

        var urged = await supervisor.PostFormAsync("/supervision?handler=Urge", board, [new("proposalId", id.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("message", "请于本周内签收")]);
        Assert.Equal(HttpStatusCode.Redirect, urged.StatusCode);
        Assert.Equal(1, Host.Scalar($"SELECT COUNT(*) FROM audit_events WHERE proposal_id = {id} AND action = 'urge'"));

        using var department = new PageClient(Host);
        await department.SignInAsync("jyj.handler");
        var own = await department.GetAsync("/supervision");
        Assert.Contains("逾期 2 件", own, StringComparison.Ordinal);
        Assert.DoesNotContain("<button class=\"primary\" type=\"submit\">催办</button>", own, StringComparison.Ordinal);
        using var outsider = new PageClient(Host);
        await outsider.SignInAsync("swj.handler");
        var none = await outsider.GetAsync("/supervision");
        Assert.Contains("逾期 0 件", none, StringComparison.Ordinal);
        Assert.DoesNotContain("关于优化营商环境的调研报告", none, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_workflow_page_draws_each_published_definition_with_where_items_are_now()
    {
        await C.SubmittedAsync();
        await C.DraftAsync("另一份草稿");
        using var government = new PageClient(Host);
        await government.SignInAsync("zfb.reviewer");

        var page = await government.GetAsync("/workflows");
        Assert.Contains("id=\"workflow-proposal-chain-v1\"", page, StringComparison.Ordinal);
        Assert.Contains("<g class=\"state\" data-state=\"government-review\" data-count=\"1\">", page, StringComparison.Ordinal);
        // The draft is its party's alone: the government counts none.
        Assert.Contains("<g class=\"state\" data-state=\"draft\" data-count=\"0\">", page, StringComparison.Ordinal);
        Assert.Contains("<g class=\"state\" data-state=\"closed\" data-count=\"0\">", page, StringComparison.Ordinal);
        Assert.Contains("marker-end=\"url(#arrow)\"", page, StringComparison.Ordinal);
    }
}
