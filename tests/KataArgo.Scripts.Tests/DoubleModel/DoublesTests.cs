using KataArgo.Scripts.Tests.Harness;

namespace KataArgo.Scripts.Tests.DoubleModel;

/// <summary>The doubles model the controllers faithfully enough to catch real mistakes, and refuse what they do not model.</summary>
public sealed class DoublesTests
{
    private static readonly string[] Upgrade =
        ["helm", "upgrade", "kata-deploy", "oci://ghcr.io/kata-containers/kata-deploy-charts/kata-deploy", "--version", "3.30.0", "-n", "kube-system"];

    [Theory]
    [InlineData("kubectl label node node-a x=y", "kubectl double: unknown command")]
    [InlineData("kubectl get pods -n kube-system", "get without -o json")]
    [InlineData("kubectl get secrets -n kube-system -o json", "get of an unknown resource type")]
    [InlineData("kubectl delete ns prod", "delete of anything but pods")]
    [InlineData("helm rollback kata-deploy -n kube-system", "never without a revision")]
    [InlineData("helm upgrade kata-deploy x --version 3.30.0 -n kube-system --reuse-values", "unsupported flag --reuse-values")]
    [InlineData("helm upgrade kata-deploy x --version 3.30.0 -n kube-system --reset-values --atomic", "unsupported flag --atomic")]
    [InlineData("helm upgrade kata-deploy x --version 3.30.0 -n kube-system --reset-values --wait=legacy", "unsupported flag --wait=legacy")]
    [InlineData("helm upgrade kata-deploy x --version 3.30.0 -n kube-system --reset-values --set a={b}", "unsupported --set a={b}")]
    public void Unimplemented_forms_fail_loudly_and_are_logged(string command, string reason)
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes());

        var result = sandbox.Tool(command.Split(' '));

        Assert.Equal(97, result.ExitCode);
        Assert.Contains(reason, result.Stderr);
        Assert.Contains(command.Split(' ', 2)[1], result.Stderr);
        Assert.Equal(97, Assert.Single(sandbox.Calls.All).Exit);
    }

    [Fact]
    public void An_upgrade_that_keeps_RollingUpdate_replaces_every_kata_deploy_pod_at_once()
    {
        using var sandbox = new Sandbox(Scenario.ThreeNodes());

        Assert.True(sandbox.Tool([.. Upgrade, "--reset-then-reuse-values", "--set", "verification.pod="]).Succeeded);

        Assert.All(Scenario.Nodes, n => Assert.Equal(Cluster.HashOf("3.30.0"), sandbox.State.PodOn(n).Hash));
        Assert.Equal(2, sandbox.State.Root["controllerrevisions"]!.AsArray().Count);
    }

    [Fact]
    public void With_OnDelete_only_a_deleted_pod_comes_back_on_the_new_revision()
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes());
        var pods = Scenario.Nodes.Take(2).Select(n => sandbox.State.PodOn(n).Name).ToList();

        Assert.True(sandbox.Tool([.. Upgrade, "--reset-then-reuse-values", "--set", "updateStrategy.type=OnDelete", "--set", "verification.pod="]).Succeeded);
        Assert.Equal(pods, Scenario.Nodes.Take(2).Select(n => sandbox.State.PodOn(n).Name));
        Assert.True(sandbox.Tool("kubectl", "delete", "pod", pods[0], "-n", "kube-system").Succeeded);

        Assert.Equal(Cluster.HashOf("3.30.0"), sandbox.State.PodOn("node-a").Hash);
        Assert.Equal(pods[1], sandbox.State.PodOn("node-b").Name);
        Assert.Equal(Cluster.HashOf("3.29.0"), sandbox.State.PodOn("node-b").Hash);
    }

    [Fact]
    public void Kata_deploy_s_own_verification_hook_fails_an_OnDelete_upgrade()
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes());

        var result = sandbox.Tool([.. Upgrade, "--reset-then-reuse-values", "--set", "updateStrategy.type=OnDelete", "--set", "verification.pod=kind: Pod"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("post-upgrade hooks failed", result.Stderr);
        Assert.Equal(["deployed", "failed"], sandbox.State.History().Select(r => r.Status));
    }

    [Fact]
    public void A_rollback_makes_the_old_template_the_newest_controller_revision()
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes());
        Assert.True(sandbox.Tool([.. Upgrade, "--reset-values"]).Succeeded);

        Assert.True(sandbox.Tool("helm", "rollback", "kata-deploy", "1", "-n", "kube-system").Succeeded);

        var revisions = sandbox.State.Root["controllerrevisions"]!.AsArray()
            .ToDictionary(r => (string)r!["metadata"]!["labels"]!["controller-revision-hash"]!, r => (int)r!["revision"]!);
        Assert.Equal(3, revisions[Cluster.HashOf("3.29.0")]);
        Assert.Equal(2, revisions[Cluster.HashOf("3.30.0")]);
        Assert.Equal(Cluster.HashOf("3.29.0"), sandbox.State.PodOn("node-a").Hash);
    }

    [Fact]
    public void A_pod_without_the_unschedulable_toleration_never_schedules_on_a_cordoned_node()
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes().Cordoned("node-a"));
        var pod = Path.Combine(sandbox.Root, "pod.json");
        File.WriteAllText(pod, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"check","namespace":"default"},"spec":{"nodeSelector":{"kubernetes.io/hostname":"node-a"}}}""");

        Assert.True(sandbox.Tool("kubectl", "create", "-f", pod).Succeeded);
        var read = sandbox.Tool("kubectl", "get", "pod", "check", "-n", "default", "-o", "json");
        var events = sandbox.Tool("kubectl", "get", "events", "-n", "default", "--field-selector", "involvedObject.name=check", "-o", "json");

        Assert.Contains("\"phase\":\"Pending\"", read.Stdout);
        Assert.Contains("1 node(s) were unschedulable", events.Stdout);
    }
}
