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

    /// <summary>
    /// Starts the program as a server with these settings (as environment variables, the way an operator's service
    /// unit gives them) and leaves it running; the caller kills it or disposes it.
    /// </summary>
    public static Running Start(IReadOnlyDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Proposals.Host.dll"));
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        return new Running(Process.Start(start)!);
    }

    /// <summary>A program started with <see cref="Start"/>; what it writes is kept for the failure message.</summary>
    public sealed class Running : IDisposable
    {
        private readonly System.Text.StringBuilder _output = new();

        internal Running(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        private void Append(string? line)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }

        /// <summary>SIGKILL: the process gets no chance to finish anything or release its claims.</summary>
        public void Kill()
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit(30_000);
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Kill();
            }
            Process.Dispose();
        }
    }
}
