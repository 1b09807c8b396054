using System.Net;
using System.Text;

namespace SelfCorrect.Evaluation.Reports;

/// <summary>A report as a list of blocks, written once as Markdown (figures as PNG links) and once as a self-contained HTML page (figures inlined as SVG).</summary>
internal sealed class ReportDocument
{
    private abstract record Block;
    private sealed record Heading(int Level, string Text) : Block;
    private sealed record Paragraph(string Text) : Block;
    private sealed record TableBlock(Table Table) : Block;
    private sealed record Figure(string Stem, string Caption) : Block;
    private sealed record Code(string Summary, string Text) : Block;

    private readonly List<Block> blocks = [];

    public void AddHeading(int level, string text) => blocks.Add(new Heading(level, text));
    public void AddParagraph(string text) => blocks.Add(new Paragraph(text));
    public void AddTable(Table table) => blocks.Add(new TableBlock(table));
    /// <summary>A figure saved beside the report as STEM.png and STEM.svg.</summary>
    public void AddFigure(string stem, string caption) => blocks.Add(new Figure(stem, caption));
    public void AddCode(string summary, string text) => blocks.Add(new Code(summary, text));

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        foreach (var block in blocks)
        {
            switch (block)
            {
                case Heading h: md.Append('#', h.Level).Append(' ').AppendLine(h.Text).AppendLine(); break;
                case Paragraph p: md.AppendLine(p.Text).AppendLine(); break;
                case TableBlock t: md.Append(t.Table.ToMarkdown()).AppendLine(); break;
                case Figure f: md.AppendLine($"![{f.Caption}]({f.Stem}.png)").AppendLine().AppendLine($"*{f.Caption}*").AppendLine(); break;
                case Code c: md.AppendLine($"{c.Summary}:").AppendLine().AppendLine("```json").AppendLine(c.Text).AppendLine("```").AppendLine(); break;
            }
        }
        return md.ToString();
    }

    /// <param name="directory">Where the figures' SVG files are, to inline them.</param>
    /// <param name="title">The page title.</param>
    public string ToHtml(string title, string directory)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>").AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .AppendLine($"<title>{WebUtility.HtmlEncode(title)}</title>")
            .AppendLine("<style>body{font-family:'DejaVu Sans',sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}"
                + "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}"
                + "th{background:#f0f0f0}figure{margin:1em 0}figure svg{max-width:100%;height:auto}figcaption{font-style:italic}"
                + "pre{background:#f7f7f7;padding:0.8em;overflow-x:auto;font-size:0.85em}</style>")
            .AppendLine("</head><body>");
        foreach (var block in blocks)
        {
            switch (block)
            {
                case Heading h: html.AppendLine($"<h{h.Level}>{WebUtility.HtmlEncode(h.Text)}</h{h.Level}>"); break;
                case Paragraph p: html.AppendLine($"<p>{WebUtility.HtmlEncode(p.Text)}</p>"); break;
                case TableBlock t: html.Append(t.Table.ToHtml()); break;
                case Figure f:
                    html.AppendLine("<figure>").AppendLine(InlineSvg(Path.Combine(directory, f.Stem + ".svg")))
                        .AppendLine($"<figcaption>{WebUtility.HtmlEncode(f.Caption)}</figcaption></figure>");
                    break;
                case Code c:
                    html.AppendLine($"<details><summary>{WebUtility.HtmlEncode(c.Summary)}</summary><pre>{WebUtility.HtmlEncode(c.Text)}</pre></details>");
                    break;
            }
        }
        return html.AppendLine("</body></html>").ToString();
    }

    /// <summary>The SVG document without its XML declaration, so it can sit inside HTML.</summary>
    private static string InlineSvg(string path)
    {
        string svg = File.ReadAllText(path);
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        return start < 0 ? svg : svg[start..];
    }
}
