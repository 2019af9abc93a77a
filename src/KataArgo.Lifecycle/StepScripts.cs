using System.Security.Cryptography;
using System.Text;

namespace KataArgo.Lifecycle;

/// <summary>
/// The step scripts under <c>templates/steps</c>, embedded in this assembly. The chart ships them
/// once, in the steps ConfigMap that every step pod mounts at <see cref="MountPath"/>; each step
/// file sources <c>lib.sh</c> beside it, and parameters reach it only through its environment.
/// </summary>
public static class StepScripts
{
    public const string Library = "lib.sh";

    /// <summary>What each kata-deploy release does and the checks built on it (sourced by <see cref="Library"/>, reads <see cref="KataDeployVersions.File"/>).</summary>
    public const string KataDeploy = "kata-deploy.sh";

    /// <summary>Where step pods mount the steps ConfigMap (read-only).</summary>
    public const string MountPath = "/kata-lifecycle/steps";

    /// <summary>The environment variable through which a template names the scripts it was rendered with.</summary>
    public const string DigestVariable = "KATA_STEPS_DIGEST";

    /// <summary>Every step file, a step template's entry point or a phase upgrade-node.sh runs.</summary>
    public static readonly IReadOnlyList<string> Steps =
    [
        "preflight.sh", "select-nodes.sh", "stage.sh", "upgrade-node.sh", "cordon.sh", "drain.sh", "recycle.sh",
        "verify.sh", "uncordon.sh", "finish.sh", "cleanup.sh",
    ];

    /// <summary>Files of functions the steps source (lib.sh, and what lib.sh sources), not entry points.</summary>
    public static readonly IReadOnlyList<string> Libraries = [Library, "rollout.sh", KataDeploy];

    /// <summary>The phases upgrade-node.sh runs, in order (NODE_PHASES in lib.sh); Argo sees phase N as progress N/5.</summary>
    public static readonly IReadOnlyList<string> NodePhases = ["cordon", "drain", "recycle", "verify", "uncordon"];

    /// <summary>Deadline of a phase that only talks to the API server (PHASE_API_SECONDS in lib.sh).</summary>
    public static readonly TimeSpan PhaseApiDeadline = TimeSpan.FromSeconds(300);

    /// <summary>Added to a phase's own timeout parameter for its deadline (PHASE_MARGIN_SECONDS in lib.sh).</summary>
    public static readonly TimeSpan PhaseMargin = TimeSpan.FromSeconds(300);

    private static readonly Lazy<IReadOnlyDictionary<string, string>> AllFiles = new(() =>
        EmbeddedFiles().Order(StringComparer.Ordinal).ToDictionary(f => f, Read));

    /// <summary>File name → text of every file the steps ConfigMap holds, in byte order of their names.</summary>
    public static IReadOnlyDictionary<string, string> Files => AllFiles.Value;

    /// <summary>
    /// <c>sha256:HEX</c> of every file's text concatenated in byte order of their names: what
    /// <c>steps_digest</c> in lib.sh computes over the mounted ConfigMap, so a step refuses to run
    /// scripts other than the ones its template was rendered with.
    /// </summary>
    public static string Digest => LazyDigest.Value;

    private static readonly Lazy<string> LazyDigest = new(() =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(Files.Values)))));

    public static string Read(string file)
    {
        using var stream = typeof(StepScripts).Assembly.GetManifestResourceStream("steps/" + file)
            ?? throw new InvalidOperationException($"step script '{file}' is not embedded; expected templates/steps/{file}");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd().Replace("\r\n", "\n");
        if (text.Contains("{{", StringComparison.Ordinal))
            throw new InvalidOperationException($"templates/steps/{file} contains '{{{{', which Argo and Helm would substitute; read parameters from the environment");
        return text;
    }

    public static IEnumerable<string> EmbeddedFiles() =>
        typeof(StepScripts).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("steps/", StringComparison.Ordinal))
            .Select(n => n["steps/".Length..]);
}
