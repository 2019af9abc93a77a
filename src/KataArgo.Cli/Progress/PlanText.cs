using System.Text;
using KataArgo.Submitter;

namespace KataArgo.Cli.Progress;

/// <summary>The plan as text: upgrade order, what each node goes through, skipped nodes with the reason.</summary>
internal static class PlanText
{
    public static string Format(UpgradePlan plan)
    {
        var text = new StringBuilder();
        text.Append($"Helm release {plan.Release} in {plan.ReleaseNamespace} (DaemonSet {plan.DaemonSet}): {plan.ReleaseVersion ?? "unknown version"} -> {plan.TargetVersion}\n\n");
        if (plan.Selected.Count == 0)
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
