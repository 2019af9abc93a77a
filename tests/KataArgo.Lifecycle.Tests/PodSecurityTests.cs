using Argo.Workflows.Client;

namespace KataArgo.Lifecycle.Tests;

/// <summary>Pod Security Standards "restricted" for the pod every script template becomes.</summary>
public class PodSecurityTests
{
    private static readonly TemplateGraph Graph = new();

    public static TheoryData<string> ScriptTemplates() => [.. Graph.Scripts.Select(t => t.Name!)];

    [Theory]
    [MemberData(nameof(ScriptTemplates))]
    public void Every_step_pod_meets_the_restricted_pod_security_standard(string name) =>
        Assert.Empty(RestrictedViolations(Graph.Spec, Graph.Get(name)));

    [Theory]
    [MemberData(nameof(ScriptTemplates))]
    public void Every_step_runs_with_a_read_only_root_filesystem_limits_and_scratch_space(string name)
    {
        var script = Graph.Get(name).Container!;

        Assert.True(script.SecurityContext!.ReadOnlyRootFilesystem);
        foreach (var resource in new[] { "cpu", "memory" })
        {
            Assert.True(script.Resources!.Requests!.ContainsKey(resource), $"{name}: no {resource} request");
            Assert.True(script.Resources.Limits!.ContainsKey(resource), $"{name}: no {resource} limit");
        }
        var scratch = Assert.Single(script.VolumeMounts!, m => m.MountPath == "/tmp");
        Assert.NotNull(Graph.Spec.Volumes!.Single(v => v.Name == scratch.Name).EmptyDir);
        var steps = Assert.Single(script.VolumeMounts!, m => m.MountPath == StepScripts.MountPath);
        Assert.True(steps.ReadOnly);
        Assert.Equal(2, script.VolumeMounts!.Count);
    }

    [Fact]
    public void The_checker_catches_a_privileged_root_container()
    {
        var template = new Template
        {
            Name = "bad",
            Script = new ScriptTemplate
            {
                Image = "x:1", Source = "true",
                SecurityContext = new SecurityContext { Privileged = true, RunAsUser = 0, Capabilities = new Capabilities { Add = ["SYS_ADMIN"] } },
            },
        };

        var violations = RestrictedViolations(new WorkflowSpec { HostNetwork = true }, template);

        Assert.Contains(violations, v => v.Contains("privileged"));
        Assert.Contains(violations, v => v.Contains("runAsUser"));
        Assert.Contains(violations, v => v.Contains("capabilities"));
        Assert.Contains(violations, v => v.Contains("hostNetwork"));
        Assert.Contains(violations, v => v.Contains("runAsNonRoot"));
        Assert.Contains(violations, v => v.Contains("seccomp"));
        Assert.Contains(violations, v => v.Contains("allowPrivilegeEscalation"));
    }

    /// <summary>The checks of https://kubernetes.io/docs/concepts/security/pod-security-standards/ (baseline + restricted).</summary>
    private static List<string> RestrictedViolations(WorkflowSpec spec, Template template)
    {
        var violations = new List<string>();
        var pod = spec.SecurityContext;
        var container = template.Script?.SecurityContext ?? template.Container?.SecurityContext;

        if (spec.HostNetwork == true)
            violations.Add("hostNetwork must not be set");
        if (container?.Privileged == true)
            violations.Add("privileged must be false");
        if (container?.AllowPrivilegeEscalation != false)
            violations.Add("allowPrivilegeEscalation must be false");
        if ((container?.RunAsNonRoot ?? pod?.RunAsNonRoot) != true)
            violations.Add("runAsNonRoot must be true");
        if ((container?.RunAsUser ?? pod?.RunAsUser) == 0 || pod?.RunAsUser == 0)
            violations.Add("runAsUser must not be 0");
        var seccomp = container?.SeccompProfile?.Type ?? pod?.SeccompProfile?.Type;
        if (seccomp is not ("RuntimeDefault" or "Localhost"))
            violations.Add("seccompProfile must be RuntimeDefault or Localhost");
        if (container?.Capabilities?.Drop?.Contains("ALL") != true)
            violations.Add("capabilities must drop ALL");
        if (container?.Capabilities?.Add?.Any(c => c != "NET_BIND_SERVICE") == true)
            violations.Add("capabilities may only add NET_BIND_SERVICE");
        if (spec.Volumes?.Any(v => v.HostPath is not null) == true)
            violations.Add("hostPath volumes are not allowed");
        if ((template.Script?.Ports ?? template.Container?.Ports)?.Any(p => p.HostPort is not null) == true)
            violations.Add("hostPort is not allowed");
        return violations;
    }
}
