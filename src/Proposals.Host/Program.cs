using Proposals.Host.Admin;
using Proposals.Host.Attachments;
using Proposals.Host.Auth;
using Proposals.Host.Calendar;
using Proposals.Host.History;
using Proposals.Host.Http;
using Proposals.Host.Inbox;
using Proposals.Host.Jobs;
using Proposals.Host.Notifications;
using Proposals.Host.Organizations;
using Proposals.Host.Pages;
using Proposals.Host.Proposals;
using Proposals.Host.Reminders;
using Proposals.Host.Startup;
using Proposals.Host.Statistics;
using Proposals.Host.Supervision;
using Proposals.Host.Topics;
using Proposals.Host.Workflows;

var commandLine = CommandLine.Parse(args);
if (commandLine.RunBeforeHost(Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

var builder = WebApplication.CreateBuilder(ServiceRegistration.BuilderOptions(commandLine.HostArgs));
if (commandLine.TouchesOnlyTheDatabase)
{
    return await commandLine.RunOnDatabaseAsync(builder.Configuration, Console.Out, Console.Error);
}
builder.UseProposalsDefaults();
if (!builder.Services.TryAddProposalsData(builder.Configuration, Console.Error))
{
    return 1;
}
builder.Services.AddProposalsWorkflow();
builder.Services.AddProposalsAttachments();
builder.Services.AddProposalsNotifications(builder.Configuration);
builder.Services.AddProposalsJobs(builder.Configuration);
builder.Services.AddProposalsPages();
builder.Services.AddProposalsAuth(builder.Configuration);
builder.Services.AddProposalsApi();
builder.Services.AddProposalsProxy(builder.Configuration);

var app = builder.Build();
app.UseProposalsPipeline();
app.MapAuthApi();
app.MapOrganizationsApi();
app.MapWorkflowsApi();
app.MapTopicsApi();
app.MapProposalsApi();
app.MapAttachmentsApi();
app.MapInboxApi();
app.MapSupervisionApi();
app.MapStatisticsApi();
app.MapCalendarApi();
app.MapOutboxApi();
app.MapReminderAdminApi();
app.MapAdminApi();
app.MapHistoryApi();
app.MapJobsDashboard();
app.MapProposalsPages();

return await commandLine.RunAsync(app, Console.Out, Console.Error);

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
