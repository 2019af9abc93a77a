using System.Text;
using System.Text.Json.Nodes;
using Argo.Workflows.Client;

namespace KataArgo.Chart;

/// <summary>values.yaml: every value with its description as a comment, grouped by section.</summary>
public static class ValuesYaml
{
    private const int CommentWidth = 100;

    public static string Render()
    {
        var text = new StringBuilder();
        string? section = null;
        foreach (var value in ChartValues.All)
        {
            var segments = value.Segments;
            var indent = new string(' ', 2 * (segments.Length - 1));
            if (segments.Length > 1 && segments[0] != section)
            {
                text.Append('\n').Append(segments[0]).Append(":\n");
                section = segments[0];
            }
            else if (segments.Length == 1)
            {
                section = null;
                if (text.Length > 0)
                    text.Append('\n');
            }
            foreach (var line in Wrap(value.Description, CommentWidth - indent.Length - 2))
                text.Append(indent).Append("# ").Append(line).Append('\n');
            text.Append(indent).Append(segments[^1]).Append(": ").Append(Scalar(value.Default)).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>A value as it is written in YAML (quoted when YAML would re-type it).</summary>
    public static string Scalar(JsonNode? value) => ArgoYaml.Scalar(value);

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }
            if (line.Length > 0)
                line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0)
            yield return line.ToString();
    }
}
