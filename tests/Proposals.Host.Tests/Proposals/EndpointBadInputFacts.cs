using System.Net;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Proposals;

public sealed class EndpointBadInputFactsOnSqlite() : EndpointBadInputFacts(TestDatabases.Sqlite);

public sealed class EndpointBadInputFactsOnPostgres() : EndpointBadInputFacts(TestDatabases.Postgres);

public sealed class EndpointBadInputFactsOnSqlServer() : EndpointBadInputFacts(TestDatabases.SqlServer);

/// <summary>The routes beyond the proposal actions refuse bad input with the field and the reason, and write nothing.</summary>
public abstract class EndpointBadInputFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    private string Counts() => Host.RowCounts() + $", calendar={Host.Scalar("SELECT COUNT(*) FROM calendar_days")}, reads={Host.Scalar("SELECT COUNT(*) FROM notification_reads")}";

    [SkippableFact]
    public async Task Calendar_days_with_missing_duplicate_or_overlong_fields_are_refused_and_only_the_admin_may_set_them()
    {
        var before = Counts();
        var problem = await ApiClient.Json(await C.Admin.PutAsync("/api/calendar/days", new
        {
            days = new object[]
            {
                new { date = "2026-10-01", isWorkingDay = false, note = "国庆节" },
                new { date = "2026-10-02" },
                new { date = "2026-10-03", isWorkingDay = false, note = new string('注', 101) },
                new { date = "2026-10-01", isWorkingDay = true },
            },
        }), HttpStatusCode.UnprocessableEntity);
        var fields = problem["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.Equal(["days", "days[1].isWorkingDay", "days[2].note"], fields.Order());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await C.Admin.PutAsync("/api/calendar/days", new { days = Array.Empty<object>() })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await C.Government.PutAsync("/api/calendar/days", new { days = new[] { new { date = "2026-10-01", isWorkingDay = false } } })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await C.Admin.GetAsync("/api/calendar?year=1999")).StatusCode);
        Assert.Equal(before, Counts());
    }

    [SkippableFact]
    public async Task A_password_change_without_its_fields_or_json_is_refused_naming_them_and_changes_nothing()
    {
        using var anonymous = Host.CreateClient();
        var before = Host.Scalar("SELECT COUNT(*) FROM access_tokens WHERE revoked_at IS NULL");

        var empty = await ApiClient.Json(await anonymous.PostAsync("/api/auth/password", new StringContent("{}", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["currentPassword", "newPassword", "username"], empty["errors"]!.AsObject().Select(e => e.Key).Order());
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsync("/api/auth/password", new StringContent("username=admin", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/auth/password", new StringContent(
            """{"username":"fgj.handler","currentPassword":"not-it","newPassword":"Another-one-1"}""", System.Text.Encoding.UTF8, "application/json"))).StatusCode);

        Assert.Equal(before, Host.Scalar("SELECT COUNT(*) FROM access_tokens WHERE revoked_at IS NULL"));
        Assert.Equal(HttpStatusCode.OK, (await C.Lead.GetAsync("/api/me")).StatusCode);
    }

    [SkippableFact]
    public async Task Marking_notifications_read_needs_ids_and_never_marks_someone_else_s()
    {
        var id = await C.SubmittedAsync();
        var governmentNotice = (await C.Government.GetJsonAsync("/api/inbox"))["notifications"]!.AsArray()
            .First(n => n!["proposalId"]?.GetValue<long>() == id)!["id"]!.GetValue<long>();
        var before = Counts();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await C.Member.PostAsync("/api/inbox/notifications/read", new { ids = Array.Empty<long>() })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await C.Member.PostAsync("/api/inbox/notifications/read", new { ids = Enumerable.Range(1, 501).ToArray() })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await C.Member.PostRawAsync("/api/inbox/notifications/read", "{\"ids\": \"all\"}")).StatusCode);
        var foreign = await ApiClient.Json(await C.Member.PostAsync("/api/inbox/notifications/read", new { ids = new[] { governmentNotice } }), HttpStatusCode.OK);
        Assert.Equal(0, foreign["marked"]!.GetValue<int>());
        Assert.Equal(before, Counts());

        var own = await ApiClient.Json(await C.Government.PostAsync("/api/inbox/notifications/read", new { ids = new[] { governmentNotice, governmentNotice } }), HttpStatusCode.OK);
        Assert.Equal(1, own["marked"]!.GetValue<int>());
        Assert.DoesNotContain((await C.Government.GetJsonAsync("/api/inbox"))["notifications"]!.AsArray(), n => n!["id"]!.GetValue<long>() == governmentNotice);
    }

    [SkippableFact]
    public async Task Closing_a_topic_is_the_committee_s_once_and_an_unknown_topic_is_404()
    {
        var topic = await ApiClient.Json(await C.Committee.PostAsync("/api/topics", new { title = "待关闭课题", year = 2026, researchDeadline = "2026-06-30" }), HttpStatusCode.Created);
        var id = topic["id"]!.GetValue<long>();
        var before = Counts();
        Assert.Equal(HttpStatusCode.Forbidden, (await C.PartyAdmin.PostAsync($"/api/topics/{id}/close", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await C.Committee.PostAsync("/api/topics/987654/close", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await C.Committee.GetAsync("/api/topics/987654")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await C.Committee.GetAsync("/api/topics?year=twenty")).StatusCode);
        Assert.Equal(before, Counts());
        await ApiClient.Json(await C.Committee.PostAsync($"/api/topics/{id}/close", null), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await C.Committee.PostAsync($"/api/topics/{id}/close", null)).StatusCode);
    }

    [SkippableTheory]
    [InlineData("/api/supervision/overdue?withinDays=-1", "withinDays")]
    [InlineData("/api/supervision/overdue?withinDays=soon", "withinDays")]
    [InlineData("/api/supervision/overdue?withinDays=400", "withinDays")]
    [InlineData("/api/workflows/proposal-chain/graph?format=svg", "format")]
    public async Task Bad_query_parameters_are_a_422_naming_the_parameter(string url, string parameter)
    {
        var problem = await ApiClient.Json(await C.Supervisor.GetAsync(url), HttpStatusCode.UnprocessableEntity);
        Assert.Contains(parameter, problem["errors"]!.AsObject().Select(e => e.Key));
    }

    [SkippableFact]
    public async Task A_workflow_version_that_is_not_a_number_is_a_400()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await C.Supervisor.GetAsync("/api/workflows/proposal-chain?version=latest")).StatusCode);
    }
}
