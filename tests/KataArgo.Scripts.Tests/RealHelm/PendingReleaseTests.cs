using KataArgo.Scripts.Tests.Harness;
using KataArgo.Submitter;
using KataArgo.Testing;
using KataArgo.Testing.Kube;
using Xunit.Abstractions;

namespace KataArgo.Scripts.Tests.RealHelm;

/// <summary>
/// Releases the real Helm 3 and 4 leave pending-install, -upgrade or -rollback when killed between
/// writing their release record and applying: the statuses and the <c>helm history -o json</c>
/// that preflight's release_pending_check reads, the Secrets plan reads, and that both name the
/// same <c>helm rollback</c>, which clears the release (Helm refuses an upgrade until it does).
/// </summary>
public sealed class PendingReleaseTests(ITestOutputHelper output)
{
    public static TheoryData<string> Helms() => new(RealTool.Helm4.Name, RealTool.Helm3.Name);

    [RealToolsTheory]
    [MemberData(nameof(Helms))]
    public async Task A_killed_helm_leaves_a_pending_release_that_preflight_and_plan_refuse_alike_and_the_named_rollback_clears(string helm)
    {
        await using var cluster = await RealCluster.StartAsync(RealRun.Helm(helm), "3.30.0");
        var (release, ns) = (RealCluster.Release, RealCluster.HelmNamespace);

        await Killed(cluster, "upgrade", release, cluster.Chart, "--version", "3.31.0", "-n", ns, "--reset-values");
        Assert.Equal(["1 deployed kata-deploy-3.30.0", "2 pending-upgrade kata-deploy-3.31.0"], RolloutTests.History(cluster));
        var refusal = await RefusedAlike(cluster, "pending-upgrade", 1);
        Assert.Contains("clear it with: helm rollback kata-deploy 1 -n kube-system (the last deployed revision;", refusal);
        var upgrade = cluster.Admin("upgrade", release, cluster.Chart, "--version", "3.31.0", "-n", ns, "--reset-values");
        Assert.False(upgrade.Succeeded);
        Assert.Contains("another operation (install/upgrade/rollback) is in progress", upgrade.Stderr);

        await Killed(cluster, "rollback", release, "1", "-n", ns);
        Assert.Equal("3 pending-rollback kata-deploy-3.30.0", RolloutTests.History(cluster)[^1]);
        await RefusedAlike(cluster, "pending-rollback", 1);

        cluster.Admin("rollback", release, "1", "-n", ns).AssertSucceeded();
        Assert.Equal("4 deployed kata-deploy-3.30.0", RolloutTests.History(cluster)[^1]);
        Log(new RealRun(cluster, "3.31.0").Preflight()).AssertSucceeded();
        Assert.Equal(RolloutAction.New, RolloutRules.Judge(null, "3.31.0", [], (await cluster.PlanChangesAsync("3.31.0")).Head).Action);

        // Its records and DaemonSet gone, as `helm uninstall` leaves it (whose purge sends a protobuf
        // DeleteOptions the in-process API does not read): the install adopts the objects left in
        // place and creates the DaemonSet (Helm 3 patches nothing unchanged, so it has a write to be killed at).
        foreach (var secret in ReleaseSecrets(cluster.Api).ToList())
            cluster.Api.Store.Delete("", "secrets", ns, (string)secret["metadata"]!["name"]!);
        cluster.Api.Store.Delete("apps", "daemonsets", ns, RealCluster.DaemonSet);
        await Killed(cluster, "install", release, cluster.Chart, "--version", "3.30.0", "-n", ns);
        Assert.Equal(["1 pending-install kata-deploy-3.30.0"], RolloutTests.History(cluster));
        Assert.Equal("helm-release: release kube-system/kata-deploy is 'pending-install' and has no deployed revision to go back to; check helm history kata-deploy -n kube-system",
            await RefusedAlike(cluster, "pending-install", null));
    }

    /// <summary>
    /// Runs helm as an admin and kills it (SIGKILL) at its first write after its pending release
    /// record is stored, as a killed pod or a lost connection leaves it.
    /// </summary>
    private static async Task Killed(RealCluster cluster, params string[] args)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var proceed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.Api.Hold = async a =>
        {
            if (a.Verb is "create" or "update" or "patch" or "delete" && a.Resource != "secrets" && Pending(cluster.Api))
            {
                reached.TrySetResult();
                await proceed.Task;
            }
        };
        using var helm = cluster.StartAdmin(args);
        var stderr = helm.StandardError.ReadToEndAsync();
        var stdout = helm.StandardOutput.ReadToEndAsync();
        var exited = helm.WaitForExitAsync();
        try
        {
            var first = await Task.WhenAny(reached.Task, exited, Task.Delay(TimeSpan.FromSeconds(120)));
            Assert.True(first == reached.Task, $"helm {string.Join(' ', args)} wrote no pending release before applying (exited: {helm.HasExited}):\n{await Finished(stdout)}\n{await Finished(stderr)}");
            helm.Kill(entireProcessTree: true);
            await exited;
        }
        finally
        {
            cluster.Api.Hold = null;
            proceed.TrySetResult();
        }
    }

    private static async Task<string> Finished(Task<string> text) => await Task.WhenAny(text, Task.Delay(1000)) == text ? text.Result : "";

    private static bool Pending(KubeApi api) =>
        ReleaseSecrets(api).Any(s => ((string?)s["metadata"]?["labels"]?["status"])?.StartsWith("pending-", StringComparison.Ordinal) == true);

    private static IEnumerable<System.Text.Json.Nodes.JsonObject> ReleaseSecrets(KubeApi api) =>
        api.Store.List("", "secrets", RealCluster.HelmNamespace).Where(s =>
            (string?)s["metadata"]?["labels"]?["owner"] == "helm" && (string?)s["metadata"]?["labels"]?["name"] == RealCluster.Release);

    /// <summary>
    /// Preflight's refusal of the pending release (from Helm's history) and plan's (from Helm's
    /// Secrets) are the same line; returns it.
    /// </summary>
    private async Task<string> RefusedAlike(RealCluster cluster, string status, int? lastDeployed)
    {
        var preflight = Log(new RealRun(cluster, "3.31.0").Preflight());
        Assert.False(preflight.Succeeded);
        var refusal = preflight.Stderr.Split('\n').Last(l => l.StartsWith("error: ", StringComparison.Ordinal))["error: ".Length..];

        var head = (await cluster.PlanChangesAsync("3.31.0")).Head;
        Assert.NotNull(head);
        Assert.Equal((status, lastDeployed), (head.Status, head.LastDeployed));
        Assert.Equal(refusal, RolloutRules.Judge(null, "3.31.0", [], head).Reason);
        return refusal;
    }

    private StepResult Log(StepResult result)
    {
        output.WriteLine(result.ToString());
        return result;
    }
}
