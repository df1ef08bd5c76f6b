using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Proposals.Host.Http;

/// <summary>RFC 9457 problem details for the errors users cause, each naming the field and the reason.</summary>
internal static class Problems
{
    public static ProblemHttpResult Validation(IReadOnlyDictionary<string, string[]> errors, string? detail = null) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value))
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "提交的数据有误",
            Detail = detail ?? string.Join("；", errors.Select(e => $"{e.Key}：{string.Join("，", e.Value)}")),
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        });

    public static ProblemHttpResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult Unprocessable(string title, string detail) =>
        TypedResults.Problem(detail: detail, title: title, statusCode: StatusCodes.Status422UnprocessableEntity);

    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail: detail, title: "请求格式错误", statusCode: StatusCodes.Status400BadRequest);

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail: detail, title: "未找到", statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail: detail, title: "无权操作", statusCode: StatusCodes.Status403Forbidden);

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail: detail, title: "未登录或凭据无效", statusCode: StatusCodes.Status401Unauthorized);

    public static ProblemHttpResult TooManyRequests(string detail) =>
        TypedResults.Problem(detail: detail, title: "请求过于频繁", statusCode: StatusCodes.Status429TooManyRequests);

    public static ProblemHttpResult Conflict(string detail, IDictionary<string, object?> extensions) =>
        TypedResults.Problem(detail: detail, title: "版本冲突", statusCode: StatusCodes.Status409Conflict, extensions: extensions);
}

/// <summary>Reads a JSON request body by hand so that malformed JSON gets a message saying where it broke.</summary>
internal static class JsonBody
{
    public const long MaxBytes = 256 * 1024;

    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, JsonSerializerOptions options, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength is > MaxBytes)
        {
            return (null, TypedResults.Problem(detail: $"请求体过大：最多 {MaxBytes} 字节", title: "请求体过大", statusCode: StatusCodes.Status413PayloadTooLarge));
        }
        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) && !type.Contains("+json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, TypedResults.Problem(detail: $"请求体应为 application/json，实际为 {type}", title: "不支持的内容类型", statusCode: StatusCodes.Status415UnsupportedMediaType));
        }
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBytes;
        }
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, options, cancellationToken);
            return value is null ? (null, Problems.BadRequest("请求体为空或为 null，应为 JSON 对象")) : (value, null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TypedResults.Problem(detail: $"请求体过大：最多 {MaxBytes} 字节", title: "请求体过大", statusCode: StatusCodes.Status413PayloadTooLarge));
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $"（第 {line + 1} 行，第 {ex.BytePositionInLine + 1} 个字节，位置 {ex.Path}）" : "";
            var reason = ex.Message.Split(" Path:", 2)[0];
            return (null, Problems.BadRequest($"请求体不是有效的 JSON，或字段类型不对{where}：{reason}"));
        }
    }
}
