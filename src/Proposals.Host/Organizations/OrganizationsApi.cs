using Microsoft.AspNetCore.Http.HttpResults;
using Proposals.Data.Organizations;

namespace Proposals.Host.Organizations;

/// <summary>The organisations, so that a client can look up an id by its code.</summary>
internal static class OrganizationsApi
{
    public sealed record OrganizationView(long Id, string Code, string Name, string Kind, long? ParentId, bool Active);

    public static IEndpointRouteBuilder MapOrganizationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/organizations", ListAsync).WithTags("Organizations");
        return app;
    }

    private static async Task<Ok<List<OrganizationView>>> ListAsync(OrganizationStore organizations, CancellationToken cancellationToken) =>
        TypedResults.Ok((await organizations.ListAsync(cancellationToken)).Select(View).ToList());

    public static OrganizationView View(Organization organization)
    {
        ArgumentNullException.ThrowIfNull(organization);
        return new(organization.Id, organization.Code, organization.Name, OrganizationStore.KindText(organization.Kind), organization.ParentId, organization.Active);
    }
}
