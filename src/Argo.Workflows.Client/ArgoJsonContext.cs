using System.Text.Json.Serialization;

namespace Argo.Workflows.Client;

/// <summary>
/// Serialization metadata for the Argo objects and the requests the CLI sends, generated at
/// compile time (System.Text.Json source generation) and compiled ahead of time with the rest of
/// the assembly: reading the generated models' properties by reflection at run time was the
/// largest part of <c>kata-argo template</c>'s and <c>render</c>'s start-up (docs/benchmarks.md).
/// It is a resolver only: <see cref="ArgoJson"/> keeps the settings, and any type not listed here
/// (nor reachable from one) falls back to reflection, with the same JSON.
/// </summary>
[JsonSerializable(typeof(Workflow))]
[JsonSerializable(typeof(WorkflowTemplate))]
[JsonSerializable(typeof(ClusterWorkflowTemplate))]
[JsonSerializable(typeof(CronWorkflow))]
[JsonSerializable(typeof(WorkflowCreateRequest))]
[JsonSerializable(typeof(WorkflowSubmitRequest))]
[JsonSerializable(typeof(WorkflowWatchEvent))]
internal sealed partial class ArgoJsonContext : JsonSerializerContext;
