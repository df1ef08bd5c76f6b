using Microsoft.AspNetCore.Mvc;

namespace Proposals.Host.Pages;

/// <summary>Lets a page handler answer with what an API endpoint answers (a file, a problem), so that both share one code path.</summary>
internal sealed class ResultActionResult(IResult result) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return result.ExecuteAsync(context.HttpContext);
    }
}
