using Microsoft.AspNetCore.Http.HttpResults;
using Proposals.Data.Proposals;
using Proposals.Engine.Definitions;
using Proposals.Host.Auth;
using Proposals.Host.Http;
using Proposals.Host.Proposals;

namespace Proposals.Host.History;

/// <summary>The administrator's check of the tamper-evident history: every item's hash chain recomputed, and the first event that does not match.</summary>
internal static class HistoryApi
{
    public sealed record VerificationResponse(bool Intact, long ItemsChecked, long EventsChecked, ChainMismatch? FirstMismatch);

    public static IEndpointRouteBuilder MapHistoryApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/admin/history").WithTags("History").MapGet("/verify", VerifyAsync);
        return app;
    }

    private static async Task<Results<Ok<VerificationResponse>, ProblemHttpResult>> VerifyAsync(
        string? proposalId, HttpContext http, HistoryVerifier verifier, CancellationToken cancellationToken)
    {
        if (!Caller.From(http.User).IsIn(Roles.Admin))
        {
            return Problems.Forbidden("只有系统管理员可以校验历史记录");
        }
        var errors = new Dictionary<string, string[]>();
        var item = QueryParsing.Long(proposalId, "proposalId", errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        var verification = await verifier.VerifyAsync(item, cancellationToken);
        if (item is not null && verification.ItemsChecked == 0)
        {
            return Problems.NotFound($"提案 {item} 不存在");
        }
        return TypedResults.Ok(new VerificationResponse(verification.Intact, verification.ItemsChecked, verification.EventsChecked, verification.FirstMismatch));
    }
}
