using Hangfire.Logging;

namespace Proposals.Host.Jobs;

/// <summary>
/// Hangfire's log output into the host's logging. Hangfire keeps its log provider in a static, so in a process that
/// builds several hosts one after another (the test suite) a provider may outlive its host: a logger asked of a
/// disposed factory then writes nowhere instead of failing the job or the storage that asked.
/// </summary>
internal sealed class HangfireLogBridge(ILoggerFactory factory) : ILogProvider
{
    public ILog GetLogger(string name)
    {
        try
        {
            return new BridgedLog(factory.CreateLogger(name));
        }
        catch (ObjectDisposedException)
        {
            return new BridgedLog(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        }
    }

    private sealed class BridgedLog(ILogger logger) : ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            var level = logLevel switch
            {
                Hangfire.Logging.LogLevel.Trace => Microsoft.Extensions.Logging.LogLevel.Trace,
                Hangfire.Logging.LogLevel.Debug => Microsoft.Extensions.Logging.LogLevel.Debug,
                Hangfire.Logging.LogLevel.Info => Microsoft.Extensions.Logging.LogLevel.Information,
                Hangfire.Logging.LogLevel.Warn => Microsoft.Extensions.Logging.LogLevel.Warning,
                Hangfire.Logging.LogLevel.Error => Microsoft.Extensions.Logging.LogLevel.Error,
                _ => Microsoft.Extensions.Logging.LogLevel.Critical,
            };
            if (messageFunc is null)
            {
                // Hangfire asks whether a level is on by passing no message.
                return logger.IsEnabled(level);
            }
            if (logger.IsEnabled(level))
            {
                logger.Log(level, exception, "{HangfireMessage}", messageFunc());
            }
            return true;
        }
    }
}
