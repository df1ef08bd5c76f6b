using System.Globalization;

namespace Proposals.Benchmarks;

/// <summary>The benchmarks one run can take part in, in the order they run.</summary>
public enum BenchmarkKind
{
    Engine,
    Http,
    Dispatch,
    Queries,
    Memory,
}

/// <summary>
/// The command line: which benchmarks, how big, where the results go and which PostgreSQL server to use.
/// Every size and duration is the mode's (quick or full) times <see cref="Scale"/>.
/// </summary>
public sealed record BenchmarkOptions(bool Quick, string OutputFolder, string? Postgres, IReadOnlySet<BenchmarkKind> Only, double Scale, bool Keep = false)
{
    public const string DefaultOutputFolder = "benchmarks/results";
    public const string PostgresVariable = "PROPOSALS_BENCH_POSTGRES";
    public const string TestPostgresVariable = "PROPOSALS_TEST_POSTGRES";

    public const string Usage = """
        Usage: dotnet run -c Release --project tests/Proposals.Benchmarks -- [options]

          --quick                  small sizes, under two minutes (default: the full sizes of issue #8)
          --out <folder>           where results.md and results.json go (default: benchmarks/results)
          --postgres <connection>  a PostgreSQL server whose role may create databases (default: the
                                   PROPOSALS_BENCH_POSTGRES or PROPOSALS_TEST_POSTGRES variable; without one,
                                   PostgreSQL rows say "skipped: no PostgreSQL")
          --only <list>            some of engine,http,dispatch,queries,memory (default: all)
          --scale <factor>         multiplies every size and duration of the mode (default: 1)
          --keep                   keep the generated databases and print where they are, to read query plans
          --help                   show this text
        """;

    public int Sized(int quick, int full) => Math.Max(1, (int)Math.Round((Quick ? quick : full) * Scale));

    public TimeSpan Timed(double quickSeconds, double fullSeconds) => TimeSpan.FromSeconds((Quick ? quickSeconds : fullSeconds) * Scale);

    public bool Runs(BenchmarkKind kind) => Only.Contains(kind);

    public string Mode => (Quick ? "quick" : "full") + (Scale == 1 ? "" : string.Create(CultureInfo.InvariantCulture, $" (scale {Scale})"));

    /// <summary>The options, or the reason they cannot be read; null options and null error mean help was asked for.</summary>
    public static (BenchmarkOptions? Options, string? Error) Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var quick = false;
        var output = DefaultOutputFolder;
        string? postgres = null;
        var only = Enum.GetValues<BenchmarkKind>().ToHashSet();
        var scale = 1.0;
        var keep = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h")
            {
                return (null, null);
            }
            if (arg is "--quick" or "--keep")
            {
                quick |= arg == "--quick";
                keep |= arg == "--keep";
                continue;
            }
            if (arg is not ("--out" or "--postgres" or "--only" or "--scale"))
            {
                return (null, $"unknown argument '{arg}'");
            }
            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                return (null, $"{arg} needs a value");
            }
            var value = args[++i];
            switch (arg)
            {
                case "--out":
                    output = value;
                    break;
                case "--postgres":
                    postgres = value;
                    break;
                case "--only":
                    only = [];
                    foreach (var name in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!Enum.TryParse<BenchmarkKind>(name, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || name.Any(char.IsDigit))
                        {
                            return (null, $"--only: '{name}' is not a benchmark; the benchmarks are engine, http, dispatch, queries, memory");
                        }
                        only.Add(kind);
                    }
                    if (only.Count == 0)
                    {
                        return (null, "--only needs at least one of engine, http, dispatch, queries, memory");
                    }
                    break;
                default:
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out scale) || !double.IsFinite(scale) || scale <= 0 || scale > 100)
                    {
                        return (null, $"--scale: '{value}' is not a number above 0 and at most 100");
                    }
                    break;
            }
        }
        postgres ??= new[] { PostgresVariable, TestPostgresVariable }.Select(environment).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        return (new BenchmarkOptions(quick, output, postgres, only, scale, keep), null);
    }
}
