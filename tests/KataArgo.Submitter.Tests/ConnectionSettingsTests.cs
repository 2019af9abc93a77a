namespace KataArgo.Submitter.Tests;

/// <summary>Flags and environment resolve as for the argo CLI and kubectl.</summary>
public class ConnectionSettingsTests
{
    private static ClusterConnection Resolve(ConnectionFlags flags, params (string Name, string Value)[] env) =>
        ConnectionSettings.Resolve(flags, name => env.FirstOrDefault(e => e.Name == name).Value);

    [Fact]
    public void Argo_server_defaults_to_https_with_verification_in_namespace_argo()
    {
        var argo = Assert.IsType<ArgoServerConnection>(Resolve(new(), ("ARGO_SERVER", "argo-server.argo:2746")));
        Assert.Equal(("https://argo-server.argo:2746/", false, "argo", null), (argo.BaseUri.ToString(), argo.InsecureSkipVerify, argo.Namespace, argo.Authorization));
    }

    [Fact]
    public void Environment_is_read_like_the_argo_cli()
    {
        var argo = Assert.IsType<ArgoServerConnection>(Resolve(new(),
            ("ARGO_SERVER", "localhost:8080"), ("ARGO_SECURE", "false"), ("ARGO_INSECURE_SKIP_VERIFY", "true"),
            ("ARGO_BASE_HREF", "/argo/"), ("ARGO_TOKEN", "Bearer abc"), ("ARGO_NAMESPACE", "workflows")));
        Assert.Equal(("http://localhost:8080/argo/", true, "workflows", "Bearer abc"), (argo.BaseUri.ToString(), argo.InsecureSkipVerify, argo.Namespace, argo.Authorization));
    }

    [Fact]
    public void Flags_win_over_the_environment()
    {
        var argo = Assert.IsType<ArgoServerConnection>(Resolve(
            new ConnectionFlags { ArgoServer = "flag:1", Secure = true, InsecureSkipVerify = false, Token = "t", Namespace = "n" },
            ("ARGO_SERVER", "env:2"), ("ARGO_SECURE", "false"), ("ARGO_INSECURE_SKIP_VERIFY", "true"), ("ARGO_TOKEN", "e"), ("ARGO_NAMESPACE", "m")));
        Assert.Equal(("https://flag:1/", false, "n", "Bearer t"), (argo.BaseUri.ToString(), argo.InsecureSkipVerify, argo.Namespace, argo.Authorization));
    }

    [Theory]
    [InlineData("abc", "Bearer abc")]
    [InlineData("Bearer abc", "Bearer abc")]
    [InlineData("Basic dXNlcjpwYXNz", "Basic dXNlcjpwYXNz")]
    [InlineData("  ", null)]
    public void Tokens_get_a_scheme_when_bare(string token, string? authorization) =>
        Assert.Equal(authorization, ConnectionSettings.Authorization(token));

    [Fact]
    public void Kubeconfig_namespace_is_the_default_for_the_Kubernetes_API()
    {
        var directory = Directory.CreateTempSubdirectory("kata-argo-kube-");
        var path = Path.Combine(directory.FullName, "config");
        File.WriteAllText(path, """
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "https://10.96.0.1:6443", insecure-skip-tls-verify: true}}]
            contexts: [{name: a, context: {cluster: c, user: u, namespace: workflows}}, {name: b, context: {cluster: c, user: u}}]
            current-context: a
            users: [{name: u, user: {token: x}}]
            """);
        var kube = Assert.IsType<KubernetesConnection>(Resolve(new(), ("KUBECONFIG", path)));
        Assert.Equal(("workflows", "https://10.96.0.1:6443"), (kube.Namespace, kube.Config.Host.TrimEnd('/')));
        Assert.Equal("argo", Resolve(new ConnectionFlags { KubeContext = "b" }, ("KUBECONFIG", path)).Namespace);
        Assert.Equal("other", Resolve(new ConnectionFlags { Kube = true, Namespace = "other" }, ("KUBECONFIG", path), ("ARGO_SERVER", "x:1")).Namespace);
    }
}
