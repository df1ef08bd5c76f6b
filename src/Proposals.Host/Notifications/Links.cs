using System.Globalization;

namespace Proposals.Host.Notifications;

/// <summary>The addresses messages point their readers to, under <c>Proposals:PublicUrl</c> (the site as its users reach it).</summary>
internal sealed class Links(IConfiguration configuration)
{
    public const string DefaultPublicUrl = "http://127.0.0.1:5080";

    private string Root => (configuration["Proposals:PublicUrl"] is { Length: > 0 } url ? url : DefaultPublicUrl).TrimEnd('/');

    /// <summary>The proposal's page (people read messages; they open pages, not the API).</summary>
    public string Proposal(long id) => $"{Root}/proposals/{id.ToString(CultureInfo.InvariantCulture)}";

    public string Supervision => $"{Root}/supervision";
}
