using System.Text.Json;
using System.Text.Json.Nodes;
using Argo.Workflows.Client;

namespace KataArgo.Benchmarks.Model;

/// <summary>
/// <c>status.nodes</c> as Go marshals it: a map sorted by node ID, each <c>NodeStatus</c> in its
/// struct's field order (pkg/apis/workflow/v1alpha1/workflow_types.go, v4.1.2), empty fields
/// omitted, <c>nodeFlag: {}</c> kept. Key order does not change the raw size but does change
/// what gzip makes of it.
/// </summary>
public static class NodeStatusJson
{
    public static void WriteNodes(GoJsonWriter w, IEnumerable<NodeStatus> nodes)
    {
        w.StartObject();
        foreach (var node in nodes.OrderBy(n => n.Id, StringComparer.Ordinal))
        {
            w.Name(node.Id);
            Write(w, node);
        }
        w.EndObject();
    }

    public static void Write(GoJsonWriter w, NodeStatus n)
    {
        w.StartObject();
        w.Name("id");
        w.String(n.Id);
        w.Name("name");
        w.String(n.Name);
        w.Property("displayName", n.DisplayName);
        w.Name("type");
        w.String(n.Type ?? "");
        w.Property("templateName", n.TemplateName);
        if (n.TemplateRef is not null)
        {
            w.Name("templateRef");
            w.Node(JsonSerializer.SerializeToNode(n.TemplateRef, ArgoJson.Options));
        }
        w.Property("templateScope", n.TemplateScope);
        w.Property("phase", n.Phase);
        w.Property("boundaryID", n.BoundaryID);
        w.Property("message", n.Message);
        Time(w, "startedAt", n.StartedAt);
        Time(w, "finishedAt", n.FinishedAt);
        if (n.EstimatedDuration is > 0)
        {
            w.Name("estimatedDuration");
            w.Number(n.EstimatedDuration.Value);
        }
        w.Property("progress", n.Progress);
        if (n.ResourcesDuration is { Count: > 0 } durations)
            Map(w, "resourcesDuration", durations);
        w.Property("podIP", n.PodIP);
        if (n.Daemoned is { } daemoned)
        {
            w.Name("daemoned");
            w.Bool(daemoned);
        }
        if (n.NodeFlag is { } flag)
        {
            w.Name("nodeFlag");
            w.StartObject();
            if (flag.Hooked == true)
            {
                w.Name("hooked");
                w.Bool(true);
            }
            if (flag.Retried == true)
            {
                w.Name("retried");
                w.Bool(true);
            }
            w.EndObject();
        }
        if (n.Inputs is { } inputs)
        {
            w.Name("inputs");
            w.StartObject();
            Parameters(w, inputs.Parameters);
            w.EndObject();
        }
        if (n.Outputs is { } outputs)
            Outputs(w, outputs);
        Strings(w, "children", n.Children);
        Strings(w, "outboundNodes", n.OutboundNodes);
        w.Property("hostNodeName", n.HostNodeName);
        if (n.TaskResultSynced is { } synced)
        {
            w.Name("taskResultSynced");
            w.Bool(synced);
        }
        w.EndObject();
    }

    public static void Outputs(GoJsonWriter w, Outputs outputs)
    {
        w.Name("outputs");
        w.StartObject();
        Parameters(w, outputs.Parameters);
        if (outputs.Artifacts is { Count: > 0 } artifacts)
        {
            w.Name("artifacts");
            w.Node(JsonSerializer.SerializeToNode(artifacts, ArgoJson.Options));
        }
        w.Property("result", outputs.Result);
        w.Property("exitCode", outputs.ExitCode);
        w.EndObject();
    }

    /// <summary><c>Parameter</c> in Go field order: name, default, value, valueFrom, globalName, enum, description.</summary>
    public static void Parameters(GoJsonWriter w, IReadOnlyList<Parameter>? parameters)
    {
        if (parameters is not { Count: > 0 })
            return;
        w.Name("parameters");
        w.StartArray();
        foreach (var p in parameters)
        {
            w.StartObject();
            w.Name("name");
            w.String(p.Name);
            if (p.Default is not null)
            {
                w.Name("default");
                w.String(p.Default);
            }
            if (p.Value is not null)
            {
                w.Name("value");
                w.String(p.Value);
            }
            if (p.ValueFrom is { } from)
            {
                w.Name("valueFrom");
                w.StartObject();
                w.Property("path", from.Path);
                w.Property("jsonPath", from.JsonPath);
                w.Property("jqFilter", from.JqFilter);
                w.Property("event", from.Event);
                w.Property("parameter", from.Parameter);
                w.Property("default", from.Default);
                w.Property("expression", from.Expression);
                w.EndObject();
            }
            w.Property("globalName", p.GlobalName);
            if (p.Enum is { Count: > 0 } choices)
                Strings(w, "enum", choices);
            w.Property("description", p.Description);
            w.EndObject();
        }
        w.EndArray();
    }

    private static void Time(GoJsonWriter w, string name, DateTimeOffset? time)
    {
        w.Name(name);
        if (time is { } t)
            w.Time(t);
        else
            w.Node(null);
    }

    private static void Map(GoJsonWriter w, string name, Dictionary<string, long> map)
    {
        w.Name(name);
        w.StartObject();
        foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.Name(key);
            w.Number(value);
        }
        w.EndObject();
    }

    private static void Strings(GoJsonWriter w, string name, IEnumerable<string>? values)
    {
        if (values is null || !values.Any())
            return;
        w.Name(name);
        w.StartArray();
        foreach (var value in values)
            w.String(value);
        w.EndArray();
    }

    /// <summary>Go JSON of one node's inputs or outputs value strings, as sized in the Workflow.</summary>
    public static long EscapedSize(string value) => System.Text.Encoding.UTF8.GetByteCount(GoJson.Escape(value)) + 2;

    internal static JsonNode? ToNode(object value) => JsonSerializer.SerializeToNode(value, ArgoJson.Options);
}
