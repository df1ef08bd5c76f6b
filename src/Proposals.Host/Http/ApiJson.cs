using System.Text.Json;
using System.Text.Json.Serialization;

namespace Proposals.Host.Http;

/// <summary>The API's JSON spelling: camelCase, enums as strings, nulls kept so that clients see every field.</summary>
internal static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        // The web defaults read "1" as 1; a client that sends a string where the contract says number has a bug to hear about.
        options.NumberHandling = JsonNumberHandling.Strict;
        // Chinese text stays readable in responses; characters that matter to HTML are still escaped.
        options.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
        return options;
    }
}
