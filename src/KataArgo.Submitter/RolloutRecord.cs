using System.Text.Json;
using KataArgo.Lifecycle;

namespace KataArgo.Submitter;

/// <summary>Where a rollout is (the record's <c>phase</c>).</summary>
public enum RolloutPhase
{
    Staged,
    Finishing,
    Completed,
    RollingBack,
    RolledBack,
}

/// <summary>
/// The rollout record: one ConfigMap per kata-deploy Helm release in the workflow namespace,
/// written by the step scripts (stage, finish, cleanup) and never owned by a Workflow, so it
/// outlives the runs of a rollout that spans several (canary first, then the rest). Its format is
/// the shared design of issue 13 (../shared/docs/lifecycle-spec.md section 8): every data value is
/// a string; revisions are Helm release revisions (positive integers).
/// </summary>
public sealed record RolloutRecord
{
    public const string NamePrefix = LifecycleKeys.RolloutRecordPrefix;

    /// <summary>Label on the record and on every node the rollout touched; value: the rollout id.</summary>
    public const string Label = LifecycleKeys.Rollout;

    /// <summary>The record's ConfigMap name for a release: <c>kata-lifecycle-rollout.&lt;helm-namespace&gt;.&lt;helm-release&gt;</c>.</summary>
    public static string ConfigMapName(string helmNamespace, string release) => $"{NamePrefix}{helmNamespace}.{release}";

    /// <summary>The rollout id: the name of the run (Workflow) that opened it.</summary>
    public required string Rollout { get; init; }
    public required string Release { get; init; }
    public required string Namespace { get; init; }
    public required string Chart { get; init; }
    public required string DaemonSet { get; init; }
    public required int PreRolloutRevision { get; init; }
    public required string PreRolloutVersion { get; init; }
    /// <summary>The DaemonSet's <c>updateStrategy</c> before the rollout, as JSON object text.</summary>
    public required string PreRolloutUpdateStrategy { get; init; }
    public required string TargetVersion { get; init; }
    /// <summary>The revision stage made; null until the opening run's upgrade is done.</summary>
    public int? StagedRevision { get; init; }
    public required RolloutPhase Phase { get; init; }
    /// <summary>Every run that took part, in order; the first is the rollout id.</summary>
    public required IReadOnlyList<string> Runs { get; init; }
    public required bool Drain { get; init; }
    public required string DrainTimeout { get; init; }
    public required string VerificationNamespace { get; init; }
    /// <summary>The revision the rollback's first helm upgrade made; null unless rolling back.</summary>
    public int? RollbackRevision { get; init; }

    /// <summary>The revisions finish's helm upgrades made (a failed finish may leave one), in order; optional key <c>finish-revisions</c>, one a line.</summary>
    public IReadOnlyList<int> FinishRevisions { get; init; } = [];

    /// <summary>Staged, finishing or rolling back: a new run continues it or is refused.</summary>
    public bool IsOpen => Phase is RolloutPhase.Staged or RolloutPhase.Finishing or RolloutPhase.RollingBack;

    /// <summary>The phase as the record writes it: staged, finishing, completed, rolling-back, rolled-back.</summary>
    public static string PhaseText(RolloutPhase phase) => Phases.First(p => p.Value == phase).Key;

    private static readonly IReadOnlyDictionary<string, RolloutPhase> Phases = new Dictionary<string, RolloutPhase>
    {
        ["staged"] = RolloutPhase.Staged,
        ["finishing"] = RolloutPhase.Finishing,
        ["completed"] = RolloutPhase.Completed,
        ["rolling-back"] = RolloutPhase.RollingBack,
        ["rolled-back"] = RolloutPhase.RolledBack,
    };

    /// <summary>
    /// Reads and validates the record's data. Every key is checked on its own; the first bad one
    /// throws <see cref="RolloutRecordException"/> naming the key, the value and the accepted form.
    /// </summary>
    /// <param name="release">The release the record was looked up for: its <c>release</c> and <c>namespace</c> must say the same.</param>
    public static RolloutRecord Parse(string release, string helmNamespace, string? label, IReadOnlyDictionary<string, string>? data)
    {
        data ??= new Dictionary<string, string>();
        string Value(string key) => data.TryGetValue(key, out var v) ? v : throw new RolloutRecordException(key, null, $"{key}: the key is missing");
        string Checked(string key, WorkflowParameter rule)
        {
            var value = Value(key);
            return (rule with { Name = key }).Validate(value) is { } problem ? throw new RolloutRecordException(key, value, problem) : value;
        }
        string Same(string key, WorkflowParameter rule, string expected)
        {
            var value = Checked(key, rule);
            return value == expected ? value : throw new RolloutRecordException(key, value, $"{key}: '{value}' is not {expected}, the {key} the record's name is for");
        }

        var rollout = Checked("rollout", WorkflowParameters.Run);
        if (rollout.Length == 0)
            throw new RolloutRecordException("rollout", rollout, "rollout: the rollout id is empty; it is the name of the run that opened the rollout");
        if (label is not null && label != rollout)
            throw new RolloutRecordException("rollout", rollout, $"rollout: '{rollout}' differs from the record's label {Label}={label}");
        var runs = Value("runs").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var run in runs)
            if ((WorkflowParameters.Run with { Name = "runs" }).Validate(run) is { } problem)
                throw new RolloutRecordException("runs", Value("runs"), problem);
        if (runs.Length == 0 || runs[0] != rollout)
            throw new RolloutRecordException("runs", Value("runs"), $"runs: the first run must be the rollout id {rollout} (newline-separated run names, in order)");

        return new RolloutRecord
        {
            Rollout = rollout,
            Release = Same("release", WorkflowParameters.HelmRelease, release),
            Namespace = Same("namespace", WorkflowParameters.HelmNamespace, helmNamespace),
            Chart = Checked("chart", WorkflowParameters.KataDeployChart),
            DaemonSet = NonEmpty("daemonset", Checked("daemonset", WorkflowParameters.NodeName)),
            PreRolloutRevision = Revision("pre-rollout-revision", Value("pre-rollout-revision")),
            PreRolloutVersion = Checked("pre-rollout-version", WorkflowParameters.TargetVersion),
            PreRolloutUpdateStrategy = UpdateStrategy(Value("pre-rollout-update-strategy")),
            TargetVersion = Checked("target-version", WorkflowParameters.TargetVersion),
            StagedRevision = data.TryGetValue("staged-revision", out var staged) && staged.Length > 0 ? Revision("staged-revision", staged) : null,
            Phase = Phases.TryGetValue(Value("phase"), out var phase) ? phase
                : throw new RolloutRecordException("phase", Value("phase"), $"phase: '{ParameterRules.Show(Value("phase"))}' is not a rollout phase; expected one of {string.Join(", ", Phases.Keys)}"),
            Runs = runs,
            Drain = Checked("drain", WorkflowParameters.DrainEnabled) == "true",
            DrainTimeout = Checked("drain-timeout", WorkflowParameters.DrainTimeout),
            VerificationNamespace = Checked("verification-namespace", WorkflowParameters.VerificationNamespace),
            RollbackRevision = data.TryGetValue("rollback-revision", out var back) && back.Length > 0 ? Revision("rollback-revision", back) : null,
            FinishRevisions = data.TryGetValue("finish-revisions", out var finishes) && finishes.Length > 0
                ? FinishRevisionList(finishes)
                : [],
        };
    }

    private static string NonEmpty(string key, string value) =>
        value.Length > 0 ? value : throw new RolloutRecordException(key, value, $"{key}: the value is empty");

    private static List<int> FinishRevisionList(string value)
    {
        const string key = "finish-revisions";
        try
        {
            return [.. value.Split('\n').Select(line => Revision(key, line))];
        }
        catch (RolloutRecordException)
        {
            throw new RolloutRecordException(key, value, $"{key}: '{ParameterRules.Show(value)}' is not a list of Helm release revisions, one a line");
        }
    }

    private static int Revision(string key, string value) =>
        value.Length is > 0 and <= 9 && value.All(char.IsAsciiDigit) && value[0] != '0'
            ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
            : throw new RolloutRecordException(key, value, $"{key}: '{ParameterRules.Show(value)}' is not a Helm release revision; use a positive whole number such as 4");

    private static string UpdateStrategy(string value)
    {
        const string key = "pre-rollout-update-strategy";
        var form = $"{key}: '{ParameterRules.Show(value)}' is not a DaemonSet updateStrategy; expected a JSON object such as {{\"type\":\"RollingUpdate\"}}";
        try
        {
            using var document = JsonDocument.Parse(value);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("type", out var type)
                && type.ValueKind == JsonValueKind.String && type.GetString() is "RollingUpdate" or "OnDelete")
                return value;
        }
        catch (JsonException)
        {
        }
        throw new RolloutRecordException(key, value, form);
    }
}

/// <summary>A rollout record whose data is not what the step scripts write.</summary>
public sealed class RolloutRecordException(string key, string? value, string problem) : Exception(problem)
{
    public string Key { get; } = key;
    public string? Value { get; } = value;
}
