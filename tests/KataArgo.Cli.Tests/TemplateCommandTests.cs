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

    public static TheoryData<string, string[], string> BadInputs() => new()
    {
        { "no verification pod", [], "error: " + VerificationPodRules.Missing },
        { "not a pod", ["--set-file", "defaults.verificationPod=deployment.yaml"], "error: defaults.verificationPod is a 'Deployment', not a Pod: pass a manifest with kind: Pod" },
        { "no node placeholder", ["--set-file", "defaults.verificationPod=unpinned.yaml"], "error: " + VerificationPodRules.NoNodePlaceholder },
        { "missing file", ["--set-file", "defaults.verificationPod=absent.yaml"], "error: --set-file defaults.verificationPod=absent.yaml: no such file" },
        { "missing values file", ["-f", "absent.yaml"], "error: -f absent.yaml: no such file" },
        { "values file is a directory", ["-f", "folder/"], "error: -f folder/: is a directory; give a file" },
        { "pod file is a directory", ["--set-file", "defaults.verificationPod=folder"], "error: --set-file defaults.verificationPod=folder: is a directory; give a file" },
        { "unknown value", ["--set", "defaults.drianEnabled=true", "--set-file", "defaults.verificationPod=pod.yaml"], "error: values: unknown key 'defaults.drianEnabled'" },
        { "set without value", ["--set", "defaults.helmRelease"], "error: --set 'defaults.helmRelease': expected key=value" },
        { "bad namespace", ["-n", "Not_A_Namespace", "--set-file", "defaults.verificationPod=pod.yaml"], "error: values: argoNamespace: 'Not_A_Namespace' is not valid" },
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
