using System.Text.RegularExpressions;
using KataArgo.Lifecycle;

namespace KataArgo.Lifecycle.Tests;

public partial class WorkflowStructureTests
{
    private readonly TemplateGraph _graph = new();

    [Fact]
    public void The_per_node_loop_is_a_flat_withParam_steps_template_run_one_at_a_time_failing_fast()
    {
        var loop = _graph.Get(LifecycleWorkflow.UpgradeNodes);
        var step = Assert.Single(TemplateGraph.StepsOf(loop));

        Assert.Equal(1, loop.Parallelism);
        Assert.True(loop.FailFast);
        Assert.Equal("{{inputs.parameters.nodes}}", step.WithParam);
        Assert.Equal(LifecycleWorkflow.UpgradeNode, step.Template);
        Assert.Equal("{{item}}", TemplateGraph.Argument(step, "node"));
        Assert.Equal("{{steps.select-nodes.outputs.parameters.nodes}}",
            TemplateGraph.Argument(_graph.Step(LifecycleWorkflow.UpgradeAllNodes, LifecycleWorkflow.UpgradeNodes), "nodes"));
    }

    [Fact]
    public void Each_node_is_cordoned_drained_recycled_verified_and_uncordoned_in_that_order()
    {
        var steps = _graph.Get(LifecycleWorkflow.UpgradeNode).Steps!;

        Assert.All(steps, group => Assert.Single(group)); // strictly sequential
        Assert.Equal(["cordon", "drain", "recycle", "verify", "uncordon"], steps.Select(g => g.Single().Template));
        Assert.Equal("{{workflow.parameters.drain-enabled}} == true", _graph.Step(LifecycleWorkflow.UpgradeNode, "drain").When);
    }

    [Fact]
    public void The_run_is_preflight_then_selection_then_stage_then_nodes_then_finish()
    {
        var steps = _graph.Get(LifecycleWorkflow.UpgradeAllNodes).Steps!;

        Assert.Equal(["preflight", "select-nodes", "stage", "upgrade-nodes", "finish"], steps.Select(g => g.Single().Name));
        foreach (var changing in new[] { "stage", "upgrade-nodes", "finish" })
        {
            // dry-run and zero selected nodes stop before anything changes
            var when = _graph.Step(LifecycleWorkflow.UpgradeAllNodes, changing).When;
            Assert.Contains("{{workflow.parameters.dry-run}} == false", when);
            Assert.Contains("{{steps.select-nodes.outputs.parameters.node-count}} > 0", when);
        }
    }

    [Fact]
    public void The_template_call_graph_has_no_cycle()
    {
        var graph = _graph.CallGraph();
        var done = new HashSet<string>();
        var onPath = new HashSet<string>();

        void Visit(string name)
        {
            Assert.True(onPath.Add(name), $"template '{name}' is reached again from itself: recursion is limited to depth 100");
            foreach (var callee in graph[name].Where(c => !done.Contains(c)))
                Visit(callee);
            onPath.Remove(name);
            done.Add(name);
        }

        foreach (var name in graph.Keys.Where(n => !done.Contains(n)))
            Visit(name);
    }

    [Fact]
    public void The_exit_handler_cleans_up_the_run_by_name_with_its_final_status()
    {
        Assert.Equal(LifecycleWorkflow.ExitHandler, _graph.Spec.OnExit);
        var cleanup = _graph.Step(LifecycleWorkflow.ExitHandler, "cleanup");

        Assert.Equal("cleanup", cleanup.Template);
        Assert.Equal("exit", TemplateGraph.Argument(cleanup, "mode"));
        Assert.Equal("{{workflow.name}}", TemplateGraph.Argument(cleanup, "run"));
        Assert.Equal("{{workflow.status}}", TemplateGraph.Argument(cleanup, "workflow-status"));
    }

    [Fact]
    public void The_revision_recorded_in_preflight_reaches_the_run_record_the_rollback_reads()
    {
        var preflight = _graph.Get("preflight");
        Assert.Contains(preflight.Outputs!.Parameters!, p => p.Name == "release-revision" && p.ValueFrom!.Path == "/tmp/outputs/release-revision");

        var stage = _graph.Step(LifecycleWorkflow.UpgradeAllNodes, "stage");
        Assert.Equal("{{steps.preflight.outputs.parameters.release-revision}}", TemplateGraph.Argument(stage, "release-revision"));
        Assert.Equal("{{inputs.parameters.release-revision}}", TemplateGraph.Env(_graph.Get("stage"), "RELEASE_REVISION"));

        // stage records it in the run record; cleanup reads it back and rolls back to exactly it
        Assert.Contains("--arg revision \"$RELEASE_REVISION\"", StepScripts.Read("stage.sh"));
        var cleanup = StepScripts.Read("cleanup.sh");
        Assert.Contains(".data // {} | (.release, .namespace, .revision,", cleanup);
        var rollbacks = RollbackCall().Matches(cleanup);
        Assert.NotEmpty(rollbacks);
        Assert.All(rollbacks, m => Assert.Matches(@"helm rollback ""\$R_RELEASE"" ""\$R_REVISION"" ", m.Value));
    }

    [Fact]
    public void One_run_at_a_time_per_release_through_a_mutex()
    {
        var mutex = Assert.Single(_graph.Spec.Synchronization!.Mutexes!);

        Assert.Contains("{{workflow.parameters.helm-namespace}}", mutex.Name);
        Assert.Contains("{{workflow.parameters.helm-release}}", mutex.Name);
    }

    [Fact]
    public void Entrypoints_exist_and_upgrade_all_nodes_is_the_default()
    {
        Assert.Equal(LifecycleWorkflow.UpgradeAllNodes, _graph.Spec.Entrypoint);
        foreach (var entrypoint in LifecycleWorkflow.Entrypoints)
            _graph.Get(entrypoint);
        Assert.Equal("{{workflow.parameters.run}}", TemplateGraph.Argument(_graph.Step(LifecycleWorkflow.Recover, "cleanup"), "run"));
        Assert.Equal("{{workflow.parameters.node-name}}", TemplateGraph.Argument(_graph.Step(LifecycleWorkflow.RollbackNode, "cleanup"), "node"));
    }

    [Fact]
    public void Parameters_reach_scripts_only_through_the_environment()
    {
        foreach (var template in _graph.Scripts)
        {
            Assert.DoesNotContain("{{", template.Script!.Source);
            Assert.Equal(["bash"], template.Script.Command);
            Assert.Null(template.Script.Args);
        }
    }

    [Fact]
    public void Every_script_is_the_library_followed_by_its_step_file()
    {
        foreach (var template in _graph.Scripts)
        {
            Assert.StartsWith(StepScripts.Read(StepScripts.Library).Split('\n')[0], template.Script!.Source);
            Assert.Contains($"# ---- {template.Name}.sh ----", template.Script.Source);
        }
        Assert.Equal(StepScripts.Steps.Append(StepScripts.Library).Order(), StepScripts.EmbeddedFiles().Order());
    }

    [Fact]
    public void No_step_installs_packages_at_run_time()
    {
        foreach (var template in _graph.Scripts)
            Assert.DoesNotMatch(PackageInstall(), template.Script!.Source);
    }

    [Fact]
    public void Images_are_parameters_whose_defaults_are_pinned()
    {
        foreach (var template in _graph.Scripts)
            Assert.Matches(@"^\{\{workflow\.parameters\.(helm|kubectl)-image\}\}$", template.Script!.Image);
        foreach (var image in new[] { WorkflowParameters.HelmImage, WorkflowParameters.KubectlImage })
        {
            Assert.Null(image.Validate(image.Default));
            Assert.DoesNotMatch(":latest$", image.Default);
        }
    }

    [Fact]
    public void Every_parameter_has_a_description_and_booleans_are_drop_downs()
    {
        var arguments = _graph.Spec.Arguments!.Parameters!;

        Assert.Equal(WorkflowParameters.All.Select(p => p.Name), arguments.Select(a => a.Name));
        Assert.All(arguments, a => Assert.False(string.IsNullOrWhiteSpace(a.Description), a.Name));
        foreach (var name in new[] { "drain-enabled", "dry-run" })
            Assert.Equal(["true", "false"], arguments.Single(a => a.Name == name).Enum!);
        Assert.All(arguments, a => Assert.NotNull(a.Value)); // submittable from the UI with only target-version
    }

    [Fact]
    public void The_upstream_interface_is_kept()
    {
        string[] upstream =
        [
            "target-version", "helm-release", "helm-namespace", "node-selector", "node-taint-key", "node-taint-value",
            "helm-image", "kubectl-image", "verification-namespace", "verification-pod", "drain-enabled", "drain-timeout",
            "node-name",
        ];
        var names = _graph.Spec.Arguments!.Parameters!.Select(p => p.Name).ToList();

        Assert.All(upstream, name => Assert.Contains(name, names));
        Assert.Equal("katacontainers.io/kata-lifecycle-manager-status", LifecycleKeys.Status);
        Assert.Equal("katacontainers.io/kata-current-version", LifecycleKeys.CurrentVersion);
        Assert.Equal("kata-lifecycle-manager", _graph.Model.Metadata.Name);
    }

    [Fact]
    public void The_template_carries_a_title_and_description_for_the_ui()
    {
        Assert.False(string.IsNullOrWhiteSpace(_graph.Model.Metadata.Annotations!["workflows.argoproj.io/title"]));
        Assert.False(string.IsNullOrWhiteSpace(_graph.Model.Metadata.Annotations!["workflows.argoproj.io/description"]));
    }

    [Theory]
    [InlineData("cordon")]
    [InlineData("drain")]
    [InlineData("recycle")]
    [InlineData("verify")]
    [InlineData("uncordon")]
    public void Per_node_steps_never_run_on_the_node_they_upgrade(string name)
    {
        var requirement = _graph.Get(name).Affinity!.NodeAffinity!.RequiredDuringSchedulingIgnoredDuringExecution!
            .NodeSelectorTerms.Single().MatchFields!.Single();

        Assert.Equal(("metadata.name", "NotIn"), (requirement.Key, requirement.Operator));
        Assert.Equal(["{{inputs.parameters.node}}"], requirement.Values!);
    }

    [Fact]
    public void No_workflow_pod_tolerates_cordoned_nodes()
    {
        Assert.Null(_graph.Spec.Tolerations);
        Assert.All(_graph.Templates, t => Assert.Null(t.Tolerations));
    }

    [Fact]
    public void Steps_that_only_talk_to_the_api_server_retry_transient_errors_and_every_step_has_a_deadline()
    {
        string[] apiOnly = ["preflight", "select-nodes", "cordon", "drain", "uncordon", "cleanup"];
        foreach (var template in _graph.Scripts)
        {
            Assert.True(int.Parse(template.ActiveDeadlineSeconds!) > 0, template.Name);
            if (apiOnly.Contains(template.Name))
                Assert.Equal("OnTransientError", template.RetryStrategy?.RetryPolicy);
            else
                Assert.Null(template.RetryStrategy);
        }
        Assert.True(_graph.Spec.ActiveDeadlineSeconds > 0);
    }

    [Fact]
    public void Step_deadlines_leave_room_for_the_longest_timeout_the_parameters_allow()
    {
        Assert.True(int.Parse(_graph.Get("recycle").ActiveDeadlineSeconds!) > WorkflowParameters.RecycleTimeout.MaxDuration!.Value.TotalSeconds);
        Assert.True(int.Parse(_graph.Get("verify").ActiveDeadlineSeconds!) > WorkflowParameters.VerificationTimeout.MaxDuration!.Value.TotalSeconds);
        Assert.True(int.Parse(_graph.Get("drain").ActiveDeadlineSeconds!) > WorkflowParameters.DrainTimeout.MaxDuration!.Value.TotalSeconds);
    }

    [Fact]
    public void Every_variable_a_script_step_reads_is_one_it_can_resolve()
    {
        var parameters = WorkflowParameters.All.Select(p => p.Name).ToHashSet();
        foreach (var template in _graph.Scripts)
        {
            var inputs = template.Inputs?.Parameters?.Select(p => p.Name).ToHashSet() ?? [];
            foreach (var env in template.Script!.Env!)
            {
                foreach (var variable in TemplateGraph.Variables(env.Value!))
                {
                    var ok = variable.StartsWith("workflow.parameters.") ? parameters.Contains(variable["workflow.parameters.".Length..])
                        : variable.StartsWith("inputs.parameters.") ? inputs.Contains(variable["inputs.parameters.".Length..])
                        : variable is "workflow.name" or "workflow.uid" or "workflow.namespace";
                    Assert.True(ok, $"{template.Name}: {env.Name} reads {{{{{variable}}}}}");
                }
            }
        }
    }

    /// <summary>helm rollback in command position (not in log or error text).</summary>
    [GeneratedRegex(@"(?m)^\s*(?:if !\s+)?(?:retry\s+)?helm rollback\b.*$")]
    private static partial Regex RollbackCall();

    [GeneratedRegex(@"\b(apk\s+add|apt-get|apt\s+install|yum\s+install|dnf\s+install|microdnf|pip3?\s+install|npm\s+install|curl[^\n|]*\|\s*(ba)?sh|wget[^\n|]*\|\s*(ba)?sh)\b")]
    private static partial Regex PackageInstall();
}
