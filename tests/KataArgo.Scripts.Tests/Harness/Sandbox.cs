using System.Diagnostics;
using System.Text.Json.Nodes;
using KataArgo.Lifecycle;

namespace KataArgo.Scripts.Tests.Harness;

/// <summary>
/// A fresh directory per test: the cluster state the doubles read and write, their call log,
/// and a PATH with the doubles first. Runs step scripts under the real bash.
/// </summary>
public sealed class Sandbox : IDisposable
{
    private static readonly string Doubles = Path.Combine(AppContext.BaseDirectory, "doubles");
    private int _runs;

    public Sandbox(Cluster cluster) : this(cluster.Save, "")
    {
    }

    /// <summary>A sandbox whose state and call log start as WRITE and LOG leave them.</summary>
    private Sandbox(Action<string> write, string log)
    {
        Root = Directory.CreateTempSubdirectory("kata-scripts-").FullName;
        Directory.CreateDirectory(Path.Combine(Root, "bin"));
        Directory.CreateDirectory(Path.Combine(Root, "tmp"));
        foreach (var tool in new[] { "kubectl", "helm" })
            File.SetUnixFileMode(Path.Combine(Doubles, tool), (UnixFileMode)0b111_101_101);
        // Shell injection canary: a payload that runs `reboot` leaves this file behind.
        var canary = Path.Combine(Root, "bin", "reboot");
        File.WriteAllText(canary, $"#!/bin/sh\ntouch '{Path.Combine(Root, "REBOOTED")}'\n");
        File.SetUnixFileMode(canary, (UnixFileMode)0b111_101_101);
        write(StatePath);
        File.WriteAllText(LogPath, log);
        // The steps ConfigMap as a step pod mounts it: every file of templates/steps.
        Directory.CreateDirectory(StepsDir);
        foreach (var (file, text) in StepScripts.Files)
            File.WriteAllText(Path.Combine(StepsDir, file), text);
    }

    public string Root { get; }
    public string StatePath => Path.Combine(Root, "state.json");
    public string LogPath => Path.Combine(Root, "calls.jsonl");
    public string StepsDir => Path.Combine(Root, "steps");
    public bool Rebooted => File.Exists(Path.Combine(Root, "REBOOTED"));

    public ClusterState State => ClusterState.Load(StatePath);
    public CallLog Calls => CallLog.Load(LogPath);

    /// <summary>
    /// A new sandbox with this one's cluster state and call log, as they are now (not its jq
    /// server, outputs or counters): to go on from a run that other tests read unchanged.
    /// </summary>
    public Sandbox Fork()
    {
        var state = File.ReadAllText(StatePath);
        return new Sandbox(path => File.WriteAllText(path, state), File.ReadAllText(LogPath));
    }

    /// <summary>Changes the cluster between steps, as someone else acting on it would.</summary>
    public void Change(Action<JsonObject> change)
    {
        var state = JsonNode.Parse(File.ReadAllText(StatePath))!.AsObject();
        change(state);
        File.WriteAllText(StatePath, state.ToJsonString());
    }

    /// <summary>Runs a step as its template does: <c>bash STEPS/SCRIPT</c>, the file sourcing lib.sh beside it.</summary>
    public StepResult Run(string script, IReadOnlyDictionary<string, string> env, IEnumerable<string>? outputs = null) =>
        RunFile(script, Path.Combine(StepsDir, script), env, outputs);

    /// <summary>Runs a bash text written to a file of its own (e.g. a one-line call of a double).</summary>
    public StepResult RunSource(string label, string source, IReadOnlyDictionary<string, string> env,
        IEnumerable<string>? outputs = null, IEnumerable<string>? arguments = null)
    {
        var scriptPath = Path.Combine(Root, $"source-{Interlocked.Increment(ref _sources):D3}.sh");
        File.WriteAllText(scriptPath, source);
        return RunFile(label, scriptPath, env, outputs, arguments);
    }

    private int _sources;

    private StepResult RunFile(string label, string scriptPath, IReadOnlyDictionary<string, string> env,
        IEnumerable<string>? outputs = null, IEnumerable<string>? arguments = null)
    {
        var run = Interlocked.Increment(ref _runs);
        var outputDir = Path.Combine(Root, $"outputs-{run:D3}");
        var terminationLog = Path.Combine(Root, $"termination-{run:D3}.log");
        var progressFile = Path.Combine(Root, $"progress-{run:D3}");
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Root,
        };
        start.ArgumentList.Add(scriptPath);
        foreach (var argument in arguments ?? [])
            start.ArgumentList.Add(argument);
        start.Environment.Clear();
        start.Environment["PATH"] = $"{Doubles}:{Path.Combine(Root, "bin")}:{Environment.GetEnvironmentVariable("PATH")}";
        start.Environment["KATA_TEST_STATE"] = StatePath;
        start.Environment["KATA_TEST_LOG"] = LogPath;
        start.Environment["TMPDIR"] = Path.Combine(Root, "tmp");
        start.Environment["POLL_SECONDS"] = "0";
        start.Environment["OUTPUT_DIR"] = outputDir;
        start.Environment["TERMINATION_LOG"] = terminationLog;
        start.Environment["ARGO_PROGRESS_FILE"] = progressFile;
        foreach (var (name, value) in env)
            start.Environment[name] = value;

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(180)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{label} did not finish within 180s:\n{stdout.Result}\n{stderr.Result}");
        }
        process.WaitForExit();
        var files = outputs ?? (Directory.Exists(outputDir) ? Directory.GetFiles(outputDir).Select(Path.GetFileName)! : []);
        var values = files.Where(f => File.Exists(Path.Combine(outputDir, f!)))
            .ToDictionary(f => f!, f => File.ReadAllText(Path.Combine(outputDir, f!)));
        return new StepResult(label, env.GetValueOrDefault("NODE"), process.ExitCode, stdout.Result, stderr.Result, values, clock.Elapsed)
        {
            TerminationMessage = File.Exists(terminationLog) ? File.ReadAllText(terminationLog) : null,
            Progress = File.Exists(progressFile) ? File.ReadAllText(progressFile).Trim() : null,
        };
    }

    /// <summary>Calls a double directly, as a script would (e.g. to prepare a state).</summary>
    public StepResult Tool(params string[] argv) =>
        RunSource(argv[0], "\"$@\"\n", new Dictionary<string, string>(), arguments: argv);

    public void Dispose()
    {
        StopServer();
        // Debugging aid: KATA_TEST_KEEP=1 keeps the state, call log and scripts of every test.
        if (Environment.GetEnvironmentVariable("KATA_TEST_KEEP") == "1")
            return;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                Directory.Delete(Root, recursive: true);
                return;
            }
            catch (IOException)
            {
                Thread.Sleep(100);
            }
        }
    }

    /// <summary>The doubles' jq server this sandbox's first call started (it would also stop by itself).</summary>
    public void StopServer()
    {
        var pid = Path.Combine(StatePath + ".server", "pid");
        if (!File.Exists(pid) || !int.TryParse(File.ReadAllText(pid).Trim(), out var id))
            return;
        try
        {
            using var server = Process.GetProcessById(id);
            if (server.ProcessName == "jq")
                server.Kill();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
    }
}

public sealed record StepResult(
    string Name, string? Node, int ExitCode, string Stdout, string Stderr,
    IReadOnlyDictionary<string, string> Outputs, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>What the step left as its container's termination message (Argo's node message), if anything.</summary>
    public string? TerminationMessage { get; init; }

    /// <summary>The last progress (N/M) the step reported through ARGO_PROGRESS_FILE, if any.</summary>
    public string? Progress { get; init; }

    /// <summary>The node the step's pod ran on (the simulator's PodHost, or where it scheduled it).</summary>
    public string? PodNode { get; init; }
    public string Output => Stdout + Stderr;

    public override string ToString() =>
        $"==== {Name}{(Node is null ? "" : $" [{Node}]")} exit {ExitCode} ({Elapsed.TotalMilliseconds:F0} ms)\n{Stdout}{Stderr}";
}
