using System.CommandLine;
using KataArgo.Submitter;

namespace KataArgo.Cli.Commands;

/// <summary>
/// How the commands that talk to a cluster reach it: the <c>argo</c> CLI's flags and environment
/// for an Argo server, kubectl's kubeconfig for the Kubernetes API.
/// </summary>
internal sealed class ClusterOptions
{
    private readonly Option<string?> _server = new("--argo-server", "-s") { Description = "Argo server host:port, without a scheme (ARGO_SERVER); unset: the Kubernetes API" };
    private readonly Option<bool?> _secure = Flag("--secure", "-e", "use TLS to the Argo server (ARGO_SECURE; default true, false: plain HTTP)");
    private readonly Option<bool?> _insecure = Flag("--insecure-skip-verify", "-k", "do not verify the Argo server's certificate (ARGO_INSECURE_SKIP_VERIFY)");
    private readonly Option<string?> _token = new("--token") { Description = "Argo server token, 'Bearer xxx' or bare (ARGO_TOKEN)" };
    private readonly Option<bool> _kube = new("--kube") { Description = "use the Kubernetes API (kubeconfig or in-cluster) even when an Argo server is configured" };
    private readonly Option<string?> _namespace = new("--namespace", "-n") { Description = "namespace of the WorkflowTemplate, its runs and the rollout records: the chart's argoNamespace (ARGO_NAMESPACE; default: the kubeconfig context's namespace, else argo)" };
    private readonly Option<string?> _kubeconfig = new("--kubeconfig") { Description = "kubeconfig file (default: KUBECONFIG, ~/.kube/config, in-cluster)" };
    private readonly Option<string?> _context = new("--context") { Description = "kubeconfig context to use" };
    private readonly bool _kubernetesOnly;

    private ClusterOptions(bool kubernetesOnly) => _kubernetesOnly = kubernetesOnly;

    /// <summary>Argo server or Kubernetes API: submit, watch, status, recover.</summary>
    public static ClusterOptions AddTo(Command command) => new ClusterOptions(false).Add(command);

    /// <summary>Kubernetes API only, with -n for the workflow namespace: plan.</summary>
    public static ClusterOptions AddKubernetesTo(Command command) => new ClusterOptions(true).Add(command);

    /// <summary>
    /// Why <paramref name="option"/> is not an option of <paramref name="command"/>, to follow
    /// "unknown option": an Argo server option of a command that reads only the Kubernetes API
    /// (plan) is said to be missing for that reason; anything else gets "".
    /// </summary>
    public static string WhyNotHere(Command command, string option)
    {
        var argoServerOnly = new ClusterOptions(false);
        var names = new Option[] { argoServerOnly._server, argoServerOnly._secure, argoServerOnly._insecure, argoServerOnly._token, argoServerOnly._kube }
            .SelectMany(o => o.Aliases.Append(o.Name));
        var kubernetesOnly = command.Options.Any(o => o.Name == argoServerOnly._kubeconfig.Name) && command.Options.All(o => o.Name != argoServerOnly._server.Name);
        return kubernetesOnly && names.Contains(option, StringComparer.Ordinal)
            ? $"; {command.Name} reads only the Kubernetes API (kubeconfig), which is why there is no {option}"
            : "";
    }

    private ClusterOptions Add(Command command)
    {
        var options = _kubernetesOnly
            ? new Option[] { _namespace, _kubeconfig, _context }
            : new Option[] { _server, _secure, _insecure, _token, _kube, _namespace, _kubeconfig, _context };
        foreach (var option in options)
            command.Options.Add(option);
        return this;
    }

    public ConnectionFlags Flags(ParseResult parsed, CliConsole console) => new()
    {
        ArgoServer = _kubernetesOnly ? null : parsed.GetValue(_server),
        Secure = _kubernetesOnly ? null : parsed.GetValue(_secure),
        InsecureSkipVerify = _kubernetesOnly ? null : parsed.GetValue(_insecure),
        Token = _kubernetesOnly ? null : parsed.GetValue(_token),
        Namespace = parsed.GetValue(_namespace),
        Kube = _kubernetesOnly || parsed.GetValue(_kube),
        KubeConfig = parsed.GetValue(_kubeconfig) is { } path ? console.Resolve(path) : null,
        KubeContext = parsed.GetValue(_context),
    };

    /// <summary>The transports' retries, each announced on stderr as it happens.</summary>
    public static RetryOptions Retry(CliConsole console) => console.Retry with
    {
        Notice = message =>
        {
            console.Error.WriteLine("warning: " + message);
            console.Error.Flush();
        },
    };

    /// <summary>A <c>-p name=value</c> option (repeatable).</summary>
    public static Option<string[]> Parameters(string description) => new("--parameter", "-p")
    {
        Description = description,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Runs a command that talks to a cluster, turning its failures into exit codes.</summary>
    public static async Task<int> Run(CliConsole console, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (SubmitterException e)
        {
            throw new ClusterCommandException(e);
        }
    }

    private static Option<bool?> Flag(string name, string alias, string description) => new(name, alias)
    {
        Description = description,
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = result => result.Tokens.Count == 0 || ParseBool(result.Tokens[0].Value, result),
    };

    private static bool ParseBool(string value, System.CommandLine.Parsing.ArgumentResult result)
    {
        if (bool.TryParse(value, out var parsed))
            return parsed;
        result.AddError($"'{value}' is not a boolean; use true or false");
        return false;
    }
}

/// <summary>A submitter failure with the spec's exit code; --verbose shows the original exception.</summary>
internal sealed class ClusterCommandException(SubmitterException inner) : CliException(ExitCodeOf(inner.Kind), inner.Message)
{
    public override string ToString() => inner.ToString();

    private static int ExitCodeOf(FailureKind kind) => kind switch
    {
        FailureKind.InvalidRequest => ExitCodes.Usage,
        FailureKind.Unreachable => ExitCodes.Unreachable,
        FailureKind.TemplateMissing => ExitCodes.TemplateMissing,
        _ => ExitCodes.Failed,
    };
}
