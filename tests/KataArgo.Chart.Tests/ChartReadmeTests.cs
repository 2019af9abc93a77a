using KataArgo.Lifecycle;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace KataArgo.Chart.Tests;

/// <summary>The chart README as a Markdown reader shows it: its Values and Workflow parameters sections are tables with every row.</summary>
public class ChartReadmeTests
{
    private static readonly MarkdownDocument Readme =
        Markdown.Parse(ChartRenderer.Render()["README.md"], new MarkdownPipelineBuilder().UseAdvancedExtensions().Build());

    [Fact]
    public void Every_value_is_a_row_of_the_values_table()
    {
        var rows = TableAfter("Values");

        Assert.Equal(["value", "default", "description"], rows[0]);
        Assert.Equal(ChartValues.All.Select(v => v.Path), rows.Skip(1).Select(r => r[0]));
        Assert.All(rows, r => Assert.Equal(3, r.Count));
    }

    [Fact]
    public void Every_workflow_parameter_is_a_row_of_the_parameters_table()
    {
        var rows = TableAfter("Workflow parameters");

        Assert.Equal(["parameter", "default", "description"], rows[0]);
        Assert.Equal(WorkflowParameters.All.Select(p => p.Name), rows.Skip(1).Select(r => r[0]));
        Assert.All(rows, r => Assert.Equal(3, r.Count));
    }

    [Fact]
    public void Every_verification_pod_rule_is_a_row_in_its_order()
    {
        var rows = TableAfter("Verification pod rules");

        Assert.Equal(["rule", "refused when", "refusal"], rows[0]);
        Assert.Equal(VerificationPodManifest.Rules.Rules.Select(r => r.Id), rows.Skip(1).Select(r => r[0]));
    }

    [Fact]
    public void The_permissions_section_is_a_table_too()
    {
        var rows = TableAfter("Permissions");

        Assert.Equal(StepPermissions.All.Count + 1, rows.Count);
    }

    /// <summary>The cells' text of the first table under the heading, header row first; fails when there is none.</summary>
    private static List<List<string>> TableAfter(string heading)
    {
        var blocks = Readme.ToList();
        var start = blocks.FindIndex(b => b is HeadingBlock h && Text(h.Inline) == heading);
        Assert.True(start >= 0, $"no heading '{heading}'");
        var table = blocks.Skip(start + 1).TakeWhile(b => b is not HeadingBlock).OfType<Table>().FirstOrDefault();
        Assert.True(table is not null, $"the section '{heading}' holds no Markdown table");
        return [.. table.OfType<TableRow>().Select(row => row.OfType<TableCell>()
            .Select(cell => string.Concat(cell.OfType<ParagraphBlock>().Select(p => Text(p.Inline)))).ToList())];
    }

    private static string Text(ContainerInline? inline) => inline is null ? "" : string.Concat(inline.Descendants().Select(i => i switch
    {
        LiteralInline literal => literal.Content.ToString(),
        CodeInline code => code.Content,
        _ => "",
    }));
}
