using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Proposals.Engine.Calendar;
using Proposals.Engine.Definitions;
using Proposals.Engine.Execution;

namespace Proposals.Engine.Tests.Definitions;

/// <summary>workflows/workflow.schema.json and the C# model it describes cannot drift apart.</summary>
public class WorkflowSchemaFacts
{
    private static JsonObject Schema() => JsonNode.Parse(RepositoryFiles.WorkflowSchemaJson())!.AsObject();

    private static string[] Enum(JsonObject schema, string name) =>
        schema["$defs"]![name]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()).Order(StringComparer.Ordinal).ToArray();

    private static string[] Sorted(IEnumerable<string> values) => values.Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void The_schema_is_json_of_draft_2020_12_and_the_shipped_definition_points_at_it()
    {
        var schema = Schema();

        Assert.Equal("https://json-schema.org/draft/2020-12/schema", (string?)schema["$schema"]);
        Assert.Equal("./workflow.schema.json", (string?)JsonNode.Parse(RepositoryFiles.ProposalChainJson())!["$schema"]);
    }

    [Fact]
    public void The_schema_enums_equal_the_engine_vocabulary()
    {
        var schema = Schema();

        Assert.Equal(Sorted(Roles.All), Enum(schema, "role"));
        Assert.Equal(Sorted(Scopes.All), Enum(schema, "scope"));
        Assert.Equal(Sorted(Guards.All), Enum(schema, "guard"));
        Assert.Equal(Sorted(Effects.All), Enum(schema, "effect"));
        Assert.Equal(Sorted(Recipients.All), Enum(schema, "recipient"));
        Assert.Equal(Sorted(FieldTypes.All), Enum(schema, "fieldType"));
        Assert.Equal(Sorted(Assignees.All), Enum(schema, "assignee"));
        Assert.Equal(Sorted(DeadlineSources.All), Enum(schema, "deadlineSource"));
        Assert.Equal(Sorted(TaskConditions.All), Enum(schema, "taskCondition"));
        Assert.Equal(Sorted(System.Enum.GetNames<OrganizationKind>().Select(n => n.ToLowerInvariant())), Enum(schema, "organizationKind"));
    }

    [Theory]
    [InlineData(typeof(WorkflowDefinition), null)]
    [InlineData(typeof(StageDefinition), "stage")]
    [InlineData(typeof(StateDefinition), "state")]
    [InlineData(typeof(TaskDefinition), "task")]
    [InlineData(typeof(DeadlineRule), "deadline")]
    [InlineData(typeof(ReminderRule), "reminder")]
    [InlineData(typeof(EscalationRung), "escalationRung")]
    [InlineData(typeof(ActionDefinition), "action")]
    [InlineData(typeof(FieldDefinition), "field")]
    [InlineData(typeof(FieldCondition), "condition")]
    [InlineData(typeof(BranchDefinition), "branch")]
    [InlineData(typeof(ItemDeadlineRule), "itemDeadline")]
    public void Each_schema_object_has_exactly_the_properties_of_its_record(Type type, string? definition)
    {
        var schema = Schema();
        var node = definition is null ? schema : schema["$defs"]![definition]!.AsObject();
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && !p.IsDefined(typeof(JsonIgnoreAttribute)))
            .ToList();

        Assert.Equal(Sorted(properties.Select(JsonName)), Sorted(node["properties"]!.AsObject().Select(p => p.Key)));
        Assert.Equal(
            Sorted(properties.Where(p => p.IsDefined(typeof(RequiredMemberAttribute))).Select(JsonName)),
            Sorted(node["required"]?.AsArray().Select(n => n!.GetValue<string>()) ?? []));
        Assert.False((bool?)node["additionalProperties"] ?? true);
    }

    [Theory]
    [InlineData("3wd")]
    [InlineData("20d")]
    [InlineData("2w")]
    [InlineData("3mo")]
    [InlineData("-20wd")]
    [InlineData("3x")]
    [InlineData("")]
    [InlineData("wd")]
    [InlineData("1.5d")]
    [InlineData("99999d")]
    [InlineData("3 days")]
    public void The_schema_duration_pattern_accepts_what_the_engine_parses(string text)
    {
        var pattern = (string)Schema()["$defs"]!["duration"]!["pattern"]!;

        Assert.Equal("^-?[0-9]{1,4}(wd|d|w|mo)$", pattern);
        Assert.Equal(Duration.TryParse(text, out _), Regex.IsMatch(text, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)));
    }

    private static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
}
