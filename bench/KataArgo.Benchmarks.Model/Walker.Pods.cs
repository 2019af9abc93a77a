using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argo.Workflows.Client;

namespace KataArgo.Benchmarks.Model;

/// <summary>Pod nodes: what the pod receives (substituted environment, arguments, <c>ARGO_TEMPLATE</c>) and what it reports.</summary>
internal sealed partial class Walker
{
    private NodeStatus ExecutePod(string nodeName, Template template, List<Parameter> inputs, Frame frame, NodeFlag? flag,
        string? stepName, int? retries)
    {
        var node = NewNode(nodeName, "Pod", template.Name, frame, flag, inputs);
        node.TaskResultSynced = true;
        var podName = NodeNames.PodName(_run.WorkflowName, nodeName, template.Name!);
        var local = new Dictionary<string, string> { ["pod.name"] = podName, ["node.name"] = nodeName };
        if (retries is { } attempt)
            local["retries"] = attempt.ToString(CultureInfo.InvariantCulture);
        var lookup = Lookup.Chain(Lookup.Values(local), Lookup.Inputs(inputs), Global);
        if (!_podTemplates.TryGetValue(template.Name!, out var pod))
            _podTemplates[template.Name!] = pod = new PodTemplate(template);
        var (values, argoTemplateBytes, inserted) = pod.Substitute(lookup);
        var env = pod.Env.Select(e => new EnvVar { Name = e.Name, Value = values.GetValueOrDefault(e.Path, e.Value) }).ToList();
        var args = pod.Args.Select(a => values.GetValueOrDefault(a.Path, a.Value)).ToList();
        if (pod.IsScript)
            args.Add("/argo/staging/script");

        var (scheduling, init, run) = _clock.PodRun();
        var finished = _clock.Now.AddSeconds(scheduling + init + run + 1);
        var outputs = (template.Outputs?.Parameters ?? []).Select(p =>
        {
            var output = CloneParameter(p);
            output.Value = SampleFor(_roles.OfOutput(template.Name!, p.Name)) ?? _run.SampleValue;
            return output;
        }).ToList();
        var resultReferenced = stepName is not null && frame.BoundaryTemplate is { } boundary
            && TemplateText(boundary).Contains($"steps.{stepName}.outputs.result", StringComparison.Ordinal);
        node.Outputs = new Outputs
        {
            Parameters = outputs.Count > 0 ? outputs : null,
            Result = resultReferenced ? _run.SampleValue : null,
            ExitCode = "0",
        };
        ExportGlobals(outputs);
        node.HostNodeName = _clock.Host();
        node.Progress = "1/1";
        node.ResourcesDuration = PodResources.Duration(pod.Main?["resources"] as JsonObject, init, run);
        _clock.Now = finished;
        Finish(node, finished);
        _clock.Reconcile();
        _pods.Add(new RecordedPod(node.Id, nodeName, podName, template.Name!, env, args, argoTemplateBytes, inserted, node.Outputs, frame.InLoop));
        return node;
    }

    /// <summary>A template as JSON text, searched the way <c>hasOutputResultRef</c> searches it.</summary>
    private string TemplateText(Template template)
    {
        if (!_templateText.TryGetValue(template.Name!, out var text))
            _templateText[template.Name!] = text = JsonSerializer.Serialize(template, ArgoJson.Options);
        return text;
    }
}
