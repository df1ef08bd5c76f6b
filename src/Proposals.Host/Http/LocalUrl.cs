namespace Proposals.Host.Http;

/// <summary>Where to send a browser back to: a path on this site, or the home page for anything else.</summary>
internal static class LocalUrl
{
    /// <summary>
    /// The URL when it is a path here, else "/". Browsers read a backslash as a slash and drop tabs and line breaks, so
    /// "/\evil" or "/&lt;tab&gt;/evil" would leave the site; control characters would also break the Location header.
    /// </summary>
    public static string OrHome(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || url[1] != '/') && !url.Contains('\\', StringComparison.Ordinal) && !url.Any(char.IsControl)
            ? url
            : "/";
}
