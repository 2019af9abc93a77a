using System.Text.Json;
using System.Text.Json.Nodes;

namespace KataArgo.Lifecycle;

/// <summary>
/// What each kata-deploy release does that the workflow depends on, from
/// <c>templates/steps/kata-deploy-versions.json</c>: one file, which the step scripts read beside
/// lib.sh (kata-deploy.sh) and this assembly embeds with them; every fact carries the
/// kata-containers tag, file and line it was read from.
/// </summary>
public sealed record KataDeployVersions(
    string MinimumVersion,
    string DeploymentModeSince,
    string ReadyProbePath,
    string ReadyProbeSince,
    string InstalledLogLine,
    string InstanceLabelSince,
    string InstanceLabelPrefix,
    string InstanceRuntimeClassLabel,
    string InstanceInstalledValue,
    IReadOnlyList<string> LabelDomains,
    IReadOnlyList<string> ClusterScopedKinds)
{
    /// <summary>The file's name among the step files (<see cref="StepScripts.Files"/>).</summary>
    public const string File = "kata-deploy-versions.json";

    private static readonly Lazy<KataDeployVersions> Parsed = new(() => Parse(StepScripts.Read(File)));

    /// <summary>The knowledge as the embedded file has it.</summary>
    public static KataDeployVersions Current => Parsed.Value;

    public static KataDeployVersions Parse(string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        string S(JsonNode? node, string path) =>
            node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>()
            : throw new InvalidOperationException($"templates/steps/{File}: {path} is not a string");
        IReadOnlyList<string> L(JsonNode? node, string path) =>
            node is JsonArray list ? [.. list.Select((n, i) => S(n, $"{path}[{i}]"))]
            : throw new InvalidOperationException($"templates/steps/{File}: {path} is not a list");
        return new(
            S(root["minimumVersion"], "minimumVersion"),
            S(root["deploymentModeSince"], "deploymentModeSince"),
            S(root["installed"]?["readyProbePath"], "installed.readyProbePath"),
            S(root["installed"]?["readyProbeSince"], "installed.readyProbeSince"),
            S(root["installed"]?["logLine"], "installed.logLine"),
            S(root["instanceLabel"]?["since"], "instanceLabel.since"),
            S(root["instanceLabel"]?["prefix"], "instanceLabel.prefix"),
            S(root["instanceLabel"]?["runtimeClassLabel"], "instanceLabel.runtimeClassLabel"),
            S(root["instanceLabel"]?["installedValue"], "instanceLabel.installedValue"),
            L(root["labelDomains"], "labelDomains"),
            L(root["clusterScopedKinds"], "clusterScopedKinds"));
    }

    /// <summary>X.Y.Z compared as numbers, a <c>-suffix</c> ignored (lib.sh's <c>kd_version</c>).</summary>
    public static int CompareVersions(string a, string b)
    {
        var (x, y) = (Numbers(a), Numbers(b));
        for (var i = 0; i < Math.Max(x.Length, y.Length); i++)
        {
            var c = (i < x.Length ? x[i] : -1).CompareTo(i < y.Length ? y[i] : -1);
            if (c != 0)
                return c;
        }
        return 0;
    }

    private static long[] Numbers(string version) =>
        [.. version.Split('-')[0].Split('.').Select(p => long.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0)];
}
