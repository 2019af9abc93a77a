using KataArgo.Testing;

namespace KataArgo.Chart.Tests;

/// <summary>
/// <see cref="HelmManifestOrder"/> against the real Helm 3 and Helm 4: a chart of plain manifests
/// (no template expressions) whose files and kinds exercise every rule: file order, install order
/// by kind, unknown kinds after known ones and by name, one kind kept in file order.
/// </summary>
public sealed class HelmManifestOrderTests
{
    private const string Chart = "order-probe";

    /// <summary>Template files (relative to the chart) and their documents, in file order.</summary>
    private static readonly (string Path, (string Kind, string Name)[] Objects)[] Templates =
    [
        ("templates/workflows.yaml", [("WorkflowTemplate", "w1"), ("Role", "r2"), ("ZebraKind", "z1"), ("ConfigMap", "c1"), ("AlphaKind", "a1")]),
        ("templates/rbac.yaml", [("RoleBinding", "rb1"), ("Role", "r1"), ("ClusterRole", "cr1"), ("WorkflowTemplate", "w0")]),
        ("templates/a/nested.yaml", [("Role", "r0"), ("ServiceAccount", "sa0"), ("AlphaKind", "a0"), ("Namespace", "ns0")]),
        ("templates/serviceaccount.yaml", [("ServiceAccount", "sa1"), ("CronJob", "cj1"), ("PriorityClass", "pc1")]),
    ];

    public static TheoryData<string> Helms() => new(RealTool.Helms.Select(h => h.Name));

    [RealToolsTheory]
    [MemberData(nameof(Helms))]
    public void The_stream_is_what_helm_template_prints(string helm)
    {
        var directory = Directory.CreateTempSubdirectory("kata-order-probe-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "Chart.yaml"), $"apiVersion: v2\nname: {Chart}\nversion: 0.1.0\n");
            foreach (var (path, objects) in Templates)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(directory, path))!);
                File.WriteAllText(Path.Combine(directory, path), string.Concat(objects.Select(o => "---\n" + Yaml(o.Kind, o.Name))));
            }

            var (exit, stdout, stderr) = RealTools.Run(RealTool.Helms.Single(h => h.Name == helm), "template", "probe", directory);

            Assert.True(exit == 0, stderr);
            Assert.Equal(stdout, HelmManifestOrder.Stream(Chart, Templates.SelectMany(t => t.Objects.Select(o => new RenderedManifest(t.Path, o.Kind, Yaml(o.Kind, o.Name))))));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Known_kinds_come_in_install_order_then_unknown_kinds_by_name_and_one_kind_in_file_order()
    {
        var sorted = HelmManifestOrder.Sort(Templates.SelectMany(t => t.Objects.Select(o => new RenderedManifest(t.Path, o.Kind, o.Name))));

        Assert.Equal(
            ["pc1", "ns0", "sa0", "sa1", "c1", "cr1", "r0", "r1", "r2", "rb1", "cj1", "a0", "a1", "w0", "w1", "z1"],
            sorted.Select(m => m.Yaml));
    }

    private static string Yaml(string kind, string name) => $"apiVersion: example.com/v1\nkind: {kind}\nmetadata:\n  name: {name}\n";
}
