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
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TypedResults.Problem(detail: $"请求体过大：最多 {MaxBytes} 字节", title: "请求体过大", statusCode: StatusCodes.Status413PayloadTooLarge));
        }
        catch (JsonException ex)
        {
            // The reader's own messages name characters and positions, never a .NET type.
            var where = ex.LineNumber is { } line ? $"（第 {line + 1} 行，第 {ex.BytePositionInLine + 1} 个字节）" : "";
            return (null, Problems.BadRequest($"请求体不是有效的 JSON{where}：{ex.Message.Split(" LineNumber:", 2)[0]}"));
        }
        using (document)
        {
            if (TextInput.Problem(document.RootElement) is { } refused)
            {
                return (null, Problems.Validation(refused.Field, refused.Message));
            }
            try
            {
                var value = document.RootElement.Deserialize<T>(options);
                return value is null ? (null, Problems.BadRequest("请求体为空或为 null，应为 JSON 对象")) : (value, null);
            }
            catch (JsonException ex)
            {
                var field = ex.Path is { Length: > 1 } path ? path.TrimStart('$').TrimStart('.') : "";
                // Records report a mismatch as their own type: the field's declared type says what was expected.
                var declared = typeof(T).GetProperty(field, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase)?.PropertyType;
                var (name, reason) = Explain(ex.Message, field, declared);
                return (null, TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [name] = [reason] })
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "请求格式错误",
                    Detail = $"请求体的 JSON 字段类型不对：{(name.Length == 0 ? "" : name + "：")}{reason}",
                }));
            }
        }
    }

    /// <summary>
    /// The field and what was expected there in plain words. The serializer's messages name .NET types
    /// ("could not be converted to System.Int64", "mapped to any .NET member contained in type …"), which say nothing to a client and too much about the service.
    /// </summary>
    internal static (string Field, string Reason) Explain(string message, string field, Type? declared = null)
    {
        var unknown = System.Text.RegularExpressions.Regex.Match(message, "^The JSON property '([^']*)' could not be mapped");
        if (unknown.Success)
        {
            var property = unknown.Groups[1].Value;
            var name = field.Length == 0 || field == property || field.EndsWith("." + property, StringComparison.Ordinal) ? (field.Length == 0 ? property : field) : $"{field}.{property}";
            return (name, "不认识这个字段");
        }
        var missing = System.Text.RegularExpressions.Regex.Match(message, @"missing required properties including: (.*)\.");
        if (missing.Success)
        {
            return (field, $"缺少必填字段 {missing.Groups[1].Value.Replace("'", "", StringComparison.Ordinal)}");
        }
        if (declared is not null)
        {
            return (field, $"应为{Kind(declared.ToString())}");
        }
        var at = message.IndexOf("converted to ", StringComparison.Ordinal);
        return (field, $"应为{Kind(at < 0 ? message : message[at..].Split(" Path:", 2)[0])}");
    }

    private static string Kind(string type)
    {
        static bool Has(string text, params string[] names) => names.Any(n => text.Contains(n, StringComparison.Ordinal));
        var name = Has(type, "List`", "[]", "Enumerable") ? "List" : Has(type, "Dictionary") ? "Dictionary"
            : Has(type, "Int16", "Int32", "Int64", "Byte") ? "Int64" : Has(type, "Decimal", "Double", "Single") ? "Double"
            : Has(type, "Boolean") ? "Boolean" : Has(type, "DateOnly") ? "DateOnly" : Has(type, "DateTime") ? "DateTime"
            : Has(type, "TimeOnly", "TimeSpan") ? "TimeOnly" : Has(type, "JsonObject") ? "JsonObject" : Has(type, "String") ? "String" : "";
        return name switch
        {
            "Int64" => "整数（number）",
            "Double" => "数字（number）",
            "Boolean" => "true 或 false（boolean）",
            "String" => "文本（string）",
            "DateOnly" => "日期，形如 2026-03-02（string）",
            "DateTime" => "日期时间，形如 2026-03-02T09:00:00+08:00（string）",
            "TimeOnly" => "时间（string）",
            "JsonObject" => "JSON 对象（object）",
            "List" => "数组（array）",
            "Dictionary" => "JSON 对象（object）",
            _ => "另一种值：请对照接口文档中该字段的类型和取值",
        };
    }
}
