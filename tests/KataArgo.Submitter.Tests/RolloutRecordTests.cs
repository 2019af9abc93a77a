using KataArgo.Submitter.Tests.Fakes;

namespace KataArgo.Submitter.Tests;

/// <summary>The rollout record's data is validated key by key; bad data is a one-line error naming the key and value.</summary>
public class RolloutRecordTests
{
    private static RolloutRecord Parse(Dictionary<string, string> data, string? label = RolloutFixture.Id) => RolloutRecord.Parse("kata-deploy", "kube-system", label, data);

    [Fact]
    public void A_record_as_stage_writes_it_reads_as_typed_values()
    {
        var data = RolloutFixture.Data("rolling-back", RolloutFixture.SecondRun);
        data["rollback-revision"] = "5";
        data["finish-revisions"] = "6\n7";
        var record = Parse(data);

        Assert.Equal(RolloutFixture.Id, record.Rollout);
        Assert.Equal(3, record.PreRolloutRevision);
        Assert.Equal(4, record.StagedRevision);
        Assert.Equal(5, record.RollbackRevision);
        Assert.Equal([6, 7], record.FinishRevisions);
        Assert.Equal(RolloutPhase.RollingBack, record.Phase);
        Assert.True(record.IsOpen);
        Assert.Equal([RolloutFixture.Id, RolloutFixture.SecondRun], record.Runs);
        Assert.False(record.Drain);
        Assert.Equal("300s", record.DrainTimeout);
    }

    [Fact]
    public void Staged_revision_may_be_absent_while_the_opening_run_upgrades()
    {
        var data = RolloutFixture.Data();
        data.Remove("staged-revision");
        Assert.Null(Parse(data).StagedRevision);
    }

    [Theory]
    [InlineData("phase", "paused", "phase: 'paused' is not a rollout phase; expected one of staged, finishing, completed, rolling-back, rolled-back")]
    [InlineData("target-version", "3.29", "target-version: '3.29' is not a version")]
    [InlineData("pre-rollout-version", "v3.28.0", "pre-rollout-version: 'v3.28.0' is not a version")]
    [InlineData("pre-rollout-revision", "three", "pre-rollout-revision: 'three' is not a Helm release revision; use a positive whole number")]
    [InlineData("staged-revision", "0", "staged-revision: '0' is not a Helm release revision")]
    [InlineData("rollback-revision", "-5", "rollback-revision: '-5' is not a Helm release revision")]
    [InlineData("finish-revisions", "6\n\n7", "finish-revisions: '6\\n\\n7' is not a list of Helm release revisions, one a line")]
    [InlineData("pre-rollout-update-strategy", "RollingUpdate", "pre-rollout-update-strategy: 'RollingUpdate' is not a DaemonSet updateStrategy; expected a JSON object")]
    [InlineData("pre-rollout-update-strategy", """{"type":"Rolling"}""", "is not a DaemonSet updateStrategy")]
    [InlineData("drain", "yes", "drain: 'yes' is not a boolean; use true or false")]
    [InlineData("drain-timeout", "5 minutes", "drain-timeout: '5 minutes' is not a duration")]
    [InlineData("verification-namespace", "Default", "verification-namespace: 'Default' is not a namespace name")]
    [InlineData("release", "kata", "release: 'kata' is not kata-deploy, the release the record's name is for")]
    [InlineData("namespace", "kata-system", "namespace: 'kata-system' is not kube-system")]
    [InlineData("rollout", "", "rollout: the rollout id is empty")]
    [InlineData("rollout", "Run_1", "rollout: 'Run_1' is not a workflow name")]
    [InlineData("runs", "kata-lifecycle-manager-7xk2p\nkata-lifecycle-manager-c4nry", "runs: the first run must be the rollout id kata-lifecycle-manager-c4nry")]
    [InlineData("runs", "kata-lifecycle-manager-c4nry\nbad run", "runs: 'bad run' is not a workflow name")]
    [InlineData("daemonset", "", "daemonset: the value is empty")]
    [InlineData("chart", "kata deploy", "chart: 'kata deploy' is not a chart reference")]
    public void Each_key_is_validated_on_its_own(string key, string value, string message)
    {
        var data = RolloutFixture.Data();
        data[key] = value;
        var error = Assert.Throws<RolloutRecordException>(() => Parse(data));

        Assert.Equal(key, error.Key);
        Assert.Equal(value, error.Value);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("daemonset")]
    [InlineData("phase")]
    [InlineData("runs")]
    [InlineData("pre-rollout-update-strategy")]
    public void A_missing_key_is_named(string key)
    {
        var data = RolloutFixture.Data();
        data.Remove(key);
        var error = Assert.Throws<RolloutRecordException>(() => Parse(data));
        Assert.Equal($"{key}: the key is missing", error.Message);
    }

    [Fact]
    public void The_label_must_name_the_same_rollout()
    {
        var error = Assert.Throws<RolloutRecordException>(() => Parse(RolloutFixture.Data(), label: "kata-lifecycle-manager-other"));
        Assert.Equal("rollout: 'kata-lifecycle-manager-c4nry' differs from the record's label katacontainers.io/kata-lifecycle-manager-rollout=kata-lifecycle-manager-other", error.Message);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("plan", "-p", "target-version=3.30.0")]
    public async Task Bad_data_in_the_cluster_exits_1_naming_the_record_the_key_and_the_value(params string[] args)
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var data = RolloutFixture.Data();
        data["phase"] = "Staged";
        RolloutFixture.Apply(api, data, ["node-b"]);
        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = api.WriteKubeconfig() }, null, args);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Equal("error: rollout record kata-lifecycle-rollout.kube-system.kata-deploy in namespace argo has bad data: " +
            "phase: 'Staged' is not a rollout phase; expected one of staged, finishing, completed, rolling-back, rolled-back; " +
            "the step scripts write it, so it was changed by hand or by another version (kubectl get configmap kata-lifecycle-rollout.kube-system.kata-deploy -n argo -o yaml)\n", result.Error);
    }
}
