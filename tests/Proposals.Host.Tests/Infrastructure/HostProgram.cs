using System.Diagnostics;

namespace Proposals.Host.Tests.Infrastructure;

/// <summary>The real program, started as its own process, as an operator starts it.</summary>
internal static class HostProgram
{
    /// <summary>How the program ended: its exit code and what it wrote to each stream.</summary>
    public sealed record Exit(int Code, string Output, string Error)
    {
        /// <summary>Both streams, the errors first.</summary>
        public string Text => Error + Output;
    }

    /// <summary>Runs the program with these arguments, from the temporary folder, and waits for it to stop.</summary>
    public static Exit Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Proposals.Host.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        // The build machines are shared: a slow start is not a failure, a program that never stops is.
        Assert.True(process.WaitForExit(120_000), "the program did not stop");
        return new Exit(process.ExitCode, output.Result, error.Result);
    }
}
