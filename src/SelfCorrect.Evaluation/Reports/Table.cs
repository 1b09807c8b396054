using System.Net;
using System.Text;

namespace SelfCorrect.Evaluation.Reports;

/// <summary>A table of text cells, rendered as fixed-width text (console), Markdown or HTML.</summary>
public sealed record Table(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// <summary>The table for a terminal: columns padded to their widest cell.</summary>
    public string ToText()
    {
        var widths = Headers.Select((h, i) => Rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(IReadOnlyList<string> cells) => text.AppendLine(string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        Line(Headers);
        Line(widths.Select(w => new string('-', w)).ToArray());
        foreach (var row in Rows) Line(row);
        return text.ToString();
    }

    /// <summary>The table in Markdown (pipes in cells escaped, line breaks folded into spaces).</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| " + string.Join(" | ", Headers.Select(Escape)) + " |");
        text.AppendLine("|" + string.Concat(Headers.Select(_ => " --- |")));
        foreach (var row in Rows) text.AppendLine("| " + string.Join(" | ", row.Select(Escape)) + " |");
        return text.ToString();
    }

    /// <summary>The table as an HTML <c>table</c> element, cells HTML-encoded.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder("<table>\n<thead><tr>");
        foreach (string header in Headers) html.Append("<th>").Append(WebUtility.HtmlEncode(header)).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in Rows)
        {
            html.Append("<tr>");
            foreach (string cell in row) html.Append("<td>").Append(WebUtility.HtmlEncode(cell)).Append("</td>");
            html.Append("</tr>\n");
        }
        return html.Append("</tbody>\n</table>\n").ToString();
    }

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
