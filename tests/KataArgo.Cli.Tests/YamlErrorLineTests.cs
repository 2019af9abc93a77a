using System.Text;
using KataArgo.Testing;

namespace KataArgo.Cli.Tests;

/// <summary>
/// Every command that reads YAML the user wrote names the place to look (line and column) and says
/// what is wrong in words, the same for every reader: tests/cases/malformed-yaml.json run against
/// the kubeconfig (every command that reads it), template -f, template --set-file
/// defaults.verificationPod, submit -p verification-pod, lint FILE and lint CHART_DIR's values.yaml
/// (issue 11). Nothing is written.
/// </summary>
public class YamlErrorLineTests
{
    [Theory]
    [MemberData(nameof(MalformedYamlCases.SingleDocumentNames), MemberType = typeof(MalformedYamlCases))]
    public async Task A_kubeconfig_is_refused_at_the_place_with_exit_2_by_every_command_that_reads_it(string name)
    {
        var malformed = MalformedYamlCases.Named(name);
        using var cli = new CliRun();
        cli.Environment["KUBECONFIG"] = cli.Write("kc.yaml", malformed.Text);
        string[][] commands =
        [
            ["plan", "-p", "target-version=3.30.0"],
            ["submit", "-p", "target-version=3.30.0"],
            ["watch", "kata-lifecycle-manager-7xk2p"],
            ["status", "kata-lifecycle-manager-7xk2p"],
            ["recover", "kata-lifecycle-manager-7xk2p"],
        ];

        foreach (var command in commands)
        {
            var result = await cli.Run(command);

            Assert.Equal((command[0], 2, "", $"error: kubeconfig {cli.Path("kc.yaml")}: not valid YAML: {malformed.Where}\n"), (command[0], result.Exit, result.Out, result.Error));
        }
    }

    [Theory]
    [MemberData(nameof(MalformedYamlCases.Names), MemberType = typeof(MalformedYamlCases))]
    public async Task A_values_file_is_refused_at_the_place_with_exit_2(string name)
    {
        var malformed = MalformedYamlCases.Named(name);
        using var cli = new CliRun();
        cli.Write("values.yaml", malformed.Text);

        var result = await cli.Run("template", "-f", "values.yaml");

        Assert.Equal((2, "", $"error: values file values.yaml: not valid YAML: {malformed.Where}\n"), result);
        Assert.Equal([cli.Path("values.yaml")], cli.Files());
    }

    [Theory]
    [MemberData(nameof(MalformedYamlCases.Names), MemberType = typeof(MalformedYamlCases))]
    public async Task A_verification_pod_file_is_refused_at_the_place_with_exit_2(string name)
    {
        var malformed = MalformedYamlCases.Named(name);
        using var cli = new CliRun();
        cli.Write("pod.yaml", malformed.Text);

        var result = await cli.Run("template", "--set-file", "defaults.verificationPod=pod.yaml");

        Assert.Equal((2, "", $"error: defaults.verificationPod: the manifest cannot be read as Kubernetes objects: {malformed.Where}\n"), result);
    }

    [Theory]
    [MemberData(nameof(MalformedYamlCases.Names), MemberType = typeof(MalformedYamlCases))]
    public async Task A_verification_pod_parameter_is_refused_at_the_place_of_the_decoded_manifest_with_exit_2(string name)
    {
        var malformed = MalformedYamlCases.Named(name);
        using var cli = new CliRun();

        var result = await cli.Run("submit", "-p", "target-version=3.30.0", "-p", "verification-pod=" + Convert.ToBase64String(Encoding.UTF8.GetBytes(malformed.Text)));

        Assert.Equal((2, "", $"error: verification-pod: the manifest cannot be read as Kubernetes objects: {malformed.Where}\n"), result);
    }

    [Theory]
    [MemberData(nameof(MalformedYamlCases.Names), MemberType = typeof(MalformedYamlCases))]
    public async Task Lint_reports_the_place_as_a_finding(string name)
    {
        var malformed = MalformedYamlCases.Named(name);
        using var cli = new CliRun();
        cli.Write("workflow.yaml", malformed.Text);

        var result = await cli.Run("lint", "workflow.yaml");

        Assert.Equal((1, $"workflow.yaml:{malformed.Line}: not valid YAML at column {malformed.Column}: {malformed.Error}\n", "error: workflow.yaml: 1 problem, 0 warnings\n"), result);
    }

    [Theory]
    [MemberData(nameof(MalformedYamlCases.Names), MemberType = typeof(MalformedYamlCases))]
    public async Task Chart_lint_reports_the_place_in_values_yaml_as_a_finding(string name)
    {
        var malformed = MalformedYamlCases.Named(name);
        using var cli = new CliRun();
        var chart = Repo.Path("charts", "kata-lifecycle-manager");
        foreach (var file in Directory.GetFiles(chart, "*", SearchOption.AllDirectories))
            cli.Write(Path.Combine("chart", Path.GetRelativePath(chart, file)), File.ReadAllText(file));
        cli.Write("chart/values.yaml", malformed.Text);

        var result = await cli.Run("lint", "chart");

        Assert.Equal((1, $"values.yaml:{malformed.Line}: not valid YAML at column {malformed.Column}: {malformed.Error}\n", "error: chart: 1 problem, 0 warnings\n"), result);
    }
}
