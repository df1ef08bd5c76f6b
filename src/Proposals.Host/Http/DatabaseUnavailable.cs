using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Proposals.Data;

namespace Proposals.Host.Http;

/// <summary>
/// A database that is down, restarting or briefly refusing work is the service being unavailable, not a fault of the
/// request: the caller gets 503 with Retry-After and a problem body, and may send the same request again (with its
/// Idempotency-Key, an action that did commit answers as it did).
/// </summary>
internal sealed class DatabaseUnavailable(Database database, IProblemDetailsService problems, Monitoring.ProposalsMetrics metrics, ILogger<DatabaseUnavailable> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (!database.IsTransient(exception))
        {
            return false;
        }
        metrics.DatabaseUnavailable(Kind(exception));
        logger.LogWarning(exception, "The database was unavailable for {Method} {Path}; answered 503", httpContext.Request.Method, httpContext.Request.Path);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await TryWriteAsync(httpContext, exception);
    }

    // The innermost exception the database layer classed as transient, named by its type (and its SQL state or number).
    private string Kind(Exception exception)
    {
        var kind = exception;
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (database.Dialect.IsTransient(current))
            {
                kind = current;
            }
        }
        return kind switch
        {
            Npgsql.PostgresException postgres => $"postgres-{postgres.SqlState}",
            Microsoft.Data.SqlClient.SqlException sql => $"sqlserver-{sql.Number}",
            Microsoft.Data.Sqlite.SqliteException sqlite => $"sqlite-{sqlite.SqliteErrorCode}",
            _ => kind.GetType().Name,
        };
    }

    private async ValueTask<bool> TryWriteAsync(HttpContext httpContext, Exception exception)
    {
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "服务暂时不可用",
                Detail = $"数据库暂时无法访问（可能正在重启）。请在 {RetryAfterSeconds} 秒后重试；带 Idempotency-Key 的操作可原样重发，已完成的不会重复执行。",
                Type = "https://tools.ietf.org/html/rfc9110#section-15.6.4",
            },
        });
    }
}
