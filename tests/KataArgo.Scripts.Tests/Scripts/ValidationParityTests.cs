using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;

namespace KataArgo.Scripts.Tests.Scripts;

/// <summary>
/// lib.sh's check_value and ParameterRules (C#) accept and refuse the same values with the same
/// message, over one table of cases: the chart's schema and the cluster-side preflight agree.
/// </summary>
public sealed class ValidationParityTests
{
    private static readonly Dictionary<ParameterKind, string[]> Samples = new()
    {
        [ParameterKind.Version] = ["3.29.0", "3.30.0-rc.1", "10.0.0-alpha-2", "3.30", "v3.30.0", "3.30.0-", "3.30.0-" + new string('a', 42), "3.30.0-rc.", "3.30.0-" + new string('a', 57), "", " 3.30.0"],
        [ParameterKind.Boolean] = ["true", "false", "True", "yes", "", "1"],
        [ParameterKind.Duration] = ["300s", "10m", "1h30m", "1h", "2h", "2h1s", "61m", "0s", "", "10", "5m3h", "1.5h", "-1m", "999999999h", "9999999999s"],
        [ParameterKind.ReleaseName] = ["kata-deploy", "a", "Kata", "-kata", "kata-", "kata_deploy", new string('k', 53), new string('k', 54), ""],
        [ParameterKind.Namespace] = ["kube-system", "default", "Kube", new string('n', 63), new string('n', 64), "a.b", ""],
        [ParameterKind.LabelSelector] = ["", "pool=gpu", "a!=b,c", "!x", "pool in (a,b)", "k8s.io/role=gpu", "a=$(b)", "a;b", "a\"b"],
        [ParameterKind.TaintKey] = ["", "nvidia.com/gpu", "dedicated", "a/b/c", "-x", "x_y", "Example.com/x", "x" + new string('y', 63)],
        [ParameterKind.TaintValue] = ["", "gpu", "a.b_c-d", "-a", "a-", new string('v', 63), new string('v', 64), "a b"],
        [ParameterKind.NodeList] = ["", "node-a", "node-a,node-b", "node-a,", ",node-a", "node-a,,node-b", "Node-A", "a.b.c,d", "node a"],
        [ParameterKind.NodeName] = ["", "node-a", "ip-10-0-0-1.ec2.internal", "Node", "node_a", "-node", "a..b"],
        [ParameterKind.RunName] = ["", "kata-lifecycle-manager-x7k2p", "Run", "run_1", "a.b", new string('r', 63), new string('r', 64)],
        [ParameterKind.Image] =
        [
            "docker.io/alpine/k8s:1.32.4", "alpine/k8s:latest", "alpine/k8s", "registry:5000/k8s:1.0", "ghcr.io/x/y@sha256:" + new string('a', 64),
            "Alpine/k8s:1", "alpine//k8s:1", "", "alpine/k8s:1.0@sha256:" + new string('0', 64),
        ],
        [ParameterKind.ChartReference] =
        [
            "oci://ghcr.io/kata-containers/kata-deploy-charts/kata-deploy", "https://example.com/charts/kata-deploy-3.30.0.tgz",
            "kata/kata-deploy", "kata-deploy", "oci://", "ftp://x/y", "", "oci://ghcr.io/a b",
        ],
        [ParameterKind.VerificationPod] = ["", "YWJj", "YWJjZA==", "YWJjZA===", "not base64!", "YW Jj"],
    };

    [Fact]
    public void Bash_and_CSharp_agree_on_every_parameter()
    {
        var cases = new List<(WorkflowParameter Parameter, string Value)>();
        foreach (var parameter in WorkflowParameters.All)
            foreach (var value in Samples[parameter.Kind].Append(new string('x', 300)).Append("a\tb"))
                cases.Add((parameter, value));

        var bash = CheckValue.Run(cases.Select(c => (Kind(c.Parameter), c.Parameter.Name, c.Value)));

        for (var i = 0; i < cases.Count; i++)
        {
            var (parameter, value) = cases[i];
            var expected = parameter.Validate(value) is { } error ? "error: " + error : "";
            Assert.True(expected == bash[i], $"{parameter.Name} = '{value}': C# says '{expected}', bash says '{bash[i]}'");
        }
    }

    [Fact]
    public void Bash_refuses_a_trailing_newline_that_a_dotnet_dollar_would_let_through()
    {
        var bash = CheckValue.Run([("release", "helm-release", "kata-deploy\n"), ("node", "node-name", "node-a\n"), ("version", "target-version", "3.30.0\n")]);

        Assert.All(bash, message => Assert.StartsWith("error: ", message));
    }

    private static string Kind(WorkflowParameter parameter) => parameter.Kind switch
    {
        ParameterKind.Version => "version",
        ParameterKind.Boolean => "boolean",
        ParameterKind.Duration => $"duration:{(int)parameter.MaxDuration!.Value.TotalSeconds}",
        ParameterKind.ReleaseName => "release",
        ParameterKind.Namespace => "namespace",
        ParameterKind.LabelSelector => "selector",
        ParameterKind.TaintKey => "taint-key",
        ParameterKind.TaintValue => "taint-value",
        ParameterKind.NodeList => "node-list",
        ParameterKind.NodeName => "node",
        ParameterKind.RunName => "run",
        ParameterKind.Image => "image",
        ParameterKind.ChartReference => "chart",
        ParameterKind.VerificationPod => "pod64",
        _ => throw new ArgumentOutOfRangeException(nameof(parameter)),
    };
}
