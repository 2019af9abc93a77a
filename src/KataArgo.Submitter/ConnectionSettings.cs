using KataArgo.Lifecycle;
using k8s;
using k8s.Exceptions;

namespace KataArgo.Submitter;

/// <summary>Connection flags as given on the command line; null when absent (the environment decides).</summary>
public sealed record ConnectionFlags
{
    public string? ArgoServer { get; init; }
    public bool? Secure { get; init; }
    public bool? InsecureSkipVerify { get; init; }
    public string? Token { get; init; }
    public string? Namespace { get; init; }
    public bool Kube { get; init; }
    public string? KubeConfig { get; init; }
    public string? KubeContext { get; init; }
}

/// <summary>Where runs are submitted and watched, and in which namespace.</summary>
public abstract record ClusterConnection(string Namespace)
{
    /// <summary>For messages: "the Argo server at https://argo.example:2746/".</summary>
    public abstract string Describe { get; }
}

public sealed record ArgoServerConnection(string Namespace, Uri BaseUri, string? Authorization, bool InsecureSkipVerify)
    : ClusterConnection(Namespace)
{
    public override string Describe => $"the Argo server at {BaseUri}";
}

public sealed record KubernetesConnection(string Namespace, KubernetesClientConfiguration Config) : ClusterConnection(Namespace)
{
    public override string Describe => $"the Kubernetes API at {Config.Host}";
}

/// <summary>
/// Resolves flags and environment the way the <c>argo</c> CLI and kubectl do: <c>ARGO_SERVER</c>
/// (host:port, no scheme) selects the Argo server, TLS on unless <c>ARGO_SECURE=false</c>,
/// verified unless <c>ARGO_INSECURE_SKIP_VERIFY=true</c>, <c>ARGO_TOKEN</c>, <c>ARGO_BASE_HREF</c>,
/// <c>ARGO_NAMESPACE</c>; otherwise (or with <c>--kube</c>) the Kubernetes API from
/// <c>KUBECONFIG</c>, <c>~/.kube/config</c> or the in-cluster service account.
/// </summary>
public static class ConnectionSettings
{
    /// <summary>The chart's default <c>argoNamespace</c>, where the WorkflowTemplate is installed.</summary>
    public const string DefaultNamespace = "argo";

    public static ClusterConnection Resolve(ConnectionFlags flags, Func<string, string?> env)
    {
        var server = flags.ArgoServer ?? env("ARGO_SERVER");
        if (flags.Kube || string.IsNullOrEmpty(server))
            return ResolveKubernetes(flags, env);

        if (server.Contains("://", StringComparison.Ordinal) || server.Contains('/'))
            throw Invalid($"ARGO_SERVER / --argo-server '{server}' is not host:port; give it without a scheme or path, e.g. argo-server.argo:2746 (use ARGO_SECURE=false for plain HTTP, ARGO_BASE_HREF for a path)");
        var secure = flags.Secure ?? Boolean(env, "ARGO_SECURE") ?? true;
        var insecure = flags.InsecureSkipVerify ?? Boolean(env, "ARGO_INSECURE_SKIP_VERIFY") ?? false;
        var baseHref = "/" + (env("ARGO_BASE_HREF") ?? "").Trim('/');
        if (!baseHref.EndsWith('/'))
            baseHref += "/";
        if (!Uri.TryCreate($"{(secure ? "https" : "http")}://{server}{baseHref}", UriKind.Absolute, out var baseUri))
            throw Invalid($"ARGO_SERVER / --argo-server '{server}' with ARGO_BASE_HREF '{baseHref}' is not a valid address; use host:port");
        var ns = flags.Namespace ?? env("ARGO_NAMESPACE") ?? DefaultNamespace;
        return new ArgoServerConnection(CheckNamespace(ns), baseUri, Authorization(flags.Token ?? env("ARGO_TOKEN")), insecure);
    }

    /// <summary>The Kubernetes API as kubectl would reach it.</summary>
    public static KubernetesConnection ResolveKubernetes(ConnectionFlags flags, Func<string, string?> env)
    {
        var config = KubernetesConfig(flags, env);
        var ns = flags.Namespace ?? env("ARGO_NAMESPACE") ?? (string.IsNullOrEmpty(config.Namespace) ? DefaultNamespace : config.Namespace);
        return new KubernetesConnection(CheckNamespace(ns), config);
    }

    /// <summary><c>Bearer xxx</c> (or <c>Basic xxx</c>) as given; a bare token gets <c>Bearer </c>.</summary>
    public static string? Authorization(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
            return null;
        token = token.Trim();
        return token.StartsWith("Bearer ", StringComparison.Ordinal) || token.StartsWith("Basic ", StringComparison.Ordinal)
            ? token
            : "Bearer " + token;
    }

    private static KubernetesClientConfiguration KubernetesConfig(ConnectionFlags flags, Func<string, string?> env)
    {
        var paths = flags.KubeConfig is { Length: > 0 } flag ? [flag]
            : env("KUBECONFIG") is { Length: > 0 } list ? list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            : env("HOME") is { Length: > 0 } home ? [Path.Combine(home, ".kube", "config")]
            : [];
        var files = paths.Select(p => new FileInfo(p)).Where(f => f.Exists).ToArray();
        try
        {
            // Several KUBECONFIG files: the first one decides, as it holds kubectl's current context in the usual setups.
            if (files.Length > 0)
                return KubernetesClientConfiguration.BuildConfigFromConfigFile(files[0], currentContext: flags.KubeContext);
            if (flags.KubeConfig is null && KubernetesClientConfiguration.IsInCluster())
                return KubernetesClientConfiguration.InClusterConfig();
        }
        catch (KubeConfigException e)
        {
            throw new SubmitterException(FailureKind.Unreachable, $"cannot use the kubeconfig {string.Join(Path.PathSeparator, paths)}: {e.Message}", e);
        }
        throw new SubmitterException(FailureKind.Unreachable, flags.KubeConfig is not null
            ? $"kubeconfig '{flags.KubeConfig}' does not exist"
            : "no Kubernetes configuration found: set KUBECONFIG, create ~/.kube/config, run inside a cluster, or use an Argo server (ARGO_SERVER / -s host:port)");
    }

    private static bool? Boolean(Func<string, string?> env, string name)
    {
        var value = env(name);
        return value switch
        {
            null or "" => null,
            "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
            "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
            _ => throw Invalid($"{name}: '{value}' is not a boolean; use true or false"),
        };
    }

    private static string CheckNamespace(string ns) =>
        ParameterRules.IsDnsLabel(ns) ? ns : throw Invalid($"namespace '{ns}' is not a namespace name; use lowercase letters, digits and '-' (at most 63)");

    private static SubmitterException Invalid(string message) => new(FailureKind.InvalidRequest, message);
}
