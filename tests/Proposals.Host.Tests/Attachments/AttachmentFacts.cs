using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Microsoft.Extensions.DependencyInjection;
using Proposals.Data;
using Proposals.Data.Proposals;
using Proposals.Host.Tests.Infrastructure;

namespace Proposals.Host.Tests.Attachments;

public sealed class AttachmentFactsOnSqlite() : AttachmentFacts(TestDatabases.Sqlite);

public sealed class AttachmentFactsOnPostgres() : AttachmentFacts(TestDatabases.Postgres);

public sealed class AttachmentFactsOnSqlServer() : AttachmentFacts(TestDatabases.SqlServer);

/// <summary>
/// Files of an item: accepted by what they contain, never by their name; limited in size and number; downloaded byte for
/// byte under their Chinese names; deleted only while no action names them; bound by actions whose history events then
/// carry their SHA-256, so that a file swapped in the database afterwards is caught by the history verifier.
/// </summary>
public abstract class AttachmentFacts(Func<TestDatabase> database) : ChainFacts(database)
{
    private const int MaxBytes = 1024 * 1024;
    private const int MaxFiles = 4;

    protected override Task<IReadOnlyDictionary<string, string?>?> SettingsAsync() => Task.FromResult<IReadOnlyDictionary<string, string?>?>(
        new Dictionary<string, string?> { ["Attachments:MaxBytes"] = MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Attachments:MaxFilesPerItem"] = MaxFiles.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    private long StoredFiles => Host.Scalar("SELECT COUNT(*) FROM attachments") + Host.Scalar("SELECT COUNT(*) FROM attachment_chunks");

    public static TheoryData<string> AcceptedKinds => ["pdf", "docx", "ofd", "png", "jpeg", "text-gb18030", "text-utf8", "ole", "xlsx"];

    [SkippableTheory]
    [MemberData(nameof(AcceptedKinds))]
    public async Task Each_accepted_type_is_stored_as_its_content_says_with_its_size_and_sha256(string kind)
    {
        var id = await C.DraftAsync();
        var (bytes, name, type, contentType) = Sample(kind);

        var created = await ApiClient.Json(await UploadAsync(C.Member, id, bytes, name, "调研报告附件"), HttpStatusCode.Created);

        Assert.Equal(name, created["fileName"]!.GetValue<string>());
        Assert.Equal(bytes.Length, created["size"]!.GetValue<long>());
        Assert.Equal(Sha256(bytes), created["sha256"]!.GetValue<string>());
        Assert.Equal(contentType, created["contentType"]!.GetValue<string>());
        Assert.Equal(type, created["detectedType"]!.GetValue<string>());
        Assert.Equal(C.Member.Me["id"]!.GetValue<long>(), created["uploadedBy"]!["id"]!.GetValue<long>());
        var listed = Assert.Single(await ListAsync(C.Member, id));
        Assert.Equal(created["id"]!.GetValue<long>(), listed!["id"]!.GetValue<long>());
        Assert.Equal("民盟市委会", listed["organization"]!["name"]!.GetValue<string>());
        Assert.Null(listed["boundAction"]);
    }

    public static TheoryData<string, string, string> RefusedKinds => new()
    {
        { "elf", "调研报告.pdf", "elf" },
        { "exe", "调研报告.pdf", "exe" },
        { "html", "说明.txt", "html" },
        { "svg", "图表.png", "svg" },
        { "zip", "材料.docx", "zip" },
        { "gzip", "材料.pdf", "gzip" },
    };

    [SkippableTheory]
    [MemberData(nameof(RefusedKinds))]
    public async Task A_file_of_another_type_is_refused_with_415_naming_the_detected_type_whatever_its_name_and_nothing_is_stored(string kind, string name, string detected)
    {
        var id = await C.DraftAsync();

        var response = await UploadAsync(C.Member, id, Refused(kind), name, contentType: "application/pdf");

        var problem = await ApiClient.Json(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(detected, problem["detectedType"]!.GetValue<string>());
        Assert.Contains(detected, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, StoredFiles);
    }

    [SkippableFact]
    public async Task A_body_larger_than_the_limit_by_its_content_length_is_answered_413_before_it_is_read()
    {
        var id = await C.DraftAsync();
        var content = new CountingContent(declaredLength: 20L * 1024 * 1024);

        // The body stops after its first block until the answer is in: a server that read it first would never answer.
        using var direct = DirectClient(C.Member);
        var response = await direct.PostAsync($"/api/proposals/{id}/attachments", content).WaitAsync(TimeSpan.FromSeconds(60));
        var written = content.Written;
        content.Release();

        var problem = await ApiClient.Json(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("文件过大", problem["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(written <= CountingContent.FirstBlock, $"{written} bytes were taken before the answer");
        Assert.Equal(0, StoredFiles);
    }

    [SkippableFact]
    public async Task A_chunked_body_is_cut_off_with_413_when_its_file_passes_the_limit()
    {
        var id = await C.DraftAsync();
        var boundary = "----proposals-test";
        var head = Encoding.UTF8.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\nContent-Type: text/plain\r\n\r\n");
        // No Content-Length: the body is sent in chunks, and its file part goes on past the limit.
        var body = new StreamContent(new EndlessText(head, limit: 4L * 1024 * 1024));
        body.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");

        using var direct = DirectClient(C.Member);
        var response = await direct.PostAsync($"/api/proposals/{id}/attachments", body);

        await ApiClient.Json(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Null(body.Headers.ContentLength);
        Assert.Equal(0, StoredFiles);
    }

    [SkippableFact]
    public async Task A_file_one_byte_over_the_limit_is_413_and_one_at_the_limit_is_stored()
    {
        var id = await C.DraftAsync();
        var atLimit = Encoding.ASCII.GetBytes(new string('a', MaxBytes));
        var over = Encoding.ASCII.GetBytes(new string('a', MaxBytes + 1));

        await ApiClient.Json(await UploadAsync(C.Member, id, over, "over.txt"), HttpStatusCode.RequestEntityTooLarge);
        var created = await ApiClient.Json(await UploadAsync(C.Member, id, atLimit, "limit.txt"), HttpStatusCode.Created);

        Assert.Equal(MaxBytes, created["size"]!.GetValue<long>());
        Assert.Equal(1, Host.Scalar("SELECT COUNT(*) FROM attachments"));
    }

    [SkippableFact]
    public async Task An_item_holding_the_most_files_allowed_takes_no_more()
    {
        var id = await C.DraftAsync();
        for (var i = 0; i < MaxFiles; i++)
        {
            await ApiClient.Json(await UploadAsync(C.Member, id, Encoding.UTF8.GetBytes($"第 {i} 份材料"), $"材料{i}.txt"), HttpStatusCode.Created);
        }

        var problem = await ApiClient.Json(await UploadAsync(C.Member, id, Encoding.UTF8.GetBytes("再一份"), "多余.txt"), HttpStatusCode.UnprocessableEntity);

        Assert.Contains($"{MaxFiles}", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(MaxFiles, Host.Scalar("SELECT COUNT(*) FROM attachments"));
    }

    [SkippableFact]
    public async Task A_request_without_a_file_part_or_not_multipart_is_400()
    {
        var id = await C.DraftAsync();
        using var noFile = new MultipartFormDataContent { { new StringContent("用途"), "purpose" } };

        await ApiClient.Json(await C.Member.Http.PostAsync($"/api/proposals/{id}/attachments", noFile), HttpStatusCode.BadRequest);
        await ApiClient.Json(await C.Member.PostRawAsync($"/api/proposals/{id}/attachments", "%PDF-1.4", "application/pdf"), HttpStatusCode.BadRequest);
        Assert.Equal(0, StoredFiles);
    }

    [SkippableFact]
    public async Task Only_whoever_is_working_on_the_item_now_may_upload()
    {
        var id = await C.DraftAsync();
        var pdf = Sample("pdf").Bytes;

        // A draft is its party's alone: to anyone else it does not exist.
        foreach (var user in new[] { C.Government, C.OtherPartyAdmin, C.Lead, C.Supervisor })
        {
            await ApiClient.Json(await UploadAsync(user, id, pdf, "a.pdf"), HttpStatusCode.NotFound);
        }
        await ApiClient.Json(await UploadAsync(C.Member, id, pdf, "a.pdf"), HttpStatusCode.Created);
        await C.Member.ActAsync(id, "submit-for-review");
        await C.PartyAdmin.ActAsync(id, "submit");

        // Waiting for the government, the party has nothing to do on it, and the government has.
        var refused = await ApiClient.Json(await UploadAsync(C.Member, id, pdf, "b.pdf"), HttpStatusCode.Forbidden);
        Assert.Contains("不能上传附件", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await ApiClient.Json(await UploadAsync(C.Government, id, pdf, "采纳意见.pdf"), HttpStatusCode.Created);
        await ApiClient.Json(await UploadAsync(C.Lead, id, pdf, "c.pdf"), HttpStatusCode.NotFound);
        Assert.Equal(2, Host.Scalar("SELECT COUNT(*) FROM attachments"));
    }

    [SkippableFact]
    public async Task A_download_is_the_uploaded_bytes_under_the_chinese_name_as_an_attachment_that_is_never_sniffed()
    {
        var id = await C.DraftAsync();
        const string name = "关于优化营商环境的调研报告（终稿）.pdf";
        // Larger than one stored chunk, so that it is read back from several.
        var bytes = new byte[(256 * 1024 * 2) + 123];
        "%PDF-1.7\n"u8.CopyTo(bytes);
        new Random(14).NextBytes(bytes.AsSpan(9));
        var created = await ApiClient.Json(await UploadAsync(C.Member, id, bytes, name), HttpStatusCode.Created);

        var response = await C.Member.GetAsync($"/api/attachments/{created["id"]}/content");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal(name, disposition.FileNameStar);
        var raw = string.Join(",", response.Content.Headers.GetValues("Content-Disposition"));
        Assert.Contains("filename*=UTF-8''" + Uri.EscapeDataString(name), raw, StringComparison.Ordinal);
        Assert.All(raw, c => Assert.True(c < 128, $"a header character outside ASCII: {raw}"));
        Assert.Equal(Sha256(bytes), created["sha256"]!.GetValue<string>());
        // Nobody who may not see the item gets the file, nor learns that it exists.
        Assert.Equal(HttpStatusCode.NotFound, (await C.OtherPartyAdmin.GetAsync($"/api/attachments/{created["id"]}/content")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await C.Government.GetAsync($"/api/attachments/{created["id"]}/content")).StatusCode);
    }

    [SkippableFact]
    public async Task A_path_in_the_file_name_is_dropped_and_never_used()
    {
        var id = await C.DraftAsync();

        var created = await ApiClient.Json(await UploadAsync(C.Member, id, Sample("pdf").Bytes, "..\\..\\etc/passwd\u0007报告.pdf"), HttpStatusCode.Created);

        Assert.Equal("passwd报告.pdf", created["fileName"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task An_unbound_file_is_deleted_by_its_organisation_and_by_nobody_else()
    {
        var id = await C.AdoptedAsync();
        var lead = await UploadedIdAsync(C.Lead, id, "主办意见.pdf");
        var co = await UploadedIdAsync(C.Co1, id, "协办意见.pdf");

        await ApiClient.Json(await C.Co1.Http.DeleteAsync($"/api/attachments/{lead}"), HttpStatusCode.Forbidden);
        await ApiClient.Json(await C.OtherPartyAdmin.Http.DeleteAsync($"/api/attachments/{lead}"), HttpStatusCode.NotFound);
        await ApiClient.Json(await C.Outsider.Http.DeleteAsync($"/api/attachments/{lead}"), HttpStatusCode.NotFound);
        Assert.Equal(2, Host.Scalar("SELECT COUNT(*) FROM attachments"));

        Assert.Equal(HttpStatusCode.NoContent, (await C.Lead.Http.DeleteAsync($"/api/attachments/{lead}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await C.Co1.Http.DeleteAsync($"/api/attachments/{co}")).StatusCode);
        Assert.Equal(0, StoredFiles);
        await ApiClient.Json(await C.Lead.Http.DeleteAsync($"/api/attachments/{lead}"), HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task A_reply_naming_its_letter_binds_it_and_its_sha256_enters_that_history_event()
    {
        var id = await C.ReadyToReplyAsync();
        var letter = Sample("docx").Bytes;
        var created = await ApiClient.Json(await UploadAsync(C.Lead, id, letter, "答复函.docx", "答复函"), HttpStatusCode.Created);
        var fileId = created["id"]!.GetValue<long>();

        await C.Lead.ActAsync(id, "reply", new { text = "已出台若干措施", category = "A", attachmentIds = new[] { fileId } });

        var history = await ApiClient.JsonArray(await C.PartyAdmin.GetAsync($"/api/proposals/{id}/history"), HttpStatusCode.OK);
        var reply = history.Single(e => e!["action"]!.GetValue<string>() == "reply")!;
        var recorded = Assert.Single(reply["data"]!["attachments"]!.AsArray())!;
        Assert.Equal(fileId, recorded["id"]!.GetValue<long>());
        Assert.Equal(Sha256(letter), recorded["sha256"]!.GetValue<string>());
        Assert.Equal(letter.Length, recorded["size"]!.GetValue<long>());
        Assert.Equal("答复函.docx", recorded["fileName"]!.GetValue<string>());
        Assert.Null(reply["data"]!["attachmentIds"]);
        var listed = Assert.Single(await ListAsync(C.PartyAdmin, id))!;
        Assert.Equal("reply", listed["boundAction"]!.GetValue<string>());
        Assert.Equal(reply["sequence"]!.GetValue<long>(), listed["boundSequence"]!.GetValue<long>());
        // Once an action names it, it is part of the record.
        await ApiClient.Json(await C.Lead.Http.DeleteAsync($"/api/attachments/{fileId}"), HttpStatusCode.Conflict);
        Assert.True((await Verifier.VerifyAsync(id, CancellationToken.None)).Intact);
    }

    [SkippableFact]
    public async Task Naming_a_file_of_another_item_one_already_bound_or_another_organisation_s_is_422_on_data_attachmentIds_and_changes_nothing()
    {
        var id = await C.AdoptedAsync();
        // The co-department uploads while it still has something to do on the item (sign, give its opinion).
        var coFile = await UploadedIdAsync(C.Co1, id, "教育局材料.pdf");
        foreach (var department in new[] { C.Lead, C.Co1, C.Co2 })
        {
            await department.ActAsync(id, "sign");
        }
        await C.Co1.ActAsync(id, "give-opinion", new { text = "同意" });
        await C.Co2.ActAsync(id, "give-opinion", new { text = "同意" });
        await C.RecordContactAsync(id);
        var other = await C.AdoptedAsync();
        var elsewhere = await UploadedIdAsync(C.Lead, other, "别件材料.pdf");
        var bound = await UploadedIdAsync(C.Lead, id, "进展材料.pdf");
        await C.Lead.ActAsync(id, "record-progress", new { text = "已完成调研", attachmentIds = new[] { bound } });
        var version = Chain.Version(await C.Lead.ProposalAsync(id));
        var before = Host.RowCounts();

        foreach (var fileId in new[] { elsewhere, coFile, bound, 999_999 })
        {
            var response = await C.Lead.ActOnVersionAsync(id, "reply", version, new { text = "已解决", category = "A", attachmentIds = new[] { fileId } });
            var problem = await ApiClient.Json(response, HttpStatusCode.UnprocessableEntity);
            Assert.NotNull(problem["errors"]!["data.attachmentIds"]);
        }

        Assert.Equal(before, Host.RowCounts());
        Assert.Equal(1, Host.Scalar("SELECT COUNT(*) FROM attachments WHERE bound_sequence IS NOT NULL"));
    }

    [SkippableFact]
    public async Task A_bound_file_swapped_in_the_database_afterwards_is_caught_by_the_history_verifier()
    {
        var id = await C.DraftAsync();
        var fileId = await UploadedIdAsync(C.Member, id, "调研报告.pdf");
        await C.Member.ActAsync(id, "submit-for-review", new { attachmentIds = new[] { fileId } });
        Assert.True((await Verifier.VerifyAsync(null, CancellationToken.None)).Intact);

        var swap = Database.Provider == DatabaseProvider.PostgreSql ? "decode('255044462d312e340a66616b65', 'hex')" : "X'255044462d312e340a66616b65'";
        Host.Database.Scalar<object>($"UPDATE attachment_chunks SET data = {swap} WHERE attachment_id = {fileId}");

        var verification = await Verifier.VerifyAsync(null, CancellationToken.None);
        Assert.False(verification.Intact);
        Assert.Equal(ChainBreak.AttachmentChanged, verification.FirstMismatch!.Reason);
        Assert.Equal(id, verification.FirstMismatch.ProposalId);
        Assert.Equal(2, verification.FirstMismatch.Sequence);
        var answer = await C.Admin.GetJsonAsync($"/api/admin/history/verify?proposalId={id}");
        Assert.False(answer["intact"]!.GetValue<bool>());
        Assert.Equal("attachmentChanged", answer["firstMismatch"]!["reason"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task A_bound_file_deleted_from_the_database_is_caught_too()
    {
        var id = await C.DraftAsync();
        var fileId = await UploadedIdAsync(C.Member, id, "调研报告.pdf");
        await C.Member.ActAsync(id, "submit-for-review", new { attachmentIds = new[] { fileId } });

        Host.Database.Scalar<object>($"DELETE FROM attachment_chunks WHERE attachment_id = {fileId}");
        Host.Database.Scalar<object>($"DELETE FROM attachments WHERE id = {fileId}");

        Assert.Equal(ChainBreak.AttachmentChanged, (await Verifier.VerifyAsync(id, CancellationToken.None)).FirstMismatch!.Reason);
    }

    [SkippableFact]
    public async Task The_item_page_lists_files_by_the_action_that_bound_them_and_shows_a_refused_upload_on_the_page()
    {
        var id = await C.DraftAsync();
        var bound = await UploadedIdAsync(C.Member, id, "调研报告.pdf");
        await UploadedIdAsync(C.Member, id, "补充材料.pdf");
        await C.Member.ActAsync(id, "submit-for-review", new { attachmentIds = new[] { bound } });
        using var browser = new PageClient(Host);
        await browser.SignInAsync("minmeng.admin");

        var page = await browser.GetAsync($"/proposals/{id}");
        Assert.Contains("调研报告.pdf", page, StringComparison.Ordinal);
        Assert.Contains("未提交", page, StringComparison.Ordinal);
        Assert.Contains($"/api/attachments/{bound}/content", page, StringComparison.Ordinal);
        Assert.Contains("enctype=\"multipart/form-data\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("即将支持", page, StringComparison.Ordinal);

        using var form = new MultipartFormDataContent
        {
            { new StringContent(PageClient.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new ByteArrayContent(Refused("elf")), "file", "伪装.pdf" },
        };
        var refused = await browser.Http.PostAsync($"/proposals/{id}?handler=Upload", form);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        Assert.Contains("id=\"attachment-problem\"", html, StringComparison.Ordinal);
        Assert.Contains("elf", html, StringComparison.Ordinal);

        using var good = new MultipartFormDataContent
        {
            { new StringContent(PageClient.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new ByteArrayContent(Sample("png").Bytes), "file", "现场照片.png" },
        };
        var uploaded = await browser.Http.PostAsync($"/proposals/{id}?handler=Upload", good);
        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        Assert.Contains("现场照片.png", await browser.GetAsync($"/proposals/{id}"), StringComparison.Ordinal);
        Assert.Equal(3, Host.Scalar("SELECT COUNT(*) FROM attachments"));
    }

    /// <summary>A client straight to the test server, sending bodies as they come (the factory's default client buffers them, to send them again on a redirect).</summary>
    private HttpClient DirectClient(ApiClient user)
    {
        var client = new HttpClient(Host.Server.CreateHandler()) { BaseAddress = Host.Server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = user.Http.DefaultRequestHeaders.Authorization;
        return client;
    }

    private HistoryVerifier Verifier => Host.Services.GetRequiredService<HistoryVerifier>();

    private static async Task<HttpResponseMessage> UploadAsync(ApiClient user, long id, byte[] bytes, string name, string? purpose = null, string contentType = "application/octet-stream")
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        form.Add(file, "file", name);
        if (purpose is not null)
        {
            form.Add(new StringContent(purpose), "purpose");
        }
        return await user.Http.PostAsync($"/api/proposals/{id}/attachments", form);
    }

    private static async Task<long> UploadedIdAsync(ApiClient user, long id, string name) =>
        (await ApiClient.Json(await UploadAsync(user, id, Sample("pdf").Bytes, name), HttpStatusCode.Created))["id"]!.GetValue<long>();

    private static async Task<JsonArray> ListAsync(ApiClient user, long id) =>
        await ApiClient.JsonArray(await user.GetAsync($"/api/proposals/{id}/attachments"), HttpStatusCode.OK);

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A small real file of each accepted kind, made here, with the type and MIME type it must be stored as.</summary>
    private static (byte[] Bytes, string Name, string Type, string ContentType) Sample(string kind) => kind switch
    {
        "pdf" => (Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"),
            "调研报告.pdf", "pdf", "application/pdf"),
        "docx" => (Docx(), "调研报告.docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        "xlsx" => (Xlsx(), "数据.xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "ofd" => (Zip(("OFD.xml", "<ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\" Version=\"1.0\"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"),
            ("Doc_0/Document.xml", "<ofd:Document xmlns:ofd=\"http://www.ofdspec.org/2016\"/>")), "公文.ofd", "ofd", "application/ofd"),
        "png" => (Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), "照片.png", "png", "image/png"),
        "jpeg" => ([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9],
            "照片.jpg", "jpeg", "image/jpeg"),
        "text-gb18030" => (Gb18030().GetBytes("关于优化营商环境的建议\r\n一、简化审批流程。\r\n二、降低企业成本。\r\n"), "建议.txt", "text", "text/plain; charset=gb18030"),
        "text-utf8" => (Encoding.UTF8.GetBytes("关于优化营商环境的建议\n\t一、简化审批流程。\n"), "建议.txt", "text", "text/plain; charset=utf-8"),
        "ole" => (Ole(), "旧版报告.wps", "ole", "application/x-ole-storage"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Content that must be refused, whatever name it is sent under.</summary>
    private static byte[] Refused(string kind) => kind switch
    {
        "elf" => [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, .. new byte[120]],
        "exe" => [(byte)'M', (byte)'Z', 0x90, 0x00, 0x03, .. new byte[120], (byte)'P', (byte)'E', 0, 0],
        "html" => Encoding.UTF8.GetBytes("<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>"),
        "svg" => Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"),
        "zip" => Zip(("a.txt", "not an office document"), ("b/c.bin", "x")),
        "gzip" => Gzip("压缩的内容"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static Encoding Gb18030()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030");
    }

    private static byte[] Docx()
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            main.Document = new Document(new Body(new Paragraph(new Run(new Text("关于优化营商环境的答复")))));
        }
        return stream.ToArray();
    }

    private static byte[] Xlsx()
    {
        using var stream = new MemoryStream();
        using (var workbook = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var part = workbook.AddWorkbookPart();
            part.Workbook = new DocumentFormat.OpenXml.Spreadsheet.Workbook(new DocumentFormat.OpenXml.Spreadsheet.Sheets());
        }
        return stream.ToArray();
    }

    private static byte[] Zip(params (string Name, string Text)[] entries)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open(), Encoding.UTF8);
                writer.Write(text);
            }
        }
        return stream.ToArray();
    }

    private static byte[] Gzip(string text)
    {
        using var stream = new MemoryStream();
        using (var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }
        return stream.ToArray();
    }

    // The header of a compound file (the container of doc, xls, ppt and WPS's wps, et, dps) and an empty first sector.
    private static byte[] Ole()
    {
        var bytes = new byte[1024];
        new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }.CopyTo(bytes, 0);
        bytes[0x18] = 0x3E;
        bytes[0x1A] = 0x03;
        bytes[0x1C] = 0xFE;
        bytes[0x1D] = 0xFF;
        bytes[0x1E] = 0x09;
        return bytes;
    }

    /// <summary>A body that says it is large and counts what the server takes of it.</summary>
    private sealed class CountingContent : HttpContent
    {
        private readonly long _declaredLength;

        public CountingContent(long declaredLength)
        {
            _declaredLength = declaredLength;
            Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
            Headers.ContentLength = declaredLength;
        }

        public const int FirstBlock = 16 * 1024;

        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Written { get; private set; }

        public void Release() => _gate.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var block = new byte[FirstBlock];
            try
            {
                while (Written < _declaredLength)
                {
                    if (Written == FirstBlock)
                    {
                        await _gate.Task;
                    }
                    var count = (int)Math.Min(block.Length, _declaredLength - Written);
                    await stream.WriteAsync(block.AsMemory(0, count));
                    Written += count;
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // The server answered without reading: the rest is never sent.
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _declaredLength;
            return true;
        }
    }

    /// <summary>A non-seekable stream of a multipart head followed by text that goes on up to <c>limit</c> bytes.</summary>
    private sealed class EndlessText(byte[] head, long limit) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= limit)
            {
                return 0;
            }
            var n = (int)Math.Min(count, limit - _position);
            for (var i = 0; i < n; i++)
            {
                var at = _position + i;
                buffer[offset + i] = at < head.Length ? head[at] : (byte)'a';
            }
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
