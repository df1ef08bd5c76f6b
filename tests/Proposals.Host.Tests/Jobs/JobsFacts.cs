using System.Net;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Proposals.Host.Jobs;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Jobs;

public sealed class JobsFactsOnSqlite() : JobsFacts(TestDatabases.Sqlite);

public sealed class JobsFactsOnPostgres() : JobsFacts(TestDatabases.Postgres);

public sealed class JobsFactsOnSqlServer() : JobsFacts(TestDatabases.SqlServer);

/// <summary>Hangfire in the host: the recurring jobs, their settings, and who may see the dashboard.</summary>
public abstract class JobsFacts(Func<TestDatabase> database) : DatabaseFacts(database)
{
    private static Dictionary<string, string?> Enabled(params (string Key, string? Value)[] settings)
    {
        var all = new Dictionary<string, string?> { ["Jobs:Enabled"] = "true", ["Jobs:WorkerCount"] = "1" };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }
        return all;
    }

    [SkippableFact]
    public async Task The_host_schedules_every_job_in_its_storage_with_the_configured_cron_and_time_zone()
    {
        using var host = new ProposalsHost(Database, settings: Enabled(("Jobs:Schedules:supervisor-digest", "0 9 * * 1-5")));
        using var chain = await Chain.StartAsync(host);

        var storage = host.Services.GetRequiredService<JobStorage>();
        using var connection = storage.GetConnection();
        var jobs = connection.GetRecurringJobs().ToDictionary(j => j.Id);

        Assert.Equal(ScheduledJobs.DefaultSchedules.Keys.Order(), jobs.Keys.Order());
        Assert.Equal("0 9 * * 1-5", jobs[ScheduledJobs.SendDigest].Cron);
        Assert.Equal("* * * * *", jobs[ScheduledJobs.DeliverOutbox].Cron);
        Assert.All(jobs.Values, j => Assert.Equal("Asia/Shanghai", j.TimeZoneId));
        Assert.Equal(Database.Provider switch
        {
            Data.DatabaseProvider.Sqlite => "InMemoryStorage",
            Data.DatabaseProvider.PostgreSql => "PostgreSqlStorage",
            _ => "SqlServerStorage",
        }, storage.GetType().Name);
    }

    [SkippableFact]
    public async Task The_dashboard_is_the_admin_s_to_use_the_supervisor_s_to_read_and_nobody_else_s()
    {
        using var host = new ProposalsHost(Database, settings: Enabled());
        using var chain = await Chain.StartAsync(host);
        using var anonymous = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var signIn = await anonymous.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.StartsWith("/signin?returnUrl=%2Fhangfire", signIn.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await chain.Lead.GetAsync("/hangfire")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await chain.Committee.GetAsync("/hangfire/recurring")).StatusCode);

        var page = await chain.Admin.GetAsync("/hangfire/recurring");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(ScheduledJobs.DeliverOutbox, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await chain.Supervisor.GetAsync("/hangfire/recurring")).StatusCode);

        // The dashboard's own forms carry an anti-forgery token, as its pages give it to their script.
        static async Task<HttpResponseMessage> TriggerAsync(ApiClient client)
        {
            var page = await (await client.GetAsync("/hangfire/recurring")).Content.ReadAsStringAsync();
            var header = System.Text.RegularExpressions.Regex.Match(page, "<meta name=\"csrf-header\" content=\"([^\"]+)\"").Groups[1].Value;
            var token = System.Text.RegularExpressions.Regex.Match(page, "<meta name=\"csrf-token\" content=\"([^\"]+)\"").Groups[1].Value;
            using var request = new HttpRequestMessage(HttpMethod.Post, "/hangfire/recurring/trigger") { Content = new FormUrlEncodedContent([new("jobs[]", ScheduledJobs.DeliverOutbox)]) };
            request.Headers.Add(header, System.Net.WebUtility.HtmlDecode(token));
            return await client.Http.SendAsync(request);
        }
        var bySupervisor = await TriggerAsync(chain.Supervisor);
        Assert.False(bySupervisor.IsSuccessStatusCode, $"a read-only supervisor triggered a job: {bySupervisor.StatusCode}");
        var byAdmin = await TriggerAsync(chain.Admin);
        Assert.True(byAdmin.IsSuccessStatusCode, $"the admin could not trigger a job: {byAdmin.StatusCode}");
        var forged = await chain.Admin.Http.PostAsync("/hangfire/recurring/trigger", new FormUrlEncodedContent([new("jobs[]", ScheduledJobs.DeliverOutbox)]));
        Assert.False(forged.IsSuccessStatusCode, "a dashboard command without the anti-forgery token was accepted");
    }

    [SkippableTheory]
    [InlineData("Jobs:Schedules:deliver-outbox", "every minute", "Jobs:Schedules:deliver-outbox 'every minute' is not a cron expression")]
    [InlineData("Jobs:Schedules:deliver-outbox", "61 * * * *", "Jobs:Schedules:deliver-outbox '61 * * * *' is not a cron expression")]
    [InlineData("Jobs:Schedules:send-everything", "* * * * *", "Jobs:Schedules:send-everything is not a job")]
    [InlineData("Jobs:TimeZone", "Beijing/Time", "Jobs:TimeZone 'Beijing/Time' is not a time zone")]
    [InlineData("Jobs:WorkerCount", "0", "Jobs:WorkerCount is 0")]
    [InlineData("Notifications:Templates:reminder:Title", "{item} 到期 {when}", "Notifications:Templates:reminder:Title uses {when}")]
    [InlineData("Notifications:Templates:farewell:Title", "再见", "Notifications:Templates:farewell is not a message template")]
    public async Task A_bad_setting_stops_the_start_naming_the_key_and_loses_no_queued_notification(string key, string value, string expected)
    {
        long pending;
        using (var good = new ProposalsHost(Database))
        {
            using var chain = await Chain.StartAsync(good);
            await chain.SubmittedAsync();
            pending = good.Scalar("SELECT COUNT(*) FROM notifications WHERE delivery_status = 'pending'");
            Assert.True(pending > 0);
        }

        using (var bad = new ProposalsHost(Database, settings: new Dictionary<string, string?> { [key] = value }))
        {
            Assert.Contains(expected, bad.StartupFailure(), StringComparison.Ordinal);
        }

        using var again = new ProposalsHost(Database);
        using var c = await Chain.StartAsync(again);
        Assert.Equal(pending, again.Scalar("SELECT COUNT(*) FROM notifications WHERE delivery_status = 'pending'"));
    }
}
