using Argo.Workflows.Client;
using KataArgo.Benchmarks.Model;
using P = KataArgo.Lifecycle.WorkflowParameters;

namespace KataArgo.Benchmarks;

/// <summary>A sunny-path submission of the template: the parameters a user passes with <c>argo submit</c>.</summary>
internal sealed record Scenario(string Title, IReadOnlyDictionary<string, string> Parameters)
{
    public static Scenario Sunny(bool drain) => new(
        $"{P.DrainEnabled.Name}={(drain ? "true" : "false")}",
        new Dictionary<string, string>
        {
            [P.TargetVersion.Name] = "3.30.0",
            [P.DryRun.Name] = "false",
            [P.DrainEnabled.Name] = drain ? "true" : "false",
        });

    public RecordedRun Run(WorkflowTemplate template, int fleetSize, bool withEstimates = true) =>
        WorkflowWalker.Walk(new SunnyRun
        {
            Template = template, Fleet = FleetNames.Generate(fleetSize), Parameters = Parameters, WithEstimates = withEstimates,
            LoopItems = KataArgo.Lifecycle.NodeLoop.Items,
        });

    public Measurement Measure(WorkflowTemplate template, int fleetSize)
    {
        var run = Run(template, fleetSize);
        return new Measurement(fleetSize, run, WorkflowObject.Measure(run), Carriers.Find(run));
    }
}

internal sealed record Measurement(int FleetSize, RecordedRun Run, WorkflowSizes Sizes, IReadOnlyList<Carrier> Carriers)
{
    public int Entries => Run.Entries.Count;

    public double EntriesPerNode => (double)Run.FleetEntries / FleetSize;

    public double PodsPerNode => (double)Run.FleetPods / FleetSize;
}
