using System.Diagnostics;
using KataArgo.Benchmarks;
using KataArgo.Benchmarks.Model;
using KataArgo.Lifecycle;

var fleetSizes = new List<int> { 100, 1_000, 5_000, 10_000, 20_000 };
var searchLimit = true;
int? dump = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--nodes" when i + 1 < args.Length:
            var list = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries);
            if (list.Length == 0 || list.Any(n => !int.TryParse(n, out var v) || v < 1 || v > 200_000))
            {
                Console.Error.WriteLine($"kata-argo-bench: --nodes '{args[i]}': expected fleet sizes 1–200000 separated by commas, e.g. --nodes 100,1000");
                return 2;
            }
            fleetSizes = [.. list.Select(int.Parse).Distinct().Order()];
            break;
        case "--workflow-json" when i + 1 < args.Length:
            if (!int.TryParse(args[++i], out var size) || size < 1 || size > 200_000)
            {
                Console.Error.WriteLine($"kata-argo-bench: --workflow-json '{args[i]}': expected a fleet size 1–200000, e.g. --workflow-json 3");
                return 2;
            }
            dump = size;
            break;
        case "--no-limit-search":
            searchLimit = false;
            break;
        default:
            Console.Error.WriteLine($"kata-argo-bench: unknown argument '{args[i]}'; accepted: --nodes N[,N...] --no-limit-search --workflow-json N");
            return 2;
    }
}

var template = LifecycleWorkflow.Build(new LifecycleOptions());
if (dump is { } fleetSize)
{
    var run = Scenario.Sunny(drain: false).Run(template, fleetSize);
    using var stdout = Console.OpenStandardOutput();
    WorkflowObject.Write(run, stdout);
    return 0;
}
var clock = Stopwatch.StartNew();
var report = new Report(template, fleetSizes, searchLimit);
Console.Out.Write(report.Render());
Console.Error.WriteLine($"kata-argo-bench: done in {clock.Elapsed.TotalSeconds:F0} s");
return 0;
