using System.Globalization;
using System.Text;

namespace Proposals.Engine.Definitions;

/// <summary>Draws a definition as a Mermaid state diagram, one subgraph-like note per stage.</summary>
public static class MermaidGraph
{
    /// <summary>The diagram text; self-loops (actions that keep the state) are drawn too, so every action appears.</summary>
    public static string Render(WorkflowDefinition definition, IReadOnlyDictionary<string, int>? countsByState = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var text = new StringBuilder();
        text.AppendLine("stateDiagram-v2");
        foreach (var stage in definition.Stages)
        {
            var states = definition.States.Where(s => s.Stage == stage.Id).ToList();
            if (states.Count == 0)
            {
                continue;
            }
            text.AppendLine(CultureInfo.InvariantCulture, $"    state \"{Escape(stage.Name)}\" as stage_{Node(stage.Id)} {{");
            foreach (var state in states)
            {
                var count = countsByState is not null && countsByState.TryGetValue(state.Id, out var n) ? $" ({n})" : "";
                text.AppendLine(CultureInfo.InvariantCulture, $"        {Node(state.Id)} : {Escape(state.Name)}{count}");
            }
            text.AppendLine("    }");
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"    [*] --> {Node(definition.InitialState)}");
        foreach (var state in definition.States)
        {
            foreach (var action in definition.Actions.Where(a => definition.IsAvailableIn(a, state.Id)))
            {
                foreach (var branch in action.Branches)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"    {Node(state.Id)} --> {Node(branch.To)} : {Escape(action.Name)} [{Escape(branch.When.Field)}={Escape(branch.When.EqualsValue)}]");
                }
                text.AppendLine(CultureInfo.InvariantCulture, $"    {Node(state.Id)} --> {Node(action.To ?? state.Id)} : {Escape(action.Name)}");
            }
            if (state.Final)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    {Node(state.Id)} --> [*]");
            }
        }
        return text.ToString();
    }

    private static string Node(string id) => id.Replace('-', '_');

    private static string Escape(string text) => text.Replace("\"", "'", StringComparison.Ordinal).Replace(":", "：", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
