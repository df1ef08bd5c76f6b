using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Proposals.Benchmarks;

/// <summary>
/// One figure beside its baseline, measured in the same run. A row that could not be measured has no value and
/// says why in <see cref="Note"/> ("skipped: no PostgreSQL", "pending: stats endpoint").
/// </summary>
public sealed record ResultRow(
    string Benchmark, string Database, string Figure, double? Value, string Unit, double? Baseline, string BaselineName, double? Ratio, string? Note = null)
{
    public static ResultRow Measured(string benchmark, string database, string figure, double value, string unit, double baseline, string baselineName) =>
        new(benchmark, database, figure, value, unit, baseline, baselineName, baseline == 0 ? null : value / baseline);

    public static ResultRow Missing(string benchmark, string database, string figure, string unit, string baselineName, string note) =>
        new(benchmark, database, figure, null, unit, null, baselineName, null, note);
}

/// <summary>Where the figures were taken: they mean little without the machine, the databases and the date.</summary>
public sealed record MachineInfo(string Os, int Cores, string Runtime, IReadOnlyDictionary<string, string> Databases, DateTimeOffset DateUtc, string Mode, string Notes)
{
    public static MachineInfo Describe(IReadOnlyDictionary<string, string> databases, string mode, DateTimeOffset now) =>
        new(RuntimeInformation.OSDescription, Environment.ProcessorCount, RuntimeInformation.FrameworkDescription, databases, now, mode,
            "The host runs in-process (Kestrel on 127.0.0.1 in the benchmark process, real clock, jobs off); working set is that process's.");
}

/// <summary>The figures of one run, printed as a table and written as Markdown and JSON.</summary>
public sealed record BenchmarkReport(MachineInfo Machine, IReadOnlyList<ResultRow> Rows)
{
    public const string MarkdownFile = "results.md";
    public const string JsonFile = "results.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly string[] Header = ["benchmark", "database", "figure", "value", "unit", "baseline", "baseline name", "ratio"];

    public static BenchmarkReport? Read(string json) => JsonSerializer.Deserialize<BenchmarkReport>(json, Json);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"""
            Benchmarks of {Machine.DateUtc:yyyy-MM-dd HH:mm} UTC, {Machine.Mode} mode, on {Machine.Os}, {Machine.Cores} cores, {Machine.Runtime}.
            Databases: {string.Join("; ", Machine.Databases.Select(d => $"{d.Key} {d.Value}"))}.
            {Machine.Notes}


            """);
        text.AppendLine("| " + string.Join(" | ", Header) + " |");
        text.AppendLine("|" + string.Concat(Header.Select((_, i) => i is 3 or 5 or 7 ? " ---: |" : " --- |")));
        foreach (var cells in Rows.Select(Cells))
        {
            text.AppendLine("| " + string.Join(" | ", cells.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }
        return text.ToString();
    }

    /// <summary>The table as plain columns, for the console.</summary>
    public string ToTable()
    {
        var rows = Rows.Select(Cells).Prepend(Header).ToList();
        var widths = Enumerable.Range(0, Header.Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, i) => i is 3 or 5 or 7 ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))).TrimEnd());
        }
        return text.ToString();
    }

    public async Task WriteAsync(string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, MarkdownFile), ToMarkdown(), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, JsonFile), ToJson(), cancellationToken);
    }

    private static string[] Cells(ResultRow row) =>
    [
        row.Benchmark, row.Database, row.Figure, row.Value is { } value ? Format(value) : row.Note ?? "—", row.Unit,
        row.Baseline is { } baseline ? Format(baseline) : "—", row.BaselineName, row.Ratio is { } ratio ? ratio.ToString("0.00", CultureInfo.InvariantCulture) : "—",
    ];

    private static string Format(double value) => value switch
    {
        >= 100 => value.ToString("#,0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.00", CultureInfo.InvariantCulture),
    };
}
