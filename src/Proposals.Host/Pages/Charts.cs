using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace Proposals.Host.Pages;

/// <summary>Charts drawn on the server as SVG: nothing to download, readable without script, printable.</summary>
internal static class Charts
{
    private const int RowHeight = 26;
    private const int LabelWidth = 100;
    private const int BarWidth = 200;

    /// <summary>A horizontal bar chart, one labelled bar per value, scaled to the largest.</summary>
    public static IHtmlContent Bars(string id, string title, IReadOnlyList<(string Label, int Value)> bars, string colour = "#b42318")
    {
        var height = Math.Max(1, bars.Count) * RowHeight + 30;
        var width = LabelWidth + BarWidth + 60;
        var max = Math.Max(1, bars.Count == 0 ? 0 : bars.Max(b => b.Value));
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<figure class=\"chart\" id=\"{id}\"><figcaption>{Encode(title)}</figcaption>");
        svg.Append(CultureInfo.InvariantCulture, $"<svg role=\"img\" aria-label=\"{Encode(title)}\" viewBox=\"0 0 {width} {height}\" width=\"100%\" style=\"max-width:{width}px\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            var y = 10 + i * RowHeight;
            var length = (int)Math.Round((double)value / max * BarWidth);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth - 8}\" y=\"{y + 16}\" text-anchor=\"end\" font-size=\"14\">{Encode(label)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{LabelWidth}\" y=\"{y + 3}\" width=\"{Math.Max(length, value > 0 ? 2 : 0)}\" height=\"{RowHeight - 8}\" fill=\"{colour}\"><title>{Encode(label)}: {value}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth + length + 6}\" y=\"{y + 16}\" font-size=\"14\" data-value=\"{value}\">{value}</text>");
        }
        if (bars.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth}\" y=\"24\" font-size=\"14\" fill=\"#616e7c\">—</text>");
        }
        svg.Append("</svg></figure>");
        return new HtmlString(svg.ToString());
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
