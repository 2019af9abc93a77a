using System.CommandLine;
using KataArgo.Cli.Progress;
using KataArgo.Lifecycle;
using KataArgo.Submitter;

namespace KataArgo.Cli.Commands;

/// <summary>
/// `status [NAME]`: the per-node view of a run, once (exit 1 when the run failed), then the
/// rollout of its Helm release; without NAME, the rollout of the release given by
/// <c>-p helm-release</c>/<c>-p helm-namespace</c> (defaults kata-deploy in kube-system).
/// The rollout record is a ConfigMap, read through the Kubernetes API even when the run is read
/// from an Argo server.
/// </summary>
internal static class StatusCommand
{
    public static Command Create(CliConsole console)
    {
        var name = new Argument<string?>("NAME") { Description = "the run to show; without it, only the release's rollout", Arity = ArgumentArity.ZeroOrOne };
        var parameters = ClusterOptions.Parameters("without NAME: helm-release=NAME, helm-namespace=NS of the kata-deploy release whose rollout to show");
        var command = new Command("status", "show a run's per-node progress once, and the open rollout of its Helm release with what to run next") { name, parameters };
        var cluster = ClusterOptions.AddTo(command);
        command.SetAction((parsed, cancellationToken) => ClusterOptions.Run(console, async () =>
        {
            var runName = parsed.GetValue(name) is { } given ? WatchCommand.CheckRunName(given) : null;
            var release = Release(parsed.GetValue(parameters) ?? [], runName);
            var flags = cluster.Flags(parsed, console);
            if (runName is null)
            {
                var connection = ConnectionSettings.ResolveKubernetes(flags, console.Env, argoServerAlternative: false);
                using var kube = new KubernetesTransport(connection, console.Clock, ClusterOptions.Retry(console));
                var state = await RolloutState.ReadAsync(kube, connection.Namespace, release.Name, release.Namespace, null, cancellationToken);
                console.Out.Write(state is null
                    ? $"No rollout of Helm release {release.Name} in {release.Namespace} is recorded in namespace {connection.Namespace}.\n"
                    : RolloutText.Format(state));
                return ExitCodes.Success;
            }

            using var transport = WorkflowTransport.Create(ConnectionSettings.Resolve(flags, console.Env), console.Clock, ClusterOptions.Retry(console));
            var workflow = await transport.GetWorkflowAsync(runName, cancellationToken);
            var run = RunProgress.Read(workflow);
            console.Out.Write(ProgressText.Format(run, console.Clock.GetUtcNow()));
            var rollout = await RunRolloutAsync(console, transport, flags,
                RecoverCommand.Argument(workflow, WorkflowParameters.HelmRelease), RecoverCommand.Argument(workflow, WorkflowParameters.HelmNamespace), cancellationToken);
            if (rollout is not null)
                console.Out.Write("\n" + RolloutText.Format(rollout));
            return RunOutcome.Finish(run);
        }));
        return command;
    }

    private static (string Name, string Namespace) Release(string[] assignments, string? runName)
    {
        var values = RunRequest.ParseAssignments(assignments);
        if (values.FirstOrDefault(p => p.Key != WorkflowParameters.HelmRelease.Name && p.Key != WorkflowParameters.HelmNamespace.Name) is { Key: { } other })
            throw new UsageException($"status takes only -p {WorkflowParameters.HelmRelease.Name}=... and -p {WorkflowParameters.HelmNamespace.Name}=..., not -p {other}");
        if (runName is not null && values.Count > 0)
            throw new UsageException($"{values[0].Key} is taken from the run {runName}; do not pass -p {values[0].Key} with a run name");
        string Get(WorkflowParameter p) => values.LastOrDefault(v => v.Key == p.Name).Value ?? p.Default;
        return (Get(WorkflowParameters.HelmRelease), Get(WorkflowParameters.HelmNamespace));
    }

    /// <summary>
    /// The rollout of the run's release. A run read from an Argo server needs the kubeconfig for
    /// the record: when it cannot be read, the run is still shown and a warning says why.
    /// </summary>
    private static async Task<RolloutState?> RunRolloutAsync(CliConsole console, WorkflowTransport transport, ConnectionFlags flags,
        string release, string helmNamespace, CancellationToken cancellationToken)
    {
        try
        {
            if (transport is KubernetesTransport kube)
                return await RolloutState.ReadAsync(kube, kube.Namespace, release, helmNamespace, null, cancellationToken);
            var connection = ConnectionSettings.ResolveKubernetes(flags with { Kube = true, Namespace = transport.Namespace }, console.Env, argoServerAlternative: false);
            using var separate = new KubernetesTransport(connection, console.Clock, ClusterOptions.Retry(console));
            return await RolloutState.ReadAsync(separate, transport.Namespace, release, helmNamespace, null, cancellationToken);
        }
        catch (SubmitterException e) when (e.Kind is FailureKind.Unreachable or FailureKind.InvalidRequest && transport is not KubernetesTransport)
        {
            console.Error.WriteLine($"warning: the rollout of Helm release {release} in {helmNamespace} is not shown: it is read through the Kubernetes API, and {e.Message}");
            return null;
        }
    }
}
