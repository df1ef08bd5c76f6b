using Hangfire.Dashboard;
using Proposals.Engine.Definitions;

namespace Proposals.Host.Jobs;

/// <summary>The jobs dashboard: administrators may act in it, supervisors may look; nobody else gets in.</summary>
internal sealed class DashboardAccess : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        var user = context.GetHttpContext().User;
        return user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Supervisor);
    }

    public static bool IsReadOnly(DashboardContext context) => !context.GetHttpContext().User.IsInRole(Roles.Admin);
}
