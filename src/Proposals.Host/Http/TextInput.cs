using System.Globalization;
using System.Text.Json;

namespace Proposals.Host.Http;

/// <summary>
/// The one check of text coming in, used by JSON bodies, query strings, forms and imports alike: C0 and C1 control
/// characters other than tab, CR and LF are refused everywhere (NUL breaks PostgreSQL and every export); bidi
/// override and isolate characters (U+202A–U+202E, U+2066–U+2069), which can make a title read backwards, are
/// refused in titles and names.
/// </summary>
internal static class TextInput
{
    /// <summary>Why the text of a field is refused, or null when it may pass.</summary>
    public static string? Problem(string field, string? text)
    {
        if (text is null)
        {
            return null;
        }
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            // Half of a surrogate pair is no character at all: no database stores it as text.
            if (char.IsSurrogate(c))
            {
                return string.Create(CultureInfo.InvariantCulture, $"含有不成对的代理字符 U+{(int)c:X4}，不是有效的 Unicode 文本");
            }
            if (IsForbiddenControl(c))
            {
                return string.Create(CultureInfo.InvariantCulture, $"含有不允许的控制字符 U+{(int)c:X4}");
            }
        }
        if (IsTitleOrName(field))
        {
            foreach (var c in text)
            {
                if (c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069')
                {
                    return string.Create(CultureInfo.InvariantCulture, $"含有改变文字方向的字符 U+{(int)c:X4}，标题和名称中不允许");
                }
            }
        }
        return null;
    }

    /// <summary>The first refused string in a JSON document, as its field (a JSON path without "$.") and the reason.</summary>
    public static (string Field, string Message)? Problem(JsonElement element, string path = "")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var field = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    if (Problem(field, property.Name) is { } nameProblem)
                    {
                        return (field, nameProblem);
                    }
                    if (Problem(property.Value, field) is { } inner)
                    {
                        return inner;
                    }
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Problem(item, string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]")) is { } inner)
                    {
                        return inner;
                    }
                }
                return null;
            case JsonValueKind.String:
                string? text;
                try
                {
                    text = element.GetString();
                }
                catch (InvalidOperationException)
                {
                    return (path, "含有不成对的代理字符，不是有效的 Unicode 文本");
                }
                return Problem(path, text) is { } message ? (path, message) : null;
            default:
                return null;
        }
    }

    private static bool IsForbiddenControl(char c) => c is not ('\t' or '\r' or '\n') && (c <= '\u001F' || c is >= '\u007F' and <= '\u009F');

    // A field is a title or a name by what it is called, the same in JSON, forms and CSV columns: title, name, displayName, display_name, username…
    private static bool IsTitleOrName(string field)
    {
        var last = field;
        var dot = last.LastIndexOf('.');
        if (dot >= 0)
        {
            last = last[(dot + 1)..];
        }
        var bracket = last.IndexOf('[', StringComparison.Ordinal);
        if (bracket >= 0)
        {
            last = last[..bracket];
        }
        return last.EndsWith("title", StringComparison.OrdinalIgnoreCase) || last.EndsWith("name", StringComparison.OrdinalIgnoreCase);
    }
}
