using System.Globalization;
using System.Text;

namespace Proposals.Host.Attachments;

/// <summary>A client's file name as kept and shown: a label only, never a path on this machine.</summary>
internal static class FileNames
{
    public const int MaxLength = 255;
    public const string Fallback = "附件";

    /// <summary>The last part of the name the client sent, without control or bidi override characters, at most 255 characters.</summary>
    public static string Sanitise(string? name)
    {
        var text = name ?? "";
        // A browser may send the whole path (C:\Users\…\报告.pdf); only its last part names the file.
        var last = text.LastIndexOfAny(['/', '\\', ':']);
        if (last >= 0)
        {
            text = text[(last + 1)..];
        }
        var kept = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!char.IsControl(c) && c is not ('\u202A' or '\u202B' or '\u202C' or '\u202D' or '\u202E' or '\u2066' or '\u2067' or '\u2068' or '\u2069'))
            {
                kept.Append(c);
            }
        }
        text = kept.ToString().Trim().Trim('.').Trim();
        if (text.Length == 0)
        {
            return Fallback;
        }
        if (text.Length > MaxLength)
        {
            var extension = Path.GetExtension(text);
            extension = extension.Length is > 0 and <= 16 ? extension : "";
            text = text[..(MaxLength - extension.Length)] + extension;
            // Never end inside a surrogate pair.
            if (char.IsHighSurrogate(text[MaxLength - extension.Length - 1]))
            {
                text = text.Remove(MaxLength - extension.Length - 1, 1);
            }
        }
        return text;
    }

    /// <summary>
    /// The Content-Disposition of a download: <c>attachment</c>, an ASCII name for old clients and the real name as
    /// UTF-8 (RFC 6266 and RFC 8187), so that a Chinese name arrives as it was uploaded.
    /// </summary>
    public static string ContentDisposition(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var ascii = new StringBuilder(fileName.Length);
        foreach (var c in fileName)
        {
            ascii.Append(c is >= ' ' and <= '~' and not ('"' or '\\' or '%') ? c : '_');
        }
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(fileName))
        {
            // attr-char of RFC 8187: letters, digits and !#$&+-.^_`|~ go as they are, every other byte as %XX.
            if (char.IsAsciiLetterOrDigit((char)b) || "!#$&+-.^_`|~".Contains((char)b, StringComparison.Ordinal))
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return $"attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}";
    }
}
