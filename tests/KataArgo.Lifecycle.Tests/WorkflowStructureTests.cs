using System.Text.RegularExpressions;
using KataArgo.Lifecycle;

namespace KataArgo.Lifecycle.Tests;

public partial class WorkflowStructureTests
{
    private readonly TemplateGraph _graph = new();

    [Fact]
    public void The_per_node_loop_is_a_flat_withParam_step_run_one_at_a_time_failing_fast()
    {
        var run = _graph.Get(LifecycleWorkflow.UpgradeAllNodes);
        var step = _graph.Step(LifecycleWorkflow.UpgradeAllNodes, LifecycleWorkflow.UpgradeNode);

        Assert.Equal(1, run.Parallelism);
        Assert.True(run.FailFast);
        Assert.Equal("{{steps.select-nodes.outputs.parameters.nodes}}", step.WithParam);
        Assert.Equal(LifecycleWorkflow.UpgradeNode, step.Template);
        Assert.Equal("{{item}}", TemplateGraph.Argument(step, "node"));
        // Argo expands withParam before `when`: a `when` here would record a Skipped node per item.
        Assert.Null(step.When);
    }

    [Fact]
    public void Each_node_is_one_pod_running_cordon_drain_recycle_verify_uncordon_in_that_order()
    {
        var node = _graph.Get(LifecycleWorkflow.UpgradeNode);

        Assert.NotNull(node.Container);
        Assert.Equal(["bash", $"{StepScripts.MountPath}/upgrade-node.sh"], node.Container!.Command);
        Assert.Equal(["cordon", "drain", "recycle", "verify", "uncordon"], StepScripts.NodePhases);
        Assert.Equal(["node", "daemonset"], node.Inputs!.Parameters!.Select(p => p.Name));
        Assert.Equal("{{workflow.parameters.drain-enabled}}", TemplateGraph.Env(node, "DRAIN_ENABLED"));
    }

    [Fact]
    public void The_run_is_preflight_then_selection_then_stage_then_nodes_then_finish()
    {
        var steps = _graph.Get(LifecycleWorkflow.UpgradeAllNodes).Steps!;

        Assert.Equal(["preflight", "select-nodes", "stage", LifecycleWorkflow.UpgradeNode, "finish"], steps.Select(g => g.Single().Name));
        // dry-run and zero selected nodes stop before anything changes
        var when = _graph.Step(LifecycleWorkflow.UpgradeAllNodes, "stage").When;
        Assert.Contains("{{workflow.parameters.dry-run}} == false", when);
        Assert.Contains("{{steps.select-nodes.outputs.parameters.node-count}} > 0", when);
        // finish runs with zero nodes too (a rerun completes a rollout whose finish failed), never in a dry run.
        Assert.Equal("{{workflow.parameters.dry-run}} == false", _graph.Step(LifecycleWorkflow.UpgradeAllNodes, "finish").When);
        // ... and the loop gets no node then (select-nodes outputs [] in a dry run).
        Assert.Contains("if [[ $DRY_RUN == true ]]; then output nodes \"[]\"", StepScripts.Read("select-nodes.sh"));
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
    public void The_revision_recorded_in_preflight_reaches_the_rollout_record_the_rollback_reads()
    {
        var preflight = _graph.Get("preflight");
        Assert.Contains(preflight.Outputs!.Parameters!, p => p.Name == "release-revision" && p.ValueFrom!.Path == "/tmp/outputs/release-revision");

        var stage = _graph.Step(LifecycleWorkflow.UpgradeAllNodes, "stage");
        Assert.Equal("{{steps.preflight.outputs.parameters.release-revision}}", TemplateGraph.Argument(stage, "release-revision"));
        Assert.Equal("{{inputs.parameters.release-revision}}", TemplateGraph.Env(_graph.Get("stage"), "RELEASE_REVISION"));

        // stage opens the rollout with it as the pre-rollout revision; cleanup reads it back and rolls back to exactly it
        Assert.Contains("rollout_open \"$WORKFLOW_NAMESPACE\"", StepScripts.Read("stage.sh"));
        Assert.Contains("--arg revision \"$RELEASE_REVISION\"", StepScripts.Read("rollout.sh"));
        Assert.Contains("\"pre-rollout-revision\": $revision", StepScripts.Read("rollout.sh"));
        var cleanup = StepScripts.Read("cleanup.sh");
        var rollbacks = RollbackCall().Matches(cleanup);
        Assert.NotEmpty(rollbacks);
        Assert.All(rollbacks, m => Assert.Matches(@"helm rollback ""\$RO_RELEASE"" ""\$RO_PRE_REVISION"" ", m.Value));
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
            Assert.All(template.Container!.Command!, c => Assert.DoesNotContain("{{", c));
            Assert.Null(template.Container.Args);
            Assert.Null(template.Script);
        }
        Assert.All(StepScripts.Files.Values, text => Assert.DoesNotContain("{{", text));
    }

    [Fact]
    public void Every_step_runs_a_file_of_the_steps_configmap_and_names_the_scripts_digest()
    {
        foreach (var template in _graph.Scripts)
        {
            var command = template.Container!.Command!;
            Assert.Equal("bash", command[0]);
            Assert.Contains(command[1][(StepScripts.MountPath.Length + 1)..], StepScripts.Steps);
            Assert.Equal(StepScripts.Digest, TemplateGraph.Env(template, StepScripts.DigestVariable));
        }
        var volume = Assert.Single(_graph.Spec.Volumes!, v => v.ConfigMap is not null);
        Assert.Equal(new LifecycleOptions().StepsConfigMapName, volume.ConfigMap!.Name);
        Assert.Equal(StepScripts.Steps.Concat(StepScripts.Libraries).Append(KataDeployVersions.File).Append(VerificationPodManifest.File).Order(),
            StepScripts.EmbeddedFiles().Order());
    }

    [Fact]
    public void No_step_installs_packages_at_run_time()
    {
        foreach (var (file, text) in StepScripts.Files)
            Assert.DoesNotMatch(PackageInstall(), text);
    }

    [Fact]
    public void Images_are_parameters_whose_defaults_are_pinned()
    {
        foreach (var template in _graph.Scripts)
            Assert.Matches(@"^\{\{workflow\.parameters\.(helm|kubectl)-image\}\}$", template.Container!.Image);
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

    [Fact]
    public void The_per_node_step_never_runs_on_the_node_it_upgrades()
    {
        var requirement = _graph.Get(LifecycleWorkflow.UpgradeNode).Affinity!.NodeAffinity!.RequiredDuringSchedulingIgnoredDuringExecution!
            .NodeSelectorTerms.Single().MatchFields!.Single();

        Assert.Equal(("metadata.name", "NotIn"), (requirement.Key, requirement.Operator));
        Assert.Equal(["{{inputs.parameters.node}}"], requirement.Values!);
        // ... nor on the node the run marked as next (loop items that are plan indices).
        var marker = _graph.Get(LifecycleWorkflow.UpgradeNode).Affinity!.NodeAffinity!.RequiredDuringSchedulingIgnoredDuringExecution!
            .NodeSelectorTerms.Single().MatchExpressions!.Single();
        Assert.Equal((LifecycleKeys.Next, "NotIn"), (marker.Key, marker.Operator));
        Assert.Equal(["{{workflow.name}}"], marker.Values!);
        Assert.Equal("spec.nodeName", _graph.Get(LifecycleWorkflow.UpgradeNode).Container!.Env!.Single(e => e.Name == "KATA_POD_NODE").ValueFrom!.FieldRef!.FieldPath);
    }

    [Fact]
    public void The_cleanup_pod_keeps_off_every_node_a_rollout_touched_and_the_next_node()
    {
        var cleanup = _graph.Get("cleanup");
        var requirements = cleanup.Affinity!.NodeAffinity!.RequiredDuringSchedulingIgnoredDuringExecution!.NodeSelectorTerms.Single().MatchExpressions!;

        Assert.Equal([(LifecycleKeys.Rollout, "DoesNotExist"), (LifecycleKeys.Next, "NotIn")], requirements.Select(r => (r.Key, r.Operator)));
        Assert.Null(requirements[0].Values);
        Assert.Equal(["{{workflow.name}}"], requirements[1].Values!);
        Assert.Equal("spec.nodeName", cleanup.Container!.Env!.Single(e => e.Name == "KATA_POD_NODE").ValueFrom!.FieldRef!.FieldPath);
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
        string[] apiOnly = ["preflight", "select-nodes", "cleanup"];
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
    public void The_node_deadline_leaves_room_for_every_phase_at_the_longest_timeouts_the_parameters_allow()
    {
        var deadline = int.Parse(_graph.Get(LifecycleWorkflow.UpgradeNode).ActiveDeadlineSeconds!);
        var phases = 2 * StepScripts.PhaseApiDeadline.TotalSeconds
            + WorkflowParameters.DrainTimeout.MaxDuration!.Value.TotalSeconds
            + 2 * WorkflowParameters.RecycleTimeout.MaxDuration!.Value.TotalSeconds
            + WorkflowParameters.VerificationTimeout.MaxDuration!.Value.TotalSeconds
            + 3 * StepScripts.PhaseMargin.TotalSeconds;
        Assert.True(deadline > phases, $"{deadline}s <= {phases}s");
    }

    [Fact]
    public void Every_variable_a_script_step_reads_is_one_it_can_resolve()
    {
        var parameters = WorkflowParameters.All.Select(p => p.Name).ToHashSet();
        foreach (var template in _graph.Scripts)
        {
            var inputs = template.Inputs?.Parameters?.Select(p => p.Name).ToHashSet() ?? [];
            foreach (var env in template.Container!.Env!)
            {
                foreach (var variable in TemplateGraph.Variables(env.Value ?? ""))
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
