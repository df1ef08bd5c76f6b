using System.Text.RegularExpressions;

namespace Proposals.Host.Notifications;

/// <summary>A message's wording, with <c>{placeholders}</c> filled in when it is sent.</summary>
internal sealed class MessageTemplate
{
    public string Title { get; set; } = "";

    public string Body { get; set; } = "";
}

/// <summary>
/// The wording of the messages the service sends on its own (reminders, overdue notices, the supervisors' digest).
/// Each has a Chinese default; a site may reword any of them under <c>Notifications:Templates:&lt;name&gt;</c>.
/// </summary>
internal sealed partial class MessageTemplates
{
    public const string Section = "Notifications:Templates";
    public const string Reminder = "reminder";
    public const string Overdue = "overdue";
    public const string Digest = "digest";

    private static readonly Dictionary<string, (MessageTemplate Default, string[] Placeholders)> Known = new(StringComparer.Ordinal)
    {
        [Reminder] = (new MessageTemplate
        {
            Title = "到期提醒：《{itemShort}》{step}将于 {due} 到期",
            Body = "《{item}》的“{step}”由{organization}办理，办理期限为 {due}，请及时办理。\n{link}",
        }, ["item", "itemShort", "step", "organization", "due", "link"]),
        [Overdue] = (new MessageTemplate
        {
            Title = "{level}：《{itemShort}》{step}已逾期",
            Body = "《{item}》的“{step}”由{organization}办理，办理期限 {due} 已过，已逾期 {days} 个工作日，请立即办理。\n{link}",
        }, ["item", "itemShort", "step", "organization", "due", "days", "level", "link"]),
        [Digest] = (new MessageTemplate
        {
            Title = "督查日报（{date}）：逾期 {overdue} 件，{withinDays} 日内到期 {dueSoon} 件",
            Body = "截至 {date}，逾期未办 {overdue} 件，{withinDays} 日内到期 {dueSoon} 件。\n{details}\n{link}",
        }, ["date", "overdue", "dueSoon", "withinDays", "details", "link"]),
    };

    private readonly Dictionary<string, MessageTemplate> _templates;

    public MessageTemplates(IConfiguration configuration)
    {
        _templates = Known.ToDictionary(k => k.Key, k => Configured(configuration, k.Key) ?? k.Value.Default, StringComparer.Ordinal);
    }

    /// <summary>The title and body of template <paramref name="name"/> with its placeholders filled.</summary>
    public (string Title, string Body) Fill(string name, IReadOnlyDictionary<string, string> values)
    {
        var template = _templates[name];
        return (Replace(template.Title, values), Replace(template.Body, values));
    }

    /// <summary>What is wrong with the configured templates: unknown names, empty titles, placeholders the message does not have.</summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        foreach (var section in configuration.GetSection(Section).GetChildren())
        {
            if (!Known.TryGetValue(section.Key, out var known))
            {
                problems.Add($"{Section}:{section.Key} is not a message template; the templates are {string.Join(", ", Known.Keys)}.");
                continue;
            }
            var template = Configured(configuration, section.Key)!;
            if (string.IsNullOrWhiteSpace(template.Title))
            {
                problems.Add($"{Section}:{section.Key}:Title is empty.");
            }
            foreach (var (part, text) in new[] { ("Title", template.Title), ("Body", template.Body) })
            {
                foreach (var unknown in PlaceholderPattern().Matches(text).Select(m => m.Groups[1].Value).Where(p => !known.Placeholders.Contains(p)).Distinct())
                {
                    problems.Add($"{Section}:{section.Key}:{part} uses {{{unknown}}}, which this message does not have; it has {string.Join(", ", known.Placeholders.Select(p => "{" + p + "}"))}.");
                }
            }
        }
        return problems;
    }

    private static MessageTemplate? Configured(IConfiguration configuration, string name)
    {
        var section = configuration.GetSection($"{Section}:{name}");
        if (!section.Exists())
        {
            return null;
        }
        var fallback = Known[name].Default;
        return new MessageTemplate { Title = section["Title"] ?? fallback.Title, Body = section["Body"] ?? fallback.Body };
    }

    private static string Replace(string text, IReadOnlyDictionary<string, string> values) =>
        PlaceholderPattern().Replace(text, m => values.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex PlaceholderPattern();
}
