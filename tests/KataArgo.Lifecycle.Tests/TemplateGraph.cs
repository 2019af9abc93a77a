using System.Text.RegularExpressions;
using Argo.Workflows.Client;
using KataArgo.Lifecycle;

namespace KataArgo.Lifecycle.Tests;

/// <summary>The built WorkflowTemplate, navigable by template and step name.</summary>
internal sealed partial class TemplateGraph
{
    public WorkflowTemplate Model { get; } = LifecycleWorkflow.Build(new LifecycleOptions());

    public WorkflowSpec Spec => Model.Spec;

    public IReadOnlyList<Template> Templates => Spec.Templates!;

    public Template Get(string name) =>
        Templates.SingleOrDefault(t => t.Name == name) ?? throw new Xunit.Sdk.XunitException($"no template '{name}'");

    /// <summary>The templates that run a step script in a pod (containers running bash on a steps file).</summary>
    public IEnumerable<Template> Scripts => Templates.Where(t => t.Container is not null);

    public static IEnumerable<WorkflowStep> StepsOf(Template template) => template.Steps?.SelectMany(group => group) ?? [];

    public WorkflowStep Step(string template, string step) =>
        StepsOf(Get(template)).SingleOrDefault(s => s.Name == step) ?? throw new Xunit.Sdk.XunitException($"no step '{step}' in '{template}'");

    public static string? Argument(WorkflowStep step, string name) =>
        step.Arguments?.Parameters?.SingleOrDefault(p => p.Name == name)?.Value;

    public static string? Env(Template template, string name) =>
        template.Container!.Env!.SingleOrDefault(e => e.Name == name)?.Value;

    /// <summary>Template name → the templates it calls.</summary>
    public Dictionary<string, List<string>> CallGraph() =>
        Templates.ToDictionary(t => t.Name!, t => StepsOf(t).Select(s => s.Template!).ToList());

    public static IEnumerable<string> Variables(string text) => VariablePattern().Matches(text).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"\{\{(.*?)\}\}")]
    private static partial Regex VariablePattern();
}
