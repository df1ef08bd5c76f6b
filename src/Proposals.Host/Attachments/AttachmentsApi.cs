using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Proposals.Data.Attachments;
using Proposals.Host.Auth;
using Proposals.Host.Http;

namespace Proposals.Host.Attachments;

/// <summary>Upload, list, download and delete the files of an item.</summary>
internal static class AttachmentsApi
{
    // The body is described here rather than with Accepts(): that would have routing answer 415 to a request that is not
    // multipart, where the API answers 400 with its own message.
    private static Task DescribeUploadBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "The file (part file) and optionally what it is for (part purpose, at most 100 characters).",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { "file" },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                            ["purpose"] = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = AttachmentUploads.PurposeLimit },
                        },
                    },
                },
            },
        };
        return Task.CompletedTask;
    }

    public static IServiceCollection AddProposalsAttachments(this IServiceCollection services)
    {
        services.AddSingleton<AttachmentStore>();
        services.AddSingleton<AttachmentUploads>();
        return services;
    }

    public static IEndpointRouteBuilder MapAttachmentsApi(this IEndpointRouteBuilder app)
    {
        var items = app.MapGroup("/api/proposals").WithTags("Attachments");
        items.MapPost("/{id:long}/attachments", UploadAsync)
            .AddOpenApiOperationTransformer(DescribeUploadBody)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        items.MapGet("/{id:long}/attachments", ListAsync)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        var files = app.MapGroup("/api/attachments").WithTags("Attachments");
        files.MapGet("/{id:long}/content", DownloadAsync)
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        files.MapDelete("/{id:long}", DeleteAsync)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    /// <summary>Whether a request is an API upload, which reads its own multipart body as a stream (nothing reads the form before it).</summary>
    public static bool IsApiUpload(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HttpMethods.IsPost(request.Method)
            && request.Path.StartsWithSegments("/api/proposals", out var rest)
            && rest.Value is { } tail && tail.EndsWith("/attachments", StringComparison.Ordinal);
    }

    private static async Task<Results<Created<AttachmentView>, ProblemHttpResult>> UploadAsync(
        long id, HttpContext http, AttachmentUploads uploads, CancellationToken cancellationToken)
    {
        var request = http.Request;
        var limits = uploads.Limits;
        // Too large by its own account: answered before a byte of the body is read.
        if (request.ContentLength > limits.MaxRequestBytes)
        {
            return Problem(uploads.TooLarge());
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limits.MaxRequestBytes;
        }
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 } boundary)
        {
            return Problems.BadRequest("请以 multipart/form-data 上传，文件放在名为 file 的部分");
        }
        var caller = Caller.From(http.User);
        if (await uploads.CheckUploaderAsync(caller, id, cancellationToken) is { } refusal)
        {
            return Problem(refusal);
        }

        SpooledFile? file = null;
        try
        {
            string? fileName = null;
            string? purpose = null;
            var reader = new MultipartReader(boundary, request.Body);
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (name == "file" && file is null)
                {
                    fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar).Value is { Length: > 0 } star ? star : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                    file = await SpooledFile.ReceiveAsync(section.Body, limits.MaxBytes, cancellationToken);
                    if (file is null)
                    {
                        return Problem(uploads.TooLarge());
                    }
                }
                else if (name == "purpose")
                {
                    using var text = new StreamReader(section.Body);
                    var buffer = new char[AttachmentUploads.PurposeLimit * 4];
                    var length = await text.ReadBlockAsync(buffer, cancellationToken);
                    purpose = new string(buffer, 0, length);
                }
            }
            if (file is null)
            {
                return Problems.BadRequest("请求中没有名为 file 的文件部分");
            }
            var (created, storeRefusal) = await uploads.StoreAsync(caller, id, file, fileName, purpose, cancellationToken);
            return created is null ? Problem(storeRefusal!) : TypedResults.Created($"/api/attachments/{created.Id}/content", created);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problem(uploads.TooLarge());
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return Problems.BadRequest("multipart/form-data 请求体格式错误，无法读取");
        }
        finally
        {
            file?.Dispose();
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<AttachmentView>>, ProblemHttpResult>> ListAsync(
        long id, HttpContext http, AttachmentUploads uploads, CancellationToken cancellationToken)
    {
        var list = await uploads.ListAsync(Caller.From(http.User), id, cancellationToken);
        return list is null ? Problems.NotFound($"提案 {id} 不存在，或不属于本单位") : TypedResults.Ok(list);
    }

    private static async Task<IResult> DownloadAsync(long id, HttpContext http, AttachmentStore store, CancellationToken cancellationToken)
    {
        var attachment = await store.FindAsync(id, Caller.From(http.User).Viewer, cancellationToken);
        if (attachment is null)
        {
            return Problems.NotFound($"附件 {id} 不存在，或不属于本单位可见的提案");
        }
        var headers = http.Response.Headers;
        headers.ContentDisposition = FileNames.ContentDisposition(attachment.FileName);
        headers.XContentTypeOptions = "nosniff";
        http.Response.ContentLength = attachment.Size;
        var content = await store.OpenReadAsync(id, cancellationToken);
        return TypedResults.Stream(content, attachment.ContentType);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long id, HttpContext http, AttachmentUploads uploads, CancellationToken cancellationToken)
    {
        var refusal = await uploads.DeleteAsync(Caller.From(http.User), id, cancellationToken);
        return refusal is null ? TypedResults.NoContent() : Problem(refusal);
    }

    /// <summary>A refusal as the API answers it.</summary>
    public static ProblemHttpResult Problem(AttachmentRefusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return refusal.Kind switch
        {
            AttachmentRefusalKind.NotFound => Problems.NotFound(refusal.Message),
            AttachmentRefusalKind.Forbidden => Problems.Forbidden(refusal.Message),
            AttachmentRefusalKind.TooLarge => TypedResults.Problem(detail: refusal.Message, title: "文件过大", statusCode: StatusCodes.Status413PayloadTooLarge),
            AttachmentRefusalKind.TooMany => Problems.Unprocessable("附件数量已达上限", refusal.Message),
            AttachmentRefusalKind.Unsupported => TypedResults.Problem(detail: refusal.Message, title: "不接受的文件类型", statusCode: StatusCodes.Status415UnsupportedMediaType,
                extensions: new Dictionary<string, object?> { ["detectedType"] = refusal.DetectedType }),
            AttachmentRefusalKind.Invalid => Problems.Validation(refusal.Field ?? "file", refusal.Message),
            AttachmentRefusalKind.Conflict => TypedResults.Problem(detail: refusal.Message, title: "附件已提交", statusCode: StatusCodes.Status409Conflict),
            _ => Problems.BadRequest(refusal.Message),
        };
    }
}
