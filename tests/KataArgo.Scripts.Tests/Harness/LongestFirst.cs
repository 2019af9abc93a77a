using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("KataArgo.Scripts.Tests.Harness.LongestFirst", "KataArgo.Scripts.Tests")]

namespace KataArgo.Scripts.Tests.Harness;

/// <summary>
/// Starts the test classes (one collection each, run side by side up to xUnit's thread limit,
/// the number of cores) longest first, so that no long class starts last and runs alone: the
/// real-Helm classes (tens of seconds per case, one case after another), then the whole-workflow
/// runs, then the rest. Measured with <c>dotnet test --logger trx</c> (README, "Test time").
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    private static readonly string[] Order =
    [
        "RealHelm.Helm3RolloutTests", "RealHelm.Helm4RolloutTests", "RealHelm.VersionPairTests", "RealHelm.RefusalTests",
        "RealHelm.KataDeployBehaviourTests", "RealHelm.HelmRequestsTests", "Workflow.RolloutTests", "Workflow.RainyPathTests",
        "Workflow.RecoveryTests", "Workflow.SelectionTests", "Workflow.SunnyPathTests", "Scripts.SelectionCaseTableTests",
        "Scripts.UpgradeNodeTests", "RealHelm.DoubleContractTests",
    ];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(Rank).ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    private static int Rank(ITestCollection collection)
    {
        var index = Array.FindIndex(Order, name => collection.DisplayName.Contains("." + name, StringComparison.Ordinal));
        return index < 0 ? Order.Length : index;
    }
}
