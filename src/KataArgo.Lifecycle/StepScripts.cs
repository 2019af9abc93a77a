using System.Text;
using System.Text.RegularExpressions;

namespace KataArgo.Lifecycle;

/// <summary>
/// The step scripts under <c>templates/steps</c>, embedded in this assembly. Each step runs as
/// <c>lib.sh</c> followed by its own file; parameters reach it only through its environment.
/// </summary>
public static partial class StepScripts
{
    public const string Library = "lib.sh";

    public static readonly IReadOnlyList<string> Steps =
    [
        "preflight.sh", "select-nodes.sh", "stage.sh", "cordon.sh", "drain.sh", "recycle.sh", "verify.sh",
        "uncordon.sh", "finish.sh", "cleanup.sh",
    ];

    private static readonly Lazy<LibraryParts> Parts = new(() => LibraryParts.Parse(Read(Library)));

    /// <summary>
    /// The text a step template runs: the library, reduced to the helpers this step calls
    /// (directly or through other helpers) and without its comment lines, then the step file
    /// without its shebang. Every template carries its own copy, so the reduction keeps the
    /// WorkflowTemplate, and each Workflow Argo stores it in, small.
    /// </summary>
    public static string Compose(string step)
    {
        var body = Read(step);
        if (body.StartsWith("#!", StringComparison.Ordinal))
            body = body[(body.IndexOf('\n') + 1)..];
        return Parts.Value.For(body).TrimEnd('\n') + "\n\n# ---- " + step + " ----\n" + body.TrimEnd('\n') + "\n";
    }

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

    /// <summary>
    /// lib.sh as units: function definitions and single-variable <c>readonly</c> constants (kept
    /// when kept code uses them), and all other top-level statements (always kept).
    /// </summary>
    private sealed partial class LibraryParts
    {
        private readonly List<Unit> _units = [];

        private sealed record Unit(string? Defines, bool IsFunction, string Text);

        public static LibraryParts Parse(string library)
        {
            var parts = new LibraryParts();
            var lines = library.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].Length == 0 || IsComment(lines[i]))
                    continue;
                var first = i;
                var text = new List<string> { lines[i] };
                var function = FunctionStart().Match(lines[i]);
                if (function.Success && !OneLiner().IsMatch(lines[i]))
                {
                    // Functions in lib.sh are closed by a '}' alone at column 0.
                    var state = Scanner.State.Code;
                    while (++i < lines.Length && lines[i] != "}")
                    {
                        if (state == Scanner.State.Code && IsComment(lines[i]))
                            continue;
                        text.Add(lines[i]);
                        state = Scanner.After(lines[i], state);
                    }
                    text.Add("}");
                }
                else
                {
                    // One statement: until its quotes close and no line continues it.
                    var state = Scanner.After(lines[i], Scanner.State.Code);
                    while ((state != Scanner.State.Code || lines[i].EndsWith('\\')) && ++i < lines.Length)
                    {
                        text.Add(lines[i]);
                        state = Scanner.After(lines[i], state);
                    }
                }
                var constant = SingleConstant().Match(lines[first]);
                parts._units.Add(new Unit(
                    function.Success ? function.Groups[1].Value : constant.Success ? constant.Groups[1].Value : null,
                    function.Success,
                    string.Join('\n', text)));
            }
            return parts;
        }

        public string For(string step)
        {
            var definitions = _units.Where(u => u.Defines is not null).ToDictionary(u => u.Defines!);
            var needed = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<string>(Uses(step, definitions.Values)
                .Concat(_units.Where(u => u.Defines is null).SelectMany(u => Uses(u.Text, definitions.Values))));
            while (pending.TryPop(out var name))
                if (needed.Add(name))
                    foreach (var used in Uses(definitions[name].Text, definitions.Values))
                        pending.Push(used);
            return string.Join("\n", _units.Where(u => u.Defines is null || needed.Contains(u.Defines)).Select(u => u.Text));
        }

        /// <summary>
        /// The definitions a text calls (functions: the name as a whole word of [A-Za-z0-9_-]) or
        /// expands (constants: $NAME or ${NAME}). Each text is read into its words and expansions
        /// once: a regex per definition and text made rendering take most of kata-argo's start-up.
        /// </summary>
        private static IEnumerable<string> Uses(string text, IEnumerable<Unit> definitions)
        {
            var words = Words().Matches(text).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
            var expansions = Expansions().Matches(text).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            return definitions.Where(d => (d.IsFunction ? words : expansions).Contains(d.Defines!)).Select(d => d.Defines!);
        }

        [GeneratedRegex(@"[A-Za-z0-9_-]+")]
        private static partial Regex Words();

        [GeneratedRegex(@"\$\{?([A-Za-z0-9_]+)")]
        private static partial Regex Expansions();

        private static bool IsComment(string line) =>
            line.TrimStart().StartsWith('#') && !line.TrimStart().StartsWith("# shellcheck", StringComparison.Ordinal)
            && !line.StartsWith("#!", StringComparison.Ordinal);

        [GeneratedRegex(@"^([a-z_][a-z0-9_]*)\(\) \{")]
        private static partial Regex FunctionStart();

        [GeneratedRegex(@"^[a-z_][a-z0-9_]*\(\) \{.*\}\s*$")]
        private static partial Regex OneLiner();

        [GeneratedRegex(@"^readonly ([A-Z_][A-Z0-9_]*)=")]
        private static partial Regex SingleConstant();
    }

    /// <summary>Just enough of bash's quoting to know whether a line ends inside a quoted string.</summary>
    private static class Scanner
    {
        public enum State
        {
            Code,
            SingleQuoted,
            DoubleQuoted,
        }

        public static State After(string line, State state)
        {
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                switch (state)
                {
                    case State.SingleQuoted when c == '\'':
                        state = State.Code;
                        break;
                    case State.DoubleQuoted when c == '\\':
                        i++;
                        break;
                    case State.DoubleQuoted when c == '"':
                        state = State.Code;
                        break;
                    case State.Code when c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])):
                        return state; // the rest of the line is a comment
                    case State.Code when c == '\\':
                        i++;
                        break;
                    case State.Code when c == '\'':
                        state = State.SingleQuoted;
                        break;
                    case State.Code when c == '"':
                        state = State.DoubleQuoted;
                        break;
                }
            }
            return state;
        }
    }
}
