using System.Text;

namespace Proposals.Host.Admin;

/// <summary>One record of a CSV file with the line it starts on, counted from 1.</summary>
internal sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>
/// Reads the CSV files spreadsheets write (RFC 4180: commas, double quotes, doubled quotes inside them, line breaks
/// inside quoted fields), in UTF-8 or, as spreadsheets exported in China often are, GBK / GB18030.
/// </summary>
internal static class CsvFile
{
    /// <summary>The encodings a caller may name; anything else is refused rather than guessed.</summary>
    public static readonly IReadOnlyList<string> EncodingNames = ["auto", "utf-8", "gbk", "gb18030"];

    // .NET carries the Chinese code pages but only offers them once their provider is registered.
    private static readonly Encoding Gb18030 = ChineseEncoding();

    private static Encoding ChineseEncoding()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    /// <summary>
    /// The text of the file: UTF-8 when it has a UTF-8 byte order mark or is valid UTF-8, otherwise GB18030 (a superset of
    /// GBK); with a named encoding, that one. Returns the reason instead when the bytes are not text in that encoding.
    /// </summary>
    public static (string? Text, string? Problem) Decode(byte[] content, string? encodingName)
    {
        ArgumentNullException.ThrowIfNull(content);
        var name = string.IsNullOrWhiteSpace(encodingName) ? "auto" : encodingName.Trim().ToLowerInvariant();
        if (!EncodingNames.Contains(name))
        {
            return (null, $"encoding 应为 {string.Join("、", EncodingNames)} 之一");
        }
        var hasBom = content.Length >= 3 && content[0] == 0xEF && content[1] == 0xBB && content[2] == 0xBF;
        if (name == "utf-8" || (name == "auto" && (hasBom || TryStrict(new UTF8Encoding(false, true), content, out _))))
        {
            return TryStrict(new UTF8Encoding(false, true), hasBom ? content[3..] : content, out var utf8)
                ? (utf8, null)
                : (null, "文件不是有效的 UTF-8 文本；如果是从 Excel 导出的 GBK 文件，请用 encoding=gbk");
        }
        return TryStrict(Gb18030, content, out var chinese)
            ? (chinese, null)
            : (null, name == "auto" ? "无法识别文件编码：既不是 UTF-8 也不是 GBK 文本" : "文件不是有效的 GBK/GB18030 文本");
    }

    private static bool TryStrict(Encoding encoding, byte[] content, out string text)
    {
        try
        {
            text = encoding.GetString(content);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }

    /// <summary>The records of the text, blank lines left out; an unclosed quote is reported with the line it opened on.</summary>
    public static (IReadOnlyList<CsvRecord> Records, string? Problem) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var quoted = false;
        var quoteLine = 0;
        var i = 0;

        void EndRecord()
        {
            fields.Add(field.ToString());
            field.Clear();
            if (fields.Count > 1 || fields[0].Length > 0)
            {
                records.Add(new CsvRecord(recordLine, fields.ToList()));
            }
            fields.Clear();
        }

        while (i < text.Length)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i += 2;
                    continue;
                }
                if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    field.Append(c);
                }
                i++;
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    quoteLine = line;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    EndRecord();
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(c);
                    break;
            }
            i++;
        }
        if (quoted)
        {
            return (records, $"第 {quoteLine} 行的引号没有结束");
        }
        EndRecord();
        return (records, null);
    }
}
