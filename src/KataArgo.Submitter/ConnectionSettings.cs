using KataArgo.Lifecycle;
using k8s;

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

/// <summary>Where the namespace came from, for messages that must say how to choose another.</summary>
public enum NamespaceSource
{
    /// <summary>-n/--namespace.</summary>
    Flag,
    /// <summary>ARGO_NAMESPACE.</summary>
    Environment,
    /// <summary>The namespace of the kubeconfig's context (kubectl's default).</summary>
    KubeConfig,
    /// <summary>The chart's default argoNamespace.</summary>
    Default,
}

/// <summary>Where runs are submitted and watched, and in which namespace.</summary>
public abstract record ClusterConnection(string Namespace)
{
    public NamespaceSource NamespaceSource { get; init; } = NamespaceSource.Default;

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
public static partial class ConnectionSettings
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
        if (server.LastIndexOf(':') is var colon and > 0 && !server.EndsWith(']') && server[(colon + 1)..] is { Length: > 0 } port && !port.All(char.IsAsciiDigit))
            throw Invalid($"ARGO_SERVER / --argo-server '{server}': port '{port}' is not a number; use a port from 1 to 65535, e.g. {server[..colon]}:2746");
        if (HostAndPort().Match(server) is not { Success: true } hostAndPort)
            throw Invalid($"ARGO_SERVER / --argo-server '{server}' is not host:port; give the port too, as the argo CLI requires, e.g. {server.TrimEnd(':')}:2746");
        if (int.Parse(hostAndPort.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) > 65535)
            throw Invalid($"ARGO_SERVER / --argo-server '{server}': port {hostAndPort.Groups[3].Value} is out of range; use a port from 1 to 65535, e.g. {server[..server.LastIndexOf(':')]}:2746");
        var secure = flags.Secure ?? Boolean(env, "ARGO_SECURE") ?? true;
        var insecure = flags.InsecureSkipVerify ?? Boolean(env, "ARGO_INSECURE_SKIP_VERIFY") ?? false;
        var baseHref = "/" + (env("ARGO_BASE_HREF") ?? "").Trim('/');
        if (!baseHref.EndsWith('/'))
            baseHref += "/";
        if (!Uri.TryCreate($"{(secure ? "https" : "http")}://{server}{baseHref}", UriKind.Absolute, out var baseUri))
            throw Invalid($"ARGO_SERVER / --argo-server '{server}' with ARGO_BASE_HREF '{baseHref}' is not a valid address; use host:port");
        var (ns, source) = Namespace(flags, env, null);
        return new ArgoServerConnection(CheckNamespace(ns, source), baseUri, Authorization(flags.Token ?? env("ARGO_TOKEN")), insecure) { NamespaceSource = source };
    }

    /// <summary>The Kubernetes API as kubectl would reach it.</summary>
    /// <param name="argoServerAlternative">Whether the command could use an Argo server instead (not plan), for the hint when nothing is configured.</param>
    public static KubernetesConnection ResolveKubernetes(ConnectionFlags flags, Func<string, string?> env, bool argoServerAlternative = true)
    {
        var config = KubernetesConfig(flags, env, argoServerAlternative);
        var (ns, source) = Namespace(flags, env, string.IsNullOrEmpty(config.Namespace) ? null : config.Namespace);
        return new KubernetesConnection(CheckNamespace(ns, source), config) { NamespaceSource = source };
    }

    private static (string Namespace, NamespaceSource Source) Namespace(ConnectionFlags flags, Func<string, string?> env, string? kubeConfigNamespace) =>
        flags.Namespace is { } flag ? (flag, NamespaceSource.Flag)
        : env("ARGO_NAMESPACE") is { } variable ? (variable, NamespaceSource.Environment)
        : kubeConfigNamespace is { } context ? (context, NamespaceSource.KubeConfig)
        : (DefaultNamespace, NamespaceSource.Default);

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

    private static KubernetesClientConfiguration KubernetesConfig(ConnectionFlags flags, Func<string, string?> env, bool argoServerAlternative)
    {
        var (paths, origin) = flags.KubeConfig is { Length: > 0 } flag ? ([flag], "--kubeconfig")
            : env("KUBECONFIG") is { Length: > 0 } list ? (list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries), "KUBECONFIG")
            : env("HOME") is { Length: > 0 } home ? ([Path.Combine(home, ".kube", "config")], "the default kubeconfig")
            : (Array.Empty<string>(), "");
        if (paths.FirstOrDefault(Directory.Exists) is { } directory)
            throw Invalid($"{origin} '{directory}' is a directory; give a kubeconfig file");
        if (flags.KubeConfig is not null && !File.Exists(flags.KubeConfig))
            throw Invalid($"--kubeconfig '{flags.KubeConfig}': no such file");
        // Several KUBECONFIG files: the first one decides, as it holds kubectl's current context in the usual setups.
        if (paths.FirstOrDefault(File.Exists) is { } file)
            return KubeConfigFile.Load(file, flags.KubeContext);
        if (KubernetesClientConfiguration.IsInCluster())
            return KubernetesClientConfiguration.InClusterConfig();
        throw new SubmitterException(FailureKind.Unreachable, argoServerAlternative
            ? "no Kubernetes configuration found: set KUBECONFIG, create ~/.kube/config, pass --kubeconfig, run inside a cluster, or use an Argo server (ARGO_SERVER / -s host:port)"
            : "no Kubernetes configuration found: set KUBECONFIG, create ~/.kube/config, pass --kubeconfig, or run inside a cluster (this command reads nodes, pods and ConfigMaps through the Kubernetes API; an Argo server cannot serve them)");
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

    private static string CheckNamespace(string ns, NamespaceSource source) =>
        ParameterRules.IsDnsLabel(ns) ? ns : throw Invalid($"{source switch
        {
            NamespaceSource.Flag => "-n/--namespace",
            NamespaceSource.Environment => "ARGO_NAMESPACE",
            NamespaceSource.KubeConfig => "the kubeconfig context's namespace",
            _ => "namespace",
        }} '{ParameterRules.Show(ns)}' is not a namespace name; use lowercase letters, digits and '-' (at most 63)");

    private static SubmitterException Invalid(string message) => new(FailureKind.InvalidRequest, message);

    /// <summary>host:port as the argo CLI takes it: a DNS name, IPv4 address or [IPv6] address, and a port.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^([A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]):([1-9][0-9]{0,4})\z")]
    private static partial System.Text.RegularExpressions.Regex HostAndPort();
}
