using KataArgo.Testing;

namespace KataArgo.Cli.Tests;

public class LintCommandTests
{
    private const string Workflow = """
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata:
          generateName: hello-
        spec:
          entrypoint: main
          templates:
          - name: main
            container:
              image: alpine:3.20
              args: ["{{workflow.name}}"]

        """;

    [Fact]
    public async Task The_committed_chart_and_its_template_output_lint_clean()
    {
        using var cli = new CliRun();
        cli.Write("pod.yaml", Samples.CudaVerificationPod);
        var manifests = (await cli.Run("template", "--set-file", "defaults.verificationPod=pod.yaml")).Out;
        cli.Write("manifests.yaml", manifests);

        var chart = await cli.Run("lint", Repo.Path("charts", "kata-lifecycle-manager"));
        var file = await cli.Run("lint", "manifests.yaml");

        Assert.Equal(0, chart.Exit);
        Assert.EndsWith("valid for Argo v4.1.2 and v3.7.18\n", chart.Out);
        Assert.Equal((0, "manifests.yaml: valid for Argo v4.1.2 and v3.7.18\n"), (file.Exit, file.Out));
    }

    [Fact]
    public async Task Problems_are_listed_as_file_line_message_and_exit_1()
    {
        using var cli = new CliRun();
        cli.Write("pod.yaml", Samples.CudaVerificationPod);
        var manifests = (await cli.Run("template", "--set-file", "defaults.verificationPod=pod.yaml")).Out;
        cli.Write("broken.yaml", manifests.Replace("failFast: true", "failfast: true").Replace("template: finish", "template: finsh"));

        var (exit, output, error) = await cli.Run("lint", "broken.yaml");

        Assert.Equal(1, exit);
        Assert.Matches(@"(?m)^broken\.yaml:[0-9]+: unknown field 'spec\.templates\[0\]\.failfast'", output);
        Assert.Matches(@"(?m)^broken\.yaml:[0-9]+: step refers to template 'finsh', which does not exist$", output);
        Assert.Equal("error: broken.yaml: 2 problems, 0 warnings\n", error);
    }

    [Fact]
    public async Task Findings_are_sorted_by_line_and_counted_in_the_singular()
    {
        using var cli = new CliRun();
        cli.Write("wf.yaml", Workflow.Replace("entrypoint: main", "entrypoint: mian")
            .Replace("    container:", "    retryStrategy: {limitt: 3}\n    container:")
            .Replace("\"{{workflow.name}}\"", "\"{{workflow.nmae}}\", \"{{input.parameters.x}}\""));

        var (exit, output, error) = await cli.Run("lint", "wf.yaml");

        Assert.Equal(1, exit);
        Assert.Equal([6, 9, 12, 12], output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => int.Parse(l.Split(':')[1])));
        Assert.Equal("error: wf.yaml: 3 problems, 1 warning\n", error);
        cli.Write("one.yaml", Workflow.Replace("entrypoint: main", "entrypoint: mian"));
        var single = await cli.Run("lint", "one.yaml");
        Assert.Equal("error: one.yaml: 1 problem, 0 warnings\n", single.Error);
    }

    [Fact]
    public async Task A_file_without_argo_objects_fails_and_names_what_it_holds()
    {
        using var cli = new CliRun();
        cli.Write("pod.yaml", Samples.CudaVerificationPod);

        var (exit, output, error) = await cli.Run("lint", "pod.yaml");

        Assert.Equal((1, ""), (exit, output));
        Assert.Equal("error: pod.yaml: no Argo Workflow, WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow found (it holds Pod)\n", error);
    }

    [Fact]
    public async Task A_directory_of_workflow_files_is_linted_file_by_file()
    {
        using var cli = new CliRun();
        cli.Write("flows/a.yaml", Workflow);
        cli.Write("flows/nested/b.yml", Workflow.Replace("entrypoint: main", "entrypoint: mian"));
        cli.Write("flows/c.json", """{"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": {"generateName": "c-"}, "spec": {"entrypoint": "main", "templates": [{"name": "main", "container": {"image": "alpine:3.20"}}]}}""");
        cli.Write("flows/kustomization.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
        cli.Write("flows/notes.txt", "not: [yaml");

        var failed = await cli.Run("lint", "flows");
        File.Delete(cli.Path("flows/nested/b.yml"));
        var passed = await cli.Run("lint", "flows");

        Assert.Equal((1, "flows/nested/b.yml:6: entrypoint refers to template 'mian', which does not exist\n", "error: flows: 1 problem, 0 warnings\n"), failed);
        Assert.Equal((0, "flows: valid for Argo v4.1.2 and v3.7.18\n", ""), passed);
    }

    [Fact]
    public async Task Argo_version_chooses_which_versions_must_accept_the_file()
    {
        using var cli = new CliRun();
        cli.Write("wf.yaml", Workflow.Replace("  entrypoint: main\n", "  entrypoint: main\n  podResources: {limits: {cpu: '1'}}\n"));
        const string finding = "wf.yaml:7: unknown field 'spec.podResources': the schema does not declare it and Argo would drop it (Argo v3.7.18 schema)";

        var any = await cli.Run("lint", "wf.yaml");
        var v41 = await cli.Run("lint", "wf.yaml", "--argo-version", "4.1");
        var v37 = await cli.Run("lint", "wf.yaml", "--argo-version", "3.7");
        var all = await cli.Run("lint", "wf.yaml", "--argo-version", "all");
        var bad = await cli.Run("lint", "wf.yaml", "--argo-version", "3.6");

        Assert.Equal((0, $"wf.yaml:7: warning: {finding[11..]}\nwf.yaml: valid for Argo v4.1.2 (not v3.7.18) (1 warning)\n"), (any.Exit, any.Out));
        Assert.Equal((0, "wf.yaml: valid for Argo v4.1.2 (not v3.7.18)\n"), (v41.Exit, v41.Out));
        Assert.Equal((1, finding + "\n", "error: wf.yaml: 1 problem, 0 warnings\n"), v37);
        Assert.Equal((1, finding + "\n"), (all.Exit, all.Out));
        Assert.Equal((2, "error: lint --argo-version: '3.6' is not an Argo version lint checks; use 4.1, 3.7, all or any\n"), (bad.Exit, bad.Error));
    }

    [Fact]
    public async Task A_bad_chart_value_is_reported_at_its_line_in_values_yaml()
    {
        using var cli = new CliRun();
        var chart = Repo.Path("charts", "kata-lifecycle-manager");
        foreach (var file in Directory.GetFiles(chart, "*", SearchOption.AllDirectories))
            cli.Write(Path.Combine("chart", Path.GetRelativePath(chart, file)), File.ReadAllText(file));
        var values = File.ReadAllText(cli.Path("chart/values.yaml"));
        cli.Write("chart/values.yaml", values.Replace("  drainTimeout: 300s", "  drainTimeout: 10"));
        var line = values[..values.IndexOf("  drainTimeout: 300s", StringComparison.Ordinal)].Count(c => c == '\n') + 1;

        var (exit, output, _) = await cli.Run("lint", "chart");

        Assert.Equal(1, exit);
        Assert.StartsWith($"values.yaml:{line}: ", output, StringComparison.Ordinal);
        Assert.Contains("defaults.drainTimeout", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  activeDeadlineSeconds: 172800\n", "  activeDeadlineSeconds: 172800\nextraKey: 1\n", "extraKey")]
    [InlineData("  drainTimeout: 300s\n", "  drainTimout: 300s\n", "defaults.drainTimout")]
    [InlineData("images:\n", "images:\n  kataDeploy: x\n", "images.kataDeploy")]
    public async Task An_unknown_chart_value_is_reported_at_the_line_of_its_key(string original, string replacement, string key)
    {
        using var cli = new CliRun();
        var chart = Repo.Path("charts", "kata-lifecycle-manager");
        foreach (var file in Directory.GetFiles(chart, "*", SearchOption.AllDirectories))
            cli.Write(Path.Combine("chart", Path.GetRelativePath(chart, file)), File.ReadAllText(file));
        var values = File.ReadAllText(cli.Path("chart/values.yaml")).Replace(original, replacement, StringComparison.Ordinal);
        cli.Write("chart/values.yaml", values);
        var added = replacement.Split('\n').Single(l => l.Length > 0 && !original.Contains(l, StringComparison.Ordinal));
        var line = Array.IndexOf(values.Split('\n'), added) + 1;

        var (exit, output, _) = await cli.Run("lint", "chart");

        Assert.True(line > 1);
        Assert.Equal((1, $"values.yaml:{line}: values: unknown key '{key}'"), (exit, output[..output.IndexOf(';', StringComparison.Ordinal)]));
    }

    [Fact]
    public async Task A_missing_path_is_a_usage_error()
    {
        using var cli = new CliRun();

        var (exit, _, error) = await cli.Run("lint", "nowhere");

        Assert.Equal((2, "error: lint: 'nowhere' is neither a chart directory, a directory of workflow files nor a file\n"), (exit, error));
    }
}
