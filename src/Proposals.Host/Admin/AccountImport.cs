using Microsoft.AspNetCore.Http.HttpResults;
using Proposals.Data.Organizations;
using Proposals.Engine.Execution;
using Proposals.Host.Auth;
using Proposals.Host.Http;

namespace Proposals.Host.Admin;

/// <summary>One bad value of an import file: the line (1 is the header), the column and why.</summary>
internal sealed record ImportProblem(int Line, string Column, string Message);

/// <summary>A user the import created without a password in the file: the temporary one, shown this once.</summary>
internal sealed record ImportedAccount(int Line, string Username, string TemporaryPassword);

/// <summary>What an import found and did: with any problem nothing is written.</summary>
internal sealed record ImportReport(string Kind, bool DryRun, bool Valid, int Rows, int Written, IReadOnlyList<ImportProblem> Problems, IReadOnlyList<ImportedAccount> Accounts);

/// <summary>
/// Bulk import of organisations or users from a CSV file, as a city's administrator sets the service up from the
/// spreadsheets it already has. Every row is checked first, against the database and the rest of the file; a dry run
/// only reports, and a real run writes every row in one transaction or, when any row is bad, nothing.
/// Columns may be named in English or Chinese:
/// organisations <c>code,name,kind,parent</c> (编码,名称,类型,上级编码), the parent optional and either existing or on an
/// earlier line; users <c>username,display_name,organization,roles,password</c> (用户名,姓名,单位编码,角色,初始密码), the roles
/// separated by <c>;</c>, the password optional (a temporary one is made and must be changed at first sign-in).
/// </summary>
internal sealed class AccountImport(OrganizationStore organizations, UserStore users, Administration administration, TimeProvider time)
{
    public const long MaxBytes = 1024 * 1024;

    public static readonly IReadOnlyList<string> Kinds = ["organizations", "users"];

    private static readonly IReadOnlyDictionary<string, string> OrganizationColumns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["code"] = "code", ["编码"] = "code", ["单位编码"] = "code",
        ["name"] = "name", ["名称"] = "name", ["单位名称"] = "name",
        ["kind"] = "kind", ["类型"] = "kind", ["单位类型"] = "kind",
        ["parent"] = "parent", ["上级编码"] = "parent", ["上级单位编码"] = "parent",
    };

    private static readonly IReadOnlyDictionary<string, string> UserColumns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["username"] = "username", ["用户名"] = "username",
        ["display_name"] = "display_name", ["姓名"] = "display_name",
        ["organization"] = "organization", ["单位编码"] = "organization",
        ["roles"] = "roles", ["角色"] = "roles",
        ["password"] = "password", ["初始密码"] = "password",
    };

    // Spreadsheets kept by people say 党派 rather than party.
    private static readonly IReadOnlyDictionary<string, string> ChineseKinds = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["党委"] = "committee", ["统战部"] = "committee", ["党派"] = "party", ["政府"] = "government", ["部门"] = "department", ["督查"] = "supervision",
    };

    /// <summary>The request body, up to <see cref="MaxBytes"/>; <c>TooLarge</c> when it is longer.</summary>
    public static async Task<(byte[] Content, bool TooLarge)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is > MaxBytes)
        {
            return ([], true);
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return ([], true);
            }
            buffer.Write(chunk, 0, read);
        }
        return (buffer.ToArray(), false);
    }

    public async Task<IResult> RunAsync(string kind, byte[] content, string? encoding, bool dryRun, CancellationToken cancellationToken)
    {
        var (text, decodingProblem) = CsvFile.Decode(content, encoding);
        if (text is null)
        {
            return Problems.Validation("file", decodingProblem!);
        }
        var (records, parseProblem) = CsvFile.Parse(text);
        if (parseProblem is not null)
        {
            return Problems.Validation("file", parseProblem);
        }
        if (records.Count == 0)
        {
            return Problems.Validation("file", "文件是空的：第一行应为列名");
        }
        foreach (var record in records)
        {
            for (var i = 0; i < record.Fields.Count; i++)
            {
                var column = i < records[0].Fields.Count ? records[0].Fields[i].Trim() : $"column {i + 1}";
                if (TextInput.Problem(column, record.Fields[i]) is { } refused)
                {
                    return Problems.Validation(column, $"第 {record.Line} 行：{refused}");
                }
            }
        }
        var problems = new List<ImportProblem>();
        var columns = Header(records[0], kind == "users" ? UserColumns : OrganizationColumns, kind == "users" ? ["username", "display_name", "organization", "roles"] : ["code", "name", "kind"], problems);
        var rows = records.Skip(1).ToList();
        if (problems.Count > 0)
        {
            return Answer(new ImportReport(kind, dryRun, false, rows.Count, 0, problems, []), dryRun);
        }
        return kind == "users"
            ? await UsersAsync(rows, columns, dryRun, problems, cancellationToken)
            : await OrganizationsAsync(rows, columns, dryRun, problems, cancellationToken);
    }

    private async Task<IResult> OrganizationsAsync(List<CsvRecord> rows, Dictionary<string, int> columns, bool dryRun, List<ImportProblem> problems, CancellationToken cancellationToken)
    {
        var existing = (await organizations.ListAsync(cancellationToken)).Select(o => o.Code).ToHashSet(StringComparer.Ordinal);
        var earlier = new HashSet<string>(StringComparer.Ordinal);
        var batch = new List<NewOrganization>();
        foreach (var row in rows)
        {
            var values = Values(row, columns, problems);
            if (values is null)
            {
                continue;
            }
            var code = values["code"];
            var kindText = ChineseKinds.GetValueOrDefault(values["kind"], values["kind"]);
            var parent = values.GetValueOrDefault("parent") is { Length: > 0 } p ? p : null;
            Add(problems, row.Line, "code", AccountRules.Code(code));
            if (existing.Contains(code))
            {
                Add(problems, row.Line, "code", $"单位编码“{code}”已存在");
            }
            else if (!earlier.Add(code))
            {
                Add(problems, row.Line, "code", $"单位编码“{code}”在文件中重复");
            }
            Add(problems, row.Line, "name", AccountRules.Name(values["name"], "单位名称"));
            Add(problems, row.Line, "kind", AccountRules.Kind(kindText, out var kind));
            if (parent is not null && !existing.Contains(parent) && (!earlier.Contains(parent) || parent == code))
            {
                Add(problems, row.Line, "parent", $"上级单位“{parent}”不存在，也不在本行之前");
            }
            batch.Add(new NewOrganization(code, values["name"].Trim(), kind, parent));
        }
        if (problems.Count > 0 || dryRun)
        {
            return Answer(new ImportReport("organizations", dryRun, problems.Count == 0, rows.Count, 0, problems, []), dryRun);
        }
        var ids = await organizations.CreateAsync(batch, time.GetUtcNow(), cancellationToken);
        return ids is null
            ? Answer(new ImportReport("organizations", false, false, rows.Count, 0, [new ImportProblem(1, "code", "导入期间有单位编码被他人占用，未写入任何数据；请重新检查")], []), false)
            : Answer(new ImportReport("organizations", false, true, rows.Count, ids.Count, [], []), false);
    }

    private async Task<IResult> UsersAsync(List<CsvRecord> rows, Dictionary<string, int> columns, bool dryRun, List<ImportProblem> problems, CancellationToken cancellationToken)
    {
        var byCode = (await organizations.ListAsync(cancellationToken)).ToDictionary(o => o.Code, StringComparer.Ordinal);
        var taken = (await users.ListAsync(cancellationToken)).Select(u => u.Username).ToHashSet(StringComparer.Ordinal);
        var earlier = new HashSet<string>(StringComparer.Ordinal);
        var batch = new List<(int Line, NewUser User, string? Temporary)>();
        foreach (var row in rows)
        {
            var values = Values(row, columns, problems);
            if (values is null)
            {
                continue;
            }
            var username = values["username"];
            var roles = values["roles"].Split([';', '；', '|', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var password = values.GetValueOrDefault("password") is { Length: > 0 } given ? given : null;
            Add(problems, row.Line, "username", AccountRules.Username(username));
            if (taken.Contains(username))
            {
                Add(problems, row.Line, "username", $"用户名“{username}”已存在");
            }
            else if (!earlier.Add(username))
            {
                Add(problems, row.Line, "username", $"用户名“{username}”在文件中重复");
            }
            Add(problems, row.Line, "display_name", AccountRules.Name(values["display_name"], "姓名"));
            if (!byCode.TryGetValue(values["organization"], out var organization) || !organization.Active)
            {
                Add(problems, row.Line, "organization", $"单位“{values["organization"]}”不存在或已停用");
            }
            else
            {
                Add(problems, row.Line, "roles", AccountRules.RolesFor(roles, organization.Kind));
            }
            if (password is not null)
            {
                Add(problems, row.Line, "password", PasswordPolicy.Problem(username, password));
            }
            if (problems.Count == 0)
            {
                var temporary = password is null ? PasswordPolicy.Temporary() : null;
                batch.Add((row.Line, new NewUser(username, values["display_name"].Trim(), values["organization"], roles, administration.Hash(password ?? temporary!), MustChangePassword: true), temporary));
            }
        }
        if (problems.Count > 0 || dryRun)
        {
            return Answer(new ImportReport("users", dryRun, problems.Count == 0, rows.Count, 0, problems, []), dryRun);
        }
        var ids = await users.CreateAsync(batch.Select(b => b.User).ToList(), time.GetUtcNow(), cancellationToken);
        return ids is null
            ? Answer(new ImportReport("users", false, false, rows.Count, 0, [new ImportProblem(1, "username", "导入期间有用户名被他人占用，未写入任何数据；请重新检查")], []), false)
            : Answer(new ImportReport("users", false, true, rows.Count, ids.Count, [],
                batch.Where(b => b.Temporary is not null).Select(b => new ImportedAccount(b.Line, b.User.Username, b.Temporary!)).ToList()), false);
    }

    /// <summary>A dry run always answers with its report; a real run with problems is refused (422) with the same list.</summary>
    private static IResult Answer(ImportReport report, bool dryRun)
    {
        if (dryRun || report.Valid)
        {
            return TypedResults.Ok(report);
        }
        return TypedResults.Problem(
            detail: $"导入文件有 {report.Problems.Count} 处问题，未写入任何数据：" + string.Join("；", report.Problems.Take(20).Select(p => $"第 {p.Line} 行 {p.Column}：{p.Message}")),
            title: "导入文件有误", statusCode: StatusCodes.Status422UnprocessableEntity,
            extensions: new Dictionary<string, object?> { ["problems"] = report.Problems, ["rows"] = report.Rows });
    }

    private static Dictionary<string, int> Header(CsvRecord header, IReadOnlyDictionary<string, string> known, string[] required, List<ImportProblem> problems)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Fields.Count; i++)
        {
            var name = header.Fields[i].Trim().TrimStart('\uFEFF');
            if (!known.TryGetValue(name, out var column))
            {
                problems.Add(new ImportProblem(header.Line, name, $"未知的列“{name}”；可用的列：{string.Join("、", known.Keys)}"));
            }
            else if (!columns.TryAdd(column, i))
            {
                problems.Add(new ImportProblem(header.Line, name, $"列“{name}”重复"));
            }
        }
        foreach (var missing in required.Where(r => !columns.ContainsKey(r)))
        {
            problems.Add(new ImportProblem(header.Line, missing, $"缺少列“{missing}”"));
        }
        return columns;
    }

    private static Dictionary<string, string>? Values(CsvRecord row, Dictionary<string, int> columns, List<ImportProblem> problems)
    {
        var width = columns.Values.Max() + 1;
        if (row.Fields.Count > width)
        {
            problems.Add(new ImportProblem(row.Line, "", $"本行有 {row.Fields.Count} 列，列名只有 {width} 列"));
            return null;
        }
        return columns.ToDictionary(c => c.Key, c => c.Value < row.Fields.Count ? row.Fields[c.Value].Trim() : "");
    }

    private static void Add(List<ImportProblem> problems, int line, string column, string? message)
    {
        if (message is not null)
        {
            problems.Add(new ImportProblem(line, column, message));
        }
    }
}
