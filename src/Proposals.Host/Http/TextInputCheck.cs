namespace Proposals.Host.Http;

/// <summary>Query strings and form fields, for the API and the pages alike, pass <see cref="TextInput"/> before anything reads them.</summary>
internal static class TextInputCheck
{
    public static IApplicationBuilder UseTextInputCheck(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var fields = http.Request.Query.SelectMany(q => q.Value.Select(v => (Field: q.Key, Value: v)));
        // An API upload streams its own multipart body (and checks its purpose field itself): reading the form here would
        // take in the whole file before its size is known.
        if (http.Request.HasFormContentType && !Attachments.AttachmentsApi.IsApiUpload(http.Request))
        {
            Attachments.AttachmentPages.AllowUploadSize(http);
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            fields = fields.Concat(form.SelectMany(f => f.Value.Select(v => (Field: f.Key, Value: v))));
        }
        foreach (var (field, value) in fields)
        {
            if ((TextInput.Problem(field, field) ?? TextInput.Problem(field, value)) is { } problem)
            {
                await Problems.Validation(field, problem).ExecuteAsync(http);
                return;
            }
        }
        await next(http);
    });
}
