using KataArgo.Benchmarks.Model;
using static KataArgo.Benchmarks.Tests.Templates;

namespace KataArgo.Benchmarks.Tests;

public class SizeTests
{
    private static readonly string[] Fleet =
        ["gke-prod-gpu-pool-3f2a9c1d-x7k2", "ip-10-12-134-27.us-west-2.compute.internal", "aks-katapool-31477382-vmss00002a"];

    [Fact]
    public void Strings_are_escaped_as_go_escapes_them()
    {
        Assert.Equal("a\\u003cb\\u0026\\u0026c\\u003e \\\"q\\\" \\n\\t\\u0001 é", GoJson.Escape("a<b&&c> \"q\" \n\t\u0001 é"));
        Assert.Equal(2 + 14 + 5, GoJson.Size(System.Text.Json.Nodes.JsonValue.Create("if [[ a < b ]]")));
    }

    [Fact]
    public void A_status_entry_is_written_in_go_field_order()
    {
        var run = Run(WalkerTests.LoopTemplate(), Fleet, "x7k2p", new Dictionary<string, string> { ["extra"] = "false" });
        var attempt = run.Node($"bench-x7k2p[1].each(0:{Fleet[0]})[0].a(0)");
        using var stream = new MemoryStream();
        using (var writer = new GoJsonWriter(stream))
            NodeStatusJson.Write(writer, attempt);
        var json = System.Text.Encoding.UTF8.GetString(stream.ToArray());

        var order = new[] { "\"id\"", "\"name\"", "\"displayName\"", "\"type\"", "\"templateName\"", "\"templateScope\"", "\"phase\"",
            "\"boundaryID\"", "\"startedAt\"", "\"finishedAt\"", "\"estimatedDuration\"", "\"progress\"", "\"resourcesDuration\"",
            "\"nodeFlag\":{\"retried\":true}", "\"inputs\"", "\"outputs\":{\"exitCode\":\"0\"}", "\"children\"", "\"hostNodeName\"", "\"taskResultSynced\":true" };
        var positions = order.Select(key => json.IndexOf(key, StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
        Assert.Matches("\"startedAt\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\"", json);
    }

    [Fact]
    public void The_measured_raw_size_is_the_size_of_the_workflow_written_out_and_small_runs_stay_uncompressed()
    {
        var run = Run(WalkerTests.LoopTemplate(), Fleet, "x7k2p", new Dictionary<string, string> { ["extra"] = "false" });
        using var stream = new MemoryStream();
        WorkflowObject.Write(run, stream);

        var sizes = WorkflowObject.Measure(run);

        Assert.Equal(stream.Length, sizes.Raw);
        Assert.Equal(sizes.Raw, sizes.Stored);
        Assert.True(sizes.Compressed < sizes.Raw);
        Assert.Equal(0, sizes.CompressedNodes % 4); // base64
        using var document = System.Text.Json.JsonDocument.Parse(stream.ToArray());
        Assert.Equal(run.Entries.Count, document.RootElement.GetProperty("status").GetProperty("nodes").EnumerateObject().Count());
        Assert.Equal("bench", document.RootElement.GetProperty("status").GetProperty("storedWorkflowTemplateSpec").GetProperty("workflowTemplateRef").GetProperty("name").GetString());
    }

    [Fact]
    public void The_node_list_is_found_wherever_it_is_carried_and_one_node_name_per_item_too()
    {
        var template = WalkerTests.LoopTemplate();
        var finisher = template.Spec.Templates!.Single(t => t.Name == "finisher");
        finisher.Inputs = new Argo.Workflows.Client.Inputs { Parameters = [new Argo.Workflows.Client.Parameter { Name = "nodes" }] };
        finisher.Container!.Env = [new Argo.Workflows.Client.EnvVar { Name = "PLANNED", Value = "{{inputs.parameters.nodes}}" }];
        template.Spec.Templates!.Single(t => t.Name == "main").Steps![2][0].Arguments = new Argo.Workflows.Client.Arguments
        {
            Parameters = [new Argo.Workflows.Client.Parameter { Name = "nodes", Value = "{{steps.list.outputs.parameters.nodes}}" }],
        };
        var run = Run(template, Fleet, "x7k2p", new Dictionary<string, string> { ["extra"] = "false" });
        var list = System.Text.Json.JsonSerializer.Serialize(Fleet);

        var carriers = Carriers.Find(run);

        var env = Assert.Single(carriers, c => c.Value == "env PLANNED");
        Assert.Equal((CarrierKind.NodeList, "PLANNED=".Length + list.Length + 1), (env.Kind, env.Bytes));
        Assert.Equal(ArgoController.EnvironmentString, env.Limit);
        var pod = Assert.Single(carriers, c => c.Where == "pod: finisher" && c.Value.StartsWith("Pod object", StringComparison.Ordinal));
        Assert.True(pod.Bytes > list.Length && pod.Limit == ArgoController.EtcdObject);
        Assert.Contains(carriers, c => c.Where == "Workflow status.nodes: Pod lister" && c.Value == "outputs.parameters.nodes" && c.Kind == CarrierKind.NodeList);
        Assert.Contains(carriers, c => c.Where == "Workflow status.nodes: Pod finisher" && c.Value == "inputs.parameters.nodes");
        var perItem = Assert.Single(carriers, c => c.Where == "Workflow status.nodes: Pod work" && c.Value == "inputs.parameters.node");
        Assert.Equal((CarrierKind.NodeName, 6), (perItem.Kind, perItem.Count)); // a(0) and c(0) of each item
        Assert.DoesNotContain(carriers, c => c.Value.Contains("hostNodeName", StringComparison.Ordinal));
    }
}
