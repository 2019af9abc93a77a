using System.Text;
using KataArgo.Submitter;

namespace KataArgo.Cli.Progress;

/// <summary>
/// The plan as text: the release's rollout and what this run would do with it, then the upgrade
/// order, what each node goes through, skipped nodes with the reason.
/// </summary>
internal static class PlanText
{
    public static string Format(UpgradePlan plan)
    {
        var text = new StringBuilder();
        // While a rollout is open the release's chart is already its target: the nodes left run the pre-rollout version.
        var from = plan.Rollout is { Record.IsOpen: true } staged ? staged.Record.PreRolloutVersion : plan.ReleaseVersion ?? "unknown version";
        text.Append($"Helm release {plan.Release} in {plan.ReleaseNamespace} (DaemonSet {plan.DaemonSet}): {from} -> {plan.TargetVersion}\n\n");
        if (plan.Rollout is { } rollout)
            text.Append(RolloutText.Format(rollout)).Append('\n');
        if (plan.Verdict is { Action: RolloutAction.Refused, Reason: { } reason })
        {
            text.Append($"This run would be refused in preflight, and nothing would change:\n  {reason}\n");
            return text.ToString();
        }
        if (plan is { Verdict.Action: RolloutAction.Continue, Rollout: { } open })
        {
            var skipped = open.Done.Where(n => plan.Skipped.Any(s => s.Node == n)).ToList();
            text.Append($"This run continues rollout {open.Record.Rollout} (same target {plan.TargetVersion}){(skipped.Count == 0 ? "" : $"; done nodes are skipped: {string.Join(", ", skipped)}")}.\n\n");
        }
        if (plan is { Selected.Count: 0, Verdict.Action: RolloutAction.Continue, Rollout: { } continued })
        {
            text.Append(continued.Left.Count == 0
                ? $"No node is left to upgrade: the run would finish rollout {continued.Record.Rollout} (helm upgrade to {plan.TargetVersion} with the pre-rollout values, which restores the pre-rollout update strategy).\n"
                : $"No node would be upgraded: rollout {continued.Record.Rollout} would stay open with {Count(continued.Left.Count)} left.\n");
        }
        else if (plan.Selected.Count == 0)
        {
            text.Append("No node would be upgraded: the run would succeed and change nothing.\n");
        }
        else
        {
            var steps = plan.DrainEnabled
                ? "cordon, drain, recycle its kata-deploy pod, verify, uncordon"
                : "cordon, recycle its kata-deploy pod, verify, uncordon";
            text.Append($"{Count(plan.Selected.Count)} would be upgraded, one at a time ({steps}), stopping at the first failure:\n\n");
            text.Append(ProgressText.Table(["ORDER", "NODE", "FROM", "TO"],
                plan.Selected.Select((n, i) => new[] { (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), n.Name, n.CurrentVersion ?? "-", plan.TargetVersion })));
        }
        if (plan.Skipped.Count > 0)
        {
            text.Append($"\n{Count(plan.Skipped.Count)} skipped:\n\n");
            text.Append(ProgressText.Table(["NODE", "REASON"], plan.Skipped.Select(s => new[] { s.Node, s.Reason })));
        }
        if (plan.ClusterChanges is { } changes)
            text.Append('\n').Append(changes.Text());
        return text.ToString();
    }

    private static string Count(int n) => n == 1 ? "1 node" : $"{n} nodes";
}
