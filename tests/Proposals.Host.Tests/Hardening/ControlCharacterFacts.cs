using System.Net;
using System.Net.Http.Json;
using System.Text;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Hardening;

public sealed class ControlCharacterFactsOnSqlite() : ControlCharacterFacts(TestDatabases.Sqlite);

public sealed class ControlCharacterFactsOnPostgres() : ControlCharacterFacts(TestDatabases.Postgres);

/// <summary>Control characters (NUL above all) and, in titles and names, bidi overrides are refused at the edge, naming the field, and nothing is stored.</summary>
public abstract class ControlCharacterFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    private string Counts() => Host.RowCounts() + $", users={Host.Scalar("SELECT COUNT(*) FROM users")}, tokens={Host.Scalar("SELECT COUNT(*) FROM access_tokens")}";

    private static async Task RefusedAsync(HttpResponseMessage response, string field)
    {
        var body = await ApiClient.Json(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains(field, body["errors"]!.AsObject().Select(e => e.Key));
    }

    [SkippableFact]
    public async Task A_nul_or_a_right_to_left_override_in_a_title_is_refused_naming_the_title()
    {
        var draft = await C.DraftAsync();
        var topicId = (await C.Member.ProposalAsync(draft))["topicId"]!.GetValue<long>();
        var before = Counts();

        await RefusedAsync(await C.Member.PostAsync("/api/proposals", new { topicId, title = "关于\0营商环境", summary = "摘要", body = "正文" }), "title");
        await RefusedAsync(await C.Member.PostAsync("/api/proposals", new { topicId, title = "关于\u202E营商环境", summary = "摘要", body = "正文" }), "title");
        await RefusedAsync(await C.Member.PostAsync("/api/proposals", new { topicId, title = "正常标题", summary = "摘\u0085要", body = "正文" }), "summary");

        Assert.Equal(before, Counts());
        Assert.Equal(HttpStatusCode.OK, (await C.Committee.GetAsync("/api/proposals/export.xlsx")).StatusCode);
    }

    [SkippableFact]
    public async Task Half_a_surrogate_pair_in_json_is_refused_naming_the_field_and_a_whole_pair_passes()
    {
        var draft = await C.DraftAsync();
        var topicId = (await C.Member.ProposalAsync(draft))["topicId"]!.GetValue<long>();
        var before = Counts();

        // Written by hand: System.Text.Json would escape a lone surrogate as U+FFFD when serialising a .NET string.
        var body = $$"""{"topicId": {{topicId}}, "title": "关于\ud800营商环境", "summary": "摘要", "body": "正文"}""";
        await RefusedAsync(await C.Member.PostRawAsync("/api/proposals", body), "title");
        await RefusedAsync(await C.Member.PostRawAsync("/api/proposals", body.Replace("\\ud800营商环境", "营商环境", StringComparison.Ordinal).Replace("正文", "正\\udc00文", StringComparison.Ordinal)), "body");
        Assert.Equal(before, Counts());

        var pair = await C.Member.PostRawAsync("/api/proposals", body.Replace("\\ud800", "\\ud840\\udc00", StringComparison.Ordinal));
        Assert.Equal("关于𠀀营商环境", (await ApiClient.Json(pair, HttpStatusCode.Created))["title"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task A_nul_in_a_comment_is_refused_naming_the_comment()
    {
        var id = await C.DraftAsync();
        var version = Chain.Version(await C.Member.ProposalAsync(id));
        var before = Counts();

        await RefusedAsync(await C.Member.ActOnVersionAsync(id, "submit-for-review", version, comment: "请\0审核"), "comment");

        Assert.Equal(before, Counts());
    }

    [SkippableFact]
    public async Task A_nul_in_a_query_string_is_refused_naming_the_parameter()
    {
        await RefusedAsync(await C.Committee.GetAsync("/api/proposals?q=%00"), "q");
        await RefusedAsync(await C.Committee.GetAsync("/api/proposals/export.xlsx?q=a%00b"), "q");
    }

    [SkippableFact]
    public async Task A_nul_in_the_user_name_of_a_token_request_is_refused_and_issues_nothing()
    {
        using var anonymous = Host.CreateClient();
        var before = Counts();

        await RefusedAsync(await anonymous.PostAsJsonAsync("/api/auth/token", new { username = "fgj.handler\0", password = ApiClient.Password }), "username");

        Assert.Equal(before, Counts());
    }

    [SkippableFact]
    public async Task A_nul_in_an_imported_row_is_refused_naming_the_column_and_imports_nothing()
    {
        var file = Encoding.UTF8.GetBytes("用户名,姓名,单位编码,角色\r\nwlj.one,文旅\0局一号,fgj,department\r\n");
        var before = Counts();

        var answer = await C.Admin.Http.PostAsync("/api/admin/import/users?dryRun=false", new ByteArrayContent(file) { Headers = { { "Content-Type", "text/csv" } } });

        await RefusedAsync(answer, "姓名");
        Assert.Equal(before, Counts());
    }

    [SkippableFact]
    public async Task A_body_of_the_wrong_shape_names_the_field_and_the_expected_kind_but_no_dotnet_type()
    {
        var before = Counts();
        foreach (var (json, field, kind) in new[]
        {
            ("{\"topicId\": \"seven\", \"title\": \"标题\"}", "topicId", "整数"),
            ("{\"topicId\": 1, \"title\": 5}", "title", "文本"),
            ("{\"topicId\": 1, \"title\": \"标题\", \"colour\": \"red\"}", "colour", "不认识"),
        })
        {
            var answer = await C.Member.PostRawAsync("/api/proposals", json);
            var text = await answer.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            var body = System.Text.Json.Nodes.JsonNode.Parse(text)!;
            Assert.Contains(kind, body["errors"]![field]![0]!.GetValue<string>(), StringComparison.Ordinal);
            foreach (var leak in new[] { "System.", "Proposals.", "Int64", ".NET" })
            {
                Assert.DoesNotContain(leak, text, StringComparison.Ordinal);
            }
        }
        Assert.Equal(before, Counts());
    }
}
