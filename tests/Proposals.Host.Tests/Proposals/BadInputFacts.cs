using System.Net;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Proposals;

public sealed class BadInputFactsOnSqlite() : BadInputFacts(TestDatabases.Sqlite);

public sealed class BadInputFactsOnPostgres() : BadInputFacts(TestDatabases.Postgres);

public sealed class BadInputFactsOnSqlServer() : BadInputFacts(TestDatabases.SqlServer);

public abstract class BadInputFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    [SkippableTheory]
    [InlineData("{\"version\": 3, \"data\": {\"reason\": \"x\"}")]
    [InlineData("not json at all")]
    [InlineData("{\"version\": \"three\"}")]
    [InlineData("{\"version\": 3, \"colour\": \"red\"}")]
    [InlineData("[1, 2]")]
    [InlineData("null")]
    public async Task Malformed_json_on_an_action_is_a_400_that_says_so_and_changes_nothing(string body)
    {
        var id = await C.SubmittedAsync();
        var before = Host.RowCounts();
        var problem = await ApiClient.Json(await C.Government.PostRawAsync($"/api/proposals/{id}/actions/reject", body), HttpStatusCode.BadRequest);
        Assert.Contains("JSON", problem["detail"]!.GetValue<string>());
        Assert.Equal(before, Host.RowCounts());
    }

    [SkippableFact]
    public async Task A_body_that_is_not_json_is_refused_as_the_wrong_media_type()
    {
        var id = await C.SubmittedAsync();
        var response = await C.Government.PostRawAsync($"/api/proposals/{id}/actions/reject", "version=3", "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [SkippableFact]
    public async Task An_unknown_action_is_a_422_naming_it_and_changes_nothing()
    {
        var id = await C.SubmittedAsync();
        var before = Host.RowCounts();
        var problem = await ApiClient.Json(await C.Government.ActOnVersionAsync(id, "approve-everything", 3), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("approve-everything", problem["detail"]!.GetValue<string>());
        Assert.Equal(before, Host.RowCounts());
    }

    [SkippableFact]
    public async Task An_action_not_possible_in_the_current_state_is_a_422()
    {
        // Adopted already: the government sees the item, but adopting it again is not on offer in implementation.
        var id = await C.AdoptedAsync();
        var version = Chain.Version(await C.Government.ProposalAsync(id));
        var before = Host.RowCounts();
        var problem = await ApiClient.Json(await C.Government.ActOnVersionAsync(id, "adopt", version, new { leadDepartmentId = C.Org("fgj") }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("adopt", problem["detail"]!.GetValue<string>());
        Assert.Equal(before, Host.RowCounts());
    }

    [SkippableFact]
    public async Task A_missing_version_is_a_422_on_the_version_field()
    {
        var id = await C.SubmittedAsync();
        var problem = await ApiClient.Json(await C.Government.PostAsync($"/api/proposals/{id}/actions/reject", new { data = new { reason = "x" } }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("version", problem["errors"]!.AsObject().Select(e => e.Key));
    }

    [SkippableFact]
    public async Task Adopt_with_missing_unknown_and_wrong_kind_organisations_names_each_field_and_changes_nothing()
    {
        var id = await C.SubmittedAsync();
        var before = Host.RowCounts();

        var missing = await ApiClient.Json(await C.Government.ActOnVersionAsync(id, "adopt", 3, new { partly = false }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("data.leadDepartmentId", missing["errors"]!.AsObject().Select(e => e.Key));

        var unknown = await ApiClient.Json(await C.Government.ActOnVersionAsync(id, "adopt", 3, new { leadDepartmentId = 999_999, coDepartmentIds = new[] { C.Org("jyj"), 888_888 } }), HttpStatusCode.UnprocessableEntity);
        var errors = unknown["errors"]!.AsObject();
        Assert.Contains("999999", errors["data.leadDepartmentId"]![0]!.GetValue<string>());
        Assert.Contains("888888", errors["data.coDepartmentIds[1]"]![0]!.GetValue<string>());

        var party = await ApiClient.Json(await C.Government.ActOnVersionAsync(id, "adopt", 3, new { leadDepartmentId = C.Org("minmeng") }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("data.leadDepartmentId", party["errors"]!.AsObject().Select(e => e.Key));

        var both = await ApiClient.Json(await C.Government.ActOnVersionAsync(id, "adopt", 3, new { leadDepartmentId = C.Org("fgj"), coDepartmentIds = new[] { C.Org("fgj") } }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("data.coDepartmentIds", both["errors"]!.AsObject().Select(e => e.Key));

        var past = await ApiClient.Json(await C.Government.ActOnVersionAsync(id, "adopt", 3, new { leadDepartmentId = C.Org("fgj"), dueDate = "2020-01-01" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("data.dueDate", past["errors"]!.AsObject().Select(e => e.Key));

        var badDate = await ApiClient.Json(await C.Government.ActOnVersionAsync(id, "adopt", 3, new { leadDepartmentId = C.Org("fgj"), dueDate = "31/12/2026" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("yyyy-MM-dd", badDate["errors"]!["data.dueDate"]![0]!.GetValue<string>());

        var extra = await ApiClient.Json(await C.Government.ActOnVersionAsync(id, "adopt", 3, new { leadDepartmentId = C.Org("fgj"), budget = 100 }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("data.budget", extra["errors"]!.AsObject().Select(e => e.Key));

        Assert.Equal(before, Host.RowCounts());
    }

    [SkippableFact]
    public async Task Too_long_text_is_refused_with_the_limit_and_changes_nothing()
    {
        var id = await C.SubmittedAsync();
        var before = Host.RowCounts();
        var problem = await ApiClient.Json(await C.Government.ActOnVersionAsync(id, "reject", 3, new { reason = new string('长', 2001) }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("2000", problem["errors"]!["data.reason"]![0]!.GetValue<string>());
        var comment = await ApiClient.Json(await C.Government.ActOnVersionAsync(id, "reject", 3, new { reason = "短" }, comment: new string('评', 2001)), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("comment", comment["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(before, Host.RowCounts());
    }

    [SkippableFact]
    public async Task A_draft_without_a_title_or_with_too_long_text_or_an_unknown_topic_is_refused_and_nothing_is_written()
    {
        var before = Host.RowCounts();
        var noTitle = await ApiClient.Json(await C.Member.PostAsync("/api/proposals", new { summary = "只有摘要" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("title", noTitle["errors"]!.AsObject().Select(e => e.Key));
        var longTitle = await ApiClient.Json(await C.Member.PostAsync("/api/proposals", new { title = new string('题', 201) }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("200", longTitle["errors"]!["title"]![0]!.GetValue<string>());
        var unknownTopic = await ApiClient.Json(await C.Member.PostAsync("/api/proposals", new { topicId = 424242, title = "无此课题" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("424242", unknownTopic["errors"]!["topicId"]![0]!.GetValue<string>());
        var notParty = await C.Lead.PostAsync("/api/proposals", new { title = "部门不能起草提案" });
        Assert.Equal(HttpStatusCode.Forbidden, notParty.StatusCode);
        Assert.Equal(before, Host.RowCounts());
    }

    [SkippableFact]
    public async Task Bad_topic_fields_are_each_named()
    {
        var before = Host.RowCounts();
        var problem = await ApiClient.Json(await C.Committee.PostAsync("/api/topics", new
        {
            title = "",
            year = 1900,
            researchDeadline = "2026-13-45",
            assignedPartyIds = new[] { C.Org("fgj"), 77_777 },
        }), HttpStatusCode.UnprocessableEntity);
        var fields = problem["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.Contains("title", fields);
        Assert.Contains("year", fields);
        Assert.Contains("researchDeadline", fields);
        Assert.Contains("assignedPartyIds[0]", fields);
        Assert.Contains("assignedPartyIds[1]", fields);
        Assert.Equal(before, Host.RowCounts());
    }

    [SkippableTheory]
    [InlineData("page=0")]
    [InlineData("pageSize=1000")]
    [InlineData("overdue=maybe")]
    [InlineData("stage=nowhere")]
    [InlineData("state=limbo")]
    [InlineData("organizationId=abc")]
    [InlineData("year=20x6")]
    public async Task Bad_list_filters_are_a_422_naming_the_parameter(string query)
    {
        var problem = await ApiClient.Json(await C.Supervisor.GetAsync($"/api/proposals?{query}"), HttpStatusCode.UnprocessableEntity);
        Assert.Contains(query.Split('=')[0], problem["errors"]!.AsObject().Select(e => e.Key));
    }

    [SkippableFact]
    public async Task Requests_without_a_valid_token_are_refused_with_401()
    {
        using var anonymous = Host.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/proposals")).StatusCode);
        anonymous.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "forged-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/me")).StatusCode);
        var wrong = await new ApiClient(Host.CreateClient(), "x").PostAsync("/api/auth/token", new { username = "minmeng.admin", password = "wrong" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var empty = await new ApiClient(Host.CreateClient(), "x").PostAsync("/api/auth/token", new { username = "" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
    }

    [SkippableFact]
    public async Task A_revoked_token_is_refused_at_once()
    {
        var user = await Host.SignInAsync("minmeng.member");
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await user.PostAsync("/api/auth/revoke", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.GetAsync("/api/me")).StatusCode);
    }

    [SkippableFact]
    public async Task Dates_far_outside_any_real_deadline_are_refused_on_every_date_field()
    {
        var id = await C.SubmittedAsync();
        var before = Host.RowCounts();
        var adopt = await ApiClient.Json(await C.Government.ActOnVersionAsync(id, "adopt", 3, new { leadDepartmentId = C.Org("fgj"), dueDate = "9999-12-31" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("2100-12-31", adopt["errors"]!["data.dueDate"]![0]!.GetValue<string>());
        var topic = await ApiClient.Json(await C.Committee.PostAsync("/api/topics", new { title = "远期课题", year = 2026, researchDeadline = "9999-12-31" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("researchDeadline", topic["errors"]!.AsObject().Select(e => e.Key));
        var calendar = await ApiClient.Json(await C.Admin.PutAsync("/api/calendar/days", new { days = new[] { new { date = "9999-12-31", isWorkingDay = false } } }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("days[0].date", calendar["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(before, Host.RowCounts());

        var adopted = await C.Government.ActAsync(id, "adopt", new { leadDepartmentId = C.Org("fgj") });
        await C.Lead.ActAsync(id, "sign");
        var extension = await ApiClient.Json(await C.Lead.ActOnVersionAsync(id, "request-extension", Chain.Version(adopted) + 1, new { newDueDate = "9999-12-31", reason = "无限期" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("data.newDueDate", extension["errors"]!.AsObject().Select(e => e.Key));
    }

    [SkippableFact]
    public async Task A_number_sent_as_a_string_is_refused_and_nothing_changes()
    {
        var id = await C.DraftAsync();
        var before = Host.RowCounts();
        var problem = await ApiClient.Json(await C.Member.PostRawAsync($"/api/proposals/{id}/actions/submit-for-review", "{\"version\": \"1\"}"), HttpStatusCode.BadRequest);
        Assert.Contains("version", problem["detail"]!.GetValue<string>());
        var adopt = await C.Member.PostRawAsync("/api/proposals", "{\"topicId\": \"1\", \"title\": \"字符串编号\"}");
        Assert.Equal(HttpStatusCode.BadRequest, adopt.StatusCode);
        Assert.Equal(before, Host.RowCounts());
    }

    [SkippableFact]
    public async Task A_body_over_the_limit_is_refused_with_413()
    {
        var response = await C.Member.PostRawAsync("/api/proposals", "{\"title\": \"" + new string('长', 300_000) + "\"}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}
