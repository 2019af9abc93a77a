using System.CommandLine;
using KataArgo.Cli.Progress;
using KataArgo.Submitter;

namespace KataArgo.Cli.Commands;

/// <summary>
/// `plan -p target-version=X [-p ...]`: the release's open rollout and whether this run would
/// continue it or be refused (exit 1); which nodes a run would upgrade, in which order, and which
/// it would skip and why.
/// </summary>
internal static class PlanCommand
{
    public static Command Create(CliConsole console)
    {
        var parameters = ClusterOptions.Parameters("workflow parameter NAME=VALUE (repeatable): target-version, helm-release, helm-namespace, kata-deploy-chart, node-selector, node-taint-key, node-taint-value, nodes, drain-enabled");
        var command = new Command("plan", "show which nodes a run would upgrade, in order, and which it would skip and why (reads the cluster)") { parameters };
        var cluster = ClusterOptions.AddKubernetesTo(command);
        command.SetAction((parsed, cancellationToken) => ClusterOptions.Run(console, async () =>
        {
            var values = UpgradePlanner.Parameters(parsed.GetValue(parameters) ?? []);
            var flags = cluster.Flags(parsed, console);
            var connection = ConnectionSettings.ResolveKubernetes(flags, console.Env, argoServerAlternative: false);
            using var transport = new KubernetesTransport(connection, console.Clock, ClusterOptions.Retry(console));
            var helm = HelmTemplate.Find(console.Env("PATH")) is { } path
                ? new HelmTemplate(path, console.Environment, KubeConfig: flags.KubeConfig, KubeContext: flags.KubeContext) : null;
            var plan = await new UpgradePlanner(transport, helm).PlanAsync(values, connection.Namespace, cancellationToken);
            console.Out.Write(PlanText.Format(plan));
            return plan.Verdict.Action == RolloutAction.Refused
                ? throw new CliException(ExitCodes.Failed, "a run with these parameters would be refused in preflight (the reason and what to run instead are above)")
                : ExitCodes.Success;
        }));
        return command;
    }
}
