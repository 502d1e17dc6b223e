using System.Globalization;
using System.Net;
using System.Text;

namespace ScratchNet.Cli.Reporting;

/// <summary>Builds the one-file HTML report: inline CSS, pictures as base64 data URIs, nothing loaded from elsewhere.</summary>
internal static class ReportHtml
{
    private const string Style = """
        body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #202020; margin: 2em auto; max-width: 60em; padding: 0 1em; line-height: 1.4; }
        h1 { font-size: 1.6em; margin-bottom: 0.2em; }
        h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
        table { border-collapse: collapse; margin: 0.5em 0; }
        th, td { border: 1px solid #ddd; padding: 0.3em 0.8em; text-align: left; }
        th { background: #f4f4f4; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .headline { font-size: 1.3em; }
        figure { margin: 1.5em 0; }
        figure img { max-width: 100%; border: 1px solid #eee; }
        figcaption { color: #555; font-size: 0.95em; margin-top: 0.3em; }
        .muted { color: #777; }
        """;

    /// <summary>The page; <paramref name="images"/> are (PNG bytes, title, caption) in display order.</summary>
    public static string Build(RunSummary summary, IReadOnlyList<(byte[] Png, string Title, string Caption)> images)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\">");
        html.AppendLine("<head>");
        html.AppendLine("<meta charset=\"utf-8\">");
        html.AppendLine($"<title>ScratchNet run report: {E(summary.ModelName)}</title>");
        html.AppendLine($"<style>\n{Style}\n</style>");
        html.AppendLine("</head>");
        html.AppendLine("<body>");
        html.AppendLine($"<h1>ScratchNet run report: {E(summary.ModelName)}</h1>");
        string accuracy = summary.TestAccuracy is { } a ? F($"{a * 100:F2}%") : "not measured";
        html.AppendLine(F($"<p class=\"headline\">Final test accuracy: <strong>{accuracy}</strong> <span class=\"muted\">({summary.TestCount:N0} test images, {summary.ClassNames.Count} classes)</span></p>"));

        html.AppendLine("<h2>Settings</h2>");
        html.AppendLine("<table>");
        html.AppendLine("<tr><th>Setting</th><th>Value</th></tr>");
        if (!summary.Settings.ContainsKey("model")) html.AppendLine($"<tr><td>model</td><td>{E(summary.ModelName)}</td></tr>");
        foreach (var (name, value) in summary.Settings) html.AppendLine($"<tr><td>{E(name)}</td><td>{E(value)}</td></tr>");
        html.AppendLine("</table>");

        html.AppendLine("<h2>Epochs</h2>");
        if (summary.Epochs.Count == 0) html.AppendLine("<p class=\"muted\">No epoch was completed.</p>");
        else
        {
            html.AppendLine("<table>");
            html.AppendLine("<tr><th>Epoch</th><th>Training loss</th><th>Validation loss</th><th>Validation accuracy</th><th>Seconds</th><th>Images/s</th></tr>");
            foreach (var e in summary.Epochs)
                html.AppendLine(F($"<tr><td class=\"num\">{e.Epoch}</td><td class=\"num\">{e.TrainLoss:F4}</td><td class=\"num\">{Optional(e.ValidationLoss, "F4", "")}</td><td class=\"num\">{Optional(e.ValidationAccuracy * 100, "F2", "%")}</td><td class=\"num\">{e.Seconds:F1}</td><td class=\"num\">{e.ImagesPerSecond:F0}</td></tr>"));
            html.AppendLine("</table>");
            html.AppendLine("<p class=\"muted\">Seconds cover training only; a dash marks an epoch that was not evaluated.</p>");
        }

        foreach (var (png, title, caption) in images)
        {
            html.AppendLine($"<h2>{E(title)}</h2>");
            html.AppendLine("<figure>");
            html.AppendLine($"<img src=\"data:image/png;base64,{Convert.ToBase64String(png)}\" alt=\"{E(title)}\">");
            html.AppendLine($"<figcaption>{E(caption)}</figcaption>");
            html.AppendLine("</figure>");
        }
        html.AppendLine("</body>");
        html.AppendLine("</html>");
        return html.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Optional(double? value, string format, string unit) =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) + unit : "–";
}
