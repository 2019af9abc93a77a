using System.Text;
using System.Text.Json.Nodes;
using Argo.Workflows.Client;
using KataArgo.Lifecycle;
using KataArgo.Testing;

namespace KataArgo.Chart.Tests;

/// <summary>
/// The chart's install-time check of defaults.verificationPod against the shared case table
/// tests/cases/verification-pod.json (preflight and kata-argo submit pass the same table): in
/// `kata-argo template` (ChartValuesLoader, VerificationPodRules) and in the committed chart under
/// the real `helm template`, Helm 4 and Helm 3.
/// </summary>
public sealed class VerificationPodCaseTableTests
{
    public static TheoryData<string, string> HelmCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var helm in RealTool.Helms)
            foreach (var c in VerificationPodCases.All)
                data.Add(helm.Name, c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(VerificationPodCases.Names), MemberType = typeof(VerificationPodCases))]
    public void Kata_argo_template_gives_the_verdict_of_the_table(string name)
    {
        var c = VerificationPodCases.Get(name);
        string? refusal = null;
        try
        {
            ChartValuesLoader.Load(new ChartValuesLoader.Sources { SetFile = [(ChartValues.VerificationPodPath, c.Manifest)] });
        }
        catch (ChartValuesException e)
        {
            refusal = e.Message;
        }

        c.AssertVerdict(VerificationPodCase.Value, refusal);
        Assert.Equal(refusal, VerificationPodRules.Check(c.Manifest));
        Assert.Equal(c.Rule, VerificationPodManifest.Check(c.Manifest, VerificationPodPlace.Value)?.Rule);
    }

    [Fact]
    public void Every_rule_of_the_rules_file_has_a_case_and_every_case_names_one()
    {
        var rules = VerificationPodManifest.Rules.Rules;

        Assert.Equal(
            rules.Where(r => r.Only is null).Select(r => r.Id).Order(),
            VerificationPodCases.All.Where(c => !c.Accepted).Select(c => c.Rule!).Distinct().Order());
    }

    [RealToolsTheory]
    [MemberData(nameof(HelmCases))]
    public void Helm_template_gives_the_verdict_of_the_table(string helm, string name)
    {
        var c = VerificationPodCases.Get(name);
        var directory = Directory.CreateTempSubdirectory("kata-chart-pod-").FullName;
        try
        {
            var file = Path.Combine(directory, "pod.yaml");
            File.WriteAllText(file, c.Manifest);

            var (exit, stdout, stderr) = RealTools.Run(RealTool.Helms.Single(h => h.Name == helm),
                "template", "kata-lifecycle-manager", ChartFixture.CommittedChart, "--set-file", $"{VerificationPodCase.Value}={file}");

            if (c.Accepted)
            {
                Assert.True(exit == 0, stderr);
                Assert.Equal(c.Base64, ParameterDefault(stdout));
                return;
            }
            Assert.NotEqual(0, exit);
            // "Error: execution error at (FILE:LINE:COL): MESSAGE", then Helm's own hint to use --debug.
            var line = stderr.Split('\n')[0];
            Assert.StartsWith("Error: execution error at (kata-lifecycle-manager/templates/workflowtemplate.yaml:", line);
            Assert.Equal("Use --debug flag to render out invalid YAML", stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..].Single());
            var message = line[(line.IndexOf("): ", StringComparison.Ordinal) + 3)..];
            c.AssertVerdict(VerificationPodCase.Value, message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string ParameterDefault(string rendered) =>
        ArgoYaml.LoadAll(rendered).Select(d => d.Root).OfType<JsonObject>().Single(o => o["kind"]?.ToString() == "WorkflowTemplate")
            ["spec"]!["arguments"]!["parameters"]!.AsArray().Single(p => p!["name"]!.ToString() == "verification-pod")!["value"]!.ToString();
}
