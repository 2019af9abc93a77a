using System.Text.Json.Nodes;
using Argo.Workflows.Client;
using KataArgo.Lint;
using KataArgo.Testing;

namespace KataArgo.Chart.Tests;

/// <summary>
/// The committed chart checked by the real Helm 3 and Helm 4: `helm lint --strict` and
/// `helm template` for the default values and every value overridden once, compared document by
/// document, in order, with `kata-argo template` (ManifestRenderer) for the same values, and with
/// the Helm subset renderer that `kata-argo lint` uses where Helm is not installed.
/// </summary>
public sealed class RealHelmChartTests
{
    private const string Release = ManifestRenderer.DefaultReleaseName;

    /// <summary>One case per chart value (its path), with a valid value other than the default; "default" sets none.</summary>
    private static readonly Dictionary<string, string> Overrides = new()
    {
        ["default"] = "",
        ["argoNamespace"] = "argoNamespace: workflows",
        ["defaults.helmRelease"] = "defaults:\n  helmRelease: kata-gpu",
        ["defaults.helmNamespace"] = "defaults:\n  helmNamespace: kata-system",
        ["defaults.kataDeployChart"] = "defaults:\n  kataDeployChart: oci://mirror.example.com/charts/kata-deploy",
        ["defaults.nodeSelector"] = "defaults:\n  nodeSelector: nvidia.com/gpu.present=true",
        ["defaults.nodeTaintKey"] = "defaults:\n  nodeTaintKey: nvidia.com/gpu",
        ["defaults.nodeTaintValue"] = "defaults:\n  nodeTaintKey: nvidia.com/gpu\n  nodeTaintValue: present",
        ["defaults.nodes"] = "defaults:\n  nodes: node-a,node-b",
        ["defaults.verificationNamespace"] = "defaults:\n  verificationNamespace: kata-checks",
        ["defaults.verificationPod"] = "defaults:\n  verificationPod: |\n" + Indent(Samples.CudaVerificationPod.Replace("cuda-vectoradd", "smoke"), "    "),
        ["defaults.verificationTimeout"] = "defaults:\n  verificationTimeout: 20m",
        ["defaults.recycleTimeout"] = "defaults:\n  recycleTimeout: 30m",
        ["defaults.drainEnabled"] = "defaults:\n  drainEnabled: true",
        ["defaults.drainTimeout"] = "defaults:\n  drainTimeout: 15m",
        ["defaults.activeDeadlineSeconds"] = "defaults:\n  activeDeadlineSeconds: 86400",
        ["kataDeploy.multiInstallSuffix"] = "kataDeploy:\n  multiInstallSuffix: gpu",
        ["images.helm"] = "images:\n  helm: registry.example.com/tools/k8s:1.32.4",
        ["images.kubectl"] = "images:\n  kubectl: registry.example.com/tools/k8s@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    };

    private static readonly string PodValues = "defaults:\n  verificationPod: |\n" + Indent(Samples.CudaVerificationPod, "    ");

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var helm in RealTool.Helms)
            foreach (var name in Overrides.Keys)
                data.Add(helm.Name, name);
        return data;
    }

    public static TheoryData<string> Names() => new(Overrides.Keys);

    [Fact]
    public void Every_chart_value_has_its_override_case()
    {
        Assert.Equal(ChartValues.All.Select(v => v.Path).Order(), Overrides.Keys.Where(k => k != "default").Order());
    }

    [RealToolsTheory]
    [MemberData(nameof(Cases))]
    public void Helm_lint_strict_passes(string helm, string name)
    {
        using var files = new ValuesFiles(name);

        var (exit, stdout, stderr) = RealTools.Run(Tool(helm), ["lint", "--strict", ChartFixture.CommittedChart, .. files.Args]);

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("1 chart(s) linted, 0 chart(s) failed", stdout);
        Assert.DoesNotContain("[WARNING]", stdout);
    }

    /// <summary>
    /// `kata-argo template` prints Helm's stream: the same objects, in Helm's install order, each
    /// under the same <c>---</c> and <c># Source:</c> lines (only comments and YAML quoting differ).
    /// </summary>
    [RealToolsTheory]
    [MemberData(nameof(Cases))]
    public void Kata_argo_template_prints_the_objects_of_helm_template_in_its_order(string helm, string name)
    {
        using var files = new ValuesFiles(name);
        var (exit, stdout, stderr) = RealTools.Run(Tool(helm), ["template", Release, ChartFixture.CommittedChart, .. files.Args]);
        Assert.True(exit == 0, stderr);

        var fromHelm = Documents(stdout);
        var fromTemplate = Documents(ManifestRenderer.Render(ChartFixture.ValuesOf(files.Yaml), Release));

        Assert.Equal(fromHelm.Select(d => d.Header), fromTemplate.Select(d => d.Header));
        Assert.Equal(fromHelm.Select(d => d.Object), fromTemplate.Select(d => d.Object));
    }

    /// <summary>The Helm subset of `kata-argo lint` (for machines without Helm) renders what Helm 4 renders.</summary>
    [RealToolsTheory]
    [MemberData(nameof(Names))]
    public void The_helm_subset_of_kata_argo_lint_renders_what_real_helm_renders(string name)
    {
        using var files = new ValuesFiles(name);
        var findings = new List<Finding>();

        var fromSubset = ChartLinter.Render(ChartFixture.CommittedChart, Release, findings, [.. files.Yaml.Select((y, i) => ($"values-{i}.yaml", y))])
            .SelectMany(r => ArgoYaml.LoadAll(r.Text)).Select(d => Canonical(d.Root)).Order().ToList();

        Assert.Empty(findings);
        Assert.Equal(HelmTemplate(RealTool.Helm4, files), fromSubset);
    }

    private static List<string> HelmTemplate(RealTool helm, ValuesFiles files)
    {
        var (exit, stdout, stderr) = RealTools.Run(helm, ["template", Release, ChartFixture.CommittedChart, .. files.Args]);
        Assert.True(exit == 0, stderr);
        return Objects(stdout);
    }

    private static List<string> Objects(string yaml) =>
        [.. ArgoYaml.LoadAll(yaml).Where(d => d.Root is not null).Select(d => Canonical(d.Root)).Order()];

    /// <summary>
    /// The documents of a `helm template` stream in order: each "---\n# Source: FILE\n" and its object,
    /// as a header (source, kind, namespace/name) and the object in canonical JSON.
    /// </summary>
    private static List<(string Header, string Object)> Documents(string stream)
    {
        Assert.StartsWith("---\n# Source: ", stream);
        return [.. stream["---\n".Length..].Split("\n---\n").Select(text =>
        {
            var root = ArgoYaml.Load(text)!;
            return ($"{text[..text.IndexOf('\n')]} {root["kind"]} {root["metadata"]?["namespace"]}/{root["metadata"]?["name"]}", Canonical(root));
        })];
    }

    private static RealTool Tool(string name) => RealTool.Helms.Single(h => h.Name == name);

    /// <summary>JSON with object keys sorted, so key order (not meaningful) does not count.</summary>
    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => "{" + string.Join(",", obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"\"{p.Key}\":{Canonical(p.Value)}")) + "}",
        JsonArray array => "[" + string.Join(",", array.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };

    private static string Indent(string text, string indent) =>
        string.Join("\n", text.TrimEnd('\n').Split('\n').Select(l => indent + l)) + "\n";

    /// <summary>The case's values as files for helm (-f), in order: the verification pod, then the override.</summary>
    private sealed class ValuesFiles : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("kata-chart-values-").FullName;

        public ValuesFiles(string name)
        {
            Yaml = Overrides[name].Length == 0 ? [PodValues] : [PodValues, Overrides[name] + "\n"];
            Args = [.. Yaml.SelectMany((y, i) =>
            {
                var path = Path.Combine(_directory, $"values-{i}.yaml");
                File.WriteAllText(path, y);
                return new[] { "-f", path };
            })];
        }

        public string[] Yaml { get; }
        public string[] Args { get; }

        public void Dispose() => Directory.Delete(_directory, recursive: true);
    }
}
