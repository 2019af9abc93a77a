using System.Text.Json;
using KataArgo.Benchmarks.Model;

namespace KataArgo.Benchmarks.Tests;

public class NodeNamesTests
{
    [Theory]
    // IDs Argo recorded: argo-workflows v4.1.2 workflow/controller/testdata/steps-failed-retries.yaml
    [InlineData("failed-retries-tjjsc[0]", "failed-retries-tjjsc-2095973878")]
    [InlineData("failed-retries-tjjsc[0].fail", "failed-retries-tjjsc-20069324")]
    [InlineData("failed-retries-tjjsc[0].fail(1)", "failed-retries-tjjsc-759866442")]
    [InlineData("failed-retries-tjjsc[0].delayed-fail", "failed-retries-tjjsc-1574533273")]
    [InlineData("failed-retries-tjjsc", "failed-retries-tjjsc")]
    public void Node_ids_are_the_workflow_name_and_the_fnv32a_hash_of_the_node_name(string nodeName, string id) =>
        Assert.Equal(id, NodeNames.NodeId("failed-retries-tjjsc", nodeName));

    [Theory]
    [InlineData("\"zero\"", "sleep(0:zero)")]
    [InlineData("7", "sleep(0:7)")]
    [InlineData("true", "sleep(0:true)")]
    [InlineData("{\"os\":\"linux\",\"arch\":\"arm64\"}", "sleep(0:arch:arm64,os:linux)")]
    [InlineData("\"node (gpu)\"", "sleep(0:node gpu)")]
    public void Loop_items_are_named_step_index_colon_item_without_parentheses(string item, string name) =>
        Assert.Equal(name, NodeNames.LoopItem("sleep", 0, JsonDocument.Parse(item).RootElement));

    [Theory]
    [InlineData("wf[0]", "wf", "[0]")]
    [InlineData("wf[0].step2(0)", "wf", "step2(0)")]
    [InlineData("wf[0].iteration(0:a)[1].step2", "wf[0].iteration(0:a)", "step2")]
    [InlineData("wf.onExit", null, "wf.onExit")]
    [InlineData("wf.onExit[0]", "wf.onExit", "[0]")]
    public void Display_names_drop_the_boundary_name_and_a_leading_group_index(string name, string? boundary, string display) =>
        Assert.Equal(display, NodeNames.DisplayName(name, boundary));

    [Fact]
    public void Pod_names_are_workflow_template_and_the_hash_of_the_node_name() =>
        Assert.Equal("failed-retries-tjjsc-fail-759866442", NodeNames.PodName("failed-retries-tjjsc", "failed-retries-tjjsc[0].fail(1)", "fail"));
}
