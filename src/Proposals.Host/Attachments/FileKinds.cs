using System.IO.Compression;
using System.Text;

namespace Proposals.Host.Attachments;

/// <summary>What a file's content was found to be: a short type name, its MIME type, and whether it is accepted.</summary>
internal sealed record FileKind(string Type, string ContentType, bool Accepted)
{
    public static FileKind Accept(string type, string contentType) => new(type, contentType, true);

    public static FileKind Refuse(string type) => new(type, "application/octet-stream", false);
}

/// <summary>
/// Decides a file's type from its content alone (never its name or the client's content type): PDF, OFD, Office Open XML,
/// legacy OLE documents (Word, Excel, PowerPoint and WPS's wps, et, dps), PNG, JPEG and plain text are accepted;
/// everything else is named as found and refused.
/// </summary>
internal static class FileKinds
{
    private const int HeaderLength = 4096;

    private static readonly (byte[] Magic, string Type)[] RefusedSignatures =
    [
        ([0x7F, 0x45, 0x4C, 0x46], "elf"),
        ("MZ"u8.ToArray(), "exe"),
        ([0xCF, 0xFA, 0xED, 0xFE], "mach-o"),
        ([0xFE, 0xED, 0xFA, 0xCF], "mach-o"),
        ([0xCA, 0xFE, 0xBA, 0xBE], "java-class"),
        ([0x1F, 0x8B], "gzip"),
        ("BZh"u8.ToArray(), "bzip2"),
        ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz"),
        ([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], "7z"),
        ("Rar!"u8.ToArray(), "rar"),
        ("GIF8"u8.ToArray(), "gif"),
        ("RIFF"u8.ToArray(), "riff"),
        ("{\\rtf"u8.ToArray(), "rtf"),
        ("%!PS"u8.ToArray(), "postscript"),
        ("#!"u8.ToArray(), "script"),
        ([0x00, 0x61, 0x73, 0x6D], "wasm"),
    ];

    private static readonly Lazy<Encoding> Gb18030 = new(() =>
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    });

    /// <summary>The kind of the file's content; reads the stream from its start (it must be seekable: a zip's directory is at its end).</summary>
    public static FileKind Detect(Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        content.Position = 0;
        var header = new byte[HeaderLength];
        var length = content.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false);
        var head = header.AsSpan(0, length);
        if (length == 0)
        {
            return FileKind.Refuse("empty");
        }
        if (head.StartsWith("%PDF-"u8))
        {
            return FileKind.Accept("pdf", "application/pdf");
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return FileKind.Accept("png", "image/png");
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return FileKind.Accept("jpeg", "image/jpeg");
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]))
        {
            // Word, Excel and PowerPoint 97-2003 and WPS Office's wps, et and dps all share this container.
            return FileKind.Accept("ole", "application/x-ole-storage");
        }
        if (head.StartsWith("PK\u0003\u0004"u8) || head.StartsWith("PK\u0005\u0006"u8))
        {
            return Zip(content);
        }
        foreach (var (magic, type) in RefusedSignatures)
        {
            if (head.StartsWith(magic))
            {
                return FileKind.Refuse(type);
            }
        }
        return Text(content, head);
    }

    private static FileKind Zip(Stream content)
    {
        content.Position = 0;
        try
        {
            using var zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
            var names = zip.Entries.Select(e => e.FullName.Replace('\\', '/')).ToList();
            if (names.Contains("OFD.xml", StringComparer.Ordinal))
            {
                return FileKind.Accept("ofd", "application/ofd");
            }
            if (names.Contains("[Content_Types].xml", StringComparer.Ordinal))
            {
                bool Has(string folder) => names.Any(n => n.StartsWith(folder, StringComparison.Ordinal));
                if (Has("word/"))
                {
                    return FileKind.Accept("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
                }
                if (Has("xl/"))
                {
                    return FileKind.Accept("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
                }
                if (Has("ppt/"))
                {
                    return FileKind.Accept("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation");
                }
            }
            return FileKind.Refuse("zip");
        }
        catch (InvalidDataException)
        {
            return FileKind.Refuse("zip");
        }
    }

    // Text is accepted when the whole file decodes as UTF-8 (or else GB18030) and holds no control character but tab, CR
    // and LF; text that opens like markup is what a browser would run or render, and is named and refused.
    private static FileKind Text(Stream content, ReadOnlySpan<byte> head)
    {
        if (Markup(head) is { } markup)
        {
            return FileKind.Refuse(markup);
        }
        if (DecodesCleanly(content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), out var binary))
        {
            return FileKind.Accept("text", "text/plain; charset=utf-8");
        }
        if (!binary && DecodesCleanly(content, Gb18030.Value, out binary))
        {
            return FileKind.Accept("text", "text/plain; charset=gb18030");
        }
        return FileKind.Refuse("binary");
    }

    private static string? Markup(ReadOnlySpan<byte> head)
    {
        var text = Encoding.UTF8.GetString(head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? head[3..] : head).TrimStart().ToLowerInvariant();
        if (!text.StartsWith('<'))
        {
            return null;
        }
        if (text.Contains("<svg", StringComparison.Ordinal))
        {
            return "svg";
        }
        if (text.StartsWith("<?xml", StringComparison.Ordinal))
        {
            return text.Contains("<html", StringComparison.Ordinal) ? "html" : "xml";
        }
        return "html";
    }

    private static bool DecodesCleanly(Stream content, Encoding encoding, out bool binary)
    {
        binary = false;
        content.Position = 0;
        var decoder = encoding.GetDecoder();
        var bytes = new byte[64 * 1024];
        var chars = new char[encoding.GetMaxCharCount(bytes.Length)];
        try
        {
            int read;
            do
            {
                read = content.Read(bytes, 0, bytes.Length);
                var count = decoder.GetChars(bytes, 0, read, chars, 0, flush: read == 0);
                foreach (var c in chars.AsSpan(0, count))
                {
                    if (char.IsControl(c) && c is not ('\t' or '\r' or '\n'))
                    {
                        binary = true;
                        return false;
                    }
                }
            }
            while (read > 0);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
