using Argo.Workflows.Client;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using YamlDotNet.Core;

namespace KataArgo.Submitter;

/// <summary>
/// A kubeconfig file read as kubectl reads it (KubernetesClient), with each way it can be unusable
/// named in one line with the file: YAML that does not parse or writes a key twice (its line and column), a field of the
/// wrong type, an empty file, no current context, a context, cluster or user that is not in the
/// file, a cluster without a server. All are <see cref="FailureKind.InvalidRequest"/> (exit 2).
/// </summary>
public static class KubeConfigFile
{
    /// <param name="context">--context, which replaces the file's current-context.</param>
    public static KubernetesClientConfiguration Load(string file, string? context)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Problem(file, $"cannot be read: {OneLine(e.Message)}", e);
        }
        if (text.Split('\n').All(line => line.Trim().Length == 0 || line.TrimStart().StartsWith('#')))
            throw Problem(file, "the file is empty; write the cluster, user and context into it (kubectl config set-cluster, set-credentials, set-context, use-context) or point KUBECONFIG/--kubeconfig at another file");

        K8SConfiguration config;
        try
        {
            config = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(file), useRelativePaths: true);
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            throw Problem(file, YamlProblem(text, e), e);
        }
        try
        {
            // KubernetesClient and kubectl 1.35 keep the last of a key written twice; every reader here refuses it.
            ArgoYaml.LoadAll(text);
        }
        catch (YamlException e)
        {
            throw Problem(file, YamlProblem(text, e), e);
        }
        Check(file, config, context);
        try
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigObject(config, currentContext: context);
        }
        catch (Exception e) when (e is KubeConfigException or IOException or UnauthorizedAccessException or ArgumentException or FormatException or YamlException)
        {
            throw Problem(file, OneLine(e.Message), e);
        }
    }

    /// <summary>The chain kubectl follows: the current context, its cluster and server, its user.</summary>
    private static void Check(string file, K8SConfiguration config, string? flag)
    {
        var contexts = config.Contexts?.Where(c => c is not null).ToList() ?? [];
        var clusters = config.Clusters?.Where(c => c is not null).ToList() ?? [];
        var users = config.Users?.Where(u => u is not null).ToList() ?? [];
        var name = string.IsNullOrEmpty(flag) ? config.CurrentContext : flag;
        if (string.IsNullOrEmpty(name))
            throw Problem(file, contexts.Count == 0
                ? "no current-context and no contexts (contexts: []); add one: kubectl config set-context NAME --cluster=CLUSTER --user=USER, then kubectl config use-context NAME"
                : $"no current-context; pass --context NAME or run kubectl config use-context NAME (its contexts: {Names(contexts.Select(c => c.Name))})");
        var origin = string.IsNullOrEmpty(flag) ? "current-context" : "--context";
        if (contexts.FirstOrDefault(c => c.Name == name) is not { } chosen)
            throw Problem(file, $"{origin} '{name}' is not among its contexts ({Names(contexts.Select(c => c.Name), "contexts")}); pass --context NAME or run kubectl config use-context NAME");
        var clusterName = chosen.ContextDetails?.Cluster;
        if (string.IsNullOrEmpty(clusterName))
            throw Problem(file, $"context '{name}' names no cluster; set contexts[].context.cluster (kubectl config set-context {name} --cluster=CLUSTER)");
        if (clusters.FirstOrDefault(c => c.Name == clusterName) is not { } cluster)
            throw Problem(file, $"context '{name}' names cluster '{clusterName}', which is not among its clusters ({Names(clusters.Select(c => c.Name), "clusters")}); add it: kubectl config set-cluster {clusterName} --server=https://HOST:6443");
        if (string.IsNullOrEmpty(cluster.ClusterEndpoint?.Server))
            throw Problem(file, $"cluster '{clusterName}' has no server; set clusters[].cluster.server (kubectl config set-cluster {clusterName} --server=https://HOST:6443)");
        var userName = chosen.ContextDetails?.User;
        if (!string.IsNullOrEmpty(userName) && users.All(u => u.Name != userName))
            throw Problem(file, $"context '{name}' names user '{userName}', which is not among its users ({Names(users.Select(u => u.Name), "users")}); add it: kubectl config set-credentials {userName} ...");
    }

    /// <summary>Where the YAML is broken, or which value has the wrong type, by line and column of the file.</summary>
    private static string YamlProblem(string text, Exception e)
    {
        var located = YamlErrorLocation.Locate(text, e);
        var where = located.Start.Line > 0 ? $"line {located.Start.Line}, column {located.Start.Column}: " : "";
        var deserializer = located.Message.StartsWith("Exception during deserialization", StringComparison.Ordinal)
            || located.Message.StartsWith("No node deserializer", StringComparison.Ordinal);
        if (!deserializer)
            return $"not valid YAML: {YamlErrorLocation.Describe(located)}";
        var lines = text.Split('\n');
        var source = located.Start.Line > 0 && located.Start.Line <= lines.Length ? $" ({lines[(int)located.Start.Line - 1].Trim()})" : "";
        return $"not a valid kubeconfig: {where}the value has the wrong type for its field{source}; compare with kubectl config view";
    }

    private static string Names(IEnumerable<string?> names, string field = "contexts")
    {
        var list = names.Where(n => !string.IsNullOrEmpty(n)).ToList();
        return list.Count == 0 ? $"it has none: {field}: []" : string.Join(", ", list);
    }

    private static SubmitterException Problem(string file, string message, Exception? inner = null) =>
        new(FailureKind.InvalidRequest, $"kubeconfig {file}: {message}", inner);

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
