namespace KataArgo.Cli.Tests;

/// <summary>Runs kata-argo in-process in a fresh working directory.</summary>
internal sealed class CliRun : IDisposable
{
    public CliRun() => Directory.CreateDirectory(WorkingDirectory);

    public string WorkingDirectory { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kata-argo-cli-" + Guid.NewGuid().ToString("N"));

    /// <summary>The environment kata-argo sees (none unless a test sets it, e.g. KUBECONFIG).</summary>
    public Dictionary<string, string?> Environment { get; } = [];

    public string Path(string relative) => System.IO.Path.Combine(WorkingDirectory, relative);

    public string Write(string relative, string content)
    {
        var path = Path(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public async Task<(int Exit, string Out, string Error)> Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = await KataArgoCli.RunAsync(args, new CliConsole(output, error, WorkingDirectory, Environment));
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Every file under the working directory, for "nothing was written" checks.</summary>
    public string[] Files() => Directory.GetFiles(WorkingDirectory, "*", SearchOption.AllDirectories).Order().ToArray();

    public void Dispose() => Directory.Delete(WorkingDirectory, recursive: true);
}
