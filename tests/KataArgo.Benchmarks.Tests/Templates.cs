using Argo.Workflows.Client;
using KataArgo.Benchmarks.Model;

namespace KataArgo.Benchmarks.Tests;

/// <summary>Small WorkflowTemplates built by hand, and a sunny run of them.</summary>
internal static class Templates
{
    public static WorkflowTemplate Workflow(string name, string entrypoint, params Template[] templates) => new()
    {
        ApiVersion = "argoproj.io/v1alpha1",
        Kind = "WorkflowTemplate",
        Metadata = new ObjectMeta { Name = name, Namespace = "argo" },
        Spec = new WorkflowSpec { Entrypoint = entrypoint, Templates = [.. templates] },
    };

    public static Template Steps(string name, params WorkflowStep[][] groups) => new()
    {
        Name = name,
        Steps = [.. groups.Select(g => { var group = new ParallelSteps(); group.AddRange(g); return group; })],
    };

    public static Template Container(string name, params string[] inputs) => new()
    {
        Name = name,
        Inputs = inputs.Length > 0 ? new Inputs { Parameters = [.. inputs.Select(i => new Parameter { Name = i })] } : null,
        Container = new Container { Image = "alpine:3.23", Command = ["true"] },
    };

    public static WorkflowStep Step(string name, string template, params (string Name, string Value)[] arguments) => new()
    {
        Name = name,
        Template = template,
        Arguments = arguments.Length > 0
            ? new Arguments { Parameters = [.. arguments.Select(a => new Parameter { Name = a.Name, Value = a.Value })] }
            : null,
    };

    public static RecordedRun Run(WorkflowTemplate template, IReadOnlyList<string> fleet, string suffix,
        IReadOnlyDictionary<string, string>? parameters = null) =>
        WorkflowWalker.Walk(new SunnyRun
        {
            Template = template,
            Fleet = fleet,
            NameSuffix = suffix,
            Parameters = parameters ?? new Dictionary<string, string>(),
        });
}
