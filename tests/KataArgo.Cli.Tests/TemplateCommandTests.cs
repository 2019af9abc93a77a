using Argo.Workflows.Client;
using KataArgo.Chart;
using KataArgo.Testing;

namespace KataArgo.Cli.Tests;

public class TemplateCommandTests
{
    [Fact]
    public async Task Template_prints_the_manifests_for_the_values()
    {
        using var cli = new CliRun();
        cli.Write("pod.yaml", Samples.CudaVerificationPod);
        cli.Write("values.yaml", "defaults:\n  drainEnabled: true\n");

        var (exit, output, error) = await cli.Run("template", "-f", "values.yaml", "--set", "defaults.helmRelease=kata-gpu",
            "--set-file", "defaults.verificationPod=pod.yaml", "-n", "workflows");

        Assert.Equal((0, ""), (exit, error));
        var workflow = ArgoYaml.LoadAll(output).Single(d => d.Root!["kind"]!.ToString() == "WorkflowTemplate").Root!;
        Assert.Equal("workflows", workflow["metadata"]!["namespace"]!.ToString());
        var parameters = workflow["spec"]!["arguments"]!["parameters"]!.AsArray();
        Assert.Equal("kata-gpu", parameters.Single(p => p!["name"]!.ToString() == "helm-release")!["value"]!.ToString());
        Assert.Equal("true", parameters.Single(p => p!["name"]!.ToString() == "drain-enabled")!["value"]!.ToString());
    }

    public static TheoryData<string> Helms() => new(RealTool.Helms.Select(h => h.Name));

    /// <summary>
    /// The command's stream lines up with the real `helm template` of the committed chart for the same
    /// values: the same documents in the same order, each under the same <c>---</c> and <c># Source:</c>
    /// lines (the chart tests compare the objects themselves, for every value).
    /// </summary>
    [RealToolsTheory]
    [MemberData(nameof(Helms))]
    public async Task Template_prints_the_documents_of_helm_template_in_its_order(string helm)
    {
        using var cli = new CliRun();
        var pod = cli.Write("pod.yaml", Samples.CudaVerificationPod);
        string[] values = ["--set", "defaults.helmNamespace=kata-system,defaults.verificationNamespace=kata-checks,kataDeploy.multiInstallSuffix=gpu",
            "--set-file", $"defaults.verificationPod={pod}"];

        var (exit, output, error) = await cli.Run(["template", "-n", "workflows", .. values]);
        var fromHelm = RealTools.Run(RealTool.Helms.Single(h => h.Name == helm),
            ["template", ChartMetadata.Name, Repo.Path(ChartMetadata.DefaultDirectory), "--set", "argoNamespace=workflows", .. values]);

        Assert.Equal((0, ""), (exit, error));
        Assert.True(fromHelm.Exit == 0, fromHelm.Stderr);
        Assert.Equal(Skeleton(fromHelm.Stdout), Skeleton(output));
    }

    /// <summary>The lines that frame a stream's documents and name them: ---, # Source:, and each object's kind, name and namespace.</summary>
    private static string[] Skeleton(string stream) =>
        [.. stream.Split('\n').Where(l => l == "---" || l.StartsWith("# Source: ", StringComparison.Ordinal) || l.StartsWith("kind: ", StringComparison.Ordinal)
            || l.StartsWith("  name: ", StringComparison.Ordinal) || l.StartsWith("  namespace: ", StringComparison.Ordinal)).Select(l => l.Replace("\"", ""))];

    [Theory]
    [InlineData("--set", "defaults.activeDeadlineSeconds=3600")]
    [InlineData("-f", "deadline.yaml")]
    public async Task Template_takes_the_run_deadline_however_it_is_typed(string flag, string value)
    {
        using var cli = new CliRun();
        cli.Write("pod.yaml", Samples.CudaVerificationPod);
        cli.Write("deadline.yaml", "defaults:\n  activeDeadlineSeconds: 3600\n");

        var (exit, output, error) = await cli.Run("template", "--set-file", "defaults.verificationPod=pod.yaml", flag, value);

        Assert.Equal((0, ""), (exit, error));
        var workflow = ArgoYaml.LoadAll(output).Single(d => d.Root!["kind"]!.ToString() == "WorkflowTemplate").Root!;
        Assert.Equal("3600", workflow["spec"]!["activeDeadlineSeconds"]!.ToJsonString());
    }

    [Fact]
    public async Task Template_reads_a_verification_pod_file_that_ends_with_a_document_marker()
    {
        using var cli = new CliRun();
        cli.Write("pod.yaml", Samples.CudaVerificationPod + "---\n");

        var (exit, _, error) = await cli.Run("template", "--set-file", "defaults.verificationPod=pod.yaml");

        Assert.Equal((0, ""), (exit, error));
    }

    public static TheoryData<string, string[], string> BadInputs() => new()
    {
        { "no verification pod", [], "error: defaults.verificationPod: a value is required; pass the Pod manifest with --set-file defaults.verificationPod=pod.yaml" },
        { "not a pod", ["--set-file", "defaults.verificationPod=deployment.yaml"], "error: defaults.verificationPod: the manifest is a Deployment, not a Pod" },
        { "no node placeholder", ["--set-file", "defaults.verificationPod=unpinned.yaml"], "error: defaults.verificationPod: the manifest does not use ${NODE}; pin the pod to the node under test, e.g. spec.nodeSelector: {kubernetes.io/hostname: ${NODE}}" },
        { "missing file", ["--set-file", "defaults.verificationPod=absent.yaml"], "error: --set-file defaults.verificationPod=absent.yaml: no such file" },
        { "missing values file", ["-f", "absent.yaml"], "error: -f absent.yaml: no such file" },
        { "values file is a directory", ["-f", "folder/"], "error: -f folder/: is a directory; give a file" },
        { "pod file is a directory", ["--set-file", "defaults.verificationPod=folder"], "error: --set-file defaults.verificationPod=folder: is a directory; give a file" },
        { "unknown value", ["--set", "defaults.drianEnabled=true", "--set-file", "defaults.verificationPod=pod.yaml"], "error: values: unknown key 'defaults.drianEnabled'" },
        { "set without value", ["--set", "defaults.helmRelease"], "error: --set 'defaults.helmRelease': expected key=value" },
        { "bad namespace", ["-n", "Not_A_Namespace", "--set-file", "defaults.verificationPod=pod.yaml"], "error: -n 'Not_A_Namespace' is not a namespace name; use lowercase letters, digits and '-' (at most 63)\n" },
        { "number for a duration", ["--set", "defaults.drainTimeout=10", "--set-file", "defaults.verificationPod=pod.yaml"], "error: values: defaults.drainTimeout: '10' is not a duration; use whole hours, minutes and seconds such as 300s, 10m or 1h30m\n" },
        { "duration over the maximum", ["--set", "defaults.verificationTimeout=2h", "--set-file", "defaults.verificationPod=pod.yaml"], "error: values: defaults.verificationTimeout: '2h' is longer than the maximum 1h\n" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_fails_with_one_line_and_exit_2_and_prints_nothing(string _, string[] args, string expected)
    {
        using var cli = new CliRun();
        cli.Write("pod.yaml", Samples.CudaVerificationPod);
        cli.Write("deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${NODE}\n");
        cli.Write("unpinned.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${TEST_POD}\n");
        Directory.CreateDirectory(cli.Path("folder"));
        var files = cli.Files();

        var (exit, output, error) = await cli.Run(["template", .. args]);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.StartsWith(expected, error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Equal(files, cli.Files());
    }
}
