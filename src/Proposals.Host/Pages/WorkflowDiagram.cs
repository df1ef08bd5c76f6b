using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;
using Proposals.Engine.Definitions;

namespace Proposals.Host.Pages;

/// <summary>
/// A workflow drawn as SVG on the server: one column per stage, one box per state with how many items are in it now,
/// and an arrow for each way an action leads from one state to another (actions open in any state are left out).
/// </summary>
internal static class WorkflowDiagram
{
    private const int ColumnWidth = 190;
    private const int BoxWidth = 150;
    private const int BoxHeight = 44;
    private const int RowGap = 26;
    private const int Top = 40;

    public static IHtmlContent Render(WorkflowDefinition definition, IReadOnlyDictionary<string, int> counts, Func<string, string?, string> name)
    {
        var places = new Dictionary<string, (int X, int Y)>(StringComparer.Ordinal);
        var rows = 0;
        for (var column = 0; column < definition.Stages.Count; column++)
        {
            var states = definition.States.Where(s => s.Stage == definition.Stages[column].Id).ToList();
            for (var row = 0; row < states.Count; row++)
            {
                places[states[row].Id] = (20 + column * ColumnWidth, Top + row * (BoxHeight + RowGap));
            }
            rows = Math.Max(rows, states.Count);
        }
        var width = 40 + definition.Stages.Count * ColumnWidth;
        var height = Top + rows * (BoxHeight + RowGap) + 10;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"diagram\" role=\"img\" aria-label=\"{Encode(definition.Name)}\" viewBox=\"0 0 {width} {height}\" width=\"100%\" style=\"max-width:{width}px\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#9aa5b1\"/></marker></defs>");
        for (var column = 0; column < definition.Stages.Count; column++)
        {
            var stage = definition.Stages[column];
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{20 + column * ColumnWidth + BoxWidth / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"600\">{Encode(name(stage.Name, stage.NameEn))}</text>");
        }
        var edges = definition.Actions
            .SelectMany(a => a.From.SelectMany(from => a.Branches.Select(b => b.To).Append(a.To).OfType<string>().Select(to => (from, to))))
            .Where(e => e.from != e.to && places.ContainsKey(e.from) && places.ContainsKey(e.to))
            .Distinct();
        foreach (var (from, to) in edges)
        {
            var (x1, y1) = places[from];
            var (x2, y2) = places[to];
            var (sx, sy, ex, ey) = x1 == x2
                ? (x1 + BoxWidth / 2, y1 < y2 ? y1 + BoxHeight : y1, x2 + BoxWidth / 2, y1 < y2 ? y2 : y2 + BoxHeight)
                : x1 < x2 ? (x1 + BoxWidth, y1 + BoxHeight / 2, x2, y2 + BoxHeight / 2) : (x1, y1 + BoxHeight / 2, x2 + BoxWidth, y2 + BoxHeight / 2);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{sx}\" y1=\"{sy}\" x2=\"{ex}\" y2=\"{ey}\" stroke=\"#9aa5b1\" stroke-width=\"1.2\" marker-end=\"url(#arrow)\"/>");
        }
        foreach (var state in definition.States)
        {
            var (x, y) = places[state.Id];
            var count = counts.GetValueOrDefault(state.Id);
            var fill = count > 0 ? "#fde7e7" : state.Final ? "#e4e7eb" : "#fff";
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"state\" data-state=\"{Encode(state.Id)}\" data-count=\"{count}\">");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y}\" width=\"{BoxWidth}\" height=\"{BoxHeight}\" rx=\"6\" fill=\"{fill}\" stroke=\"#b42318\" stroke-width=\"{(count > 0 ? 2 : 1)}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + BoxWidth / 2}\" y=\"{y + 19}\" text-anchor=\"middle\" font-size=\"13\">{Encode(name(state.Name, state.NameEn))}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + BoxWidth / 2}\" y=\"{y + 36}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#616e7c\">{count}</text></g>");
        }
        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
